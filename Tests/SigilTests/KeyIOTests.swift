import Foundation
import Sigil
import SigilTestSupport
import Testing

/// Keys are read and created only by the programs' defaults, never by the library or by a read.
struct KeyIOTests {
    @Test func aLabelerNeedsItsKeysInThePolicyAndTouchesNoKeystore() throws {
        let dir = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        var policy = LabelPolicy(producer: TestSupport.producer)
        policy.marks = [.implicit, .watermark]
        policy.labelSignature = nil
        #expect(throws: SigilError(.usage, "")) { try Labeler(policy: policy) }
        policy.marks = [.implicit, .c2pa]
        #expect(throws: SigilError(.usage, "")) { try Labeler(policy: policy) }
        policy.marks = [.implicit]
        policy.labelSignature = LabelPolicy(producer: TestSupport.producer).labelSignature
        #expect(throws: SigilError(.usage, "")) { try Labeler(policy: policy) }
        policy.labelSignature = nil
        policy.marks = [.implicit, .watermark]
        policy.watermarkKey = WatermarkKey.generate()
        let outcome = try Labeler(policy: policy).label(try TestSupport.read(TestSupport.examples.appendingPathComponent("gray.png")))
        #expect(outcome.marks.contains(.watermark))
    }

    @Test(.enabled(if: TestSupport.sigilBinary != nil, "the sigil executable is not built"))
    func verifyCreatesNoWatermarkKey() throws {
        let dir = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = dir.appendingPathComponent("data")
        let run = try TestSupport.run(
            TestSupport.sigilBinary!, ["verify", TestSupport.examples.appendingPathComponent("gray.png").path, "--data", data.path])
        #expect(run.stderr.isEmpty || !run.stderr.contains("development"), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: data.appendingPathComponent("keys/watermark.key").path))
        let detect = try TestSupport.run(
            TestSupport.sigilBinary!, ["watermark", "detect", TestSupport.examples.appendingPathComponent("gray.png").path, "--data", data.path])
        #expect(detect.status == 2 && detect.stderr.contains("no watermark key"), "\(detect.stderr)")
        #expect(!FileManager.default.fileExists(atPath: data.appendingPathComponent("keys/watermark.key").path))
    }
}
