import Foundation
import SigilKeys
import X509
import SigilTestSupport
@testable import SigilProvenance

/// Paths, media and keys shared by the provenance tests.
enum ProvenanceTestSupport {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let shared = root.deletingLastPathComponent().appendingPathComponent("shared")
    static let fixtures = shared.appendingPathComponent("fixtures/c2pa")
    static let examples = root.appendingPathComponent("examples")
    static var hasFixtures: Bool { FileManager.default.fileExists(atPath: fixtures.appendingPathComponent("INDEX.md").path) }

    /// The c2pa-rs oracle (`c2pa_check.py` in the bench venv), when installed.
    static var oraclePython: String? {
        let env = ProcessInfo.processInfo.environment
        let candidates = [env["BENCH_PY"], (env["HOME"] ?? NSHomeDirectory()) + "/.cache/sigil-bench-venv/bin/python"].compactMap { $0 }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
    static var oracleScript: String { shared.appendingPathComponent("bench/c2pa_check.py").path }
    static var hasOracle: Bool {
        guard let python = oraclePython, FileManager.default.fileExists(atPath: oracleScript) else { return false }
        // The venv may exist before c2pa-python is installed in it.
        return (try? run(python, ["-c", "import c2pa"]).status) == 0
    }

    static func read(_ url: URL) throws -> [UInt8] { [UInt8](try Data(contentsOf: url)) }
    static func fixture(_ name: String) throws -> [UInt8] { try read(fixtures.appendingPathComponent(name)) }
    static func example(_ name: String) throws -> [UInt8] { try read(examples.appendingPathComponent(name)) }

    /// One development identity for the whole test run (key generation is cheap, but this keeps tests consistent).
    static let development: (identity: SigningIdentity, root: Certificate) = try! DevelopmentChain.generate(organization: "Sigil Test")
    static let sm2 = try! SM2.PrivateKey.generate()
    static var keys: ProvenanceKeys { try! ProvenanceKeys(c2pa: development.identity, sm2: sm2) }
    static var anchors: TrustAnchors { TrustAnchors(certificates: [development.root]) }
    static var anchorPEM: String { PEM.encode(development.root.derBytes, label: "CERTIFICATE") }

    static func temporaryFolder() throws -> URL { try TestPaths.temporaryFolder() }
    typealias Run = TestProcess.Run
    static func run(_ executable: String, _ arguments: [String]) throws -> Run { try TestProcess.run(executable, arguments) }

    /// The oracle's verdict for `bytes` (written to a temporary file named `name`).
    static func oracleVerdict(_ bytes: [UInt8], name: String, trustAnchors: String? = nil) throws -> (verdict: String, json: String) {
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent(name)
        try Data(bytes).write(to: file)
        var arguments = [oracleScript, file.path]
        if let trustAnchors {
            let pem = dir.appendingPathComponent("anchors.pem")
            try trustAnchors.write(to: pem, atomically: true, encoding: .utf8)
            arguments += ["--trust-anchors", pem.path]
        }
        let result = try run(oraclePython!, arguments)
        let verdict = (try? JSONValue.parse(result.stdout))?["verdict"]?.stringValue ?? "unparsable: \(result.stdout) \(result.stderr)"
        return (verdict, result.stdout)
    }
}

extension FixedWidthInteger {
    /// The little-endian bytes of this integer.
    var littleEndianArray: [UInt8] { withUnsafeBytes(of: self.littleEndian) { Array($0) } }
}
