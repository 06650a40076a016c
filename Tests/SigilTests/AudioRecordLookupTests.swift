import Foundation
import Sigil
import SigilTestSupport
import Testing

private let sharedAudio = TestPaths.shared.appendingPathComponent("media/audio")

/// A generated sound is recorded with its Chromaprint; after a re-encode that drops every label (and after a cut),
/// verifying it finds the record by the sound alone, with a valid proof; another sound finds none (decision 0033).
@Suite(
    .enabled(if: FileManager.default.fileExists(atPath: sharedAudio.path), "needs ../shared/media/audio"),
    .enabled(if: (try? FFmpegTools.locate()) != nil, "needs ffmpeg"))
struct AudioRecordLookupTests {
    /// A verifier that fingerprints sounds, as `sigil verify --data` and the server do.
    static var verifier: Verifier {
        var options = Verifier.Options()
        options.fingerprintAudio = true
        return Verifier(options: options)
    }

    @Test func aReencodedSoundFindsItsRecord() async throws {
        let dir = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let tools = try FFmpegTools.locate()
        let keeper = try await RecordKeeper.open(RecordKeeper.Location(data: dir.appendingPathComponent("data").path))
        var policy = try TestSupport.policy([.explicit, .implicit], produceID: "audio-record-0001")
        policy.labelSignature = nil
        let clip = sharedAudio.appendingPathComponent("m03_vocal_caruso_1920.wav")
        let outcome = try Labeler(policy: policy).label(try TestSupport.read(clip))
        let record = try keeper.record(for: outcome, context: .init())
        #expect(record.fingerprint?.type == ContentFingerprint.audioChromaprint)
        #expect((record.fingerprint?.audioValues?.count ?? 0) > 100)
        let receipts = try await keeper.keep([record])

        let labeled = dir.appendingPathComponent("labeled.wav")
        try FileIO.writeAtomically(outcome.bytes, to: labeled.path)
        let stripped = dir.appendingPathComponent("stripped.mp3")
        try tools.ffmpeg(["-i", labeled.path, "-map_metadata", "-1", "-c:a", "libmp3lame", "-b:a", "64k", "-y", stripped.path])
        let bytes = try TestSupport.read(stripped)
        let report = try Self.verifier.verify(bytes)
        #expect(report.label == nil, "the re-encode dropped the implicit label")
        let found = await RecordCheck.check(
            bytes: bytes, produceID: nil, proof: nil, keeper: keeper, verifiers: [], keystore: nil, audioFingerprint: report.audioFingerprint)
        #expect(found.foundByAudioFingerprint)
        #expect(found.record?.index == receipts.first?.index)
        #expect(found.sha256Matches == false)
        #expect((found.audioMatch?.bitErrorRate ?? 1) <= AudioFingerprint.matchThreshold)
        #expect(found.proofStatus == .valid, "\(found.proofStatus)")
        #expect(found.lines.first?.contains("found by its sound") == true)

        let other = try TestSupport.read(sharedAudio.appendingPathComponent("m01_orchestra_beethoven9.wav"))
        let none = await RecordCheck.check(
            bytes: other, produceID: nil, proof: nil, keeper: keeper, verifiers: [], keystore: nil,
            audioFingerprint: try Self.verifier.verify(other).audioFingerprint)
        #expect(none.record == nil)
        #expect(none.lookupError == nil)

        // A sound too short to look up says so, rather than "none found".
        let short = try TestSupport.read(TestSupport.examples.appendingPathComponent("chord.wav"))
        let shortCheck = await RecordCheck.check(
            bytes: short, produceID: nil, proof: nil, keeper: keeper, verifiers: [], keystore: nil,
            audioFingerprint: try Self.verifier.verify(short).audioFingerprint)
        #expect(shortCheck.record == nil)
        #expect(shortCheck.lookupError?.contains("too short") == true, "\(shortCheck.lookupError ?? "no error")")
        try await keeper.close()
    }
}
