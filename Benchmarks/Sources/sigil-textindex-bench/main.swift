// sigil-textindex-bench: the lookup of a text by its fingerprint (decisions 0605, 0606), before and after the index.
//
//   sigil-textindex-bench [--sizes 1000,10000,100000] [--lookups 40] [--scan-lookups 10]
//
// For each size N, a fresh SQLite log (WAL, synchronous=FULL, in a temporary folder) gets N text records with random
// `text-simhash64` fingerprints, appended in batches of 1,000 (each batch also fills the index). Then, on the same
// log, half the queries are a recorded fingerprint with 0…12 bits flipped and half are unrelated:
//  - scan (before): `LogStore.records(fingerprintType:where:)`, the page-by-page scan decision 0605 shipped;
//  - index (after): `LogStore.records(nearTextHash:within:)`, multi-index hashing over four 16-bit blocks.
// Both must pick the same record (the nearest, the latest of equals) for every query, or the run stops.
import Foundation
import Histogram
import SigilStore

#if canImport(Glibc)
    import Glibc
#endif

var sizes = [1000, 10_000, 100_000]
var lookups = 40
var scanLookups = 10
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
    switch argument {
    case "--sizes": sizes = (arguments.popFirst() ?? "").split(separator: ",").compactMap { Int($0) }
    case "--lookups": lookups = Int(arguments.popFirst() ?? "") ?? lookups
    case "--scan-lookups": scanLookups = Int(arguments.popFirst() ?? "") ?? scanLookups
    default:
        FileHandle.standardError.write(Data("unknown argument \(argument)\n".utf8))
        exit(2)
    }
}

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
let radius = 12

func record(_ i: Int, _ hash: UInt64) -> GenerationRecord {
    var sha = [UInt8](repeating: 0, count: 32)
    withUnsafeBytes(of: UInt64(i).bigEndian) { sha.replaceSubrange(0..<8, with: $0) }
    return GenerationRecord(
        produceID: String(format: "019a%012x%016x", i, UInt64(i) &* 0x9E37_79B9_7F4A_7C15), producer: "001191110102MACQD9K64010000",
        serviceCategory: .other, model: "bench-model-1", account: try! pseudonymizer.tag("user-\(i % 100_000)"),
        time: RecordTime(milliseconds: 1_760_000_000_000 + Int64(i)), contentSHA256: sha, fingerprint: .text(hash),
        marks: ["explicit", "implicit"]
    )
}

/// The nearest within the radius, the latest of equally near ones (what `RecordCheck` keeps).
func nearest(_ found: [(index: UInt64, distance: Int)]) -> UInt64? {
    guard let best = found.map(\.distance).min() else { return nil }
    return found.last { $0.distance == best }?.index
}

func block(_ hash: UInt64, _ i: Int) -> UInt64 { (hash >> UInt64(48 - 16 * i)) & 0xFFFF }

say("sigil-textindex-bench: sizes \(sizes), \(lookups) index lookups and \(scanLookups) scan lookups per size, radius \(radius)")
var random = SplitMix64(seed: 0x0606)
for size in sizes {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sigil-textindex-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let database = try await SQLiteLogDatabase.open(path: folder.appendingPathComponent("sigil.sqlite").path)
    var configuration = LogConfiguration(origin: "bench.sigil.local/text", signingKey: signingKey)
    configuration.integrateOnOpen = false
    let store = try await LogStore.open(database, configuration: configuration)
    let hashes = (0..<size).map { _ in random.next() }
    var start = ContinuousClock.now
    var position = 0
    while position < size {
        try await store.append((position..<min(position + 1000, size)).map { record($0, hashes[$0]) })
        position += 1000
    }
    let appendSeconds = seconds(ContinuousClock.now - start)
    let queries: [UInt64] = (0..<lookups).map { q in
        guard q % 2 == 0 else { return random.next() }
        var hash = hashes[Int(random.next() % UInt64(size))]
        for bit in (0..<64).shuffled(using: &random).prefix(Int(random.next() % UInt64(radius + 1))) { hash ^= 1 << UInt64(bit) }
        return hash
    }
    var index = Latency()
    var scan = Latency()
    var found = 0
    var candidates = 0
    for (q, query) in queries.enumerated() {
        start = ContinuousClock.now
        let viaIndex = try await store.records(nearTextHash: query, within: radius)
        index.record(ContinuousClock.now - start)
        let indexed = nearest(viaIndex.map { ($0.index, $0.distance) })
        if indexed != nil { found += 1 }
        candidates += hashes.count { hash in (0..<4).contains { ((block(hash, $0) ^ block(query, $0)).nonzeroBitCount) <= 3 } }
        guard q < scanLookups else { continue }
        start = ContinuousClock.now
        let viaScan = try await store.records(fingerprintType: ContentFingerprint.textSimHash64) { ($0.textHash! ^ query).nonzeroBitCount <= radius }
        scan.record(ContinuousClock.now - start)
        let scanned = nearest(viaScan.map { ($0.index, ($0.record.fingerprint!.textHash! ^ query).nonzeroBitCount) })
        guard scanned == indexed else {
            say(
                "MISMATCH at size \(size), query \(String(query, radix: 16)): scan \(String(describing: scanned)), index \(String(describing: indexed))"
            )
            exit(1)
        }
    }
    let fileBytes = (try? FileManager.default.attributesOfItem(atPath: folder.appendingPathComponent("sigil.sqlite").path)[.size] as? Int) ?? 0
    say(
        "size \(size): appended in \(String(format: "%.2f", appendSeconds)) s (\(String(format: "%.0f", Double(size) / appendSeconds))/s, index filled in the same transactions); database \(fileBytes / 1024) KiB before checkpointing the WAL"
    )
    say("  scan  (before): \(scan.summary)")
    say("  index (after):  \(index.summary)")
    say(
        "  \(found)/\(queries.count) queries found a record; index candidates per lookup \(String(format: "%.1f", Double(candidates) / Double(queries.count))) (\(String(format: "%.2f", 100 * Double(candidates) / Double(queries.count) / Double(size))) % of the log)"
    )
    try await store.close()
}
