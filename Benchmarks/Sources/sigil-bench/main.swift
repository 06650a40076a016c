// sigil-bench: labeling throughput beside its anchors, measured in the same run on the same files.
//
//   metadata-only label, 12 MP JPEG   vs  exiftool writing the same XMP-TC260:AIGC (one batch process), both
//                                         to the page cache as exiftool leaves them, and both followed by sync(2)
//   explicit + implicit, 12 MP JPEG   vs  ImageMagick -annotate + exiftool (per file, as a pipeline would)
//   explicit + implicit, 12 MP JPEG   vs  TurboJPEG decode + encode alone (in process)
//
// Figures are reported as ratios against the anchor measured beside them. Environment:
//   SIGIL_BENCH_FILES (default 200) metadata files, SIGIL_BENCH_ROUNDS (default 6) explicit rounds.
import Foundation
import Histogram
import Synchronization
import Sigil

let environment = ProcessInfo.processInfo.environment
let metadataFiles = Int(environment["SIGIL_BENCH_FILES"] ?? "") ?? 200
let rounds = Int(environment["SIGIL_BENCH_ROUNDS"] ?? "") ?? 6
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
let shared = packageRoot.deletingLastPathComponent().appendingPathComponent("shared")
let work = FileManager.default.temporaryDirectory.appendingPathComponent("sigil-bench-\(getpid())")
try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: work) }

@discardableResult
func sh(_ args: [String]) throws -> Int32 {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = args
    p.standardOutput = FileHandle.nullDevice
    p.standardError = FileHandle.nullDevice
    try p.run()
    p.waitUntilExit()
    guard p.terminationStatus == 0 else { throw SigilError(.io, "\(args.joined(separator: " ")) exited \(p.terminationStatus)") }
    return p.terminationStatus
}

func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }

struct Timing {
    var histogram = Histogram<UInt64>(highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: .three)
    var total: Duration = .zero
    mutating func measure<T>(_ body: () throws -> T) rethrows -> T {
        let start = ContinuousClock.now
        let result = try body()
        let elapsed = ContinuousClock.now - start
        total += elapsed
        histogram.record(UInt64(max(1, seconds(elapsed) * 1e6)))
        return result
    }
    var p50ms: Double { Double(histogram.valueAtPercentile(50)) / 1000 }
    var p99ms: Double { Double(histogram.valueAtPercentile(99)) / 1000 }
}

// 1. A 12 MP JPEG from a real photo (or a plasma when ../shared is absent).
let base = work.appendingPathComponent("base.jpg")
let photo = shared.appendingPathComponent("media/images/sk_astronaut.png").path
if FileManager.default.fileExists(atPath: photo) {
    try sh(["convert", photo, "-resize", "4000x3000!", "-quality", "90", base.path])
} else {
    try sh(["convert", "-size", "4000x3000", "plasma:", "-quality", "90", base.path])
}
let baseBytes = try FileIO.read(base.path)
let megapixels = 12.0
let config = packageRoot.appendingPathComponent("Tests/SigilTests/Resources/tc260.exiftool.config").path
let font = try FontLocator.locate(explicit: nil)
// GB 45438's two labels only, as the anchors do: no watermark, no C2PA, no ReservedCode1 signature
// (those have their own benchmarks: sigil-wm-bench, sigil-c2pa-bench).
var policy = LabelPolicy(producer: .development)
policy.marks = [.explicit, .implicit]
policy.labelSignature = nil
policy.explicit.fontPath = font
let label = try AIGCLabel.firstWrite(producer: ProviderCode.development.rawValue, produceID: ProduceID.generate())
print(
    "sigil-bench: 12 MP JPEG (\(baseBytes.count / 1024) KiB), \(ProcessInfo.processInfo.activeProcessorCount) cores, \(metadataFiles) files metadata-only, \(rounds) rounds explicit; font \(font)"
)

// 2. Metadata-only: Sigil in process vs exiftool in one batch process, same files.
let inDir = work.appendingPathComponent("in")
let sigilOut = work.appendingPathComponent("sigil")
let exifOut = work.appendingPathComponent("exif")
for d in [inDir, sigilOut, exifOut] { try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true) }
var inputs: [String] = []
for i in 0..<metadataFiles {
    let path = inDir.appendingPathComponent("f\(i).jpg").path
    try FileIO.writeAtomically(baseBytes, to: path)
    inputs.append(path)
}
var metaPolicy = policy
metaPolicy.marks = [.implicit]
let metaLabeler = try Labeler(policy: metaPolicy)
FileIO.syncAll() // the inputs just written are flushed before anything is timed

/// Empties `folder` (each batch writes into a folder of its own).
func freshFolder(_ folder: URL) throws {
    try? FileManager.default.removeItem(at: folder)
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
}

/// One metadata-only batch as `sigil label DIR -o DIR --no-record` runs it on one core: atomic writes per file,
/// the compressed data copied by the kernel; `durable` adds the batch's one sync(2).
@MainActor func sigilBatch(into folder: URL, durable: Bool) throws -> Timing {
    try freshFolder(folder)
    var timing = Timing()
    for (i, path) in inputs.enumerated() {
        try timing.measure {
            try metaLabeler.labelFile(at: path, to: folder.appendingPathComponent("f\(i).jpg").path, durable: false, keepBytes: false)
        }
    }
    if durable { try timing.measure { FileIO.syncAll() } }
    return timing
}

/// exiftool writing the same label into copies of the same files, in one process; `durable` adds a sync(2).
@MainActor func exiftoolBatch(into folder: URL, durable: Bool) throws -> Double {
    try freshFolder(folder)
    let start = ContinuousClock.now
    try sh(["exiftool", "-config", config, "-q", "-XMP-TC260:AIGC=\(label.json)", "-o", folder.path + "/"] + inputs)
    if durable { FileIO.syncAll() }
    return seconds(ContinuousClock.now - start)
}

/// The same batch on `workers` threads, as `sigil label DIR -o DIR --jobs N` spreads it over the cores.
@MainActor func sigilParallelBatch(into folder: URL, workers: Int) throws -> Double {
    try freshFolder(folder)
    let files = inputs
    let labeler = metaLabeler
    let failures = Mutex(0)
    let start = ContinuousClock.now
    DispatchQueue.concurrentPerform(iterations: workers) { worker in
        for i in stride(from: worker, to: files.count, by: workers) {
            do { try labeler.labelFile(at: files[i], to: folder.appendingPathComponent("f\(i).jpg").path, durable: false, keepBytes: false) } catch {
                failures.withLock { $0 += 1 }
            }
        }
    }
    let elapsed = seconds(ContinuousClock.now - start)
    guard failures.withLock({ $0 }) == 0 else { throw SigilError(.io, "parallel labeling failed") }
    return elapsed
}

/// The floor any writer of a new file pays here: GNU cp (copy_file_range) of the same files, one process.
@MainActor func copyBatch(into folder: URL) throws -> Double {
    try freshFolder(folder)
    let start = ContinuousClock.now
    try sh(["cp"] + inputs + [folder.path + "/"])
    return seconds(ContinuousClock.now - start)
}

let sigilMeta = try sigilBatch(into: sigilOut, durable: false)
let exifSeconds = try exiftoolBatch(into: exifOut, durable: false)
FileIO.syncAll()
let sigilDurable = try sigilBatch(into: sigilOut, durable: true)
let exifDurableSeconds = try exiftoolBatch(into: exifOut, durable: true)
FileIO.syncAll()
let workers = ProcessInfo.processInfo.activeProcessorCount
let parallelSeconds = try sigilParallelBatch(into: sigilOut, workers: workers)
FileIO.syncAll()
let copySeconds = try copyBatch(into: exifOut)
FileIO.syncAll()
let sigilFilesPerSecond = Double(metadataFiles) / seconds(sigilMeta.total)
let parallelFilesPerSecond = Double(metadataFiles) / parallelSeconds
let copyFilesPerSecond = Double(metadataFiles) / copySeconds
let exifFilesPerSecond = Double(metadataFiles) / exifSeconds
let sigilDurableFilesPerSecond = Double(metadataFiles) / seconds(sigilDurable.total)
let exifDurableFilesPerSecond = Double(metadataFiles) / exifDurableSeconds
// The labeled files hold the label and the same compressed data (checked, not assumed).
let check = try FileIO.read(sigilOut.appendingPathComponent("f0.jpg").path)
guard try Verifier().verify(check).verdict == .aiGenerated, try CompressedImageData.bytes(of: check) == CompressedImageData.bytes(of: baseBytes)
else {
    throw SigilError(.io, "the metadata-only output does not verify or its image data changed")
}

// 3. Explicit + implicit: Sigil vs TurboJPEG decode+encode alone vs ImageMagick + exiftool.
let labeler = try Labeler(policy: policy)
var sigilExplicit = Timing()
var codecOnly = Timing()
var magick = Timing()
let quality = JPEGCodec.estimateQuality(baseBytes) ?? 90
for r in 0..<rounds {
    let out = work.appendingPathComponent("explicit-\(r).jpg").path
    try sigilExplicit.measure { try labeler.labelFile(at: base.path, to: out) }
    try codecOnly.measure {
        let decoded = try JPEGCodec.decode(baseBytes, maxPixels: 100_000_000)
        let encoded = try JPEGCodec.encode(decoded.pixels, quality: quality, subsampling: decoded.jpeg?.subsampling ?? 2)
        try FileIO.writeAtomically(encoded, to: out)
    }
    let magickOut = work.appendingPathComponent("magick-\(r).jpg").path
    try magick.measure {
        // 5 % of 3000 px ≈ 150 px ink; pointsize 200 gives about that for CJK glyphs.
        try sh([
            "convert", base.path, "-font", font, "-pointsize", "200", "-fill", "white", "-undercolor", "#000000C0",
            "-gravity", "southeast", "-annotate", "+60+60", "AI生成", "-quality", "\(quality)", magickOut,
        ])
        try sh(["exiftool", "-config", config, "-q", "-overwrite_original", "-XMP-TC260:AIGC=\(label.json)", magickOut])
    }
}
let sigilMPs = megapixels * Double(rounds) / seconds(sigilExplicit.total)
let codecMPs = megapixels * Double(rounds) / seconds(codecOnly.total)
let magickMPs = megapixels * Double(rounds) / seconds(magick.total)

func f(_ v: Double, _ d: Int = 1) -> String { String(format: "%.\(d)f", v) }
print(
    """

    | measurement (12 MP JPEG) | Sigil | anchor | ratio | goal |
    |---|---|---|---|---|
    | metadata-only label, files/s (page cache) | \(f(sigilFilesPerSecond)) (p50 \(f(sigilMeta.p50ms, 3)) ms, p99 \(f(sigilMeta.p99ms, 3)) ms) | exiftool batch: \(f(exifFilesPerSecond)) | \(f(sigilFilesPerSecond / exifFilesPerSecond))× faster | ≥ 20× |
    | metadata-only label, files/s (page cache), \(workers) threads | \(f(parallelFilesPerSecond)) | exiftool batch: \(f(exifFilesPerSecond)) | \(f(parallelFilesPerSecond / exifFilesPerSecond))× faster | ≥ 20× |
    | metadata-only label vs a plain copy, files/s | \(f(sigilFilesPerSecond)) | cp of the same files: \(f(copyFilesPerSecond)) | \(f(copyFilesPerSecond / sigilFilesPerSecond, 2))× the copy's time (cp is \(f(copyFilesPerSecond / exifFilesPerSecond))× exiftool) | |
    | metadata-only label, files/s (each batch + sync) | \(f(sigilDurableFilesPerSecond)) | exiftool batch + sync: \(f(exifDurableFilesPerSecond)) | \(f(sigilDurableFilesPerSecond / exifDurableFilesPerSecond))× faster | |
    | explicit + implicit label, MP/s | \(f(sigilMPs)) (p50 \(f(sigilExplicit.p50ms, 0)) ms) | ImageMagick -annotate + exiftool: \(f(magickMPs)) | \(f(sigilMPs / magickMPs))× faster | ≥ 5× |
    | explicit + implicit label, time | \(f(sigilExplicit.p50ms, 0)) ms p50 | TurboJPEG decode+encode alone: \(f(codecOnly.p50ms, 0)) ms p50 (\(f(codecMPs)) MP/s) | \(f(seconds(sigilExplicit.total) / seconds(codecOnly.total), 2))× the codec time | ≤ 1.5× |
    """)
