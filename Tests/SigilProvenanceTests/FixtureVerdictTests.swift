import Foundation
import Testing
import SigilTestSupport
@testable import SigilProvenance

/// Sigil's reader against c2pa-rs's recorded verdicts (`.check.json` beside every file in `fixtures/c2pa/`,
/// `matrix/results.json`): no Python needed, only the shared fixtures.
@Suite struct FixtureVerdictTests {
    struct Case: Sendable, CustomStringConvertible {
        var file: String
        var expected: String
        var trusted: Bool
        var digitalSourceType: String?
        var description: String { "\(file)\(trusted ? " (trusted)" : "")" }
    }

    static func cases() -> [Case] {
        guard ProvenanceTestSupport.hasFixtures else { return [] }
        let root = ProvenanceTestSupport.fixtures
        var out: [Case] = []
        let enumerator = FileManager.default.enumerator(atPath: root.path)
        while let relative = enumerator?.nextObject() as? String {
            for (suffix, trusted) in [(".check.json", false), (".check_trusted.json", true)] where relative.hasSuffix(suffix) {
                guard let data = FileManager.default.contents(atPath: root.appendingPathComponent(relative).path),
                    let json = try? JSONValue.parse(String(decoding: data, as: UTF8.self)), let verdict = json["verdict"]?.stringValue
                else { continue }
                out.append(
                    Case(
                        file: String(relative.dropLast(suffix.count)), expected: verdict, trusted: trusted,
                        digitalSourceType: json["digitalSourceType"]?.stringValue))
            }
        }
        return out.sorted { $0.description < $1.description }
    }

    static func matches(_ report: C2PAReport, expected: String) -> Bool {
        switch expected {
        case "no-manifest": return report.state == .absent
        case "valid": return report.state == .valid
        case "valid-untrusted-signer": return report.state == .validUntrustedSigner
        case "invalid:reader.error": return report.state == .invalid
        default:
            guard expected.hasPrefix("invalid:") else { return false }
            let codes = expected.dropFirst("invalid:".count).split(separator: ",").map(String.init)
            return report.state == .invalid && codes.allSatisfy(report.failureCodes.contains)
        }
    }

    @Test(.enabled(if: ProvenanceTestSupport.hasFixtures), arguments: cases())
    func sameVerdictAsC2PARS(_ testCase: Case) throws {
        let bytes = try ProvenanceTestSupport.fixture(testCase.file)
        var options = C2PAValidator.Options()
        if testCase.trusted {
            options.trustAnchors = try TrustAnchors(pem: String(decoding: try ProvenanceTestSupport.fixture("certs/root_ca.pem"), as: UTF8.self))
        }
        let report = C2PAValidator(options: options).validate(bytes)
        #expect(
            Self.matches(report, expected: testCase.expected),
            "c2pa-rs: \(testCase.expected); Sigil: \(report.state.rawValue) \(report.failure) \(report.error ?? "")")
        if let dst = testCase.digitalSourceType, testCase.expected.hasPrefix("valid") {
            #expect(report.digitalSourceType == dst)
        }
    }

    struct MatrixCase: Sendable, CustomStringConvertible {
        var file: String
        var column: String
        var expected: String
        var description: String { "\(file) [\(column)]" }
    }

    static func matrixCases() -> [MatrixCase] {
        guard ProvenanceTestSupport.hasFixtures,
            let data = FileManager.default.contents(atPath: ProvenanceTestSupport.fixtures.appendingPathComponent("matrix/results.json").path),
            case .array(let rows)? = try? JSONValue.parse(String(decoding: data, as: UTF8.self))
        else { return [] }
        var out: [MatrixCase] = []
        for row in rows {
            guard let name = row["case"]?.stringValue else { continue }
            let file = ["jpg", "png"].map { "matrix/\(name).\($0)" }.first {
                FileManager.default.fileExists(atPath: ProvenanceTestSupport.fixtures.appendingPathComponent($0).path)
            }
            guard let file else { continue }
            for column in ["untrusted", "trusted", "trusted_spec_ekus"] {
                if let verdict = row[column]?["verdict"]?.stringValue { out.append(MatrixCase(file: file, column: column, expected: verdict)) }
            }
        }
        return out
    }

    @Test(.enabled(if: ProvenanceTestSupport.hasFixtures), arguments: matrixCases())
    func sameVerdictOnTheCertificateMatrix(_ testCase: MatrixCase) throws {
        var options = C2PAValidator.Options()
        if testCase.column != "untrusted" {
            options.trustAnchors = try TrustAnchors(pem: String(decoding: try ProvenanceTestSupport.fixture("certs/root_ca.pem"), as: UTF8.self))
        }
        if testCase.column == "trusted_spec_ekus" { options.acceptedEKUs = .specification }
        let report = C2PAValidator(options: options).validate(try ProvenanceTestSupport.fixture(testCase.file))
        #expect(
            Self.matches(report, expected: testCase.expected),
            "c2pa-rs: \(testCase.expected); Sigil: \(report.state.rawValue) \(report.failure) \(report.error ?? "")")
    }
}
