import Foundation
import Sigil
import SigilTestSupport
import Testing

/// `sigil verify DIR`: every file under the folder in parallel, one NDJSON line each with `--json`, the exit code the
/// worst one file would give.
@Suite(.enabled(if: TestSupport.sigilBinary != nil, "the sigil executable is not built"))
struct FolderVerifyTests {
    let sigil = TestSupport.sigilBinary!

    func lines(_ text: String) throws -> [[String: Any]] {
        try text.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "\(line)")
        }
    }

    @Test("a folder gives one JSON line per file, nested folders included and hidden files left out, exit 0 when all are labeled")
    func labeledFolder() throws {
        let dir = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let folder = dir.appendingPathComponent("labeled")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("nested"), withIntermediateDirectories: true)
        for (name, output) in [("alpha.png", "alpha.png"), ("gray.png", "nested/gray.png"), ("note.md", "nested/note.md")] {
            let label = try TestSupport.run(
                sigil,
                [
                    "label", TestSupport.examples.appendingPathComponent(name).path, "-o", folder.appendingPathComponent(output).path,
                    "--producer", TestSupport.producer.rawValue,
                ])
            #expect(label.status == 0, "\(label.stderr)")
        }
        try Data("hidden".utf8).write(to: folder.appendingPathComponent(".DS_Store"))
        let run = try TestSupport.run(sigil, ["verify", folder.path, "--json", "--jobs", "2"])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        let reports = try lines(run.stdout)
        #expect(
            Set(reports.compactMap { $0["file"] as? String })
                == Set(["alpha.png", "nested/gray.png", "nested/note.md"].map { folder.path + "/" + $0 }))
        #expect(reports.allSatisfy { $0["verdict"] as? String == "ai-generated" })
        #expect(run.stderr.isEmpty, "no progress bar when standard error is not a terminal: \(run.stderr)")
    }

    @Test("an unlabeled file makes the folder exit 1, an unreadable one 3, as for single files; --no-decode says so in every line")
    func exitCodes() throws {
        let dir = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.copyItem(at: TestSupport.examples.appendingPathComponent("gray.png"), to: dir.appendingPathComponent("gray.png"))
        try FileManager.default.copyItem(at: TestSupport.examples.appendingPathComponent("chord.wav"), to: dir.appendingPathComponent("chord.wav"))
        let unlabeled = try TestSupport.run(sigil, ["verify", dir.path, "--json", "--no-decode"])
        #expect(unlabeled.status == 1, "\(unlabeled.stderr)")
        let reports = try lines(unlabeled.stdout)
        #expect(reports.count == 2)
        #expect(reports.allSatisfy { $0["decoded"] as? Bool == false && $0["rhythm"] is NSNull })
        let missing = dir.appendingPathComponent("gone/missing.png").path
        let junk = try TestSupport.run(sigil, ["verify", dir.path, missing, "--json"])
        #expect(junk.status == 3)
        let failed = try #require(try lines(junk.stdout).first { ($0["file"] as? String) == missing })
        #expect((failed["error"] as? [String: Any])?["code"] != nil)
        let text = try TestSupport.run(sigil, ["verify", dir.path, missing])
        #expect(text.status == 3)
        #expect(text.stdout.contains("gray.png: no-label"))
    }
}
