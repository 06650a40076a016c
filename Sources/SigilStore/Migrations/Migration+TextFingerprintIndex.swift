import Foundation
import SQLKit

extension Migration {
    /// Version 6: the index of text fingerprints (decision 0606).
    ///
    /// `log_text_fingerprints` holds, for every entry whose content fingerprint is `text-simhash64`, its index, the
    /// 64 bits (as a signed 64-bit integer) and the four 16-bit blocks of them, each block with its own SQL index.
    /// It is derived data: ``LogStore/append(_:now:)`` fills it in the transaction that inserts the entry, this step
    /// fills it for the entries already logged, and a lookup decodes the entry itself before it reports a match. Like
    /// the entries, its rows are never updated or deleted (the same append-only triggers).
    static let textFingerprintIndex = Migration(version: 6, name: "text fingerprint index") { db, dialect in
        try await db.create(table: TextFingerprintIndex.table)
            .column("idx", type: .bigint, .primaryKey(autoIncrement: false), .notNull)
            .column("hash", type: .bigint, .notNull)
            .column("b0", type: .int, .notNull)
            .column("b1", type: .int, .notNull)
            .column("b2", type: .int, .notNull)
            .column("b3", type: .int, .notNull)
            .run()
        for block in TextFingerprintIndex.blockColumns {
            try await db.create(index: "\(TextFingerprintIndex.table)_\(block)").on(TextFingerprintIndex.table).column(block).run()
        }
        try await appendOnly([TextFingerprintIndex.table], db: db, dialect: dialect)
        try await TextFingerprintIndex.backfill(db)
    }
}

/// The SQL side of the text-fingerprint index (multi-index hashing over four 16-bit blocks, decision 0606).
enum TextFingerprintIndex {
    static let table = "log_text_fingerprints"
    static let blockColumns = ["b0", "b1", "b2", "b3"]
    /// Entries read per page while the migration fills the index.
    static let backfillPage = 2000
    /// Rows per INSERT (six bound values each, well under SQLite's 32,766).
    static let rowsPerInsert = 1000

    /// Block `i` (0 = the most significant 16 bits) of `hash`.
    static func block(_ hash: UInt64, _ i: Int) -> Int {
        Int(truncatingIfNeeded: (hash >> UInt64(48 - 16 * i)) & 0xFFFF)
    }

    /// Every 16-bit mask with at most `weight` bits set (697 for weight 3), lightest first.
    static func masks(weight: Int) -> [Int] {
        (0..<0x1_0000).filter { $0.nonzeroBitCount <= weight }.sorted { ($0.nonzeroBitCount, $0) < ($1.nonzeroBitCount, $1) }
    }

    /// The masks of weight ≤ 3, the per-block radius of every lookup radius up to 15.
    static let masksUpTo3 = masks(weight: 3)

    /// Inserts the index rows of `rows` (entry index, SimHash).
    static func insert(_ rows: [(index: Int64, hash: UInt64)], _ db: any SQLDatabase) async throws {
        var position = 0
        while position < rows.count {
            let chunk = rows[position..<min(position + rowsPerInsert, rows.count)]
            var insert = db.insert(into: table).columns(["idx", "hash"] + blockColumns)
            for row in chunk {
                let values: [any SQLExpression] =
                    [SQLBind(row.index), SQLBind(Int64(bitPattern: row.hash))] + (0..<4).map { SQLBind(Int32(block(row.hash, $0))) }
                insert = insert.values(values)
            }
            try await insert.run()
            position += chunk.count
        }
    }

    /// Fills the index from the entries already in the log (the migration step; entries that do not decode are left
    /// to the audit, which names them).
    static func backfill(_ db: any SQLDatabase) async throws {
        let needle = Array("\"type\":\"\(ContentFingerprint.textSimHash64)\"".utf8)
        var position: Int64 = 0
        while true {
            let rows = try await db.raw(
                "SELECT idx, entry FROM log_entries WHERE idx >= \(bind: position) ORDER BY idx LIMIT \(unsafeRaw: String(backfillPage))"
            ).all().map { (try $0.decode(column: "idx", as: Int64.self), [UInt8](try $0.decode(column: "entry", as: Data.self))) }
            var found: [(index: Int64, hash: UInt64)] = []
            for (index, entry) in rows where LogStore.contains(entry, needle) {
                if let hash = (try? GenerationRecord(entry: entry))?.fingerprint?.textHash { found.append((index, hash)) }
            }
            try await insert(found, db)
            guard let last = rows.last, rows.count == backfillPage else { return }
            position = last.0 + 1
        }
    }

    /// The entries whose indexed SimHash is within `radius` (0…15) bits of `hash`, as (index, indexed hash).
    ///
    /// Any two 64-bit values within `radius` bits agree within `radius / 4` bits in at least one of their four 16-bit
    /// blocks (pigeonhole), so the rows whose block i is one of the values within that distance of the query's block
    /// i, for some i, hold every match; the full distance is checked on them.
    static func candidates(near hash: UInt64, radius: Int, _ db: any SQLDatabase) async throws -> [(index: Int64, hash: UInt64)] {
        let perBlock = radius / 4
        let masks = masksUpTo3.filter { $0.nonzeroBitCount <= perBlock }
        let clauses = (0..<4).map { i in
            let target = block(hash, i)
            return "\(blockColumns[i]) IN (\(masks.map { String(target ^ $0) }.joined(separator: ",")))"
        }
        // The values are integers computed here, not input, so they are written into the statement, not bound.
        let rows = try await db.raw("SELECT idx, hash FROM \(ident: table) WHERE \(unsafeRaw: clauses.joined(separator: " OR "))").all()
        return try rows.compactMap { row in
            let index = try row.decode(column: "idx", as: Int64.self)
            let stored = UInt64(bitPattern: try row.decode(column: "hash", as: Int64.self))
            return (stored ^ hash).nonzeroBitCount <= radius ? (index, stored) : nil
        }
    }
}
