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
    static let ready = TestSupport.which("ffmpeg") != nil && FileManager.default.fileExists(atPath: mp4.path)

    @Test(.enabled(if: ready, "ffmpeg or the shared video clips are missing"), arguments: [mp4, avi])
    func explicitMarkPaintsTheOpeningLabelAndVerifies(clip: URL) throws {
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
        #expect(explicit["reencoded"] as? String == "head")
        #expect(explicit["text"] as? String == "AI生成")
        #expect((explicit["start"] as? Double) == 0 && (explicit["end"] as? Double ?? 0) >= 2)
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
