// The video opening label (issue 18 Measure): Sigil's head-only re-encode beside ffmpeg's whole re-encode with
// drawtext and beside an ffmpeg re-encode of only the first 2 s, on one file, in one run (ratios only: the machine
// is shared). Prints one JSON object; Benchmarks/scripts/video-opening-label.sh writes it to
// Benchmarks/results/video-opening-label.json.
//
//   sigil-video-bench INPUT WORKDIR [WHOLE_CAP_SECONDS]
import Foundation
import SigilCore
import SigilImaging
import SigilVideo

let arguments = CommandLine.arguments
guard arguments.count >= 3 else {
    FileHandle.standardError.write(Data("usage: sigil-video-bench INPUT WORKDIR [WHOLE_CAP_SECONDS]\n".utf8))
    exit(2)
}
let input = arguments[1]
let work = arguments[2]
let cap = arguments.count > 3 ? Double(arguments[3]) ?? 300 : 300
let tools = try FFmpegTools.locate(timeout: .seconds(7200))
let font = try Font(path: FontLocator.locate(explicit: nil))
let probe = try VideoProbe.probe(input, window: nil, tools: tools)
let seconds = probe.duration
let bitRate = Int(Double(probe.packets.reduce(0) { $0 + $1.size }) * 8 / max(seconds, 0.001))
let fontSize = Int((Double(min(probe.video.width, probe.video.height)) * 0.05 / 0.72).rounded()) // ≈ 5 % ink for CJK
let drawtext =
    "drawtext=fontfile=\(font.path):text='AI生成':fontsize=\(fontSize):fontcolor=white:box=1:boxcolor=black@0.85:boxborderw=12:x=w-tw-40:y=h-th-40"

func clock(_ body: () throws -> Void) rethrows -> Double {
    let start = ContinuousClock.now
    try body()
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}

/// Runs ffmpeg with a cap; returns (seconds, finished, output time reached in seconds).
func ffmpeg(_ args: [String], cap: Double?) -> (seconds: Double, finished: Bool, reached: Double) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: tools.ffmpeg)
    process.arguments = ["-nostdin", "-hide_banner", "-v", "error", "-y", "-progress", "\(work)/progress.txt"] + args
    process.standardInput = FileHandle.nullDevice
    var finished = true
    let elapsed = clock {
        try? process.run()
        if let cap {
            let deadline = Date().addingTimeInterval(cap)
            while process.isRunning && Date() < deadline { usleep(100_000) }
            if process.isRunning {
                finished = false
                process.interrupt()
            }
        }
        process.waitUntilExit()
    }
    let progress = (try? String(contentsOfFile: "\(work)/progress.txt", encoding: .utf8)) ?? ""
    let reached = progress.split(separator: "\n").last { $0.hasPrefix("out_time_us=") }.flatMap { Double($0.dropFirst(12)) }.map { $0 / 1e6 } ?? 0
    return (elapsed, finished && process.terminationStatus == 0, reached)
}

try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
let x264 = ["-c:v", "libx264", "-preset", "medium", "-b:v", "\(bitRate)", "-maxrate", "\(2 * bitRate)", "-bufsize", "\(2 * bitRate)"]
let twoSeconds = ["-i", input, "-t", "2", "-vf", drawtext, "-an"] + x264 + ["\(work)/ffmpeg-2s.mp4"]
let whole = ["-i", input, "-vf", drawtext, "-c:a", "copy"] + x264 + ["\(work)/ffmpeg-whole.mp4"]

// Anchor: ffmpeg re-encoding only 2 s (first and last, so both sides of Sigil's run see the same machine).
let anchorBefore = ffmpeg(twoSeconds, cap: nil)
let labeler = try OpeningLabeler(spec: ExplicitLabelSpec(), font: font, tools: tools)
var outcome: OpeningLabelOutcome?
let sigil = try clock { outcome = try labeler.label(input: input, output: "\(work)/sigil-head.mp4") }
let anchorAfter = ffmpeg(twoSeconds, cap: nil)
let wholeRun = ffmpeg(whole, cap: cap)
let anchor = min(anchorBefore.seconds, anchorAfter.seconds)
let record = outcome!.record

func r(_ value: Double, _ digits: Int = 2) -> Double { (value * pow(10, Double(digits))).rounded() / pow(10, Double(digits)) }
var load = [Double](repeating: 0, count: 3)
getloadavg(&load, 3)
let wholeRow: [String: Any] =
    wholeRun.finished
    ? ["wallSeconds": r(wholeRun.seconds), "finished": true, "vsSigil": r(wholeRun.seconds / sigil)]
    : [
        "wallSeconds": r(wholeRun.seconds), "finished": false, "stoppedAfterSeconds": cap, "videoSecondsEncodedWhenStopped": r(wholeRun.reached),
        "sigilFasterAtLeast": r(wholeRun.seconds / sigil),
        "note": "stopped at the cap: the whole re-encode takes longer than this, so the ratio is a lower bound (measured, not extrapolated)",
    ]
let result: [String: Any] = [
    "input": input, "durationSeconds": r(seconds, 3), "width": probe.video.width, "height": probe.video.height, "codec": probe.video.codec,
    "profile": probe.video.profile ?? "", "sourceBitRate": bitRate, "cores": ProcessInfo.processInfo.activeProcessorCount,
    "loadAverageAtEnd": load.map { r($0) },
    "rows": [
        "ffmpeg re-encode of the first 2 s only (anchor: fastest of before/after)": [
            "wallSeconds": r(anchor), "before": r(anchorBefore.seconds), "after": r(anchorAfter.seconds),
            "command": "ffmpeg " + twoSeconds.joined(separator: " "),
        ],
        "sigil head-only opening label (OpeningLabeler: probe, render, head re-encode, tail copy, concat, decode check to splice + 3 s)": [
            "wallSeconds": r(sigil), "vsAnchor": r(sigil / anchor), "reencoded": record.reencode.rawValue, "spliceAt": record.spliceAt ?? -1,
            "labelSeconds": r(record.duration, 3),
        ],
        "ffmpeg drawtext whole re-encode, same encoder settings (x264 medium, source bit rate)": wholeRow.merging([
            "command": "ffmpeg " + whole.joined(separator: " ")
        ]) { a, _ in a },
    ],
]
let data = try JSONSerialization.data(withJSONObject: result, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
print(String(decoding: data, as: UTF8.self))
