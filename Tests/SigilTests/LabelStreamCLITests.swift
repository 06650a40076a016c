import Foundation
import Sigil
import SigilTestSupport
import Testing

/// `sigil label-stream`: standard input to standard output through a pipe, the record kept when the input ends, and
/// the saved stream verified like any labeled WAV.
@Suite(.enabled(if: TestSupport.sigilBinary != nil, "the sigil executable is not built"))
struct LabelStreamCLITests {
    let sigil = TestSupport.sigilBinary!
    let producer = TestSupport.producer.rawValue

    @Test func rawPCMThroughAPipeIsLabeledRecordedAndVerifies() throws {
        let dir = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let rate = 16000
        var pcm: [UInt8] = []
        for n in 0..<(rate * 3 / 2) {
            let v = Int16(9000 * sin(2 * Double.pi * 330 * Double(n) / Double(rate)))
            pcm += [UInt8(truncatingIfNeeded: v), UInt8(truncatingIfNeeded: v >> 8)]
        }
        let raw = dir.appendingPathComponent("in.s16")
        try Data(pcm).write(to: raw)
        let out = dir.appendingPathComponent("out.wav").path
        let data = dir.appendingPathComponent("data").path
        let run = try TestSupport.run(
            "/bin/sh",
            [
                "-c",
                "cat '\(raw.path)' | '\(sigil)' label-stream --rate \(rate) --audio-label-position both --producer \(producer) "
                    + "--service-category voice --data '\(data)' --json > '\(out)'",
            ])
        #expect(run.status == 0, "\(run.stderr)")
        let receipt = try #require(
            run.stderr.split(separator: "\n").last.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] },
            "\(run.stderr)")
        #expect(receipt["labels"] as? Int == 2)
        #expect(receipt["contentBytes"] as? Int == pcm.count)
        #expect(receipt["record"] != nil)
        let verify = try TestSupport.run(sigil, ["verify", out, "--json", "--data", data])
        let report = try #require(try JSONSerialization.jsonObject(with: Data(verify.stdout.utf8)) as? [String: Any], "\(verify.stderr)")
        #expect(report["verdict"] as? String == "ai-generated")
        #expect((report["rhythm"] as? [[String: Any]])?.filter { $0["morseAI"] as? Bool == true }.count == 2)
        let record = try #require(report["record"] as? [String: Any], "\(report)")
        #expect(record["found"] as? Bool == true)
        #expect(record["sha256Matches"] as? Bool == true)
    }

    @Test func inputThatIsNotAWAVIsRefusedWithAReason() throws {
        let run = try TestSupport.run("/bin/sh", ["-c", "printf 'OggS garbage' | '\(sigil)' label-stream --no-record > /dev/null"])
        #expect(run.status != 0)
        #expect(run.stderr.contains("WAV"), "\(run.stderr)")
    }
}
