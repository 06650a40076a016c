import Foundation
import SigilCore
import SigilFFmpeg
import SigilTestSupport
import SigilWatermark
import Testing

@testable import SigilVideoMark

/// The video mark end to end on clips ffmpeg generates (moving, textured content with a soundtrack): embedded through
/// real ffmpeg pipes, read back from the file, after an H.264 re-encode with a downscale, and from a 2-s excerpt; an
/// unmarked clip reads as none.
@Suite struct VideoWatermarkerTests {
    static let available = TestPaths.which("ffmpeg") != nil && TestPaths.which("ffprobe") != nil
    static let key = try! WatermarkKey(bytes: Array(repeating: 0x5A, count: 32))
    static let payload: UInt64 = 0x5EED_0F51_6171_0001

    static func ffmpeg(_ arguments: [String]) throws {
        let run = try TestProcess.run(TestPaths.which("ffmpeg")!, ["-nostdin", "-hide_banner", "-v", "error", "-y"] + arguments)
        #expect(run.status == 0, "\(run.stderr)")
    }

    /// A 640×360 (or `size`) clip at 25 fps: testsrc2's moving pattern over a fixed grain texture, and a sine soundtrack.
    static func sourceClip(in folder: URL, name: String = "source.mp4", seconds: Int = 3, size: String = "640x360") throws -> String {
        let path = folder.appendingPathComponent(name).path
        try ffmpeg([
            "-f", "lavfi", "-i", "testsrc2=size=\(size):rate=25:duration=\(seconds),noise=alls=14",
            "-f", "lavfi", "-i", "sine=frequency=440:duration=\(seconds)",
            "-c:v", "libx264", "-preset", "veryfast", "-crf", "18", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", path,
        ])
        return path
    }

    static func streams(_ path: String) throws -> [String] {
        let run = try TestProcess.run(
            TestPaths.which("ffprobe")!, ["-v", "error", "-show_entries", "stream=codec_type", "-of", "csv=p=0", path])
        return run.stdout.split(separator: "\n").map(String.init)
    }

    static func marker() throws -> VideoWatermarker {
        VideoWatermarker(key: key, tools: try FFmpegTools.locate(timeout: .seconds(600)))
    }

    @Test("a marked clip keeps its streams and frame count, reads back its payload, and the source reads as none", .enabled(if: available))
    func roundTrip() throws {
        let folder = try TestPaths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let source = try Self.sourceClip(in: folder)
        let marked = folder.appendingPathComponent("marked.mp4").path
        let marker = try Self.marker()
        let outcome = try marker.embed(input: source, output: marked, payload: Self.payload)
        #expect(outcome.frames == 75)
        #expect((outcome.width, outcome.height) == (640, 360))
        #expect(try Self.streams(marked) == ["video", "audio"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".tmp") }.isEmpty)

        let found = try marker.detect(input: marked)
        #expect(found.detection.detected)
        #expect(found.detection.payload == Self.payload)
        #expect(found.frames == 75)

        let unmarked = try marker.detect(input: source)
        #expect(!unmarked.detection.detected)
        #expect(unmarked.detection.payload == nil)
        // Another key does not read this key's mark.
        let other = VideoWatermarker(key: try WatermarkKey(bytes: Array(repeating: 0x33, count: 32)), tools: marker.tools)
        #expect(try !other.detect(input: marked).detection.detected)
    }

    @Test("the mark survives H.264 CRF 30 with a downscale to 360p, and a 2-s excerpt of that", .enabled(if: available))
    func survivesReencode() throws {
        let folder = try TestPaths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let source = try Self.sourceClip(in: folder, seconds: 4, size: "854x480")
        let marked = folder.appendingPathComponent("marked.mp4").path
        let marker = try Self.marker()
        _ = try marker.embed(input: source, output: marked, payload: Self.payload)
        let attacked = folder.appendingPathComponent("attacked.mp4").path
        try Self.ffmpeg(["-i", marked, "-vf", "scale=-2:360:flags=bicubic", "-c:v", "libx264", "-crf", "30", "-an", attacked])
        let found = try marker.detect(input: attacked)
        #expect(found.detection.payload == Self.payload)
        #expect((found.width, found.height) == (640, 360))

        let excerpt = folder.appendingPathComponent("excerpt.mp4").path
        try Self.ffmpeg(["-ss", "1.3", "-i", attacked, "-t", "2", "-c:v", "libx264", "-crf", "23", excerpt])
        #expect(try marker.detect(input: excerpt).detection.payload == Self.payload)
    }

    @Test("a file that is not a video is refused with a named error, and nothing is written", .enabled(if: available))
    func notAVideo() throws {
        let folder = try TestPaths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let text = folder.appendingPathComponent("notes.mp4")
        try Data("not a video at all".utf8).write(to: text)
        let out = folder.appendingPathComponent("out.mp4").path
        let marker = try Self.marker()
        #expect {
            try marker.embed(input: text.path, output: out, payload: 1)
        } throws: { ($0 as? SigilError)?.code == .unsupportedFormat }
        #expect(!FileManager.default.fileExists(atPath: out))
        #expect(throws: SigilError.self) { try marker.detect(input: text.path) }
    }

    @Test("an encoder that fails part-way is reported with its stderr, and no output is left", .enabled(if: available))
    func failingEncoder() throws {
        let folder = try TestPaths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let source = try Self.sourceClip(in: folder, seconds: 1)
        // An output folder that does not exist: the encoder cannot open its file, stops reading, and the pipe breaks.
        let out = folder.appendingPathComponent("missing/out.mp4").path
        let marker = try Self.marker()
        #expect {
            try marker.embed(input: source, output: out, payload: 1)
        } throws: { error in
            guard let error = error as? SigilError else { return false }
            return error.code == .externalTool && error.message.contains("ffmpeg")
        }
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test("the frame layout counts 4:2:0 chroma for odd sizes")
    func frameLayout() {
        #expect(RawFrameLayout(width: 640, height: 360).byteCount == 640 * 360 * 3 / 2)
        #expect(RawFrameLayout(width: 5, height: 3).byteCount == 15 + 2 * 3 * 2)
    }

    @Test("a \".webm\" holding H.264 and AAC is marked and written as the Matroska it is, its audio packets copied", .enabled(if: available))
    func webmNamedMatroska() throws {
        let folder = try TestPaths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let mp4 = try Self.sourceClip(in: folder, seconds: 2)
        let source = folder.appendingPathComponent("h264.webm").path
        try Self.ffmpeg(["-i", mp4, "-c", "copy", "-f", "matroska", source])
        let marked = folder.appendingPathComponent("marked.webm").path
        let marker = try Self.marker()
        let outcome = try marker.embed(input: source, output: marked, payload: Self.payload)
        #expect(outcome.frames == 50)
        let probe = try TestProcess.run(
            TestPaths.which("ffprobe")!, ["-v", "error", "-show_entries", "stream=codec_name:format_tags=", "-of", "csv=p=0", marked])
        #expect(probe.stdout.split(separator: "\n").map(String.init) == ["h264", "aac"], "\(probe.stdout)")
        #expect(try marker.detect(input: marked).detection.payload == Self.payload)
        let audio: (String) throws -> String = { path in
            try TestProcess.run(TestPaths.which("ffmpeg")!, ["-v", "error", "-i", path, "-map", "0:a", "-c", "copy", "-f", "framemd5", "-"]).stdout
                .split(separator: "\n").filter { !$0.hasPrefix("#") }.map { $0.split(separator: ",").last.map(String.init) ?? "" }.joined(
                    separator: "\n")
        }
        #expect(try audio(marked) == audio(source), "the audio packets are copied")
    }

    @Test("the muxer follows the output's extension, else the source's container")
    func muxer() {
        #expect(VideoMarkEncoder.muxer(output: "a.webm", formatName: "mov,mp4") == "webm")
        #expect(VideoMarkEncoder.muxer(output: "a.MOV", formatName: "avi") == "mov")
        #expect(VideoMarkEncoder.muxer(output: "a.out", formatName: "matroska,webm") == "matroska")
        #expect(VideoMarkEncoder.muxer(output: "a.out", formatName: "avi") == "avi")
    }
}
