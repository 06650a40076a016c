import Foundation
import Sigil
import SigilTestSupport
import Testing

/// `Labeler.labelFile(…, keepBytes: false)` with the c2pa mark streams for WAV, AVI, MP4, MOV and M4A: the implicit label,
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
        ("chord.m4a", [.implicit, .c2pa]), ("clip.avi", [.implicit, .c2pa]),
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

    /// Formats whose carrier embeds only in memory (JPEG, MP3) take the whole-file path, as before; the outcome holds
    /// no bytes when none are asked for, and its manifest hash is there for the record.
    @Test(arguments: ["chord.mp3", "landscape.jpg"])
    func otherCarriersTakeTheWholeFilePath(name: String) throws {
        let (outcome, output, dir) = try Self.labelFile(name, marks: [.implicit, .c2pa], produceID: "whole-c2pa-0001")
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(outcome.bytes.isEmpty)
        #expect(outcome.marks == [.implicit, .c2pa])
        #expect(outcome.c2paStoreSHA256?.count == 32)
        let report = try Verifier().verify(try TestSupport.read(output))
        #expect(report.c2pa?.state == .validUntrustedSigner || report.c2pa?.state == .valid, "\(report.c2pa?.failure ?? [])")
        #expect(report.c2pa?.activeManifest == outcome.c2paManifest)
    }

    /// The record of a streamed label, read from the file, is the record of the same bytes held in memory.
    @Test(arguments: ["tone.wav", "clip.mp4", "landscape.jpg", "chord.mp3"])
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
        if outcome.format.kind == .video {
            // A video's frames are hashed from the file through ffmpeg (decision 0309); a record from bytes has none.
            #expect(fromFile.fingerprint?.type == ContentFingerprint.videoFrames)
            #expect(fromBytes.fingerprint == nil)
        } else {
            #expect(fromFile.fingerprint == fromBytes.fingerprint)
        }
        if name.hasSuffix(".wav") {
            #expect(fromFile.fingerprint != nil, "a WAV's Chromaprint is read from the file")
            #expect(outcome.fileSHA256 != nil, "the manifest's data hash gave the file's SHA-256 (decision 0036)")
        }
        try await keeper.close()
    }

    /// A PCM WAV with the watermark (the default marks) streams too: the marked samples go to a working file, whose
    /// label and manifest then stream. Unsigned and without a manifest, the result is the whole-file path's, byte for byte.
    @Test func aWatermarkedWAVIsTheWholeFilePathsFile() throws {
        let dir = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("tone.wav")
        try FileIO.writeAtomically(RhythmStreamingTests.toneWAV(seconds: 12), to: input.path)
        var policy = try TestSupport.policy([.implicit, .explicit, .watermark], produceID: "marked-stream-0001")
        policy.labelSignature = nil
        let labeler = try Labeler(policy: policy)
        let out = dir.appendingPathComponent("out.wav")
        let streamed = try labeler.labelFile(at: input.path, to: out.path, keepBytes: false)
        #expect(streamed.bytes.isEmpty, "the streaming path was taken")
        #expect(streamed.marks == [.implicit, .explicit, .watermark])
        #expect(streamed.rhythm?.frames == [0])
        let whole = try labeler.label(try TestSupport.read(input))
        #expect(try TestSupport.read(out) == whole.bytes)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix(".sigil-") }
        #expect(leftovers.isEmpty, "the working file is removed: \(leftovers)")
    }

    /// Every default mark on a real recording, streamed: the manifest and the signed label verify, the rhythm label is
    /// heard and the watermark read back carries the label's ProduceID.
    @Test(.enabled(if: FileManager.default.fileExists(atPath: Self.recording.path), "needs ../shared/media/audio"))
    func everyDefaultMarkStreamsIntoAWAV() throws {
        let dir = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        var policy = try TestSupport.policy([.implicit, .explicit, .watermark, .c2pa], produceID: "marked-stream-0002")
        policy.labelSignature = .sm2
        let out = dir.appendingPathComponent("out.wav")
        let outcome = try Labeler(policy: policy).labelFile(at: Self.recording.path, to: out.path, keepBytes: false)
        #expect(outcome.bytes.isEmpty)
        #expect(outcome.marks == [.implicit, .explicit, .watermark, .c2pa])
        let bytes = try TestSupport.read(out)
        let report = try Verifier().verify(bytes)
        #expect(report.c2pa?.state == .validUntrustedSigner || report.c2pa?.state == .valid, "\(report.c2pa?.failure ?? [])")
        #expect(report.c2pa?.aigcLabel == outcome.label)
        #expect(report.integrity?.state == .valid)
        #expect(report.rhythm?.contains { $0.isMorseAI } == true)
        let mark = try AudioWatermarking.detect(bytes, format: .wav, key: try #require(policy.watermarkKey), produceID: "marked-stream-0002")
        #expect(mark.matchesProduceID == true)
    }

    static let recording = TestSupport.shared.appendingPathComponent("media/audio/m07_etr_credits.wav")

    /// A streamed WAV leaves its sizes unset (0xFFFFFFFF): the manifest's chunk after the samples gets the real
    /// `data` size written before it, or a reader would take the store for samples and find no manifest.
    @Test func aWAVWithItsSizesUnsetKeepsItsManifestApart() throws {
        let dir = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        var wav = RhythmStreamingTests.toneWAV(seconds: 2)
        let dataHeader = try #require(wav.indices.dropLast(4).first { wav[$0..<($0 + 4)] == Array("data".utf8)[...] })
        for k in 0..<4 {
            wav[4 + k] = 0xFF
            wav[dataHeader + 4 + k] = 0xFF
        }
        try FileIO.writeAtomically(wav, to: dir.appendingPathComponent("streamed.wav").path)
        let (outcome, output, out) = try Self.labelFile("streamed.wav", marks: [.implicit, .c2pa], produceID: "unset-sizes-0001", from: dir)
        defer { try? FileManager.default.removeItem(at: out) }
        #expect(outcome.marks == [.implicit, .c2pa])
        let bytes = try TestSupport.read(output)
        let report = try Verifier().verify(bytes)
        #expect(report.c2pa?.state == .validUntrustedSigner || report.c2pa?.state == .valid, "\(report.c2pa?.failure ?? [])")
        let labeledData = try #require(bytes.indices.dropLast(4).first { bytes[$0..<($0 + 4)] == Array("data".utf8)[...] })
        #expect(labeledData > dataHeader, "the label chunk went before the samples")
        #expect(
            bytes[(labeledData + 4)..<(labeledData + 8)].elementsEqual([0x00, 0x7D, 0x00, 0x00]), "the data size is 2 s × 8,000 frames × 2 bytes")
    }

    /// A format with no C2PA carrier (FLAC) streams its label and says the manifest was left off.
    @Test func aFormatWithoutACarrierStreamsItsLabelAndSaysSo() throws {
        let (outcome, output, dir) = try Self.labelFile("chord.flac", marks: [.implicit, .c2pa], produceID: "no-carrier-0001")
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(outcome.bytes.isEmpty, "the streaming path was taken")
        #expect(outcome.marks == [.implicit])
        #expect(outcome.notices.contains { $0.hasPrefix("c2pa:") && $0.contains("FLAC") }, "\(outcome.notices)")
        #expect(try Verifier().verify(try TestSupport.read(output)).label?.produceID == "no-carrier-0001")
    }

    /// A file whose carrier refuses a store (an OpenDML AVI: growing its first RIFF form would move the AVIX forms its
    /// indexes point into) keeps its mandatory label, streamed or whole, and says why the manifest was left off.
    @Test func aRefusedManifestLeavesTheLabelAndSaysWhy() throws {
        let source = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: source) }
        let avix = Array("RIFF".utf8) + [16, 0, 0, 0] + Array("AVIX".utf8) + Array("LIST".utf8) + [4, 0, 0, 0] + Array("movi".utf8)
        let openDML = try TestSupport.read(TestSupport.examples.appendingPathComponent("clip.avi")) + avix
        try FileIO.writeAtomically(openDML, to: source.appendingPathComponent("opendml.avi").path)
        let (outcome, output, dir) = try Self.labelFile("opendml.avi", marks: [.implicit, .c2pa], produceID: "refused-c2pa-0001", from: source)
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(outcome.bytes.isEmpty, "the streaming path was taken")
        #expect(outcome.marks == [.implicit])
        #expect(outcome.notices.contains { $0.hasPrefix("c2pa:") && $0.contains("AVIX") }, "\(outcome.notices)")
        #expect(try Verifier().verify(try TestSupport.read(output)).label?.produceID == "refused-c2pa-0001")
        // The whole-file path (bytes in memory) says the same.
        var policy = try TestSupport.policy([.implicit, .c2pa], produceID: "refused-c2pa-0002")
        policy.provenanceKeys = try ProvenanceKeyLoader.load().keys
        let whole = try Labeler(policy: policy).label(openDML)
        #expect(whole.marks == [.implicit])
        #expect(whole.notices.contains { $0.hasPrefix("c2pa:") && $0.contains("AVIX") }, "\(whole.notices)")
        #expect(try Verifier().verify(whole.bytes).label?.produceID == "refused-c2pa-0002")
    }

    /// In place, a WAV with the default marks streams as well: the marked samples go to a working file first, so the
    /// file can be its own output.
    @Test func aWAVIsLabeledInPlaceWithEveryDefaultMark() throws {
        let dir = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("tone.wav").path
        try FileIO.writeAtomically(RhythmStreamingTests.toneWAV(seconds: 6), to: path)
        var policy = try TestSupport.policy([.implicit, .explicit, .watermark, .c2pa], produceID: "in-place-marked-0001")
        policy.labelSignature = .sm2
        let (outcome, write) = try Labeler(policy: policy).labelFileInPlace(at: path)
        #expect(write == .rewritten && outcome.bytes.isEmpty)
        #expect(outcome.marks == [.implicit, .explicit, .watermark, .c2pa])
        let report = try Verifier().verify(try TestSupport.read(URL(fileURLWithPath: path)))
        #expect(report.label?.produceID == "in-place-marked-0001")
        #expect(report.c2pa?.state == .validUntrustedSigner || report.c2pa?.state == .valid, "\(report.c2pa?.failure ?? [])")
        #expect(report.integrity?.state == .valid)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["tone.wav"], "no working file is left")
    }
}
