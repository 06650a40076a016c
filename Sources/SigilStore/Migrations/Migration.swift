import SQLKit

/// One versioned step of the store's schema. Steps are applied in version order, each exactly once, inside the
/// same transaction that records it in `sigil_schema_migrations`; a database newer than this build is refused.
public struct Migration: Sendable {
    /// The schema version this step brings the database to.
    public let version: Int
    /// What the step does.
    public let name: String
    let apply: @Sendable (any SQLDatabase, StoreDialect) async throws -> Void

    init(version: Int, name: String, apply: @escaping @Sendable (any SQLDatabase, StoreDialect) async throws -> Void) {
        self.version = version
        self.name = name
        self.apply = apply
    }

    /// Every migration this build knows, oldest first.
    public static let all: [Migration] = [.createLog, .appendOnlyGuards, .apiKeys, .providerDuties, .generationReviews]
}
