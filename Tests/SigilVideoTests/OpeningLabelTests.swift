import Foundation
import SigilCore
import SigilFFmpeg
import SigilImaging
import SigilTestSupport
import Testing

@testable import SigilVideo

/// The opening-frames label on the shared clips, checked with ffmpeg itself: the result plays cleanly, keeps its
/// duration and streams, the packets after the re-encoded head are the source's, and the label is in the frames
/// from frame 0 for at least 2 s.
@Suite struct OpeningLabelTests {
    static let folder = TestPaths.shared.appendingPathComponent("media/video")
    static let toolsPresent = TestPaths.which("ffmpeg") != nil && TestPaths.which("ffprobe") != nil
    static let available = toolsPresent && FileManager.default.fileExists(atPath: folder.appendingPathComponent("bbb_1280x720_24.mp4").path)
    static let clips = [
        "bbb_1280x720_24.mp4", "leaves_1920x1080_25.mp4", "bbb_vertical_720x1280_24.mov", "cup_640x480_25.avi", "titles_1920x1080_30.flv",
    ]

    static func labeler(duration: Double = 2) throws -> OpeningLabeler {
        let font = try Font(path: FontLocator.locate(explicit: nil))
        var labeler = try OpeningLabeler(spec: ExplicitLabelSpec(), font: font, tools: try FFmpegTools.locate(timeout: .seconds(600)))
        if duration < 2 {
            labeler.allowsShortDuration = true
            labeler.duration = duration
        }
        return labeler
    }

    static func ffmpeg(_ arguments: [String]) throws -> TestProcess.Run {
        try TestProcess.run(TestPaths.which("ffmpeg")!, ["-nostdin", "-hide_banner", "-v", "error"] + arguments)
    }

    /// `framemd5` rows (pts, size, hash) of one stream's packets, stream-copied (H.264 in Annex B form, so the
    /// parameter sets a keyframe carries compare the same whether they sit in the sample entry or in band).
    static func packets(_ path: String, stream: String, annexB: Bool) throws -> [String] {
        var arguments = ["-i", path, "-map", "0:\(stream)", "-c", "copy"]
        if annexB { arguments += ["-bsf:v", "h264_mp4toannexb"] }
        let run = try ffmpeg(arguments + ["-f", "framemd5", "-"])
        #expect(run.status == 0, "\(run.stderr)")
        return run.stdout.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { line in
            let f = line.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            return [f[2], f[4], f[5]].joined(separator: ",")
        }
    }

    @Test("the head is re-encoded with the label, the rest is the source's packets", .enabled(if: available), arguments: clips)
    func headOnly(clip: String) throws {
        try Self.checkHeadOnly(source: Self.folder.appendingPathComponent(clip).path, clip: clip)
    }

    /// H.264 in Matroska (made here from a shared MP4 with a stream copy: no shared clip is one) is spliced like the
    /// others, its timestamps kept.
    @Test("an H.264 Matroska file is spliced too", .enabled(if: available))
    func matroska() throws {
        let dir = try TestPaths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let source = dir.appendingPathComponent("bbb.mkv").path
        let made = try Self.ffmpeg(["-i", Self.folder.appendingPathComponent("bbb_1280x720_24.mp4").path, "-c", "copy", source])
        try #require(made.status == 0, "\(made.stderr)")
        try Self.checkHeadOnly(source: source, clip: "bbb.mkv")
    }

    /// An FLV without B-frames whose video starts at 0 (made here from a shared MP4): the head is encoded without
    /// B-frames too, so no decode time goes negative and nothing is shifted.
    @Test("an FLV without B-frames keeps its timestamps", .enabled(if: available))
    func flvWithoutBFrames() throws {
        let dir = try TestPaths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let source = dir.appendingPathComponent("nob.flv").path
        let made = try Self.ffmpeg([
            "-i", Self.folder.appendingPathComponent("bbb_1280x720_24.mp4").path, "-t", "6", "-c:v", "libx264", "-bf", "0", "-g", "48", "-c:a", "aac",
            source,
        ])
        try #require(made.status == 0, "\(made.stderr)")
        try Self.checkHeadOnly(source: source, clip: "nob.flv")
    }

    static func checkHeadOnly(source: String, clip: String) throws {
        let dir = try TestPaths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let output = dir.appendingPathComponent("labeled-" + clip).path
        let labeler = try Self.labeler()
        let outcome = try labeler.label(input: source, output: output)
        let record = outcome.record
        #expect(record.reencode == .head, "\(outcome.wholeReason ?? "")")
        #expect(outcome.duration == outcome.sourceDuration || abs(outcome.duration - outcome.sourceDuration) < 0.05)

        // Plays cleanly, whole file; same streams.
        let decode = try Self.ffmpeg(["-i", output, "-f", "null", "-"])
        #expect(decode.status == 0 && decode.stderr.isEmpty, "\(decode.stderr)")
        let sourceProbe = try VideoProbe.probe(source, window: nil, tools: labeler.tools)
        let probe = try VideoProbe.probe(output, window: nil, tools: labeler.tools)
        #expect(probe.streams.count == sourceProbe.streams.count)
        #expect(probe.packets.count == sourceProbe.packets.count)
        #expect(abs(probe.duration - sourceProbe.duration) < 0.05)
        #expect(probe.video.codec == sourceProbe.video.codec && probe.video.pixelFormat == sourceProbe.video.pixelFormat)

        // Label: at least 2 s from frame 0, the first frame after 2 s unlabeled; at least 5 % of the short side.
        let times = sourceProbe.frameTimes
        #expect(record.start == times[0])
        #expect(times[record.frames - 1] < times[0] + 2 && times[record.frames] >= times[0] + 2 - 1e-6)
        #expect(record.duration >= 2 - 1e-6)
        #expect(record.painted.inkHeightFraction >= 0.05)

        // After the head: the source's packets, byte for byte, with their timestamps; other streams whole.
        let split = try #require(record.spliceAt)
        let headPackets = sourceProbe.packets.prefix { !($0.keyframe && abs($0.pts - split) < 1e-6) }.count
        let annexB = sourceProbe.video.codec == "h264"
        let before = try Self.packets(source, stream: "v:0", annexB: annexB)
        let after = try Self.packets(output, stream: "v:0", annexB: annexB)
        #expect(before.count == after.count)
        #expect(Array(before.dropFirst(headPackets)) == Array(after.dropFirst(headPackets)))
        #expect(Array(before.prefix(headPackets)) != Array(after.prefix(headPackets)))
        if sourceProbe.streams.contains(where: { $0.type == "audio" }) {
            #expect(try Self.packets(source, stream: "a", annexB: false) == Self.packets(output, stream: "a", annexB: false))
        }

        // The verifier finds it: present at frame 0 and at 2 s − 1 frame, conformant.
        let check = try #require(try OpeningLabelCheck.check(output, tools: labeler.tools))
        #expect(check.conforms, "\(check.findings.map(\.message))")
        #expect(check.frames[0].presence >= OpeningLabelCheck.presentThreshold)
        #expect(check.frames[record.frames - 1].presence >= OpeningLabelCheck.presentThreshold)
        #expect(check.shownFor >= 2 - 1e-6)
    }

    @Test("a clip labeled for 1 s only is a named non-conformance", .enabled(if: available))
    func tooShort() throws {
        let dir = try TestPaths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let output = dir.appendingPathComponent("short.mp4").path
        let labeler = try Self.labeler(duration: 1)
        _ = try labeler.label(input: Self.folder.appendingPathComponent("bbb_1280x720_24.mp4").path, output: output)
        let check = try #require(try OpeningLabelCheck.check(output, tools: labeler.tools))
        #expect(check.findings.map(\.code) == [.videoLabelTooShort])
        #expect(check.shownFor >= 0.99 && check.shownFor < 1.1)
        #expect(check.frames[0].presence >= OpeningLabelCheck.presentThreshold)
    }

    @Test(
        "a hostile record is bounded: an endless span is looked at for 10 s, a huge box over 2 s is refused, a foreign font path is not opened, a reversed span is an error",
        .enabled(if: available))
    func hostileRecords() throws {
        let dir = try TestPaths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let labeler = try Self.labeler()
        let labeled = dir.appendingPathComponent("labeled.mp4").path
        _ = try labeler.label(input: Self.folder.appendingPathComponent("leaves_1920x1080_25.mp4").path, output: labeled)
        let genuine = try #require(try OpeningLabelCheck.check(labeled, tools: labeler.tools)).record
        func tampered(_ name: String, _ change: (inout OpeningLabelRecord) -> Void) throws -> String {
            var record = genuine
            change(&record)
            let path = dir.appendingPathComponent(name).path
            let run = try Self.ffmpeg([
                "-y", "-i", labeled, "-map", "0", "-c", "copy", "-movflags", "+use_metadata_tags",
                "-metadata", "\(OpeningLabelRecord.metadataKey)=\(record.json)", path,
            ])
            #expect(run.status == 0, "\(run.stderr)")
            return path
        }
        // An end far away: the check decodes 10 s at most (25 fps: 251 frames), and the label's 2 s still pass.
        let endless = try #require(try OpeningLabelCheck.check(try tampered("endless.mp4") { $0.end = 1e300 }, tools: labeler.tools))
        #expect(endless.frames.count <= 10 * 25 + 1, "\(endless.frames.count) frames")
        #expect(endless.shownFor >= 2 - 1e-6)
        // A box of the whole 1080p frame over 2 s would be 51 × 6 MB decoded: refused, not held.
        let huge = try tampered("huge.mp4") { $0.painted.box = PaintedLabel.Box(x: 0, y: 0, width: 1920, height: 1080) }
        #expect(throws: SigilError.self) { try OpeningLabelCheck.check(huge, tools: labeler.tools) }
        // A font path outside the font folders is not opened: the default font is used and the label still found.
        let foreign = try #require(try OpeningLabelCheck.check(try tampered("font.mp4") { $0.fontPath = "/etc/passwd" }, tools: labeler.tools))
        #expect(foreign.conforms)
        #expect(!OpeningLabelCheck.isFontFile("/etc/passwd"))
        #expect(!OpeningLabelCheck.isFontFile("/usr/share/fonts/../../etc/passwd.ttf"))
        // A span that ends before it starts is no span.
        let reversed = try #require(try OpeningLabelCheck.check(try tampered("reversed.mp4") { $0.end = -1 }, tools: labeler.tools))
        #expect(reversed.frames.isEmpty)
        #expect(!reversed.conforms)
    }

    @Test("a video without Sigil's record has nothing to check", .enabled(if: available))
    func noRecord() throws {
        let tools = try FFmpegTools.locate()
        #expect(try OpeningLabelCheck.check(Self.folder.appendingPathComponent("bbb_1280x720_24.mp4").path, tools: tools) == nil)
    }

    @Test("a rotated video gets the label upright as displayed, and keeps its rotation", .enabled(if: available))
    func rotated() throws {
        let dir = try TestPaths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let rotated = dir.appendingPathComponent("rotated.mp4").path
        let made = try Self.ffmpeg([
            "-i", Self.folder.appendingPathComponent("bbb_1280x720_24.mp4").path, "-t", "5", "-c", "copy", "-metadata:s:v:0", "rotate=90", rotated,
        ])
        #expect(made.status == 0, "\(made.stderr)")
        let output = dir.appendingPathComponent("labeled.mp4").path
        let labeler = try Self.labeler()
        let outcome = try labeler.label(input: rotated, output: output)
        #expect(outcome.record.rotation == 90)
        #expect(try VideoProbe.probe(output, window: 1, tools: labeler.tools).video.rotation == 90)
        // Displayed (autorotated) frame 0: 720 wide, 1280 high, the label at the recorded display box, upright.
        let rawPath = dir.appendingPathComponent("frame0.rgb").path
        let frame = try Self.ffmpeg(["-i", output, "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgb24", rawPath])
        #expect(frame.status == 0, "\(frame.stderr)")
        let raw = [UInt8](try Data(contentsOf: URL(fileURLWithPath: rawPath)))
        #expect(raw.count == 720 * 1280 * 3)
        let pixels = PixelBuffer(width: 720, height: 1280, layout: .rgb, bytes: raw)
        let font = try Font(path: FontLocator.locate(explicit: nil))
        #expect(try ExplicitLabelPainter.presence(of: outcome.record.painted, font: font, in: pixels, orientation: 1) >= 0.6)
        let check = try #require(try OpeningLabelCheck.check(output, tools: labeler.tools))
        #expect(check.conforms, "\(check.findings.map(\.message))")
    }

    @Test("an open GOP is not spliced: the whole video is re-encoded and the outcome says why", .enabled(if: available))
    func openGOP() throws {
        let dir = try TestPaths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let open = dir.appendingPathComponent("open.mp4").path
        let made = try Self.ffmpeg([
            "-i", Self.folder.appendingPathComponent("bbb_1280x720_24.mp4").path, "-t", "4", "-an", "-c:v", "libx264", "-preset", "ultrafast",
            "-bf", "3", "-x264-params", "open-gop=1:keyint=24:min-keyint=24:scenecut=0", open,
        ])
        #expect(made.status == 0, "\(made.stderr)")
        let output = dir.appendingPathComponent("labeled.mp4").path
        let outcome = try Self.labeler().label(input: open, output: output)
        #expect(outcome.record.reencode == .whole)
        #expect(outcome.wholeReason?.contains("open") == true)
        let decode = try Self.ffmpeg(["-i", output, "-f", "null", "-"])
        #expect(decode.status == 0 && decode.stderr.isEmpty, "\(decode.stderr)")
    }

    /// VP9 is not spliced here (its keyframes are not tested to restart decoding from a re-encoded head): a WebM's
    /// video is re-encoded whole with the label, the outcome says why, the audio is the source's and the label
    /// verifies. The record is read back from the WebM's tags.
    @Test("a WebM (VP9) is labeled by a whole re-encode, its audio kept", .enabled(if: available))
    func webM() throws {
        let source = Self.folder.appendingPathComponent("box_640x480_30.webm").path
        let dir = try TestPaths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let output = dir.appendingPathComponent("labeled.webm").path
        let labeler = try Self.labeler()
        let outcome = try labeler.label(input: source, output: output)
        #expect(outcome.record.reencode == .whole)
        #expect(outcome.wholeReason?.contains("vp9") == true, "\(outcome.wholeReason ?? "")")
        let decode = try Self.ffmpeg(["-i", output, "-f", "null", "-"])
        #expect(decode.status == 0 && decode.stderr.isEmpty, "\(decode.stderr)")
        let sourceProbe = try VideoProbe.probe(source, window: nil, tools: labeler.tools)
        let probe = try VideoProbe.probe(output, window: nil, tools: labeler.tools)
        #expect(probe.formatName.hasPrefix("matroska") && probe.video.codec == "vp9")
        #expect(probe.streams.count == sourceProbe.streams.count && abs(probe.duration - sourceProbe.duration) < 0.05)
        #expect(try Self.packets(source, stream: "a", annexB: false) == Self.packets(output, stream: "a", annexB: false))
        let check = try #require(try OpeningLabelCheck.check(output, tools: labeler.tools))
        #expect(check.conforms, "\(check.findings.map(\.message))")
        #expect(check.shownFor >= 2 - 1e-6)
    }

    @Test("bad input gets a typed error and no output", .enabled(if: toolsPresent))
    func badInput() throws {
        let dir = try TestPaths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let text = dir.appendingPathComponent("not-a-video.mp4").path
        try Data("hello, this is not a video".utf8).write(to: URL(fileURLWithPath: text))
        let output = dir.appendingPathComponent("out.mp4").path
        #expect(throws: SigilError(.unsupportedFormat, "")) { try Self.labeler().label(input: text, output: output) }
        #expect(!FileManager.default.fileExists(atPath: output))
        #expect((try FileManager.default.contentsOfDirectory(atPath: dir.path)) == ["not-a-video.mp4"])
        #expect(throws: SigilError(.invalidExplicitLabel, "")) {
            try OpeningLabeler(
                spec: ExplicitLabelSpec(), font: try Font(path: FontLocator.locate(explicit: nil)), duration: 1, tools: try FFmpegTools.locate())
        }
    }
}
