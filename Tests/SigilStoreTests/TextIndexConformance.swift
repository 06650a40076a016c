import Foundation
import SQLKit
import SigilStore
import Testing

/// The text-fingerprint index (decision 0606), on every backend: exact within the radius, retention kept, derived
/// rows guarded like the entries, and filled by its migration for a log written before it.
extension StoreConformance {
    /// A record whose content fingerprint is the text SimHash `hash`.
    static func textRecord(_ i: Int, _ hash: UInt64, time: RecordTime = RecordTime(milliseconds: 1_757_000_000_000)) -> GenerationRecord {
        var record = Fixtures.record(i, time: time)
        record.fingerprint = .text(hash)
        return record
    }

    /// `hash` with `count` (at most 24) distinct bits flipped: spread evenly over the four 16-bit blocks (layout 0,
    /// 3 + 3 + 3 + 3 for 12, the pigeonhole's tightest case), in one run of neighbouring bits (1) or anywhere (2).
    static func flip(_ hash: UInt64, _ count: Int, layout: Int, _ random: inout SplitMix64) -> UInt64 {
        let positions: [Int]
        switch layout {
        case 0:
            let start = Int(random.next() % 4)
            positions = (0..<count).map { k in ((k + start) % 4) * 16 + k / 4 }
        case 1:
            let start = Int(random.next() % 64)
            positions = (0..<count).map { (start + $0) % 64 }
        default:
            positions = Array((0..<64).shuffled(using: &random).prefix(count))
        }
        return positions.reduce(hash) { $0 ^ (1 << UInt64($1)) }
    }

    /// Fingerprints at every distance 0…24 from three queries, in each layout, and unrelated ones: the lookup returns
    /// exactly those within the radius (checked against a brute-force scan), with their distances.
    func textFingerprintIndex(_ database: any LogDatabase) async throws {
        let store = try await LogStore.open(database, configuration: Fixtures.configuration())
        var random = SplitMix64(seed: 0x0606)
        let queries = (0..<3).map { _ in random.next() }
        var hashes: [UInt64] = (0..<200).map { _ in random.next() }
        for query in queries {
            for distance in 0...24 {
                for layout in 0..<3 { hashes.append(Self.flip(query, distance, layout: layout, &random)) }
            }
        }
        try await store.append(hashes.enumerated().map { Self.textRecord($0, $1) })
        try await store.append(Fixtures.records(1000..<1010)) // image fingerprints: not indexed
        let indexed = try await database.withConnection { db in
            try await db.raw("SELECT COUNT(*) AS n FROM log_text_fingerprints").first()!.decode(column: "n", as: Int.self)
        }
        #expect(indexed == hashes.count)
        for query in queries {
            for radius in [0, 3, 12, 15] {
                let expected = hashes.enumerated().filter { ($0.element ^ query).nonzeroBitCount <= radius }.map { UInt64($0.offset) }
                let found = try await store.records(nearTextHash: query, within: radius)
                #expect(found.map(\.index) == expected, "radius \(radius)")
                #expect(found.allSatisfy { $0.distance == ($0.record.fingerprint!.textHash! ^ query).nonzeroBitCount })
                #expect(Set(found.map(\.distance)) == Set(0...radius), "every distance 0…\(radius) is found")
            }
        }
        await #expect(throws: SigilError(.usage, "")) { _ = try await store.records(nearTextHash: 0, within: 16) }
        // The derived rows are append-only like the entries.
        await #expect(throws: (any Error).self) {
            try await database.withTransaction { db in try await db.raw("DELETE FROM log_text_fingerprints").run() }
        }
    }

    /// Expired entries stay unreadable through the index (decision 0305), and an index row that disagrees with its
    /// entry never makes a match: the entry's own fingerprint decides.
    func textIndexKeepsRetention(_ database: any LogDatabase) async throws {
        let store = try await LogStore.open(database, configuration: Fixtures.configuration())
        let now = RecordTime.now()
        let hash: UInt64 = 0x0123_4567_89AB_CDEF
        try await store.append([Self.textRecord(0, hash)], now: RecordTime(milliseconds: now.milliseconds - 200 * 86_400_000))
        try await store.append([Self.textRecord(1, hash ^ 0b111), Self.textRecord(2, ~hash), Fixtures.record(3)], now: now)
        let found = try await store.records(nearTextHash: hash, within: 12)
        #expect(found.map(\.index) == [1] && found.map(\.distance) == [3])
        // A forged index row pointing at an entry without a text fingerprint.
        try await database.withTransaction { db in
            try await db.raw(
                "INSERT INTO log_text_fingerprints (idx, hash, b0, b1, b2, b3) VALUES (3, \(bind: Int64(bitPattern: hash)), 291, 17767, 35243, 52719)"
            ).run()
        }
        #expect(try await store.records(nearTextHash: hash, within: 12).map(\.index) == [1])
    }

    /// A log written before the index (log versions 1 and 2 only) with text records: the migration fills the index,
    /// and the records are found.
    func textIndexBackfill(_ database: any LogDatabase) async throws {
        let before = MigrationTrack(name: "log", table: "sigil_schema_migrations", migrations: Array(MigrationTrack.log.migrations.prefix(2)))
        #expect(try await Migrator.migrate(database, track: before) == [1, 2])
        var random = SplitMix64(seed: 0x0606_0002)
        let query = random.next()
        let records = (0..<2500).map { i in
            Self.textRecord(i, i % 100 == 0 ? Self.flip(query, i / 100 % 13, layout: i % 3, &random) : random.next())
        }
        // The rows the earlier append wrote: entries and the sequence, nothing else.
        try await database.withTransaction { db in
            for (i, record) in records.enumerated() {
                try await db.insert(into: "log_entries").columns("idx", "produce_id", "account", "logged_at", "entry")
                    .values(
                        SQLBind(Int64(i)), SQLBind(record.produceID), SQLBind(record.account), SQLBind(RecordTime.now().milliseconds),
                        SQLBind(Data(try record.entry()))
                    ).run()
            }
            try await db.raw("UPDATE log_sequence SET next_index = \(bind: Int64(records.count)) WHERE id = 1").run()
        }
        let store = try await LogStore.open(database, configuration: Fixtures.configuration())
        let versions = try await database.withConnection { db in
            try await db.raw("SELECT version FROM sigil_schema_migrations ORDER BY version").all().map {
                try $0.decode(column: "version", as: Int.self)
            }
        }
        #expect(versions == [1, 2, 6])
        let expected = records.enumerated().filter { ($0.element.fingerprint!.textHash! ^ query).nonzeroBitCount <= 12 }.map { UInt64($0.offset) }
        #expect(expected.count >= 25)
        #expect(try await store.records(nearTextHash: query, within: 12).map(\.index) == expected)
        #expect(try await store.latestCheckpoint().checkpoint.size == UInt64(records.count))
        #expect(try await store.audit().isClean)
    }
}
