import SigilStore

/// The duties' tables, on their own ``MigrationTrack`` in the shared database (table
/// `sigil_compliance_migrations`). A database made before the split ran these steps as log versions 4 and 5;
/// its first migration here records them as applied, keeping every row.
public enum ComplianceSchema {
    /// Compliance's migrations.
    public static let track = MigrationTrack(
        name: "compliance", table: "sigil_compliance_migrations", migrations: [.providerDuties, .generationReviews], adopted: [4: 1, 5: 2])

    /// Brings the duties' tables up to date. Every program that opens the compliance stores calls it first.
    ///
    /// - Returns: the versions applied now.
    /// - Throws: ``SigilError`` `.schema`, `.store`.
    @discardableResult
    public static func migrate(_ database: any LogDatabase) async throws -> [Int] {
        try await Migrator.migrate(database, track: track)
    }
}
