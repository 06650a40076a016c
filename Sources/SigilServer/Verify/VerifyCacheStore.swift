import Foundation
import SQLKit
import Sigil

/// The verify cache's shared table (`verify_cache`) in the store's database, SQLite or PostgreSQL, on its own
/// ``MigrationTrack``: several servers on one PostgreSQL share their verdicts. Rows expire after ``retention``.
struct VerifyCacheStore: Sendable {
    let database: any LogDatabase

    /// How long a cached verdict is served (certificates expire, trust changes; a week bounds the table too).
    static let retention: Int64 = 7 * 24 * 3600 * 1000

    /// The verify cache's migrations.
    static let schema = MigrationTrack(name: "verify cache", table: "sigil_verify_cache_migrations", migrations: [.verifyCache])

    /// Brings the table up to date and returns the store.
    ///
    /// - Throws: ``SigilError`` `.schema`, `.store`.
    static func open(_ database: any LogDatabase) async throws -> VerifyCacheStore {
        try await Migrator.migrate(database, track: schema)
        return VerifyCacheStore(database: database)
    }

    /// The live verdict under `key`, or nil.
    func verdict(for key: String, now: RecordTime = .now()) async throws -> CachedVerdict? {
        let location = database.location
        let found: CachedVerdict? = try await database.withConnection { db in
            try await StoreFailure.wrap("read the verify cache", location) {
                guard
                    let row = try await db.raw(
                        "SELECT verdict, report, produce_id, perceptual_hash, created_at FROM verify_cache WHERE cache_key = \(bind: key)"
                    ).first(),
                    try row.decode(column: "created_at", as: Int64.self) >= now.milliseconds - Self.retention,
                    case .object(let members)? = try? JSONValue.parse(try row.decode(column: "report", as: String.self))
                else { return nil }
                return CachedVerdict(
                    report: members, verdict: try row.decode(column: "verdict", as: String.self),
                    produceID: try row.decode(column: "produce_id", as: String?.self),
                    perceptualHash: try row.decode(column: "perceptual_hash", as: Int64?.self).map { UInt64(bitPattern: $0) })
            }
        }
        return found
    }

    /// Stores verdicts in one transaction; a key already present keeps its row.
    func insert(_ verdicts: [(key: String, verdict: CachedVerdict)], now: RecordTime = .now()) async throws {
        let location = database.location
        try await database.withTransaction { db in
            try await StoreFailure.wrap("write the verify cache", location) {
                for (key, verdict) in verdicts {
                    try await db.raw(
                        """
                        INSERT INTO verify_cache (cache_key, verdict, report, produce_id, perceptual_hash, created_at)
                        VALUES (\(bind: key), \(bind: verdict.verdict), \(bind: JSONValue.object(verdict.report).serialized), \
                        \(bind: verdict.produceID), \(bind: verdict.perceptualHash.map { Int64(bitPattern: $0) }), \(bind: now.milliseconds))
                        ON CONFLICT (cache_key) DO NOTHING
                        """
                    ).run()
                }
            }
        }
    }

    /// Deletes the rows past ``retention``.
    func prune(now: RecordTime = .now()) async throws {
        let location = database.location
        try await database.withTransaction { db in
            try await StoreFailure.wrap("prune the verify cache", location) {
                try await db.raw("DELETE FROM verify_cache WHERE created_at < \(bind: now.milliseconds - Self.retention)").run()
            }
        }
    }
}

extension Migration {
    /// Verify cache version 1: `verify_cache` — verdicts by content hash and options fingerprint (decision 0407).
    static let verifyCache = Migration(version: 1, name: "verify cache") { db, _ in
        try await db.create(table: "verify_cache")
            .column("cache_key", type: .text, .primaryKey(autoIncrement: false), .notNull)
            .column("verdict", type: .text, .notNull)
            .column("report", type: .text, .notNull)
            .column("produce_id", type: .text)
            .column("perceptual_hash", type: .bigint)
            .column("created_at", type: .bigint, .notNull)
            .run()
        try await db.create(index: "verify_cache_created_at").on("verify_cache").column("created_at").run()
    }
}
