// sigil-text-bench: explicit text label check throughput (issue 20: ≥ 100 MB/s) beside its anchor, measured in the
// same run on the same buffer.
//
//   TextLabelChecker.check(bytes:)   vs   the standard library's UTF-8 validation of the same bytes
//                                         (String(validating:as:): the least any text check must do)
//
// The buffer is every .txt file of ../shared/media/text concatenated, repeated to SIGIL_TEXT_MB (default 128) MiB,
// with one conformant label at its very end so the checker reads all of it and finds something. Each measurement is
// repeated SIGIL_TEXT_ROUNDS (default 7) times, interleaved; the JSON printed to stdout holds every raw time, wall
// clock and process CPU time (the CPU time is the figure that survives a machine shared with other jobs).
import Foundation
import SigilText

let environment = ProcessInfo.processInfo.environment
let megabytes = Int(environment["SIGIL_TEXT_MB"] ?? "") ?? 128
let rounds = Int(environment["SIGIL_TEXT_ROUNDS"] ?? "") ?? 7
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
let folder = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/media/text")

let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".txt") }.sorted()
guard !names.isEmpty else {
    FileHandle.standardError.write(Data("no .txt files in \(folder.path)\n".utf8))
    exit(2)
}
var corpus: [UInt8] = []
for name in names { corpus += try Array(Data(contentsOf: folder.appendingPathComponent(name))) + [0x0A] }
let corpusBytes = corpus.count
var buffer: [UInt8] = []
buffer.reserveCapacity(megabytes << 20 + corpusBytes)
while buffer.count < megabytes << 20 { buffer += corpus }
buffer += Array("\n本内容由人工智能生成\n".utf8)

func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }

/// The process's CPU time in seconds: on a shared, loaded machine the wall clock measures the other jobs too.
func cpuSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

let checker = TextLabelChecker()
var checkTimes: [Double] = []
var validateTimes: [Double] = []
var checkCPU: [Double] = []
var validateCPU: [Double] = []
var found = 0
var placement = ""
let clock = ContinuousClock()
for _ in 0..<rounds {
    let c0 = cpuSeconds()
    let t0 = clock.now
    let report = try checker.check(bytes: buffer)
    checkTimes.append(seconds(clock.now - t0))
    checkCPU.append(cpuSeconds() - c0)
    found = report.matchCount
    placement = report.matches.last?.placement.rawValue ?? "none"
    let c1 = cpuSeconds()
    let t1 = clock.now
    let valid = String(validating: buffer, as: UTF8.self) != nil
    validateTimes.append(seconds(clock.now - t1))
    validateCPU.append(cpuSeconds() - c1)
    precondition(valid)
}

func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
let mb = Double(buffer.count) / 1e6
let result: [String: Any] = [
    "files": names.count,
    "corpusBytes": corpusBytes,
    "bufferBytes": buffer.count,
    "rounds": rounds,
    "labelsFound": found,
    "lastLabelPlacement": placement,
    "checkSeconds": checkTimes,
    "utf8ValidationSeconds": validateTimes,
    "checkCPUSeconds": checkCPU,
    "utf8ValidationCPUSeconds": validateCPU,
    "medianCheckMBps": (mb / median(checkTimes) * 10).rounded() / 10,
    "medianCheckCPUMBps": (mb / median(checkCPU) * 10).rounded() / 10,
    "medianUTF8ValidationCPUMBps": (mb / median(validateCPU) * 10).rounded() / 10,
    "checkOverValidationCPURatio": (median(checkCPU) / median(validateCPU) * 100).rounded() / 100,
    "medianUTF8ValidationMBps": (mb / median(validateTimes) * 10).rounded() / 10,
    "checkOverValidationTimeRatio": (median(checkTimes) / median(validateTimes) * 100).rounded() / 100,
    "cores": ProcessInfo.processInfo.activeProcessorCount,
    "loadAverageAtEnd": { () -> [Double] in
        var load = [Double](repeating: 0, count: 3)
        return getloadavg(&load, 3) == 3 ? load.map { ($0 * 100).rounded() / 100 } : []
    }(),
]
let data = try JSONSerialization.data(withJSONObject: result, options: [.prettyPrinted, .sortedKeys])
print(String(decoding: data, as: UTF8.self))
