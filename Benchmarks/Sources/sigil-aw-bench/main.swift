// The audio watermark's false-positive run and in-process speed (issue 17, decision 0104).
//
//   sigil-aw-bench fpr N [--start I] CLIP.wav...   detector on N unmarked windows, both cores
//   sigil-aw-bench speed CLIP.wav...                embed and detect, in-process, best of 3, one core
//
// The key is a fixed test key: the false-positive rate does not depend on which key, only on there being one.
import Foundation
import SigilAudio
import SigilAudioMark
import SigilContainers
import SigilCore

let key = try! WatermarkKey(bytes: (0..<32).map { UInt8(truncatingIfNeeded: 0x5A &+ $0 &* 37) })

struct Clip: Sendable {
    var samples: [Float]
    var sampleRate: Int
    var channels: Int
    var name: String
}

func readClip(_ path: String) throws -> Clip {
    let source = MemoryByteSource(try [UInt8](Data(contentsOf: URL(fileURLWithPath: path))))
    let layout = try WAVPCMLayout(source)
    var samples: [Float] = []
    try PCMCodec.forEachChunk(of: layout, in: source) { samples += $0 }
    return Clip(samples: samples, sampleRate: layout.sampleRate, channels: layout.channels, name: URL(fileURLWithPath: path).lastPathComponent)
}

/// Window `index` of the false-positive run: seven in ten are excerpts (3–30 s, pseudo-random offset) of the clips,
/// the rest generated near-silence, tones, sweeps, white and pink noise. Deterministic in `index`.
func window(_ index: Int, clips: [Clip]) -> (kind: String, clip: Clip) {
    var state = UInt64(index) &* 0x9E37_79B9_7F4A_7C15 &+ 12345
    func random() -> Double {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Double(state >> 11) / Double(1 << 53)
    }
    let seconds = 3 + 27 * random() * random()
    if index % 10 < 7, !clips.isEmpty {
        let clip = clips[index % clips.count]
        let frames = clip.samples.count / clip.channels
        let length = min(frames, Int(seconds * Double(clip.sampleRate)))
        let offset = Int(random() * Double(frames - length))
        var excerpt = clip
        excerpt.samples = Array(clip.samples[(offset * clip.channels)..<((offset + length) * clip.channels)])
        return (clip.name, excerpt)
    }
    let rate = 44100
    let count = Int(seconds * Double(rate))
    var x = [Float](repeating: 0, count: count)
    let gain = Float(0.05 + 0.5 * random())
    let kinds = ["silence", "tone", "sweep", "white", "pink"]
    switch index % 5 {
    case 0: for i in 0..<count { x[i] = Float(random() - 0.5) * 1e-4 }
    case 1:
        let f = 50 + 5000 * random()
        for i in 0..<count { x[i] = gain * Float(sin(2 * Double.pi * f * Double(i) / Double(rate))) }
    case 2:
        let f0 = 50 + 500 * random()
        let f1 = 1000 + 15000 * random()
        let d = Double(count) / Double(rate)
        for i in 0..<count {
            let t = Double(i) / Double(rate)
            x[i] = gain * Float(sin(2 * Double.pi * (f0 * t + (f1 - f0) * t * t / (2 * d))))
        }
    case 3: for i in 0..<count { x[i] = gain * Float(random() - 0.5) }
    default:
        var b0 = 0.0
        var b1 = 0.0
        var b2 = 0.0
        for i in 0..<count {
            let w = random() - 0.5
            b0 = 0.99765 * b0 + w * 0.0990460
            b1 = 0.96300 * b1 + w * 0.2965164
            b2 = 0.57000 * b2 + w * 1.0526913
            x[i] = gain * Float(b0 + b1 + b2 + w * 0.1848)
        }
    }
    return (kinds[index % 5], Clip(samples: x, sampleRate: rate, channels: 1, name: kinds[index % 5]))
}

func falsePositives(count: Int, start: Int, clips: [Clip]) async {
    let detector = AudioMarkDetector(key: key)
    let began = Date()
    let results = await withTaskGroup(of: (seconds: Double, hits: [String]).self) { group in
        for lane in 0..<2 {
            group.addTask {
                var seconds = 0.0
                var hits: [String] = []
                var index = start + lane
                var done = 0
                while index < start + count {
                    let (kind, clip) = window(index, clips: clips)
                    seconds += Double(clip.samples.count / clip.channels) / Double(clip.sampleRate)
                    if let found = try? detector.detect(samples: clip.samples, sampleRate: clip.sampleRate, channels: clip.channels), found.detected {
                        hits.append("DETECTION window \(index) (\(kind)): \(found.payloadHex ?? "")")
                    }
                    index += 2
                    done += 1
                    if lane == 0, done % 250 == 0 {
                        FileHandle.standardError.write(Data("… \(start + 2 * done) windows\n".utf8))
                    }
                }
                return (seconds, hits)
            }
        }
        var all: (seconds: Double, hits: [String]) = (0, [])
        for await part in group {
            all.seconds += part.seconds
            all.hits += part.hits
        }
        return all
    }
    for hit in results.hits.sorted() { print(hit) }
    print(
        String(
            format: "fpr: windows %d..<%d (%.0f s of audio, %.0f s wall, 2 lanes), %d detections; bound per window %.2g",
            start, start + count, results.seconds, Date().timeIntervalSince(began), results.hits.count, detector.falsePositiveBound))
}

func best(of runs: Int, _ body: () throws -> Void) rethrows -> Double {
    var best = Double.infinity
    for _ in 0..<runs {
        let t = Date()
        try body()
        best = min(best, Date().timeIntervalSince(t))
    }
    return best
}

func speed(_ clips: [Clip]) throws {
    let watermarker = AudioWatermarker(key: key)
    print("clip | seconds | rate | channels | embed s | embed × real time | detect s | detect × real time | found")
    print("---|---|---|---|---|---|---|---|---")
    for clip in clips {
        let seconds = Double(clip.samples.count / clip.channels) / Double(clip.sampleRate)
        var marked: [Float] = []
        let embed = try best(of: 3) {
            marked = try watermarker.embed(payload: 0x0123_4567_89AB_CDEF, into: clip.samples, sampleRate: clip.sampleRate, channels: clip.channels)
        }
        var found = false
        let detect = try best(of: 3) {
            found = try watermarker.detect(samples: marked, sampleRate: clip.sampleRate, channels: clip.channels).payload == 0x0123_4567_89AB_CDEF
        }
        print(
            String(
                format: "%@ | %.1f | %d | %d | %.3f | %.0f | %.3f | %.0f | %@", clip.name, seconds, clip.sampleRate, clip.channels, embed,
                seconds / embed, detect, seconds / detect, found ? "yes" : "NO"))
    }
}

var arguments = Array(CommandLine.arguments.dropFirst())
guard let command = arguments.first else {
    print("usage: sigil-aw-bench fpr N [--start I] CLIP.wav... | speed CLIP.wav...")
    exit(2)
}
arguments.removeFirst()
do {
    switch command {
    case "fpr":
        var start = 0
        if let i = arguments.firstIndex(of: "--start"), i + 1 < arguments.count {
            start = Int(arguments[i + 1]) ?? 0
            arguments.removeSubrange(i...(i + 1))
        }
        guard let count = arguments.first.flatMap(Int.init) else { throw SigilError(.usage, "fpr needs a window count") }
        await falsePositives(count: count, start: start, clips: try arguments.dropFirst().map(readClip))
    case "speed":
        try speed(try arguments.map(readClip))
    default:
        throw SigilError(.usage, "unknown command \(command)")
    }
} catch {
    FileHandle.standardError.write(Data("sigil-aw-bench: \(error)\n".utf8))
    exit(1)
}
