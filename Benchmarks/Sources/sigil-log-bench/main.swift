// sigil-log-bench: the generation-record log's throughput and latencies (docs/SCALING.md).
//
//   sigil-log-bench [--records N] [--batch B] [--big-leaves N] [--skip-postgres] [--skip-big]
//
// Measures, in one run, on this machine:
//  1. SQLite: batched appends/s through LogStore, beside raw batched INSERTs of the same rows through the same
//     SQLKit connection (the anchor); integration time of the whole backlog; append+integrate per batch.
//  2. PostgreSQL (a throwaway server started like the tests do, default durability settings): the same.
//  3. Proof latency (inclusion, consistency, offline tlog-proof) on the SQLite log of N records, and on a
//     SQLite tile store holding a synthetic tree of --big-leaves leaves (tiles only; proofs read nothing else).
//  4. Checkpoint latency: one pending entry integrated and signed, vs the bare Ed25519 note signature.
import Foundation
import Histogram
import SQLKit
import SigilLedger
import SigilStore
import SigilStorePostgres

#if canImport(Glibc)
    import Glibc
#endif

// MARK: - Options

var options = (records: 1_000_000, batch: 1000, bigLeaves: 10_000_000, postgres: true, big: true)
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
    switch argument {
    case "--records": options.records = Int(arguments.popFirst() ?? "") ?? options.records
    case "--batch": options.batch = Int(arguments.popFirst() ?? "") ?? options.batch
    case "--big-leaves": options.bigLeaves = Int(arguments.popFirst() ?? "") ?? options.bigLeaves
    case "--skip-postgres": options.postgres = false
    case "--skip-big": options.big = false
    default:
        FileHandle.standardError.write(Data("unknown argument \(argument)\n".utf8))
        exit(2)
    }
}

// MARK: - Helpers

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

struct Latency {
    var histogram = Histogram<UInt64>(highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: .three)
    mutating func record(_ duration: Duration) { histogram.record(UInt64(max(1, seconds(duration) * 1e6))) }
    func ms(_ percentile: Double) -> String { String(format: "%.2f", Double(histogram.valueAtPercentile(percentile)) / 1000) }
    var summary: String {
        "p50 \(ms(50)) ms, p99 \(ms(99)) ms, max \(String(format: "%.2f", Double(histogram.max) / 1000)) ms (n=\(histogram.totalCount))"
    }
}

func say(_ text: String) {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
}

let pseudonymizer = try Pseudonymizer(key: Array(repeating: 3, count: 32))
let signingKey = NoteSigner.generateSeed()
let origin = "bench.sigil.local/log"

func record(_ i: Int) -> GenerationRecord {
    var sha = [UInt8](repeating: 0, count: 32)
    withUnsafeBytes(of: UInt64(i).bigEndian) { sha.replaceSubrange(0..<8, with: $0) }
    return GenerationRecord(
        produceID: String(format: "019a%012x%016x", i, UInt64(i) &* 0x9E37_79B9_7F4A_7C15), producer: "001191110102MACQD9K64010000",
        serviceCategory: .other, model: "bench-model-1", account: try! pseudonymizer.tag("user-\(i % 100_000)"),
        time: RecordTime(milliseconds: 1_760_000_000_000 + Int64(i)), contentSHA256: sha, perceptualHash: UInt64(i) &* 0xD6E8_FEB8_6659_FD93,
        watermarkPayload: [1, 2, 3, 4, 5, 6, 7, 8], marks: ["explicit", "implicit", "watermark"]
    )
}

// MARK: - Throughput on one backend

struct Throughput {
    var appendsPerSecond = 0.0
    var anchorPerSecond = 0.0
    var integrateSeconds = 0.0
    var steadyPerSecond = 0.0
    var stepLatency = Latency()
    var entryBytes = 0
}

/// Appends `count` records in batches, integrates the backlog, then measures append+integrate per batch. The anchor:
/// raw INSERTs of the same rows, same batching, into a table of the same shape and indexes, in another database on the
/// same storage — what the database alone costs, without Sigil's sequencing, encoding and validation.
func throughput(_ database: any LogDatabase, anchor anchorDatabase: any LogDatabase, count: Int, batch: Int, label: String) async throws -> (
    Throughput, LogStore
) {
    var configuration = LogConfiguration(origin: origin, signingKey: signingKey)
    configuration.integrateOnOpen = false
    let store = try await LogStore.open(database, configuration: configuration)
    var result = Throughput()
    let records = (0..<count).map(record)
    result.entryBytes = try records.prefix(1000).reduce(0) { $0 + (try $1.entry().count) } / min(1000, count)
    var encodeStart = ContinuousClock.now
    var encoded = 0
    for record in records.prefix(100_000) { encoded &+= try record.entry().count }
    let encodeMicros = seconds(ContinuousClock.now - encodeStart) * 1e6 / Double(min(count, 100_000))
    encodeStart = ContinuousClock.now
    for record in records.prefix(100_000) { encoded &+= try GenerationRecord(entry: record.entry()).marks.count }
    let parseMicros = seconds(ContinuousClock.now - encodeStart) * 1e6 / Double(min(count, 100_000)) - encodeMicros
    say(
        "  [\(label)] entry encoding (validate + canonical JSON): \(String(format: "%.1f", encodeMicros)) µs/record; strict parse: \(String(format: "%.1f", parseMicros)) µs/record (\(encoded % 10))"
    )

    // Anchor: the same rows, the same batching, the same connection — bare INSERTs, no sequencing.
    try await anchorDatabase.withTransaction { db in
        try await db.raw(
            "CREATE TABLE anchor (idx BIGINT PRIMARY KEY, produce_id TEXT NOT NULL, account TEXT, logged_at BIGINT NOT NULL, entry \(unsafeRaw: database.dialect == .postgres ? "BYTEA" : "BLOB") NOT NULL)"
        ).run()
        try await db.raw("CREATE INDEX anchor_produce_id ON anchor (produce_id)").run()
        try await db.raw("CREATE INDEX anchor_account ON anchor (account)").run()
    }
    let anchorCount = count - 10 * batch
    let anchorRows = try records.prefix(anchorCount).map { (produceID: $0.produceID, account: $0.account, entry: Data(try $0.entry())) }
    var start = ContinuousClock.now
    var position = 0
    while position < anchorCount {
        let chunk = anchorRows[position..<min(position + batch, anchorCount)]
        let base = position
        try await anchorDatabase.withTransaction { db in
            var insert = db.insert(into: "anchor").columns("idx", "produce_id", "account", "logged_at", "entry")
            for (offset, row) in chunk.enumerated() {
                insert = insert.values(
                    SQLBind(Int64(base + offset)), SQLBind(row.produceID), SQLBind(row.account), SQLBind(Int64(0)), SQLBind(row.entry))
            }
            try await insert.run()
        }
        position += chunk.count
    }
    result.anchorPerSecond = Double(anchorCount) / seconds(ContinuousClock.now - start)
    say(
        "  [\(label)] anchor: raw batched INSERTs into the same schema \(String(format: "%.0f", result.anchorPerSecond))/s (\(anchorCount) rows, batch \(batch))"
    )

    // Sigil: append (entry encoding + sequencing + insert, one transaction per batch).
    let appendCount = count - 10 * batch
    start = ContinuousClock.now
    position = 0
    while position < appendCount {
        try await store.append(Array(records[position..<min(position + batch, appendCount)]))
        position += batch
    }
    let appendSeconds = seconds(ContinuousClock.now - start)
    result.appendsPerSecond = Double(appendCount) / appendSeconds
    say(
        "  [\(label)] appends: \(String(format: "%.0f", result.appendsPerSecond))/s (\(appendCount) records in \(String(format: "%.1f", appendSeconds)) s, batch \(batch), ~\(result.entryBytes) B/entry)"
    )

    start = ContinuousClock.now
    let integration = try await store.integrate()
    result.integrateSeconds = seconds(ContinuousClock.now - start)
    say(
        "  [\(label)] integrate backlog of \(integration.added): \(String(format: "%.2f", result.integrateSeconds)) s (\(String(format: "%.0f", Double(integration.added) / result.integrateSeconds)) leaves/s)"
    )

    // Integration latency: one second of appends at the goal rate (10,000 entries) pending, then integrated.
    var integrationLatency = Latency()
    for round in 0..<5 {
        let base = 20_000_000 + round * 10_000
        var chunk = 0
        while chunk < 10_000 {
            try await store.append((base + chunk..<base + chunk + batch).map(record))
            chunk += batch
        }
        let integrateStart = ContinuousClock.now
        try await store.integrate()
        integrationLatency.record(ContinuousClock.now - integrateStart)
    }
    say("  [\(label)] integrate 10,000 pending entries (one second at 10,000/s) and sign: \(integrationLatency.summary)")

    // Steady state: each batch appended and integrated (= acknowledged and in a signed checkpoint).
    start = ContinuousClock.now
    while position < count {
        let stepStart = ContinuousClock.now
        try await store.append(Array(records[position..<min(position + batch, count)]))
        try await store.integrate()
        result.stepLatency.record(ContinuousClock.now - stepStart)
        position += batch
    }
    result.steadyPerSecond = Double(10 * batch) / seconds(ContinuousClock.now - start)
    say("  [\(label)] append+integrate per batch of \(batch): \(result.stepLatency.summary); \(String(format: "%.0f", result.steadyPerSecond))/s")
    return (result, store)
}

// MARK: - Proof and checkpoint latency

func proofLatency(_ store: LogStore, size: UInt64, label: String, withEntries: Bool) async throws {
    var inclusion = Latency()
    var consistency = Latency()
    var tlog = Latency()
    var generator = SystemRandomNumberGenerator()
    let root = try await store.latestCheckpoint().checkpoint.root
    for _ in 0..<500 {
        let index = UInt64.random(in: 0..<size, using: &generator)
        var start = ContinuousClock.now
        let proof = try await store.inclusionProof(index: index, size: size)
        inclusion.record(ContinuousClock.now - start)
        _ = try proof.root(leafHash: .zero)
        let old = UInt64.random(in: 1..<size, using: &generator)
        start = ContinuousClock.now
        _ = try await store.consistencyProof(oldSize: old, newSize: size)
        consistency.record(ContinuousClock.now - start)
        if withEntries {
            start = ContinuousClock.now
            let offline = try await store.tlogProof(index: index)
            tlog.record(ContinuousClock.now - start)
            try offline.verify(leafHash: Merkle.leafHash(offline.extra!), verifiers: [store.verifier!])
        }
    }
    _ = root
    say("  [\(label)] inclusion proof at \(size) leaves: \(inclusion.summary)")
    say("  [\(label)] consistency proof at \(size) leaves: \(consistency.summary)")
    if withEntries { say("  [\(label)] offline tlog-proof (entry + proof + note) at \(size): \(tlog.summary)") }
}

/// A SQLite store whose tiles hold a synthetic tree of `leaves` leaves, signed at that size (no entries: proofs
/// read tiles only). Returns the store and the time spent building it.
func syntheticTree(leaves: Int, path: String) async throws -> (LogStore, Double) {
    let database = try await SQLiteLogDatabase.open(path: path)
    let store = try await LogStore.open(database, configuration: LogConfiguration(origin: origin, signingKey: signingKey))
    let start = ContinuousClock.now
    var frontier = TreeFrontier()
    var pending: [(TileID, [MerkleHash])] = []
    func flush() async throws {
        let tiles = pending
        pending.removeAll()
        try await database.withTransaction { db in
            for (id, hashes) in tiles {
                try await db.raw(
                    "INSERT INTO log_tiles (level, idx, hashes) VALUES (\(bind: id.level), \(bind: Int64(id.index)), \(bind: Data(HashTile.encode(hashes)))) ON CONFLICT (level, idx) DO UPDATE SET hashes = excluded.hashes"
                ).run()
            }
        }
    }
    var seed = [UInt8](repeating: 0, count: 8)
    for i in 0..<leaves {
        withUnsafeBytes(of: UInt64(i).bigEndian) { seed.replaceSubrange(0..<8, with: $0) }
        frontier.append(Merkle.leafHash(seed)) { id, hashes in pending.append((id, hashes)) }
        if pending.count >= 2000 { try await flush() }
    }
    pending += frontier.partialTileContents.map { ($0.id, $0.hashes) }
    try await flush()
    let signer = try NoteSigner(name: origin, seed: signingKey)
    let root = frontier.root
    let note = try Checkpoint(origin: origin, size: UInt64(leaves), root: root).signed(by: signer).formatted
    try await database.withTransaction { db in
        try await db.raw(
            "INSERT INTO log_checkpoints (size, root, note, signed_at) VALUES (\(bind: Int64(leaves)), \(bind: Data(root.bytes)), \(bind: note), 0)"
        ).run()
    }
    return (store, seconds(ContinuousClock.now - start))
}

func checkpointLatency(_ store: LogStore, label: String) async throws {
    var integrate = Latency()
    var sign = Latency()
    let signer = try NoteSigner(name: origin, seed: signingKey)
    let size = try await store.latestCheckpoint().checkpoint.size
    for i in 0..<200 {
        try await store.append([record(10_000_000 + Int(size) + i)])
        let start = ContinuousClock.now
        try await store.integrate()
        integrate.record(ContinuousClock.now - start)
        let text = Checkpoint(origin: origin, size: UInt64(i), root: .zero).text
        let signStart = ContinuousClock.now
        _ = try signer.sign(text)
        sign.record(ContinuousClock.now - signStart)
    }
    say("  [\(label)] checkpoint (integrate 1 entry + sign + store): \(integrate.summary)")
    say("  [\(label)] anchor: Ed25519 note signature alone: \(sign.summary)")
}

// MARK: - A PostgreSQL server for the run

struct BenchPostgres {
    let url: String
    let anchorURL: String
    let stop: () -> Void

    static func start() throws -> BenchPostgres? {
        let root = "/usr/lib/postgresql"
        guard let version = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).compactMap(Int.init).max() else { return nil }
        let bin = "\(root)/\(version)/bin"
        let directory = "/tmp/sigil-bench-pg-\(getpid())"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let asRoot = getuid() == 0
        if asRoot, let user = getpwnam("postgres") { chown(directory, user.pointee.pw_uid, user.pointee.pw_gid) }
        func run(_ tool: String, _ args: [String]) throws {
            // Through bash, closing inherited descriptors: Foundation's Process waits for its socket to close, and
            // the server pg_ctl leaves running must not hold it.
            let closeInherited =
                #"for fd in /proc/self/fd/*; do n=${fd##*/}; if [ "$n" -gt 2 ]; then eval "exec $n>&-" 2>/dev/null; fi; done; exec "$@""#
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/bin/bash")
            p.arguments = ["-c", closeInherited, "sigil-pg"] + (asRoot ? ["/usr/sbin/runuser", "-u", "postgres", "--"] : []) + [tool] + args
            p.currentDirectoryURL = URL(fileURLWithPath: "/tmp")
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            p.standardInput = FileHandle.nullDevice
            try p.run()
            p.waitUntilExit()
            guard p.terminationStatus == 0 else { throw SigilError(.store, "\(tool) failed") }
        }
        let port = 56_000 + Int(getpid() % 1000)
        try run(bin + "/initdb", ["-D", directory + "/data", "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-instructions"])
        // Default durability (fsync on, synchronous_commit on): the numbers are what a real deployment gets.
        try run(
            bin + "/pg_ctl",
            [
                "-D", directory + "/data", "-o", "-p \(port) -k \(directory) -c listen_addresses=127.0.0.1 -c shared_buffers=256MB", "-l",
                directory + "/log", "-w", "start",
            ])
        try run(bin + "/psql", ["-h", "127.0.0.1", "-p", String(port), "-U", "postgres", "-d", "postgres", "-q", "-c", "CREATE DATABASE bench"])
        try run(bin + "/psql", ["-h", "127.0.0.1", "-p", String(port), "-U", "postgres", "-d", "postgres", "-q", "-c", "CREATE DATABASE anchor"])
        return BenchPostgres(url: "postgres://postgres@127.0.0.1:\(port)/bench", anchorURL: "postgres://postgres@127.0.0.1:\(port)/anchor") {
            try? run(bin + "/pg_ctl", ["-D", directory + "/data", "-m", "fast", "stop"])
            try? FileManager.default.removeItem(atPath: directory)
        }
    }
}

// MARK: - Run

let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("sigil-log-bench-\(getpid())").path
try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(atPath: scratch) }

say("sigil-log-bench: \(options.records) records, batch \(options.batch), \(ProcessInfo.processInfo.activeProcessorCount) cores")
say("SQLite (WAL, synchronous=FULL):")
let sqlite = try await SQLiteLogDatabase.open(path: scratch + "/sigil.sqlite")
let sqliteAnchor = try await SQLiteLogDatabase.open(path: scratch + "/anchor.sqlite")
let (sqliteResult, sqliteStore) = try await throughput(sqlite, anchor: sqliteAnchor, count: options.records, batch: options.batch, label: "sqlite")
try await sqliteAnchor.close()
say("  [sqlite] ratio appends/raw inserts: \(String(format: "%.2f", sqliteResult.appendsPerSecond / sqliteResult.anchorPerSecond))")
let sqliteSize = try await sqliteStore.latestCheckpoint().checkpoint.size
try await proofLatency(sqliteStore, size: sqliteSize, label: "sqlite", withEntries: true)
try await checkpointLatency(sqliteStore, label: "sqlite")
var auditStart = ContinuousClock.now
let audit = try await sqliteStore.audit()
say(
    "  [sqlite] audit of \(audit.entries) entries, \(audit.checkpoints) checkpoints: \(String(format: "%.1f", seconds(ContinuousClock.now - auditStart))) s, clean: \(audit.isClean)"
)
let fileBytes =
    ((try? FileManager.default.attributesOfItem(atPath: scratch + "/sigil.sqlite")[.size] as? Int) ?? 0)
    + ((try? FileManager.default.attributesOfItem(atPath: scratch + "/sigil.sqlite-wal")[.size] as? Int) ?? 0)
say(
    "  [sqlite] database size: \(fileBytes / 1_048_576) MiB for \(audit.entries) entries (\(fileBytes / max(1, Int(audit.entries))) B/entry: entry, indexes, tiles, checkpoints)"
)
try await sqliteStore.close()

if options.postgres {
    if let server = try BenchPostgres.start() {
        say("PostgreSQL (local server, fsync on, synchronous_commit on):")
        do {
            let postgres = try await PostgresLogDatabase.connect(url: server.url)
            let anchor = try await PostgresLogDatabase.connect(url: server.anchorURL)
            let count = min(options.records, 500_000)
            let (result, store) = try await throughput(postgres, anchor: anchor, count: count, batch: options.batch, label: "postgres")
            try await anchor.close()
            say("  [postgres] ratio appends/raw inserts: \(String(format: "%.2f", result.appendsPerSecond / result.anchorPerSecond))")
            try await proofLatency(store, size: try await store.latestCheckpoint().checkpoint.size, label: "postgres", withEntries: true)
            try await checkpointLatency(store, label: "postgres")
            let sizes = try await postgres.withConnection { db in
                try await db.raw(
                    "SELECT pg_total_relation_size('log_entries') AS entries, pg_total_relation_size('log_tiles') AS tiles, pg_total_relation_size('log_checkpoints') AS checkpoints, (SELECT COUNT(*) FROM log_entries) AS n"
                ).first()
            }
            if let sizes {
                let n = max(1, try sizes.decode(column: "n", as: Int64.self))
                let entries = try sizes.decode(column: "entries", as: Int64.self)
                let tiles = try sizes.decode(column: "tiles", as: Int64.self)
                let checkpoints = try sizes.decode(column: "checkpoints", as: Int64.self)
                say(
                    "  [postgres] storage for \(n) entries: entries+indexes \(entries / n) B/entry, tiles \(tiles / n) B/entry, checkpoints \(checkpoints / 1024) KiB total"
                )
            }
            try await store.close()
        } catch {
            say("  [postgres] failed: \(error)")
        }
        server.stop()
    } else {
        say("PostgreSQL: no server binaries; skipped")
    }
}

if options.big {
    say("Proof latency on a synthetic tree of \(options.bigLeaves) leaves (SQLite tile store):")
    let (big, buildSeconds) = try await syntheticTree(leaves: options.bigLeaves, path: scratch + "/big.sqlite")
    say(
        "  [big] built tiles for \(options.bigLeaves) leaves in \(String(format: "%.1f", buildSeconds)) s (\(String(format: "%.0f", Double(options.bigLeaves) / buildSeconds)) leaves/s hashed and stored)"
    )
    try await proofLatency(big, size: UInt64(options.bigLeaves), label: "big", withEntries: false)
    let bigBytes = (try? FileManager.default.attributesOfItem(atPath: scratch + "/big.sqlite")[.size] as? Int) ?? 0
    say("  [big] tile store size: \(bigBytes / 1_048_576) MiB (\(String(format: "%.1f", Double(bigBytes) / Double(options.bigLeaves))) B/leaf)")
    try await big.close()
}
