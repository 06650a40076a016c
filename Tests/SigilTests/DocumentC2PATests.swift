import Foundation
import Testing
import Sigil
import SigilTestSupport

/// C2PA with the AIGC label in Office documents (decision 0207), through `Labeler`/`Verifier` and the CLI: the
/// label is written first and the manifest last, so the collection hash covers the label's part.
@Suite struct DocumentC2PATests {
    static let keys = ProvenanceTamperTests.keys

    static func labeled(_ bytes: [UInt8], produceID: String = "doc-c2pa-0001") throws -> LabelOutcome {
        var policy = try TestSupport.policy([.implicit, .c2pa], produceID: produceID)
        policy.provenanceKeys = keys
        return try Labeler(policy: policy).label(bytes)
    }

    static var report: [UInt8] { get throws { try TestSupport.read(TestSupport.examples.appendingPathComponent("report.docx")) } }

    @Test func theLabelAndTheManifestCoexist() throws {
        let outcome = try Self.labeled(try Self.report)
        #expect(outcome.marks.contains(.c2pa) && outcome.c2paManifest != nil)
        let report = try ProvenanceTamperTests.verify(outcome.bytes)
        #expect(report.c2pa?.state == .valid, "\(report.c2pa?.failure ?? [])")
        #expect(report.c2pa?.codes.contains("assertion.collectionHash.match") == true)
        #expect(report.c2pa?.aigcLabel == outcome.label)
        #expect(report.label?.produceID == "doc-c2pa-0001")
        #expect(report.sites.count == 1)
        #expect(report.integrity?.state == .valid, "the store entry is not essence: \(report.integrity?.reason ?? "")")
        #expect(!report.hasProblems)
    }

    /// Writing the label after the manifest changes `docProps/custom.xml`, which the collection hash covers: the
    /// order Sigil uses (label, then manifest) is the only one that verifies.
    @Test func aLabelWrittenAfterTheManifestBreaksIt() throws {
        let outcome = try Self.labeled(try Self.report)
        var later = outcome.label
        later.produceID = "rewritten-0002"
        let relabeled = try OOXMLFormat().writeLabel(LabelAssignment(later), into: outcome.bytes)
        let report = try ProvenanceTamperTests.verify(relabeled)
        #expect(report.c2pa?.failureCodes.contains("assertion.collectionHash.mismatch") == true)
        #expect(
            report.c2pa?.failure.contains { $0.explanation.contains("docProps/custom.xml") || $0.explanation.contains("central directory") } == true)
    }

    @Test func relabelingReplacesTheManifest() throws {
        let first = try Self.labeled(try Self.report, produceID: "first-0001")
        let second = try Self.labeled(first.bytes, produceID: "second-0002")
        #expect(try OOXMLFormat().findManifestStores(in: second.bytes).count == 1)
        let report = try ProvenanceTamperTests.verify(second.bytes)
        #expect(report.c2pa?.state == .valid, "\(report.c2pa?.failure ?? [])")
        #expect(report.c2pa?.activeManifest == second.c2paManifest && report.c2pa?.manifestCount == 1)
        #expect(report.c2pa?.aigcLabel?.produceID == "second-0002")
        #expect(report.sites.count == 1 && report.label?.produceID == "second-0002")
    }

    @Test func changingOneByteOfAnEntryIsDetected() throws {
        let outcome = try Self.labeled(try Self.report)
        let part = try #require(try OOXMLFormat().manifestCollection(in: outcome.bytes).parts.first { $0.uri == "word/document.xml" })
        var bytes = outcome.bytes
        bytes[part.range.upperBound - 3] ^= 0x01
        let report = try ProvenanceTamperTests.verify(bytes)
        #expect(report.c2pa?.failureCodes.contains("assertion.collectionHash.mismatch") == true)
        #expect(report.hasProblems)
    }
}

/// `sigil label X.docx --marks c2pa,implicit` and `sigil verify`.
@Suite(.enabled(if: TestSupport.sigilBinary != nil, "the sigil executable is not built"))
struct DocumentC2PACLITests {
    let sigil = TestSupport.sigilBinary!
    let producer = TestSupport.producer.rawValue

    @Test func labelThenVerifyThenTamper() throws {
        let dir = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let keys = dir.appendingPathComponent("keys").path
        #expect(try TestSupport.run(sigil, ["keys", "init", "--keys", keys, "--organization", "Docs AI"]).status == 0)
        let out = dir.appendingPathComponent("report.docx").path
        let label = try TestSupport.run(
            sigil,
            [
                "label", TestSupport.examples.appendingPathComponent("report.docx").path, "-o", out, "--producer", producer, "--marks",
                "c2pa,implicit",
                "--keys", keys, "--json", "--no-record",
            ])
        #expect(label.status == 0, "\(label.stderr)")
        #expect(label.stdout.contains("urn:c2pa:"))

        let verify = try TestSupport.run(sigil, ["verify", out, "--json", "--keys", keys])
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(verify.stdout.utf8)) as? [String: Any])
        let c2pa = try #require(report["c2pa"] as? [String: Any])
        #expect(c2pa["state"] as? String == "valid-untrusted-signer")
        #expect((report["integrity"] as? [String: Any])?["state"] as? String == "valid")
        #expect((report["implicit"] as? [[String: Any]])?.count == 1)

        var bytes = try TestSupport.read(URL(fileURLWithPath: out))
        let part = try #require(try OOXMLFormat().manifestCollection(in: bytes).parts.first { $0.uri == "word/document.xml" })
        bytes[part.range.upperBound - 3] ^= 0x01
        let tampered = dir.appendingPathComponent("tampered.docx")
        try Data(bytes).write(to: tampered)
        let bad = try TestSupport.run(sigil, ["verify", tampered.path, "--keys", keys])
        #expect(bad.status == 1)
        #expect(bad.stdout.contains("assertion.collectionHash.mismatch"), "\(bad.stdout)")
    }
}
