import SQLKit

/// Brings a database's schema up to ``Migration/all``.
public enum Migrator {
    /// The table that records applied migrations.
    static let table = "sigil_schema_migrations"

    /// Applies every migration the database lacks, in one transaction.
    ///
    /// - Returns: the versions applied now (empty when the schema was current).
    /// - Throws: ``SigilError`` `.schema` when the database is newer than this build or a step fails.
    @discardableResult
    public static func migrate(_ database: some LogDatabase, migrations: [Migration] = Migration.all) async throws -> [Int] {
        let dialect = database.dialect
        let location = database.location
        return try await database.withTransaction { db in
            if dialect == .postgres {
                // Two processes migrating a fresh database at once: the second waits, then finds the work done.
                try await db.raw("SELECT pg_advisory_xact_lock(\(unsafeRaw: "7041902"))").run()
            }
            try await StoreFailure.wrap("create the migrations table", location) {
                try await db.create(table: table).ifNotExists()
                    .column("version", type: .bigint, .primaryKey(autoIncrement: false), .notNull)
                    .column("name", type: .text, .notNull)
                    .column("applied_at", type: .bigint, .notNull)
                    .run()
            }
            let rows = try await StoreFailure.wrap("read the schema version", location) {
                try await db.raw("SELECT version FROM \(ident: table)").all()
            }
            let applied = Set(try rows.map { try $0.decode(column: "version", as: Int64.self) })
            let latest = migrations.map(\.version).max() ?? 0
            if let newest = applied.max(), newest > Int64(latest) {
                throw SigilError(.schema, "the database \(location) has schema version \(newest); this Sigil knows up to \(latest) — upgrade Sigil before using it")
            }
            var done: [Int] = []
            for migration in migrations.sorted(by: { $0.version < $1.version }) where !applied.contains(Int64(migration.version)) {
                do {
                    try await migration.apply(db, dialect)
                    try await db.insert(into: table)
                        .columns("version", "name", "applied_at")
                        .values(SQLBind(Int64(migration.version)), SQLBind(migration.name), SQLBind(RecordTime.now().milliseconds))
                        .run()
                } catch let error as SigilError {
                    throw error
                } catch {
                    throw SigilError(.schema, "migration \(migration.version) (\(migration.name)) failed on \(location): \(String(reflecting: error))")
                }
                done.append(migration.version)
            }
            return done
        }
    }
}
