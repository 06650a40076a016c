import Foundation
import SQLKit
import SigilStore
import SigilStorePostgres
import NIOPosix
import Testing
import SigilTestSupport

/// The backends the conformance suite runs on.
enum Backend: String, Sendable, CustomTestStringConvertible {
    case sqlite
    case postgres

    var testDescription: String { rawValue }

    /// A fresh, empty database: a new SQLite file in a temporary folder, or a new database on the test server.
    func makeDatabase() async throws -> any LogDatabase {
        switch self {
        case .sqlite:
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sigil-store-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            return try await SQLiteLogDatabase.open(path: folder.appendingPathComponent("sigil.sqlite").path)
        case .postgres:
            return try await PostgresLogDatabase.connect(url: try await PostgresTestServer.freshDatabaseURL())
        }
    }

    /// A second connection to the same database as `database`.
    /// The thread pool of second SQLite connections (see ``SQLiteLogDatabase/open(path:threadPool:)``); it lives as
    /// long as the test process.
    static let secondPool: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: 2)
        pool.start()
        return pool
    }()

    func reconnect(_ database: any LogDatabase) async throws -> any LogDatabase {
        switch self {
        case .sqlite: try await SQLiteLogDatabase.open(path: database.location, threadPool: Self.secondPool)
        case .postgres: try await PostgresLogDatabase.connect(url: database.location)
        }
    }
}

/// Sample records and keys for the store tests.
enum Fixtures {
    static let signingKey: [UInt8] = Array(repeating: 0x42, count: 32)
    static let otherKey: [UInt8] = Array(repeating: 0x17, count: 32)
    static let origin = "log.example/aigc-test"
    static let pseudonymizer = try! Pseudonymizer(key: Array(repeating: 9, count: 32))

    static func configuration(key: [UInt8]? = signingKey, origin: String? = origin) -> LogConfiguration {
        LogConfiguration(origin: origin, signingKey: key)
    }

    static func record(_ i: Int, time: RecordTime = RecordTime(milliseconds: 1_757_000_000_000)) -> GenerationRecord {
        var sha = [UInt8](repeating: 0, count: 32)
        withUnsafeBytes(of: UInt64(i).bigEndian) { sha.replaceSubrange(24..<32, with: $0) }
        return GenerationRecord(
            produceID: String(format: "0199%028x", i), producer: "001191110102MACQD9K64010000",
            serviceCategory: ServiceCategory.allCases[i % ServiceCategory.allCases.count], model: "test-model-\(i % 3)",
            account: try! pseudonymizer.tag("user-\(i % 17)"), time: time, contentSHA256: sha,
            perceptualHash: UInt64(i) &* 0x9E37_79B9_7F4A_7C15, marks: i % 5 == 0 ? ["implicit"] : ["explicit", "implicit"],
            explicitLabelOptOut: i % 5 == 0 ? .init(agreementVersion: "2025-09", recipient: try! pseudonymizer.tag("user-\(i % 17)")) : nil
        )
    }

    static func records(_ range: Range<Int>) -> [GenerationRecord] { range.map { record($0) } }
}

/// One conformance suite, run unchanged against every backend (the SQLKitBenchmark idea): whatever the SQLite
/// store guarantees, the PostgreSQL store guarantees too.
struct StoreConformance {
    let backend: Backend

    enum Case: String, CaseIterable, Sendable, CustomTestStringConvertible {
        case migrations, emptyLog, appendIntegrateProve, tilesAcrossBoundaries, identityIsChecked, retention, appendOnlyTriggers,
            invalidRecordsAreRefused, concurrentAppends, pendingEntriesIntegrateOnOpen, auditDetectsTampering, integrationRefusesChangedTiles,
            textFingerprintIndex, textIndexKeepsRetention, textIndexBackfill
        var testDescription: String { rawValue }
    }

    func run(_ testCase: Case) async throws {
        try await Self.closing(try await backend.makeDatabase()) { try await run(testCase, $0) }
    }

    /// Runs `body` on `database` and closes it on every path: an SQLite connection dropped unclosed stops a debug
    /// build with an assertion, which would hide the error that ended the test.
    static func closing(_ database: any LogDatabase, _ body: (any LogDatabase) async throws -> Void) async throws {
        do {
            try await body(database)
        } catch {
            try? await database.close()
            throw error
        }
        try await database.close()
    }

    func run(_ testCase: Case, _ database: any LogDatabase) async throws {
        switch testCase {
        case .migrations: try await migrations(database)
        case .emptyLog: try await emptyLog(database)
        case .appendIntegrateProve: try await appendIntegrateProve(database)
        case .tilesAcrossBoundaries: try await tilesAcrossBoundaries(database)
        case .identityIsChecked: try await identityIsChecked(database)
        case .retention: try await retention(database)
        case .appendOnlyTriggers: try await appendOnlyTriggers(database)
        case .invalidRecordsAreRefused: try await invalidRecordsAreRefused(database)
        case .concurrentAppends: try await concurrentAppends(database)
        case .pendingEntriesIntegrateOnOpen: try await pendingEntriesIntegrateOnOpen(database)
        case .auditDetectsTampering: try await auditDetectsTampering(database)
        case .integrationRefusesChangedTiles: try await integrationRefusesChangedTiles(database)
        case .textFingerprintIndex: try await textFingerprintIndex(database)
        case .textIndexKeepsRetention: try await textIndexKeepsRetention(database)
        case .textIndexBackfill: try await textIndexBackfill(database)
        }
    }

    func migrations(_ database: any LogDatabase) async throws {
        #expect(try await Migrator.migrate(database) == MigrationTrack.log.migrations.map(\.version))
        #expect(try await Migrator.migrate(database) == [])
        // A database from a newer Sigil is refused, not guessed at.
        try await database.withTransaction { db in
            try await db.raw("INSERT INTO sigil_schema_migrations (version, name, applied_at) VALUES (99, 'future', 0)").run()
        }
        await #expect(throws: SigilError(.schema, "")) { try await Migrator.migrate(database) }
    }

    func emptyLog(_ database: any LogDatabase) async throws {
        let store = try await LogStore.open(database, configuration: Fixtures.configuration())
        let latest = try await store.latestCheckpoint()
        #expect(latest.checkpoint == Checkpoint(origin: Fixtures.origin, size: 0, root: Merkle.emptyRoot))
        #expect(try Checkpoint(note: latest.note, verifiers: [store.verifier!], origin: Fixtures.origin) == latest.checkpoint)
        #expect(try await store.integrate().added == 0)
        #expect(try await store.checkpoint(size: 0) == latest)
        await #expect(throws: SigilError(.notFound, "")) { _ = try await store.entry(at: 0) }
        #expect(try await store.audit().isClean)
    }

    func appendIntegrateProve(_ database: any LogDatabase) async throws {
        let store = try await LogStore.open(database, configuration: Fixtures.configuration())
        let records = Fixtures.records(0..<300)
        var sizes: [UInt64] = [0]
        for batch in [0..<1, 1..<100, 100..<257, 257..<300] {
            let range = try await store.append(Array(records[batch]))
            #expect(range == UInt64(batch.lowerBound)..<UInt64(batch.upperBound))
            let integration = try await store.integrate()
            #expect(integration.added == UInt64(batch.count))
            #expect(integration.checkpoint.checkpoint.size == UInt64(batch.upperBound))
            sizes.append(UInt64(batch.upperBound))
        }
        let leaves = try records.map { try $0.leafHash() }
        let latest = try await store.latestCheckpoint().checkpoint
        #expect(latest.root == Merkle.root(of: leaves))
        for index in 0..<UInt64(records.count) {
            let proof = try await store.inclusionProof(index: index)
            try proof.verify(leafHash: leaves[Int(index)], root: latest.root)
            #expect(try await store.entry(at: index) == records[Int(index)].entry())
        }
        // Every signed checkpoint is consistent with every later one.
        for (i, old) in sizes.enumerated() {
            for new in sizes[i...] {
                let proof = try await store.consistencyProof(oldSize: old, newSize: new)
                try proof.verify(oldRoot: Merkle.root(of: leaves.prefix(Int(old))), newRoot: Merkle.root(of: leaves.prefix(Int(new))))
            }
        }
        // Offline proofs against an older signed size, and lookups by ProduceID.
        let tlog = try await store.tlogProof(index: 42, size: 100)
        #expect(try TlogProof(text: tlog.text) == tlog)
        #expect(try tlog.verify(leafHash: Merkle.leafHash(tlog.extra!), verifiers: [store.verifier!], origin: Fixtures.origin).size == 100)
        await #expect(throws: SigilError(.notFound, "")) { _ = try await store.tlogProof(index: 1, size: 50) }
        await #expect(throws: SigilError(.notFound, "")) { _ = try await store.inclusionProof(index: 300) }
        let found = try await store.records(produceID: records[7].produceID)
        #expect(found.count == 1 && found[0].index == 7 && found[0].record == records[7])
        let audit = try await store.audit()
        #expect(audit.isClean, "\(audit.problems)")
        #expect(audit.entries == 300 && audit.checkpoints == 5 && audit.root == latest.root)
    }

    func tilesAcrossBoundaries(_ database: any LogDatabase) async throws {
        let store = try await LogStore.open(database, configuration: Fixtures.configuration())
        let records = Fixtures.records(0..<1000)
        try await store.append(records)
        try await store.integrate()
        let leaves = try records.map { try $0.leafHash() }
        #expect(try await store.tile(level: 0, index: 0) == Array(leaves[0..<256]))
        #expect(try await store.tile(level: 0, index: 3) == Array(leaves[768..<1000]))
        #expect(try await store.tile(level: 1, index: 0) == (0..<3).map { Merkle.root(of: leaves[($0 * 256)..<($0 * 256 + 256)]) })
        await #expect(throws: SigilError(.notFound, "")) { _ = try await store.tile(level: 0, index: 4) }
        for size: UInt64 in [1, 255, 256, 257, 511, 512, 999, 1000] {
            let tree = TiledTree(size: size)
            let root = try await tree.root(reading: store.tiles)
            #expect(root == Merkle.root(of: leaves.prefix(Int(size))))
            for index in [0, size / 2, size - 1] {
                try await store.inclusionProof(index: index, size: size).verify(leafHash: leaves[Int(index)], root: root)
            }
        }
    }

    func identityIsChecked(_ database: any LogDatabase) async throws {
        let store = try await LogStore.open(database, configuration: Fixtures.configuration())
        try await store.append(Fixtures.records(0..<3))
        try await store.integrate()
        let second = try await backend.reconnect(database)
        defer { Task { try? await second.close() } }
        await #expect(throws: SigilError(.usage, "")) {
            _ = try await LogStore.open(second, configuration: Fixtures.configuration(origin: "other.example/log"))
        }
        await #expect(throws: SigilError(.invalidKey, "")) {
            _ = try await LogStore.open(second, configuration: Fixtures.configuration(key: Fixtures.otherKey))
        }
        // No origin given: the stored one. No key: read-only.
        let readOnly = try await LogStore.open(second, configuration: Fixtures.configuration(key: nil, origin: nil))
        #expect(readOnly.origin == Fixtures.origin)
        #expect(try await readOnly.latestCheckpoint().checkpoint.size == 3)
        await #expect(throws: SigilError(.usage, "")) { try await readOnly.integrate() }
        await #expect(throws: SigilError(.usage, "")) { _ = try await readOnly.audit() }
        #expect(try await readOnly.audit(verifiers: [store.verifier!]).isClean)
        await #expect(throws: SigilError(.usage, "")) {
            _ = try await LogStore.open(second, configuration: LogConfiguration(origin: "has space", signingKey: Fixtures.signingKey))
        }
        try await second.close()
    }

    func retention(_ database: any LogDatabase) async throws {
        await #expect(throws: SigilError(.usage, "")) {
            _ = try await LogStore.open(
                database, configuration: LogConfiguration(origin: Fixtures.origin, retentionDays: 30, signingKey: Fixtures.signingKey))
        }
        let store = try await LogStore.open(database, configuration: Fixtures.configuration())
        #expect(store.retentionDays == LogConfiguration.defaultRetentionDays)
        let now = RecordTime.now()
        let old = RecordTime(milliseconds: now.milliseconds - 200 * 86_400_000)
        try await store.append(Fixtures.records(0..<2), now: old)
        try await store.append(Fixtures.records(2..<3), now: now)
        try await store.integrate()
        // Expired: the bytes are denied, the leaf stays provable.
        await #expect(throws: SigilError(.expired, "")) { _ = try await store.entry(at: 0) }
        #expect(try await store.entry(at: 2) == Fixtures.record(2).entry())
        let latest = try await store.latestCheckpoint().checkpoint
        try await store.inclusionProof(index: 0).verify(leafHash: Fixtures.record(0).leafHash(), root: latest.root)
        #expect(try await store.records(produceID: Fixtures.record(0).produceID).isEmpty)
        #expect(try await store.audit().isClean)
        // A longer period makes them readable again (nothing was deleted).
        let longer = try await LogStore.open(database, configuration: LogConfiguration(retentionDays: 400, signingKey: Fixtures.signingKey))
        #expect(try await longer.entry(at: 0) == Fixtures.record(0).entry())
    }

    func appendOnlyTriggers(_ database: any LogDatabase) async throws {
        let store = try await LogStore.open(database, configuration: Fixtures.configuration())
        try await store.append(Fixtures.records(0..<3))
        try await store.integrate()
        for statement in [
            "UPDATE log_entries SET produce_id = 'x' WHERE idx = 1", "DELETE FROM log_entries WHERE idx = 2", "DELETE FROM log_checkpoints",
        ] {
            await #expect(throws: (any Error).self) {
                try await database.withTransaction { db in try await db.raw(SQLQueryString(statement)).run() }
            }
        }
        #expect(try await store.audit().isClean)
    }

    func invalidRecordsAreRefused(_ database: any LogDatabase) async throws {
        let store = try await LogStore.open(database, configuration: Fixtures.configuration())
        var bad = Fixtures.record(1)
        bad.contentSHA256 = [1, 2, 3]
        await #expect(throws: SigilError(.invalidRecord, "")) { try await store.append([Fixtures.record(0), bad]) }
        var raw = Fixtures.record(2)
        raw.account = "alice@example.com"
        await #expect(throws: SigilError(.invalidRecord, "")) { try await store.append([raw]) }
        #expect(try await store.nextIndex() == 0)
    }

    func concurrentAppends(_ database: any LogDatabase) async throws {
        let first = try await LogStore.open(database, configuration: Fixtures.configuration())
        try await Self.closing(try await backend.reconnect(database)) { secondDatabase in
            try await appendFromBothConnections(first: first, secondDatabase: secondDatabase)
        }
    }

    private func appendFromBothConnections(first: LogStore, secondDatabase: any LogDatabase) async throws {
        let second = try await LogStore.open(secondDatabase, configuration: Fixtures.configuration())
        let ranges = try await withThrowingTaskGroup(of: [Range<UInt64>].self) { group in
            for (n, store) in [first, second].enumerated() {
                group.addTask {
                    var ranges: [Range<UInt64>] = []
                    for batch in 0..<10 {
                        let base = n * 1000 + batch * 20
                        ranges.append(try await store.append(Fixtures.records(base..<(base + 20))))
                        if batch % 3 == 0 { try await store.integrate() }
                    }
                    return ranges
                }
            }
            var all: [Range<UInt64>] = []
            for try await ranges in group { all += ranges }
            return all
        }
        let covered = ranges.flatMap { Array($0) }.sorted()
        #expect(covered == Array(0..<400))
        try await first.integrate()
        let audit = try await second.audit()
        #expect(audit.isClean, "\(audit.problems)")
        #expect(audit.integratedSize == 400)
    }

    func pendingEntriesIntegrateOnOpen(_ database: any LogDatabase) async throws {
        var configuration = Fixtures.configuration()
        configuration.integrateOnOpen = false
        let store = try await LogStore.open(database, configuration: configuration)
        try await store.append(Fixtures.records(0..<50))
        // "Crash" before integrating: the entries are acknowledged but not in any checkpoint.
        #expect(try await store.latestCheckpoint().checkpoint.size == 0)
        let before = try await store.audit()
        #expect(before.isClean && before.pending == 50)
        let reopened = try await LogStore.open(try await backend.reconnect(database), configuration: Fixtures.configuration())
        #expect(try await reopened.latestCheckpoint().checkpoint.size == 50)
        let after = try await reopened.audit()
        #expect(after.isClean && after.pending == 0 && after.integratedSize == 50)
        try await reopened.close()
    }

    /// Rewrites history behind Sigil's back (dropping the append-only triggers first, as an attacker with database
    /// access would) and checks the audit names each change.
    func auditDetectsTampering(_ database: any LogDatabase) async throws {
        let store = try await LogStore.open(database, configuration: Fixtures.configuration())
        try await store.append(Fixtures.records(0..<40))
        try await store.integrate()
        try await store.append(Fixtures.records(40..<60))
        try await store.integrate()
        #expect(try await store.audit().isClean)
        try await dropGuards(database)

        // A rewritten record: same ProduceID, another account.
        var forged = Fixtures.record(5)
        forged.account = try Fixtures.pseudonymizer.tag("someone-else")
        let forgedEntry = try forged.entry()
        try await database.withTransaction { db in
            try await db.raw("UPDATE log_entries SET entry = \(bind: Data(forgedEntry)) WHERE idx = 5").run()
        }
        await #expect(throws: SigilError(.inconsistentTree, "")) { _ = try await store.tlogProof(index: 5) }
        var audit = try await store.audit()
        #expect(!audit.isClean)
        #expect(audit.problems.contains { $0.contains("checkpoint of size 40") })
        #expect(audit.problems.contains { $0.contains("tile") })

        // A forged checkpoint (signed by another key) and a deleted entry are named too.
        let other = try NoteSigner(name: Fixtures.origin, seed: Fixtures.otherKey)
        let note = try Checkpoint(origin: Fixtures.origin, size: 61, root: Merkle.emptyRoot).signed(by: other).formatted
        try await database.withTransaction { db in
            try await db.raw(
                "INSERT INTO log_checkpoints (size, root, note, signed_at) VALUES (61, \(bind: Data(Merkle.emptyRoot.bytes)), \(bind: note), 0)"
            ).run()
            try await db.raw("DELETE FROM log_entries WHERE idx = 50").run()
        }
        audit = try await store.audit()
        #expect(audit.problems.contains { $0.contains("size 61") })
        #expect(audit.problems.contains { $0.contains("50") && $0.contains("missing") })
    }

    func integrationRefusesChangedTiles(_ database: any LogDatabase) async throws {
        let store = try await LogStore.open(database, configuration: Fixtures.configuration())
        try await store.append(Fixtures.records(0..<10))
        try await store.integrate()
        // Change the partial tile the next integration extends: the log must not sign on top of it.
        let tile = try await store.tile(level: 0, index: 0)
        var changed = tile
        changed[3] = Merkle.leafHash([0xEE])
        let bytes = HashTile.encode(changed)
        try await database.withTransaction { db in
            try await db.raw("UPDATE log_tiles SET hashes = \(bind: Data(bytes)) WHERE level = 0 AND idx = 0").run()
        }
        try await store.append(Fixtures.records(10..<12))
        await #expect(throws: SigilError(.inconsistentTree, "")) { try await store.integrate() }
        #expect(try await store.latestCheckpoint().checkpoint.size == 10)
        #expect(try await store.checkpoint(size: 12) == nil)
    }

    func dropGuards(_ database: any LogDatabase) async throws {
        let statements: [String] =
            switch backend {
            case .sqlite:
                [
                    "DROP TRIGGER log_entries_no_update", "DROP TRIGGER log_entries_no_delete", "DROP TRIGGER log_checkpoints_no_update",
                    "DROP TRIGGER log_checkpoints_no_delete",
                ]
            case .postgres: ["DROP TRIGGER log_entries_append_only ON log_entries", "DROP TRIGGER log_checkpoints_append_only ON log_checkpoints"]
            }
        try await database.withTransaction { db in
            for statement in statements { try await db.raw(SQLQueryString(statement)).run() }
        }
    }
}
