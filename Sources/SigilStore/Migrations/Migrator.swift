import SQLKit

/// Brings a database's schema up to a ``MigrationTrack``.
public enum Migrator {
    /// Applies every step of `track` the database lacks, in one transaction.
    ///
    /// - Returns: the versions applied now (empty when the schema was current; adopted versions are not listed).
    /// - Throws: ``SigilError`` `.schema` when the database is newer than this build or a step fails.
    @discardableResult
    public static func migrate(_ database: some LogDatabase, track: MigrationTrack = .log) async throws -> [Int] {
        let dialect = database.dialect
        let location = database.location
        return try await database.withTransaction { db in
            if dialect == .postgres {
                // Two processes migrating a fresh database at once: the second waits, then finds the work done.
                try await db.raw("SELECT pg_advisory_xact_lock(\(unsafeRaw: "7041902"))").run()
            }
            var applied = try await appliedVersions(track.table, db: db, location: location)
            if applied.isEmpty, !track.adopted.isEmpty {
                applied = try await adopt(track, db: db, location: location)
            }
            let latest = track.migrations.map(\.version).max() ?? 0
            if let newest = applied.subtracting(track.retired.map(Int64.init)).max(), newest > Int64(latest) {
                throw SigilError(
                    .schema,
                    "the database \(location) has \(track.name) schema version \(newest); this Sigil knows up to \(latest) — upgrade Sigil before using it"
                )
            }
            var done: [Int] = []
            for migration in track.migrations.sorted(by: { $0.version < $1.version }) where !applied.contains(Int64(migration.version)) {
                do {
                    try await migration.apply(db, dialect)
                    try await record(migration.version, migration.name, in: track.table, db: db)
                } catch let error as SigilError {
                    throw error
                } catch {
                    throw SigilError(
                        .schema,
                        "\(track.name) migration \(migration.version) (\(migration.name)) failed on \(location): \(String(reflecting: error))")
                }
                done.append(migration.version)
            }
            return done
        }
    }

    /// The versions recorded in `table`, creating it when missing.
    static func appliedVersions(_ table: String, db: any SQLDatabase, location: String) async throws -> Set<Int64> {
        try await StoreFailure.wrap("create the migrations table \(table)", location) {
            try await db.create(table: table).ifNotExists()
                .column("version", type: .bigint, .primaryKey(autoIncrement: false), .notNull)
                .column("name", type: .text, .notNull)
                .column("applied_at", type: .bigint, .notNull)
                .run()
        }
        let rows = try await StoreFailure.wrap("read the schema version in \(table)", location) {
            try await db.raw("SELECT version FROM \(ident: table)").all()
        }
        return Set(try rows.map { try $0.decode(column: "version", as: Int64.self) })
    }

    /// Records as applied the steps of `track` that the log's track ran before the split.
    static func adopt(_ track: MigrationTrack, db: any SQLDatabase, location: String) async throws -> Set<Int64> {
        let legacy = try await appliedVersions(MigrationTrack.log.table, db: db, location: location)
        var adopted: Set<Int64> = []
        for (logVersion, version) in track.adopted.sorted(by: { $0.key < $1.key }) where legacy.contains(Int64(logVersion)) {
            let name = track.migrations.first { $0.version == version }?.name ?? "step \(version)"
            try await StoreFailure.wrap("adopt log migration \(logVersion)", location) {
                try await record(version, "\(name) (applied as log migration \(logVersion))", in: track.table, db: db)
            }
            adopted.insert(Int64(version))
        }
        return adopted
    }

    static func record(_ version: Int, _ name: String, in table: String, db: any SQLDatabase) async throws {
        try await db.insert(into: table)
            .columns("version", "name", "applied_at")
            .values(SQLBind(Int64(version)), SQLBind(name), SQLBind(RecordTime.now().milliseconds))
            .run()
    }
}
