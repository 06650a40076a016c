// sigil-wm-bench — fast loop and evidence tool for SigilWatermark.
//
//   sigil-wm-bench embed IN OUT HEX [--strength S]     PNG/JPEG/WebP in, PNG out
//   sigil-wm-bench detect IN [--json] [--exhaustive | --search S]   prints the payload hex or "none"
//   sigil-wm-bench timeit IN HEX                       {"embed_s":..,"extract_s":..} in-process (no codecs)
//   sigil-wm-bench fpr DIR... --count N [--seed S]     detection on N unmarked random crops/rescales
//   sigil-wm-bench speed IN [--repeat R]               embed/detect MP/s on one image (in-process)
//   sigil-wm-bench screen DIR... [--jobs J]            NDJSON per image: staged and exhaustive detection, the
//                                                      screen's score and both detect times (decision 0102)
//   sigil-wm-bench nomark-speed FILE... [--repeat R] [--search S]   median ranked / staged / exhaustive detect time
//                                                      per file, one thread
//   sigil-wm-bench compare DIR... [--jobs J] [--search S]   NDJSON per image: exhaustive and S (ranked) results
//                                                      and times (decision 0105)
//   sigil-wm-bench threshold                           the screen's threshold
//
// The key is fixed for benchmarking (SHA-free derivation from the word "wmbench"), or --key HEX64.
import Foundation
import SigilCore
import SigilImaging
import SigilWatermark

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data((message + "\n").utf8))
    exit(2)
}

var args = Array(CommandLine.arguments.dropFirst())
@MainActor func option(_ name: String) -> String? {
    guard let i = args.firstIndex(of: name), i + 1 < args.count else { return nil }
    let value = args[i + 1]
    args.removeSubrange(i...(i + 1))
    return value
}
@MainActor func flag(_ name: String) -> Bool {
    guard let i = args.firstIndex(of: name) else { return false }
    args.remove(at: i)
    return true
}

let keyBytes: [UInt8] = {
    if let hex = option("--key") {
        var out: [UInt8] = []
        var chars = Array(hex)
        while chars.count >= 2 {
            out.append(UInt8(String(chars[0..<2]), radix: 16) ?? 0)
            chars.removeFirst(2)
        }
        return out
    }
    return (0..<32).map { UInt8(($0 * 37 + 11) & 0xFF) }
}()
let key = try! WatermarkKey(bytes: keyBytes)
let marker = Watermarker(key: key)

func tryLoad(_ path: String) throws -> PixelBuffer {
    guard let data = FileManager.default.contents(atPath: path) else { throw SigilError(.io, "cannot read \(path)") }
    let bytes = [UInt8](data)
    if bytes.starts(with: [0xFF, 0xD8]) { return try JPEGCodec.decode(bytes, maxPixels: 200_000_000).pixels }
    if bytes.starts(with: [0x89, 0x50]) { return try PNGCodec.decode(bytes, maxPixels: 200_000_000).pixels }
    return try WebPCodec.decode(bytes, maxPixels: 200_000_000).pixels
}

func load(_ path: String) -> PixelBuffer {
    do { return try tryLoad(path) } catch { fail("\(path): \(error)") }
}

func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

func evidenceJSON(_ e: LatticeEvidence) -> String {
    "{\"periodicity\":\(e.periodicity),\"syncScore\":\(e.syncScore),\"warrantsSearch\":\(e.warrantsSearch)}"
}

func json(_ d: WatermarkDetection) -> String {
    let payload = d.payloadHex.map { "\"\($0)\"" } ?? "null"
    let stage = d.stage.map { "\"\($0.rawValue)\"" } ?? "null"
    let screen = d.screenScore.map { "\($0)" } ?? "null"
    let evidence = d.latticeEvidence.map(evidenceJSON) ?? "null"
    return
        "{\"detected\":\(d.detected),\"payload\":\(payload),\"bitAgreement\":\(d.bitAgreement),\"syncScore\":\(d.syncScore),\"scale\":\(d.scale ?? 0),\"rotation\":\(d.rotationDegrees ?? 0),\"stage\":\(stage),\"screenScore\":\(screen),\"latticeEvidence\":\(evidence)}"
}

/// One line per image file of `paths` (in order), computed on `jobs` tasks; unreadable files are skipped.
func perImage(_ paths: [String], jobs: Int, _ line: @escaping @Sendable (PixelBuffer, String) -> String) async -> [String] {
    let files = imageFiles(paths)
    guard !files.isEmpty else { fail("no images") }
    return await withTaskGroup(of: [(Int, String)].self) { group in
        for job in 0..<jobs {
            group.addTask {
                var out: [(Int, String)] = []
                for index in stride(from: job, to: files.count, by: jobs) {
                    guard let pixels = try? tryLoad(files[index]) else { continue }
                    out.append((index, line(pixels, (files[index] as NSString).lastPathComponent)))
                }
                return out
            }
        }
        var all: [(Int, String)] = []
        for await part in group { all += part }
        return all.sorted { $0.0 < $1.0 }.map(\.1)
    }
}

/// The image files (PNG, JPEG, WebP) in each folder, sorted; a file argument stands for itself.
func imageFiles(_ paths: [String]) -> [String] {
    var out: [String] = []
    for dir in paths {
        let items = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [dir]
        for name in items.sorted() {
            let path = items == [dir] ? dir : dir + "/" + name
            let lower = path.lowercased()
            if lower.hasSuffix(".png") || lower.hasSuffix(".jpg") || lower.hasSuffix(".jpeg") || lower.hasSuffix(".webp") { out.append(path) }
        }
    }
    return out
}

guard let command = args.first else { fail("usage: sigil-wm-bench embed|detect|timeit|fpr|speed ...") }
args.removeFirst()
switch command {
case "embed":
    let strength = Double(option("--strength") ?? "1") ?? 1
    guard args.count == 3 else { fail("embed IN OUT HEX") }
    var pixels = load(args[0])
    do {
        try marker.embed(payload: try Watermarker.parseHex(args[2]), into: &pixels, strength: strength)
        let png = try PNGCodec.encode(pixels)
        try Data(png).write(to: URL(fileURLWithPath: args[1]))
    } catch { fail("\(error)") }
case "detect":
    let asJSON = flag("--json")
    var search: WatermarkSearch = flag("--exhaustive") ? .exhaustive : .staged
    if let name = option("--search") {
        guard let named = WatermarkSearch(rawValue: name) else { fail("--search: staged, exhaustive or ranked") }
        search = named
    }
    guard args.count >= 1 else { fail("detect IN") }
    let d = marker.detect(in: load(args[0]), search: search)
    print(asJSON ? json(d) : (d.payloadHex ?? "none"))
case "timeit":
    guard args.count >= 2 else { fail("timeit IN HEX") }
    var pixels = load(args[0])
    let payload = (try? Watermarker.parseHex(args[1])) ?? 0
    let t0 = now()
    try! marker.embed(payload: payload, into: &pixels)
    let t1 = now()
    _ = marker.detect(in: pixels)
    let t2 = now()
    print("{\"embed_s\":\(t1 - t0),\"extract_s\":\(t2 - t1)}")
case "speed":
    let repeats = Int(option("--repeat") ?? "3") ?? 3
    let pixels = load(args[0])
    var e = Double.infinity
    var d = Double.infinity
    var ok = true
    for _ in 0..<repeats {
        var copy = pixels
        let t0 = now()
        try! marker.embed(payload: 0x0123_4567_89AB_CDEF, into: &copy)
        let t1 = now()
        let r = marker.detect(in: copy)
        let t2 = now()
        ok = ok && r.payload == 0x0123_4567_89AB_CDEF
        e = min(e, t1 - t0)
        d = min(d, t2 - t1)
    }
    let mp = Double(pixels.width * pixels.height) / 1e6
    print(
        String(
            format: "%dx%d %.1f MP: embed %.3f s (%.1f MP/s), detect %.3f s (%.1f MP/s), roundtrip %@",
            pixels.width, pixels.height, mp, e, mp / e, d, mp / d, ok ? "ok" : "FAILED"))
case "fpr":
    let count = Int(option("--count") ?? "10000") ?? 10000
    var rng = SplitMix64(seed: UInt64(option("--seed") ?? "1") ?? 1)
    func next() -> UInt64 { rng.next() }
    func uniform() -> Double { Double(next() >> 11) / Double(1 << 53) }
    var sources: [(String, PixelBuffer)] = []
    for path in imageFiles(args) {
        guard var p = try? tryLoad(path), p.width >= 64, p.height >= 64 else { continue }
        if p.layout != .rgb && p.layout != .gray {
            // Drop alpha for the test.
            let c = p.channels
            var rgb = [UInt8]()
            rgb.reserveCapacity(p.pixelCount * 3)
            for i in 0..<p.pixelCount {
                if c == 2 {
                    rgb += [p.bytes[i * 2], p.bytes[i * 2], p.bytes[i * 2]]
                } else {
                    rgb += [p.bytes[i * 4], p.bytes[i * 4 + 1], p.bytes[i * 4 + 2]]
                }
            }
            p = PixelBuffer(width: p.width, height: p.height, layout: .rgb, bytes: rgb)
        }
        sources.append((path, p))
    }
    guard !sources.isEmpty else { fail("no images") }
    FileHandle.standardError.write(Data("\(sources.count) source images\n".utf8))
    let start = now()
    var positives: [String] = []
    var scores: [Double] = []
    let jobs = 2
    let results = await withTaskGroup(of: [(Bool, Double, String)].self) { group in
        var plans: [[(Int, Int, Int, Int, Int, Int)]] = Array(repeating: [], count: jobs)
        for i in 0..<count {
            let s = Int(next() % UInt64(sources.count))
            let src = sources[s].1
            // Random crop of 10–100 % of each side, then random rescale 0.3–1.5 (nearest-area) of the crop.
            let fw = 0.1 + 0.9 * uniform()
            let fh = 0.1 + 0.9 * uniform()
            let cw = max(48, Int(Double(src.width) * fw))
            let ch = max(48, Int(Double(src.height) * fh))
            let cx = Int(uniform() * Double(max(1, src.width - cw)))
            let cy = Int(uniform() * Double(max(1, src.height - ch)))
            let scale = Int(30 + uniform() * 120)
            plans[i % jobs].append((s, min(cw, src.width), min(ch, src.height), cx, cy, scale))
        }
        let frozen = sources.map(\.1)
        let names = sources.map(\.0)
        for plan in plans {
            group.addTask {
                var out: [(Bool, Double, String)] = []
                for (s, cw, ch, cx, cy, scale) in plan {
                    let src = frozen[s]
                    let c = src.channels
                    let tw = max(40, cw * scale / 100)
                    let th = max(40, ch * scale / 100)
                    var bytes = [UInt8](repeating: 0, count: tw * th * c)
                    for y in 0..<th {
                        let sy = cy + min(ch - 1, y * ch / th)
                        for x in 0..<tw {
                            let sx = cx + min(cw - 1, x * cw / tw)
                            for k in 0..<c { bytes[(y * tw + x) * c + k] = src.bytes[(sy * src.width + sx) * c + k] }
                        }
                    }
                    let crop = PixelBuffer(width: tw, height: th, layout: src.layout, bytes: bytes)
                    let d = marker.detect(in: crop)
                    out.append((d.detected, d.syncScore, "\(names[s]) crop \(cw)x\(ch)+\(cx)+\(cy) scale \(scale)%"))
                }
                return out
            }
        }
        var all: [(Bool, Double, String)] = []
        for await part in group { all += part }
        return all
    }
    for (detected, score, what) in results {
        scores.append(score)
        if detected { positives.append(what) }
    }
    scores.sort()
    let elapsed = now() - start
    print(
        "fpr: \(results.count) unmarked crops from \(sources.count) images, \(positives.count) detected (false positives), \(String(format: "%.0f", elapsed)) s"
    )
    print(
        String(
            format: "sync score on unmarked: median %.2f, 99th pct %.2f, max %.2f", scores[scores.count / 2], scores[scores.count * 99 / 100],
            scores.last ?? 0))
    print("analytic bound per image: \(WatermarkDetection.falsePositiveBound)")
    for p in positives { print("FALSE POSITIVE: \(p)") }
case "screen":
    let lines = await perImage(args, jobs: Int(option("--jobs") ?? "2") ?? 2) { pixels, name in
        let t0 = now()
        let staged = marker.detect(in: pixels, search: .staged)
        let t1 = now()
        let full = marker.detect(in: pixels, search: .exhaustive)
        let t2 = now()
        let screen = marker.screenScore(in: pixels).map { "\($0)" } ?? "null"
        return "{\"file\":\"\(name)\",\"width\":\(pixels.width),\"height\":\(pixels.height),\"screen\":\(screen),"
            + "\"staged_s\":\(t1 - t0),\"exhaustive_s\":\(t2 - t1),\"staged\":\(json(staged)),\"exhaustive\":\(json(full))}"
    }
    for line in lines { print(line) }
    FileHandle.standardError.write(Data("screen: \(lines.count) images, threshold \(WatermarkDetection.screenThreshold)\n".utf8))
case "compare":
    // Per image: the exhaustive search and another (--search, default ranked), each result and time.
    guard let other = WatermarkSearch(rawValue: option("--search") ?? "ranked") else { fail("--search: staged, exhaustive or ranked") }
    let lines = await perImage(args, jobs: Int(option("--jobs") ?? "2") ?? 2) { pixels, name in
        let t0 = now()
        let full = marker.detect(in: pixels, search: .exhaustive)
        let t1 = now()
        let second = marker.detect(in: pixels, search: other)
        let t2 = now()
        let evidence = marker.latticeEvidence(in: pixels).map(evidenceJSON) ?? "null"
        return "{\"file\":\"\(name)\",\"width\":\(pixels.width),\"height\":\(pixels.height),\"search\":\"\(other.rawValue)\","
            + "\"evidence\":\(evidence),\"exhaustive_s\":\(t1 - t0),\"other_s\":\(t2 - t1),\"exhaustive\":\(json(full)),"
            + "\"other\":\(json(second))}"
    }
    for line in lines { print(line) }
case "threshold":
    print(WatermarkDetection.screenThreshold)
case "nomark-speed":
    // Median detect time per file for each search (ranked, staged, exhaustive), interleaved so that load changes on
    // the machine touch every mode alike; --search S times that mode alone (for profiling).
    let repeats = Int(option("--repeat") ?? "9") ?? 9
    var modes: [WatermarkSearch] = [.ranked, .staged, .exhaustive]
    if let name = option("--search") {
        guard let mode = WatermarkSearch(rawValue: name) else { fail("--search: staged, exhaustive or ranked") }
        modes = [mode]
    }
    for path in imageFiles(args) {
        let pixels = load(path)
        var times = [[Double]](repeating: [], count: modes.count)
        var results = [WatermarkDetection](repeating: .none(syncScore: 0), count: modes.count)
        for _ in 0..<repeats {
            for (k, mode) in modes.enumerated() {
                let t0 = now()
                results[k] = marker.detect(in: pixels, search: mode)
                times[k].append(now() - t0)
            }
        }
        let name = (path as NSString).lastPathComponent
        var line = "{\"file\":\"\(name)\",\"width\":\(pixels.width),\"height\":\(pixels.height),\"repeats\":\(repeats)"
        for (k, mode) in modes.enumerated() {
            let sorted = times[k].sorted()
            line += ",\"\(mode.rawValue)_median_s\":\(sorted[repeats / 2]),\"\(mode.rawValue)\":\(json(results[k]))"
        }
        print(line + "}")
    }
default:
    fail("unknown command \(command)")
}
