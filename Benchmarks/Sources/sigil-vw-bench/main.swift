// The video watermark's false-positive run (issue 19: "≤ 1e-6 per clip, measured on ≥ 10,000 unmarked windows").
// Every 2-s window (1-s stride) of each unmarked clip is read as `sigil watermark detect` reads a 2-s excerpt: the
// whitened residuals of all its frames, at the detector's analysis size, added up (LumaMarkAccumulator) and searched
// once (ranked search, the default) — with each of KEYS keys, derived from the key index (keys are independent of
// the content, so each (window, key) pair is one decision). Prints one line; Benchmarks/scripts/vw-results.sh writes
// it to Benchmarks/results/video-watermark/fpr.txt.
//
//   sigil-vw-bench fpr KEYS CLIP...
import Foundation
import SigilCore
import SigilFFmpeg
import SigilVideo
import SigilWatermark
import SigilWatermarkCore

/// A clip's frames at the accumulator's analysis size, decoded once by ffmpeg.
struct DecodedClip {
    var name: String
    var width: Int
    var height: Int
    var fps: Double
    var frames: [[UInt8]]
}

func decode(_ path: String, tools: FFmpegTools) throws -> DecodedClip {
    let probe = try VideoProbe.probe(path, window: 1, tools: tools)
    let (width, height) = probe.displaySize
    guard let empty = LumaMarkAccumulator(width: width, height: height) else { throw SigilError(.usage, "\(path) is too small") }
    let rate = probe.video.frameRate ?? (25, 1)
    let size = empty.analysisWidth * empty.analysisHeight
    let process = Process()
    process.executableURL = URL(fileURLWithPath: tools.ffmpeg)
    process.arguments = [
        "-nostdin", "-v", "error", "-i", path, "-map", "0:v:0", "-vf",
        "scale=\(empty.analysisWidth):\(empty.analysisHeight):flags=area,format=gray", "-f", "rawvideo", "pipe:1",
    ]
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let bytes = [UInt8](data)
    let frames = (0..<(bytes.count / size)).map { Array(bytes[($0 * size)..<(($0 + 1) * size)]) }
    return DecodedClip(
        name: URL(fileURLWithPath: path).lastPathComponent, width: width, height: height,
        fps: Double(rate.numerator) / Double(rate.denominator), frames: frames)
}

/// Key `index`'s 32 bytes (splitmix64 from the index, so a run is repeatable).
func key(_ index: Int) throws -> WatermarkKey {
    var state = UInt64(index) &+ 0x5EED_0000_0000_0000
    var bytes: [UInt8] = []
    for _ in 0..<4 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        bytes += (0..<8).map { UInt8(truncatingIfNeeded: z >> (8 * $0)) }
    }
    return try WatermarkKey(bytes: bytes)
}

final class Tally: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var decisions = 0
    private(set) var detections: [String] = []
    private(set) var windowsDone = 0
    func add(decisions: Int, detections found: [String]) -> Int {
        lock.lock()
        defer { lock.unlock() }
        self.decisions += decisions
        detections += found
        windowsDone += 1
        return windowsDone
    }
}

let arguments = Array(CommandLine.arguments.dropFirst())
guard arguments.count >= 3, arguments[0] == "fpr", let keyCount = Int(arguments[1]), keyCount > 0 else {
    FileHandle.standardError.write(Data("usage: sigil-vw-bench fpr KEYS CLIP...\n".utf8))
    exit(2)
}
let tools = try FFmpegTools.locate(timeout: .seconds(3600))
let started = ContinuousClock.now
let clips = try arguments.dropFirst(2).map { try decode($0, tools: tools) }
let watermarkers = try (0..<keyCount).map { Watermarker(key: try key($0)) }
// Windows: (clip, first frame, frame count) for every 2-s window starting on a whole second.
var windowList: [(clip: Int, start: Int, count: Int)] = []
var seconds = 0.0
for (c, clip) in clips.enumerated() {
    let length = Int((2 * clip.fps).rounded())
    var second = 0
    while Int((Double(second) * clip.fps).rounded()) + length <= clip.frames.count {
        windowList.append((c, Int((Double(second) * clip.fps).rounded()), length))
        second += 1
    }
    seconds += Double(clip.frames.count) / clip.fps
}
let windows = windowList
let tally = Tally()
DispatchQueue.concurrentPerform(iterations: windows.count) { w in
    let window = windows[w]
    let clip = clips[window.clip]
    var accumulator = LumaMarkAccumulator(width: clip.width, height: clip.height)!
    for frame in clip.frames[window.start..<(window.start + window.count)] {
        frame.withUnsafeBufferPointer { accumulator.add(analysisLuma: $0) }
    }
    var found: [String] = []
    for (k, watermarker) in watermarkers.enumerated() {
        let detection = accumulator.detect(with: watermarker)
        if detection.detected { found.append("\(clip.name)@\(window.start) key \(k): \(detection.payloadHex ?? "?")") }
    }
    let done = tally.add(decisions: watermarkers.count, detections: found)
    FileHandle.standardError.write(Data("\(done)/\(windows.count) windows\n".utf8))
}
let wall = ContinuousClock.now - started
let bound = WatermarkDetection.falsePositiveBound
print(
    String(
        format:
            "fpr: %d windows of 2 s (%d clips, %.0f s of unmarked video) x %d keys = %d decisions, %.0f s wall, 2 lanes; %d detections; bound per decision %.3g",
        windows.count, clips.count, seconds, keyCount, tally.decisions, Double(wall.components.seconds), tally.detections.count, bound))
for d in tally.detections { print("  detected: \(d)") }
