// sigil-bench: labeling throughput beside its anchors, measured in the same run on the same files.
//
//   metadata-only label, 12 MP JPEG   vs  exiftool writing the same XMP-TC260:AIGC (one batch process)
//   explicit + implicit, 12 MP JPEG   vs  ImageMagick -annotate + exiftool (per file, as a pipeline would)
//   explicit + implicit, 12 MP JPEG   vs  TurboJPEG decode + encode alone (in process)
//
// Figures are reported as ratios against the anchor measured beside them. Environment:
//   SIGIL_BENCH_FILES (default 40) metadata files, SIGIL_BENCH_ROUNDS (default 6) explicit rounds.
import Foundation
import Histogram
import Sigil

let environment = ProcessInfo.processInfo.environment
let metadataFiles = Int(environment["SIGIL_BENCH_FILES"] ?? "") ?? 40
let rounds = Int(environment["SIGIL_BENCH_ROUNDS"] ?? "") ?? 6
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
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
print("sigil-bench: 12 MP JPEG (\(baseBytes.count / 1024) KiB), \(metadataFiles) files metadata-only, \(rounds) rounds explicit; font \(font)")

// 2. Metadata-only: Sigil in process vs exiftool in one batch process, same files.
let inDir = work.appendingPathComponent("in"), sigilOut = work.appendingPathComponent("sigil"), exifOut = work.appendingPathComponent("exif")
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
// As `sigil label DIR -o DIR` does: atomic writes per file, one sync(2) for the batch (counted in the total).
var sigilMeta = Timing()
for (i, path) in inputs.enumerated() {
    try sigilMeta.measure { try metaLabeler.labelFile(at: path, to: sigilOut.appendingPathComponent("f\(i).jpg").path, durable: false) }
}
try sigilMeta.measure { FileIO.syncAll() }
let exifStart = ContinuousClock.now
try sh(["exiftool", "-config", config, "-q", "-XMP-TC260:AIGC=\(label.json)", "-o", exifOut.path + "/"] + inputs)
let exifSeconds = seconds(ContinuousClock.now - exifStart)
let sigilFilesPerSecond = Double(metadataFiles) / seconds(sigilMeta.total)
let exifFilesPerSecond = Double(metadataFiles) / exifSeconds

// 3. Explicit + implicit: Sigil vs TurboJPEG decode+encode alone vs ImageMagick + exiftool.
let labeler = try Labeler(policy: policy)
var sigilExplicit = Timing(), codecOnly = Timing(), magick = Timing()
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
        try sh(["convert", base.path, "-font", font, "-pointsize", "200", "-fill", "white", "-undercolor", "#000000C0",
                "-gravity", "southeast", "-annotate", "+60+60", "AI生成", "-quality", "\(quality)", magickOut])
        try sh(["exiftool", "-config", config, "-q", "-overwrite_original", "-XMP-TC260:AIGC=\(label.json)", magickOut])
    }
}
let sigilMPs = megapixels * Double(rounds) / seconds(sigilExplicit.total)
let codecMPs = megapixels * Double(rounds) / seconds(codecOnly.total)
let magickMPs = megapixels * Double(rounds) / seconds(magick.total)

func f(_ v: Double, _ d: Int = 1) -> String { String(format: "%.\(d)f", v) }
print("""

| measurement (12 MP JPEG) | Sigil | anchor | ratio | goal |
|---|---|---|---|---|
| metadata-only label, files/s | \(f(sigilFilesPerSecond)) (p50 \(f(sigilMeta.p50ms, 2)) ms, p99 \(f(sigilMeta.p99ms, 2)) ms) | exiftool batch: \(f(exifFilesPerSecond)) | \(f(sigilFilesPerSecond / exifFilesPerSecond))× faster | ≥ 20× |
| explicit + implicit label, MP/s | \(f(sigilMPs)) (p50 \(f(sigilExplicit.p50ms, 0)) ms) | ImageMagick -annotate + exiftool: \(f(magickMPs)) | \(f(sigilMPs / magickMPs))× faster | ≥ 5× |
| explicit + implicit label, time | \(f(sigilExplicit.p50ms, 0)) ms p50 | TurboJPEG decode+encode alone: \(f(codecOnly.p50ms, 0)) ms p50 (\(f(codecMPs)) MP/s) | \(f(seconds(sigilExplicit.total) / seconds(codecOnly.total), 2))× the codec time | ≤ 1.5× |
""")
