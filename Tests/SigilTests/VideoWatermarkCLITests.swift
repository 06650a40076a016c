import Foundation
import Sigil
import SigilTestSupport
import Testing

/// The video watermark through the CLI: `sigil label` embeds it by default (with the opening label painted over the
/// marked frames) and its payload is the ProduceID's; `sigil verify` reads it back from the labeled file and — with
/// the metadata gone — from the file after a platform-style H.264 CRF 30 re-encode at 720p; a platform's
/// propagation (``Propagator``, `/v1/propagate`) takes it as the trace for Label 3.
@Suite(.enabled(if: TestSupport.sigilBinary != nil, "the sigil executable is not built"))
struct VideoWatermarkCLITests {
    let sigil = TestSupport.sigilBinary!
    let producer = TestSupport.producer.rawValue
    static let clip = TestSupport.shared.appendingPathComponent("media/video/bbb_1280x720_24.mp4")
    static let ffmpegPath = TestPaths.which("ffmpeg")
    static let ready = ffmpegPath != nil && FileManager.default.fileExists(atPath: clip.path)

    func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "\(text)")
    }

    func ffmpeg(_ arguments: [String]) throws {
        let run = try TestSupport.run(Self.ffmpegPath!, ["-nostdin", "-hide_banner", "-v", "error", "-y"] + arguments)
        #expect(run.status == 0, "\(run.stderr)")
    }

    @Test(
        "label marks a video by default; verify ties the mark to the ProduceID, and still reads it after H.264 CRF 30 at 720p",
        .enabled(if: ready, "ffmpeg or the shared video clip is missing"))
    func labelReencodeVerify() throws {
        let dir = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        // A 4-s, 960×540 generated clip from the shared one (short, so the debug build stays quick).
        let source = dir.appendingPathComponent("source.mp4").path
        try ffmpeg([
            "-i", Self.clip.path, "-t", "4", "-vf", "scale=960:540", "-c:v", "libx264", "-preset", "veryfast", "-crf", "18", "-c:a", "copy", source,
        ])
        let labeled = dir.appendingPathComponent("labeled.mp4").path
        let label = try TestSupport.run(sigil, ["label", source, "-o", labeled, "--producer", producer, "--no-record", "--json"])
        #expect(label.status == 0, "\(label.stderr)")
        let outcome = try json(label.stdout)
        #expect(Set(outcome["marks"] as? [String] ?? []).isSuperset(of: ["explicit", "implicit", "watermark"]), "\(outcome)")
        #expect((outcome["notices"] as? [String])?.isEmpty == true, "\(outcome)")
        let mark = try #require(outcome["videoWatermark"] as? [String: Any])
        #expect(mark["frames"] as? Int == 96)
        #expect((outcome["explicit"] as? [String: Any])?["reencoded"] as? String == "head", "the keyframe at 2 s lets the head splice")

        let verify = try TestSupport.run(sigil, ["verify", labeled, "--json"])
        let report = try json(verify.stdout)
        let watermark = try #require(report["watermark"] as? [String: Any], "\(verify.stdout)")
        #expect(watermark["medium"] as? String == "video")
        #expect(watermark["detected"] as? Bool == true)
        #expect(watermark["matchesProduceID"] as? Bool == true)
        let payload = try #require(watermark["payload"] as? String)
        #expect(((report["explicit"] as? [String: Any])?["meetsGB5_4"] as? Bool) == true, "the opening label is intact over the mark")

        // A platform's re-encode: 720p, CRF 30, no metadata kept.
        let attacked = dir.appendingPathComponent("platform.mp4").path
        try ffmpeg(["-i", labeled, "-vf", "scale=-2:720:flags=bicubic", "-c:v", "libx264", "-crf", "30", "-map_metadata", "-1", "-an", attacked])
        let after = try json(try TestSupport.run(sigil, ["verify", attacked, "--json"]).stdout)
        #expect((after["implicit"] as? [Any])?.isEmpty == true, "the re-encode dropped the implicit label")
        let survived = try #require(after["watermark"] as? [String: Any], "\(after)")
        #expect(survived["detected"] as? Bool == true, "\(survived)")
        #expect(survived["payload"] as? String == payload)

        // A platform passing the re-encoded file on finds the trace: Label 3 (suspected), written into the file.
        var options = Verifier.Options()
        options.watermarkKey = try WatermarkKeys.load().watermarker.key
        let propagated = try Propagator(verifier: Verifier(options: options)).propagate(
            try FileIO.read(attacked), request: .init(platform: TestSupport.producer))
        #expect(propagated.basis == .detectedTraces, "\(propagated.reasons)")
        #expect(propagated.label?.label == .suspectedAIGenerated)
        #expect(propagated.reasons.contains { $0.contains("watermark") }, "\(propagated.reasons)")
    }

    @Test(
        "a video too small for the mark is labeled without it, and the notice says why",
        .enabled(if: ffmpegPath != nil, "ffmpeg is missing"))
    func tooSmallForTheMark() throws {
        let dir = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let source = dir.appendingPathComponent("tiny.mp4").path
        try ffmpeg(["-f", "lavfi", "-i", "testsrc2=size=48x48:rate=25:duration=1", "-c:v", "libx264", "-pix_fmt", "yuv420p", source])
        let out = dir.appendingPathComponent("labeled.mp4").path
        let label = try TestSupport.run(
            sigil, ["label", source, "-o", out, "--producer", producer, "--marks", "implicit,watermark", "--no-record", "--json"])
        #expect(label.status == 0, "\(label.stderr)")
        let outcome = try json(label.stdout)
        #expect(outcome["marks"] as? [String] == ["implicit"], "\(outcome)")
        #expect((outcome["notices"] as? [String])?.contains { $0.contains("48×48") && $0.contains("64 pixels") } == true, "\(outcome)")
    }

    @Test("watermark detect on an unmarked video says none", .enabled(if: ready, "ffmpeg or the shared video clip is missing"))
    func unmarkedVideo() throws {
        _ = try WatermarkKeys.load() // the test data directory may have no key yet when this test runs first
        let none = try TestSupport.run(sigil, ["watermark", "detect", Self.clip.path, "--require"])
        #expect(none.status == 1, "\(none.stderr)")
        #expect(none.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "none")
    }
}
