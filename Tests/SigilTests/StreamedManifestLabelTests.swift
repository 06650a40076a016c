import Foundation
import Sigil
import SigilTestSupport
import Testing

/// `Labeler.labelFile(…, keepBytes: false)` with the c2pa mark streams for WAV, MP4, MOV and M4A: the implicit label,
/// the audio rhythm label (WAV) and the manifest are planned over the file and written in one pass with the essence
/// copied by the kernel; the result verifies like the whole-file path's, and its record (read back from the file)
/// is the record the whole-file path's bytes give.
@Suite struct StreamedManifestLabelTests {
    static func labelFile(
        _ name: String, marks: Set<Mark>, produceID: String, from folder: URL = TestSupport.examples
    ) throws -> (outcome: LabelOutcome, output: URL, dir: URL) {
        let dir = try TestSupport.temporaryFolder()
        var policy = try TestSupport.policy(marks, produceID: produceID)
        policy.labelSignature = .sm2
        policy.provenanceKeys = try ProvenanceKeyLoader.load().keys
        let output = dir.appendingPathComponent("out-" + name)
        let outcome = try Labeler(policy: policy).labelFile(
            at: folder.appendingPathComponent(name).path, to: output.path, keepBytes: false)
        return (outcome, output, dir)
    }

    @Test(arguments: [
        ("chord.wav", [Mark.implicit, .c2pa]), ("chord.wav", [.implicit, .explicit, .c2pa]), ("clip.mp4", [.implicit, .c2pa]),
        ("chord.m4a", [.implicit, .c2pa]),
    ])
    func theStreamedManifestVerifies(name: String, marks: [Mark]) throws {
        let (outcome, output, dir) = try Self.labelFile(name, marks: Set(marks), produceID: "streamed-c2pa-0001")
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(outcome.bytes.isEmpty, "the streaming path was taken")
        #expect(outcome.marks == Set(marks))
        #expect(outcome.c2paManifest != nil && outcome.c2paStoreSHA256?.count == 32)
        let report = try Verifier().verify(try TestSupport.read(output))
        #expect(report.c2pa?.state == .validUntrustedSigner || report.c2pa?.state == .valid, "\(report.c2pa?.failure ?? [])")
        #expect(report.c2pa?.activeManifest == outcome.c2paManifest)
        #expect(report.c2pa?.aigcLabel == outcome.label, "the manifest carries the label as written, signature included")
        #expect(report.label?.produceID == "streamed-c2pa-0001")
        let integrity = try #require(report.integrity)
        #expect(integrity.state == .valid, "\(integrity.reason)")
        #expect(integrity.boundToContent)
        if marks.contains(.explicit) { #expect(report.rhythm?.contains { $0.isMorseAI } == true) }
    }

    /// Formats without a streaming carrier (JPEG, MP3) take the whole-file path, as before.
    @Test(arguments: ["chord.mp3"])
    func otherCarriersTakeTheWholeFilePath(name: String) throws {
        let (outcome, output, dir) = try Self.labelFile(name, marks: [.implicit, .c2pa], produceID: "whole-c2pa-0001")
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(!outcome.bytes.isEmpty)
        #expect(try TestSupport.read(output) == outcome.bytes)
        #expect(outcome.marks.contains(.c2pa))
    }

    /// The record of a streamed label, read from the file, is the record of the same bytes held in memory.
    @Test(arguments: ["tone.wav", "clip.mp4"])
    func aStreamedLabelsRecordIsReadFromTheFile(name: String) async throws {
        let source = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: source) }
        if name == "tone.wav" { // long enough for a Chromaprint (the example chord is 1.5 s)
            try FileIO.writeAtomically(RhythmStreamingTests.toneWAV(seconds: 20), to: source.appendingPathComponent(name).path)
        } else {
            try FileManager.default.copyItem(at: TestSupport.examples.appendingPathComponent(name), to: source.appendingPathComponent(name))
        }
        let (outcome, output, dir) = try Self.labelFile(name, marks: [.implicit, .c2pa], produceID: "streamed-record-0001", from: source)
        defer { try? FileManager.default.removeItem(at: dir) }
        let keeper = try await RecordKeeper.open(RecordKeeper.Location(data: dir.appendingPathComponent("data").path))
        let context = RecordKeeper.Context()
        let fromFile = try keeper.record(for: outcome, context: context, file: output.path)
        var held = outcome
        held.bytes = try TestSupport.read(output)
        held.c2paStoreSHA256 = nil // found in the bytes this time
        let fromBytes = try keeper.record(for: held, context: context)
        #expect(fromFile.contentSHA256 == fromBytes.contentSHA256)
        #expect(fromFile.c2paManifestSHA256 == fromBytes.c2paManifestSHA256 && fromFile.c2paManifestSHA256 != nil)
        #expect(fromFile.fingerprint == fromBytes.fingerprint)
        if name.hasSuffix(".wav") { #expect(fromFile.fingerprint != nil, "a WAV's Chromaprint is read from the file") }
        try await keeper.close()
    }
}
