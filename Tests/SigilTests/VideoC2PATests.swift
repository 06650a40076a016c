import Foundation
import Testing
import Sigil
import SigilTestSupport

/// C2PA with the AIGC label in MP4, MOV and M4A (decision 0209), through `Labeler`/`Verifier` and the CLI: the label
/// (`moov/udta/meta`) is written first and the manifest last, so the BMFF hash covers `moov` with the label in it.
@Suite struct VideoC2PATests {
    static let keys = ProvenanceTamperTests.keys
    static let video = TestSupport.shared.appendingPathComponent("media/video")
    static var videoAvailable: Bool { FileManager.default.fileExists(atPath: video.appendingPathComponent("SOURCES.md").path) }

    static func labeled(_ bytes: [UInt8], produceID: String = "video-c2pa-0001") throws -> LabelOutcome {
        var policy = try TestSupport.policy([.implicit, .c2pa], produceID: produceID)
        policy.provenanceKeys = keys
        return try Labeler(policy: policy).label(bytes)
    }

    static func example(_ name: String) throws -> [UInt8] { try TestSupport.read(TestSupport.examples.appendingPathComponent(name)) }

    @Test(arguments: ["clip.mp4", "chord.m4a"])
    func theLabelAndTheManifestCoexist(name: String) throws {
        let outcome = try Self.labeled(try Self.example(name))
        #expect(outcome.marks.contains(.c2pa) && outcome.marks.contains(.implicit) && outcome.c2paManifest != nil)
        let report = try ProvenanceTamperTests.verify(outcome.bytes)
        #expect(report.c2pa?.state == .valid, "\(report.c2pa?.failure ?? [])")
        #expect(report.c2pa?.codes.contains("assertion.bmffHash.match") == true)
        #expect(report.c2pa?.aigcLabel == outcome.label)
        #expect(report.label?.produceID == "video-c2pa-0001")
        #expect(report.sites.count == 1)
        #expect(!report.hasProblems, "\(report)")
    }

    /// A label written after the manifest grows `moov`, which the BMFF hash covers: only the order Sigil uses verifies.
    @Test func aLabelWrittenAfterTheManifestBreaksIt() throws {
        let outcome = try Self.labeled(try Self.example("clip.mp4"))
        var later = outcome.label
        later.produceID = "rewritten-0002"
        let relabeled = try BMFFFormat().writeLabel(LabelAssignment(later), into: outcome.bytes)
        let report = try ProvenanceTamperTests.verify(relabeled)
        #expect(report.c2pa?.failureCodes.contains("assertion.bmffHash.mismatch") == true)
        #expect(report.hasProblems)
    }

    @Test func relabelingReplacesTheManifest() throws {
        let first = try Self.labeled(try Self.example("clip.mp4"), produceID: "first-0001")
        let second = try Self.labeled(first.bytes, produceID: "second-0002")
        #expect(try BMFFFormat().findManifestStores(in: second.bytes).count == 1)
        let report = try ProvenanceTamperTests.verify(second.bytes)
        #expect(report.c2pa?.state == .valid, "\(report.c2pa?.failure ?? [])")
        #expect(report.c2pa?.activeManifest == second.c2paManifest && report.c2pa?.manifestCount == 1)
        #expect(report.c2pa?.aigcLabel?.produceID == "second-0002")
        #expect(report.sites.count == 1 && report.label?.produceID == "second-0002")
    }
}

/// `sigil label X --marks c2pa,implicit`, `sigil verify`, ffmpeg and c2pa-rs on the result.
@Suite(.enabled(if: TestSupport.sigilBinary != nil, "the sigil executable is not built"))
struct VideoC2PACLITests {
    let sigil = TestSupport.sigilBinary!
    let producer = TestSupport.producer.rawValue

    static var inputs: [String] {
        [TestSupport.examples.appendingPathComponent("clip.mp4").path, TestSupport.examples.appendingPathComponent("chord.m4a").path]
            + (VideoC2PATests.videoAvailable
                ? ["bbb_vertical_720x1280_24.mov", "bbb_1280x720_24.mp4"].map { VideoC2PATests.video.appendingPathComponent($0).path } : [])
    }

    /// The packets of every stream, as ffmpeg's framemd5 lists them.
    static func framemd5(_ ffmpeg: String, _ path: String) throws -> String {
        try TestSupport.run(ffmpeg, ["-nostdin", "-v", "error", "-i", path, "-map", "0", "-c", "copy", "-f", "framemd5", "-"]).stdout
    }

    @Test(arguments: inputs)
    func labelPlayVerifyTamper(input: String) throws {
        let dir = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let keys = dir.appendingPathComponent("keys").path
        #expect(try TestSupport.run(sigil, ["keys", "init", "--keys", keys, "--organization", "Video AI"]).status == 0)
        let name = URL(fileURLWithPath: input).lastPathComponent
        let out = dir.appendingPathComponent(name).path
        let label = try TestSupport.run(
            sigil, ["label", input, "-o", out, "--producer", producer, "--marks", "c2pa,implicit", "--keys", keys, "--json", "--no-record"])
        #expect(label.status == 0, "\(label.stderr)")
        #expect(label.stdout.contains("urn:c2pa:"), "\(label.stdout)")

        let verify = try TestSupport.run(sigil, ["verify", out, "--json", "--keys", keys])
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(verify.stdout.utf8)) as? [String: Any])
        #expect((report["c2pa"] as? [String: Any])?["state"] as? String == "valid-untrusted-signer", "\(verify.stdout)")
        #expect((report["implicit"] as? [[String: Any]])?.count == 1)

        if let ffmpeg = TestSupport.which("ffmpeg") {
            let decode = try TestSupport.run(ffmpeg, ["-nostdin", "-v", "error", "-i", out, "-f", "null", "-"])
            #expect(decode.status == 0 && decode.stderr.isEmpty, "\(name): ffmpeg says \(decode.stderr)")
            let before = try Self.framemd5(ffmpeg, input)
            let after = try Self.framemd5(ffmpeg, out)
            #expect(!before.isEmpty && before == after, "\(name): every stream's packets are unchanged")
        }
        if let (python, script) = ProvenanceTamperTests.oracle {
            let checked = try TestSupport.run(python, [script, out])
            #expect(checked.stdout.contains("valid-untrusted-signer"), "\(name): \(checked.stdout)")
        }

        // One flipped sample byte.
        var bytes = try TestSupport.read(URL(fileURLWithPath: out))
        let mdat = try #require(try BMFFWalker.topLevel(bytes).first { $0.type == "mdat" })
        bytes[mdat.payload.lowerBound + mdat.payload.count / 2] ^= 0x01
        let tampered = dir.appendingPathComponent("tampered-" + name)
        try Data(bytes).write(to: tampered)
        let bad = try TestSupport.run(sigil, ["verify", tampered.path, "--keys", keys])
        #expect(bad.status == 1)
        #expect(bad.stdout.contains("assertion.bmffHash.mismatch"), "\(bad.stdout)")
        if let (python, script) = ProvenanceTamperTests.oracle {
            let checked = try TestSupport.run(python, [script, tampered.path])
            #expect(checked.stdout.contains("invalid:assertion.bmffHash.mismatch"), "\(name): \(checked.stdout)")
        }
    }
}
