import Foundation
import Sigil
import SigilTestSupport
import Testing

/// A ProduceID is unique per content (Annex E e), so one given ProduceID cannot label a whole folder.
@Suite(.enabled(if: TestSupport.sigilBinary != nil, "the sigil executable is not built"))
struct ProduceIDFolderTests {
    @Test func aFolderWithOneProduceIDIsRefused() throws {
        let dir = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let folder = dir.appendingPathComponent("in")
        let out = dir.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for name in ["gray.png", "landscape.jpg"] {
            try FileManager.default.copyItem(at: TestSupport.examples.appendingPathComponent(name), to: folder.appendingPathComponent(name))
        }
        let run = try TestSupport.run(
            TestSupport.sigilBinary!,
            [
                "label", folder.path, "-o", out.path, "--produce-id", "same-for-all",
                "--producer", TestSupport.producer.rawValue, "--data", dir.appendingPathComponent("data").path, "--no-record",
            ])
        #expect(run.status == 2, "\(run.stderr)")
        #expect(run.stderr.contains("--produce-id"))
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }
}
