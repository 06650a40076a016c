import Foundation
import Testing
import Sigil
import SigilTestSupport

/// The `sigil` command-line contract: arguments, JSON, exit codes (0 ok, 1 problems, 2 usage, 3 bad input).
@Suite(.enabled(if: TestSupport.sigilBinary != nil, "the sigil executable is not built"))
struct CLITests {
    let sigil = TestSupport.sigilBinary!
    let producer = TestSupport.producer.rawValue

    func sample(_ name: String) -> String { TestSupport.examples.appendingPathComponent(name).path }

    @Test func labelThenVerifyWithJSON() throws {
        let dir = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("labeled.png").path
        let label = try TestSupport.run(sigil, ["label", sample("alpha.png"), "-o", out, "--producer", producer, "--json"])
        #expect(label.status == 0, "\(label.stderr)")
        let labelJSON = try JSONSerialization.jsonObject(with: Data(label.stdout.utf8)) as? [String: Any]
        #expect((labelJSON?["label"] as? [String: Any])?["ContentProducer"] as? String == producer)
        #expect((labelJSON?["marks"] as? [String]) == Mark.allCases.filter(Mark.supported.contains).map(\.rawValue))

        let verify = try TestSupport.run(sigil, ["verify", out, "--json"])
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(verify.stdout.utf8)) as? [String: Any])
        #expect(report["verdict"] as? String == "ai-generated")
        let implicit = try #require(report["implicit"] as? [[String: Any]])
        #expect(implicit.count == 1)
        #expect(implicit.first?["location"] as? String != nil)
        #expect(implicit.first?["findings"] as? [Any] != nil)
        let fields = try #require(implicit.first?["fields"] as? [String: Any])
        #expect(Set(fields.keys) == Set(AIGCLabel.Key.allCases.map(\.rawValue)))
        // Field order in the JSON text is the Annex E order.
        let text = verify.stdout
        let positions = AIGCLabel.Key.allCases.compactMap { text.range(of: "\"\($0.rawValue)\"")?.lowerBound }
        #expect(positions == positions.sorted())
        #expect((report["explicit"] as? [String: Any])?["text"] as? String == "AI生成")
    }

    /// A working file a killed `sigil label` left beside the output (its process gone, unwritten for over an hour) is
    /// removed by the next label into that folder, which says so; a fresh one is kept (decision 0038).
    @Test func aLabelSweepsWorkingFilesAKilledLabelLeft() throws {
        let dir = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let ended = Process()
        ended.executableURL = URL(fileURLWithPath: "/bin/true")
        try ended.run()
        ended.waitUntilExit()
        let stale = dir.appendingPathComponent(".sigil-w\(ended.processIdentifier)-0badf00d-mark.mp4").path
        let fresh = dir.appendingPathComponent(".sigil-w\(ended.processIdentifier)-0000f00d-opening.mp4").path
        for path in [stale, fresh] { #expect(FileManager.default.createFile(atPath: path, contents: Data("x".utf8))) }
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-7200)], ofItemAtPath: stale)
        let out = dir.appendingPathComponent("labeled.png").path
        let label = try TestSupport.run(
            sigil, ["label", sample("gray.png"), "-o", out, "--producer", producer, "--marks", "implicit", "--no-record"])
        #expect(label.status == 0, "\(label.stderr)")
        #expect(!FileManager.default.fileExists(atPath: stale))
        #expect(FileManager.default.fileExists(atPath: fresh))
        #expect(label.stderr.contains("removed \(stale)"), "\(label.stderr)")
    }

    @Test func verifyExitCodes() throws {
        let unlabeled = try TestSupport.run(sigil, ["verify", sample("gray.png")])
        #expect(unlabeled.status == 1)
        #expect(unlabeled.stdout.contains("no-label"))
        let missing = try TestSupport.run(sigil, ["verify", "/nonexistent/file.png"])
        #expect(missing.status == 3)
        #expect(missing.stderr.contains("/nonexistent/file.png"))
        let usage = try TestSupport.run(sigil, ["verify"])
        #expect(usage.status == 2)
    }

    @Test func usageErrorsExitTwo() throws {
        let dir = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("x.png").path
        let badMark = try TestSupport.run(sigil, ["label", sample("gray.png"), "-o", out, "--producer", producer, "--marks", "explicit,sparkles"])
        #expect(badMark.status == 2)
        #expect(badMark.stderr.contains("sparkles"))
        let badCode = try TestSupport.run(sigil, ["label", sample("gray.png"), "-o", out, "--producer", "00119111"])
        #expect(badCode.status == 3 || badCode.status == 2)
        #expect(badCode.stderr.contains("27"))
        let noOutput = try TestSupport.run(sigil, ["label", sample("gray.png")])
        #expect(noOutput.status == 2)
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test func badInputExitsThreeAndNamesTheFile() throws {
        let dir = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let truncated = dir.appendingPathComponent("cut.jpg")
        let jpeg = try Data(contentsOf: URL(fileURLWithPath: sample("landscape.jpg")))
        try jpeg.prefix(jpeg.count / 3).write(to: truncated)
        let out = dir.appendingPathComponent("out.jpg").path
        let run = try TestSupport.run(sigil, ["label", truncated.path, "-o", out, "--producer", producer])
        #expect(run.status == 3)
        #expect(run.stderr.contains("cut.jpg"))
        #expect(!FileManager.default.fileExists(atPath: out))
        let empty = dir.appendingPathComponent("empty.png")
        try Data().write(to: empty)
        let emptyRun = try TestSupport.run(sigil, ["label", empty.path, "-o", out, "--producer", producer])
        #expect(emptyRun.status == 3)
        #expect(emptyRun.stderr.contains("empty"))
    }

    @Test func batchLabelsAFolder() throws {
        let dir = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out").path
        let run = try TestSupport.run(sigil, ["label", TestSupport.examples.path, "-o", out, "--producer", producer, "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let result = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any]
        let count = try FileManager.default.contentsOfDirectory(atPath: TestSupport.examples.path).filter { !$0.hasPrefix(".") }.count
        #expect(result?["labeled"] as? Int == count)
        let verify = try TestSupport.run(
            sigil, ["verify", "--json"] + (try FileManager.default.contentsOfDirectory(atPath: out).map { out + "/" + $0 }))
        #expect(verify.status == 0, "\(verify.stdout)")
    }

    @Test func metadataOnlyMark() throws {
        let dir = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("m.jpg").path
        let run = try TestSupport.run(
            sigil, ["label", sample("landscape.jpg"), "-o", out, "--producer", producer, "--marks", "implicit", "--produce-id", "abc-123"])
        #expect(run.status == 0, "\(run.stderr)")
        let verify = try TestSupport.run(sigil, ["verify", out])
        #expect(verify.stdout.contains("\"abc-123\""))
        #expect(verify.status == 0)
    }
}
