import SQLKit

/// One versioned step of a schema. Steps are applied in version order, each exactly once, inside the same
/// transaction that records it in its ``MigrationTrack``'s table; a database newer than this build is refused.
public struct Migration: Sendable {
    /// The schema version this step brings its track to.
    public let version: Int
    /// What the step does.
    public let name: String
    let apply: @Sendable (any SQLDatabase, StoreDialect) async throws -> Void

    /// A step of a module's own track (see ``MigrationTrack``).
    public init(version: Int, name: String, apply: @escaping @Sendable (any SQLDatabase, StoreDialect) async throws -> Void) {
        self.version = version
        self.name = name
        self.apply = apply
    }
}

/// The schema one module owns in the shared database: its migrations and the table that records them. The log,
/// the provider duties (`SigilCompliance`) and the API keys (`SigilAccess`) each keep a track, so each module's
/// tables evolve on their own.
///
/// Before the split every table was a step of the log's track (versions 3–5). A track lists the log versions
/// that already did its work (``adopted``); on a database made then, the first migration of the track records
/// them as its own applied versions instead of running them again.
public struct MigrationTrack: Sendable {
    /// The module, for messages.
    public let name: String
    /// The table recording the applied versions.
    public let table: String
    /// Every step this build knows, oldest first.
    public let migrations: [Migration]
    /// Log-track versions that did this track's steps before it existed: log version → this track's version.
    public let adopted: [Int: Int]
    /// Versions recorded in this track's table by steps that moved to other tracks (ignored).
    public let retired: Set<Int>

    public init(name: String, table: String, migrations: [Migration], adopted: [Int: Int] = [:], retired: Set<Int> = []) {
        self.name = name
        self.table = table
        self.migrations = migrations
        self.adopted = adopted
        self.retired = retired
    }

    /// The log's own tables. Versions 3 (API keys), 4 (provider duties) and 5 (generation reviews) were steps of
    /// this track before `SigilAccess` and `SigilCompliance` owned them; version 6 is the text-fingerprint index
    /// (decision 0606), so a new log step takes version 7 or later.
    public static let log = MigrationTrack(
        name: "log", table: "sigil_schema_migrations", migrations: [.createLog, .appendOnlyGuards, .textFingerprintIndex], retired: [3, 4, 5])
}
