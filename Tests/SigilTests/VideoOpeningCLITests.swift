import Foundation
import Sigil
import SigilTestSupport
import Testing

/// `sigil label` on video: the explicit mark (and the default marks) paint the opening-frames label (GB 45438 5.4)
/// with only the head re-encoded, then the implicit label; `sigil verify` finds the label in the frames by its record.
@Suite(.enabled(if: TestSupport.sigilBinary != nil, "the sigil executable is not built"))
struct VideoOpeningCLITests {
    let sigil = TestSupport.sigilBinary!
    let producer = TestSupport.producer.rawValue
    static let mp4 = TestSupport.shared.appendingPathComponent("media/video/bbb_1280x720_24.mp4")
    static let avi = TestSupport.shared.appendingPathComponent("media/video/cup_640x480_25.avi")
    static let flv = TestSupport.shared.appendingPathComponent("media/video/titles_1920x1080_30.flv")
    static let webm = TestSupport.shared.appendingPathComponent("media/video/box_640x480_30.webm")
    static let ready = TestSupport.which("ffmpeg") != nil && FileManager.default.fileExists(atPath: mp4.path)

    /// Every container the opening label is painted into; VP9 (the WebM clip) is re-encoded whole, the others' heads only.
    @Test(
        .enabled(if: ready, "ffmpeg or the shared video clips are missing"),
        arguments: [(mp4, "head"), (avi, "head"), (flv, "head"), (webm, "whole")])
    func explicitMarkPaintsTheOpeningLabelAndVerifies(clip: URL, reencoded: String) throws {
        let dir = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("labeled." + clip.pathExtension).path
        let run = try TestSupport.run(
            sigil, ["label", clip.path, "-o", out, "--producer", producer, "--marks", "explicit,implicit", "--no-record", "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let result = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], "\(run.stdout)")
        #expect(result["marks"] as? [String] == ["explicit", "implicit"])
        #expect((result["notices"] as? [String])?.isEmpty == true)
        let explicit = try #require(result["explicit"] as? [String: Any])
        #expect(explicit["kind"] as? String == "video-opening")
        #expect(explicit["reencoded"] as? String == reencoded, "\(explicit["wholeReason"] ?? "")")
        #expect(explicit["text"] as? String == "AI生成")
        // From the first frame (0 in the MP4 and AVI; an FLV's or WebM's video may start later) for at least 2 s.
        let start = try #require(explicit["start"] as? Double)
        #expect(start >= 0 && start < 0.2 && (explicit["end"] as? Double ?? 0) - start >= 2 - 1e-6)
        #expect((explicit["inkHeightFraction"] as? Double ?? 0) >= 0.05)
        #expect(explicit["box"] is [String: Any])

        // Plays cleanly, one implicit label, the opening label found in the frames.
        let decode = try TestSupport.run(TestSupport.which("ffmpeg")!, ["-v", "error", "-i", out, "-f", "null", "-"])
        #expect(decode.status == 0 && decode.stderr.isEmpty, "\(decode.stderr)")
        let verify = try TestSupport.run(sigil, ["verify", out, "--json", "--no-watermark"])
        let report = try #require(try JSONSerialization.jsonObject(with: Data(verify.stdout.utf8)) as? [String: Any], "\(verify.stderr)")
        #expect(report["verdict"] as? String == "ai-generated")
        #expect((report["implicit"] as? [Any])?.count == 1)
        let seen = try #require(report["explicit"] as? [String: Any])
        #expect(seen["meetsGB5_4"] as? Bool == true, "\(seen)")
        #expect((seen["shownFor"] as? Double ?? 0) >= 2)
        let text = try TestSupport.run(sigil, ["verify", out, "--no-watermark"])
        #expect(text.stdout.contains("GB 45438 5.4: met"), "\(text.stdout)")
    }

    /// An audio-only Matroska file is identified as Matroska (a video container): with the default marks it takes its
    /// implicit label, and notices say why the frame marks and the manifest were left off.
    @Test(.enabled(if: ready, "ffmpeg or the shared video clips are missing"))
    func anAudioOnlyMatroskaTakesItsLabelAndSaysWhy() throws {
        let dir = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let mka = dir.appendingPathComponent("chord.mka").path
        let made = try TestSupport.run(
            TestSupport.which("ffmpeg")!, ["-v", "error", "-i", TestSupport.examples.appendingPathComponent("chord.wav").path, "-c:a", "flac", mka])
        try #require(made.status == 0, "\(made.stderr)")
        let out = dir.appendingPathComponent("labeled.mka").path
        let run = try TestSupport.run(sigil, ["label", mka, "-o", out, "--producer", producer, "--no-record", "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let result = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], "\(run.stdout)")
        #expect(result["marks"] as? [String] == ["implicit"])
        let notices = result["notices"] as? [String] ?? []
        #expect(notices.contains { $0.hasPrefix("explicit:") && $0.contains("no video stream") }, "\(notices)")
        #expect(notices.contains { $0.hasPrefix("watermark:") && $0.contains("no video stream") }, "\(notices)")
        let verify = try TestSupport.run(sigil, ["verify", out, "--json", "--no-watermark"])
        let report = try #require(try JSONSerialization.jsonObject(with: Data(verify.stdout.utf8)) as? [String: Any], "\(verify.stderr)")
        #expect(report["verdict"] as? String == "ai-generated")
    }

    @Test(.enabled(if: ready, "ffmpeg or the shared video clips are missing"))
    func implicitOnlyVideoHasNoRecordOfAVisibleLabel() throws {
        let dir = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("implicit.mp4").path
        let run = try TestSupport.run(sigil, ["label", Self.mp4.path, "-o", out, "--producer", producer, "--marks", "implicit", "--no-record"])
        #expect(run.status == 0, "\(run.stderr)")
        let text = try TestSupport.run(sigil, ["verify", out, "--no-watermark"])
        #expect(text.stdout.contains("no record of a Sigil visible label"), "\(text.stdout)")
    }
}
