import Foundation
import Testing

@testable import SigilContainers

/// Every shared document, labeled, opens in the library its users read it with and shows the label there:
/// python-docx, openpyxl, python-pptx and pikepdf (issue 20's "reads back with independent readers"). The libraries
/// live in the bench venv (`scripts/install-deps.sh`); without them the test is skipped, visibly.
@Suite struct IndependentReaderTests {
    static let python: String? = {
        let env = ProcessInfo.processInfo.environment
        let candidates = [env["BENCH_PY"], (env["HOME"] ?? NSHomeDirectory()) + "/.cache/sigil-bench-venv/bin/python"].compactMap { $0 }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()
    static var readersAvailable: Bool {
        guard let python else { return false }
        return (try? DocumentTools.run(python, ["-c", "import docx, openpyxl, pptx, pikepdf"]).status) == 0
    }
    static let script = Fixtures.resources.appendingPathComponent("read_document_label.py").path

    /// What the independent reader says of `bytes` saved as `name`.
    func read(_ bytes: [UInt8], named name: String) throws -> [String: Any] {
        let run = try DocumentTools.withFile(bytes, named: name) { try DocumentTools.run(Self.python!, [Self.script, $0]) }
        let line = run.output.split(separator: "\n").last.map(String.init) ?? ""
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "\(name): \(run.output)")
        #expect(run.status == 0, "\(name): \(run.output)")
        return object
    }

    static var names: [String] {
        DocumentTools.documents(".docx", ".dotx", ".xlsx", ".pptx", ".pptm", ".pdf").filter { !$0.contains("encrypted_user") }
    }

    @Test(.enabled(if: DocumentTools.documentsAvailable && readersAvailable, "needs ../shared and the bench venv's document libraries"))
    func everySharedDocumentReadsBackInItsLibrary() throws {
        #expect(Self.names.count >= 14)
        for name in Self.names {
            let original = try DocumentTools.document(name)
            let handler = try #require(MediaRegistry.standard.identify(original)?.handler as? any LabelWriting, "\(name)")
            let labeled = try handler.writeLabel(ConformanceSample.labelA, into: original)
            let before = try read(original, named: name)
            let after = try read(labeled, named: name)
            #expect(after["aigc"] as? String == ConformanceSample.labelA.json, "\(name): \(after)")
            // What else the reader saw (sheets, slides, pages, other Info keys) is unchanged, /AIGC aside.
            var expected = before["other"] as? [String: Any] ?? [:]
            if let keys = expected["keys"] as? [String] { expected["keys"] = Array(Set(keys + ["/AIGC"])).sorted() }
            if let custom = expected["custom"] as? [String] { expected["custom"] = Array(Set(custom + ["AIGC"])).sorted() }
            #expect(
                NSDictionary(dictionary: after["other"] as? [String: Any] ?? [:]) == NSDictionary(dictionary: expected),
                "\(name): \(before) → \(after)")
        }
    }
}
