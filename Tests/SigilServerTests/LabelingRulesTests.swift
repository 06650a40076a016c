import Foundation
import HTTPTypes
import HummingbirdTesting
import Sigil
import SigilCompliance
import SigilTestSupport
import Testing

/// The implicit label is mandatory and the explicit one is left out only under Measures Art. 9; the audit report's
/// labelling-method statement says exactly what the code enforces.
struct LabelingRulesTests {
    @Test("the audit statement and the enforcement read the same rules")
    func statementAgreesWithEnforcement() throws {
        guard case .array(let items) = AuditExport.statement(producer: "P") else {
            Issue.record("not an array")
            return
        }
        var stated: [String: Bool] = [:]
        for case .object(let members) in items {
            guard case .string(let mark)? = members.first(where: { $0.key == "mark" })?.value,
                case .bool(let mandatory)? = members.first(where: { $0.key == "mandatory" })?.value
            else { continue }
            stated[mark] = mandatory
        }
        for mark in Mark.allCases {
            #expect(stated[mark.rawValue] == Mark.mandatory.contains(mark), "\(mark)")
        }
        // Every non-empty marks list keeps the mandatory marks, and the labeler refuses a policy without them.
        let subsets = (1..<(1 << Mark.allCases.count)).map { bits in
            Set(Mark.allCases.enumerated().filter { bits & (1 << $0.offset) != 0 }.map(\.element))
        }
        for subset in subsets {
            var options = LabelOptions()
            options.marks = subset.map(\.rawValue).sorted().joined(separator: ",")
            var policy = LabelPolicy(producer: .development)
            let added = try options.apply(to: &policy)
            #expect(Set(added) == Mark.mandatory.subtracting(subset))
            #expect(policy.marks == subset.union(Mark.mandatory))
        }
        var bare = LabelPolicy(producer: .development)
        bare.marks = [.explicit]
        #expect(throws: SigilError(.usage, "")) { try Labeler(policy: bare) }
        let optOut = try #require(
            items.last.flatMap { item -> String? in
                guard case .object(let members) = item, case .string(let en)? = members.first(where: { $0.key == "en" })?.value else { return nil }
                return en
            })
        for category in LabelingRules.enforced.optOutRefusedFor { #expect(optOut.contains(category)) }
    }

    @Test("the service adds the implicit label and says so; leaving out the explicit one needs an agreement and is refused for faces")
    func service() async throws {
        let harness = try await ServerHarness.start()
        try await harness.run { client in
            let image = try ServerHarness.example("gray.png")
            let explicitOnly = try await client.post(
                "/v1/label?marks=explicit", image, type: "image/png", token: harness.labelToken, accept: "application/json")
            #expect(explicitOnly.status == .ok, "\(explicitOnly.text.prefix(300))")
            #expect(explicitOnly.headers[HTTPField.Name("Sigil-Marks-Added")!] == "implicit")
            #expect((try explicitOnly.json()["marksAdded"] as? [String]) == ["implicit"])
            // No explicit label without an agreement …
            let watermarkOnly = try await client.post("/v1/label?marks=watermark", image, type: "image/png", token: harness.labelToken)
            #expect(watermarkOnly.status == .unprocessableContent)
            #expect(try watermarkOnly.errorField() == "optOutAgreement")
            // … and never for a face edit, even under one.
            let face = try await client.post(
                "/v1/label?marks=implicit&serviceCategory=face&optOutAgreement=v1&recipient=r", image, type: "image/png",
                token: harness.labelToken)
            #expect(face.status == .forbidden)
            #expect(try face.errorCode() == "refused")
        }
    }

    @Test(.enabled(if: TestPaths.sigilBinary != nil, "the sigil executable is not built"))
    func cliAddsTheImplicitLabel() throws {
        let dir = try TestPaths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out.png").path
        let run = try TestProcess.run(
            TestPaths.sigilBinary!,
            [
                "label", TestPaths.examples.appendingPathComponent("gray.png").path, "-o", out,
                "--marks", "explicit", "--data", dir.appendingPathComponent("data").path, "--no-record",
            ])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("added the mandatory implicit label"), "\(run.stderr)")
        #expect(try Verifier().verify(try FileIO.read(out)).label != nil)
    }
}
