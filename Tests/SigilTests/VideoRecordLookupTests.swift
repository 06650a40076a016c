import Foundation
import Sigil
import SigilCore
import SigilTestSupport
import Testing

private let sharedVideo = TestPaths.shared.appendingPathComponent("media/video")

/// A labeled video is recorded with its keyframes' perceptual hashes; after a re-encode to 360p at CRF 30 that drops
/// every label, verifying it finds the record by its frames alone, with a valid proof; another video finds none
/// (decision 0309).
@Suite(
    .enabled(if: FileManager.default.fileExists(atPath: sharedVideo.path), "needs ../shared/media/video"),
    .enabled(if: (try? FFmpegTools.locate()) != nil, "needs ffmpeg"))
struct VideoRecordLookupTests {
    /// A verifier that fingerprints unlabeled videos, as `sigil verify --data` and the server do.
    static var verifier: Verifier {
        var options = Verifier.Options()
        options.fingerprintVideo = true
        return Verifier(options: options)
    }

    /// Verifies the file at `path` as `sigil verify --data` does, and looks its record up.
    static func lookUp(_ path: String, keeper: RecordKeeper, frames: Int = 70) async throws -> RecordCheck {
        let bytes = try FileIO.read(path)
        var report = try verifier.verify(bytes)
        #expect(report.label == nil)
        verifier.fingerprintVideo(at: path, into: &report)
        #expect((report.videoFingerprint?.frames.count ?? 0) >= frames, "ten frames a second are hashed")
        return await RecordCheck.check(
            bytes: bytes, produceID: nil, proof: nil, keeper: keeper, verifiers: [], keystore: nil, videoFingerprint: report.videoFingerprint)
    }

    @Test func aReencodedVideoFindsItsRecordByItsFrames() async throws {
        let dir = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let tools = try FFmpegTools.locate()
        let keeper = try await RecordKeeper.open(RecordKeeper.Location(data: dir.appendingPathComponent("data").path))
        var policy = try TestSupport.policy([.explicit, .implicit], produceID: "video-record-0001")
        policy.labelSignature = nil
        let labeled = dir.appendingPathComponent("labeled.mp4").path
        let outcome = try Labeler(policy: policy).labelFile(
            at: sharedVideo.appendingPathComponent("bbb_1280x720_24.mp4").path, to: labeled, keepBytes: false)
        let record = try keeper.record(for: outcome, context: .init(), file: labeled)
        #expect(record.fingerprint?.type == ContentFingerprint.videoFrames)
        let keyframes = try #require(record.fingerprint.flatMap(VideoFingerprint.init))
        #expect(keyframes.frames.count >= VideoFingerprint.minimumCompared, "\(keyframes.frames.map(\.time))")
        let receipts = try await keeper.keep([record])

        let stripped = dir.appendingPathComponent("stripped.mp4").path
        try tools.ffmpeg([
            "-i", labeled, "-map_metadata", "-1", "-c:v", "libx264", "-preset", "veryfast", "-crf", "30", "-vf", "scale=-2:360", "-c:a", "aac",
            "-y", stripped,
        ])
        let found = try await Self.lookUp(stripped, keeper: keeper)
        #expect(found.foundByVideoFingerprint)
        #expect(found.record?.index == receipts.first?.index)
        #expect(found.sha256Matches == false)
        #expect((found.videoMatch?.distance ?? 64) <= VideoFingerprint.matchDistance)
        #expect(found.proofStatus == .valid, "\(found.proofStatus)")
        #expect(found.lines.first?.contains("found by its frames") == true)

        // Other videos find none.
        for other in ["leaves_1920x1080_25.mp4", "cup_640x480_25.avi"] {
            let none = try await Self.lookUp(sharedVideo.appendingPathComponent(other).path, keeper: keeper)
            #expect(none.record == nil, "\(other): \(String(describing: none.videoMatch))")
            #expect(none.lookupError == nil)
        }
        try await keeper.close()
    }

    @Test func theFingerprintRoundTripsThroughTheRecord() throws {
        let print = VideoFingerprint(frames: [.init(time: 0, hash: 0x0123_4567_89AB_CDEF), .init(time: 2.042, hash: .max)])
        let stored = try #require(print.contentFingerprint)
        try stored.validate()
        #expect(stored.value.count == 24)
        #expect(VideoFingerprint(stored) == print)
        #expect(throws: SigilError.self) { try ContentFingerprint(type: ContentFingerprint.videoFrames, value: [1, 2, 3]).validate() }
        // Frames with unrelated (random) hashes: identical frames match at distance 0 with no shift; the record of a
        // video whose frames sit 10 s later is found at that shift (an excerpt); frames with other hashes match nothing.
        var random = SplitMix64(seed: 0x5EED)
        let suspect = VideoFingerprint(frames: (0..<400).map { .init(time: Double($0) * 0.04, hash: random.next()) })
        let recorded = VideoFingerprint(frames: [0, 25, 50, 75, 100].map { suspect.frames[$0] })
        let same = suspect.match(recorded: recorded)
        #expect(same?.distance == 0 && same?.compared == 5 && same?.shift == 0)
        let earlier = VideoFingerprint(frames: [250, 275, 300, 325].map { .init(time: suspect.frames[$0].time - 10, hash: suspect.frames[$0].hash) })
        #expect(suspect.match(recorded: earlier)?.shift == 10)
        #expect(suspect.match(recorded: earlier)?.distance == 0)
        let other = VideoFingerprint(frames: (0..<20).map { .init(time: Double($0) * 0.5, hash: random.next()) })
        #expect(suspect.match(recorded: other) == nil)
    }
}
