import Foundation
import SigilCore
public import SigilFFmpeg
import SigilImaging

/// Puts the GB 45438-2025 5.4 visible label on a video's opening frames, re-encoding only the head
/// (decision 0022).
///
/// The label is the image label (``ExplicitLabelPainter``: real CJK font, measured ink height ≥ 5 % of the
/// displayed frame's shortest side, plate behind the text, edge or corner as displayed) rendered once into a PNG
/// and overlaid on every frame whose presentation time is within ``duration`` of frame 0, counted by timestamps
/// (variable frame rates are counted right). The GOPs up to the first keyframe at or after the label's end are
/// re-encoded at the source's codec, profile, level, pixel format and bit rate; the source's packets from that
/// keyframe on are copied, audio and other streams whole. The result is checked to decode cleanly across the
/// splice, and to keep its duration and stream count. When the head cannot be spliced (an open GOP, a codec or
/// container without a head encoder here, no keyframe after the label) the whole video stream is re-encoded and
/// the outcome says why.
public struct OpeningLabeler: Sendable {
    /// GB 45438 5.4: the opening label lasts at least 2 s at normal speed.
    public static let minimumDuration = 2.0

    /// What to paint and where (the image label's settings).
    public var spec: ExplicitLabelSpec
    /// The font the label is drawn with.
    public var font: Font
    /// How long the label is shown from frame 0, in seconds (at least ``minimumDuration``).
    public var duration: Double
    /// The ffmpeg binaries.
    public var tools: FFmpegTools
    /// Seconds past the splice the decode check runs for (the whole file when nil).
    public var checkPastSplice: Double? = 3
    /// Tests only: lets ``duration`` go below ``minimumDuration`` (to make a non-conformant file to verify).
    var allowsShortDuration = false
    /// The format Sigil's registry identified (``MediaFormat/id``: `webm` or `mkv` tells the two apart, which ffprobe
    /// does not); nil decides from the codecs.
    public var formatID: String?

    /// A labeler.
    ///
    /// - Throws: ``SigilError`` `.invalidExplicitLabel` for wording GB 45438 forbids or a duration under 2 s.
    public init(spec: ExplicitLabelSpec, font: Font, duration: Double = OpeningLabeler.minimumDuration, tools: FFmpegTools) throws {
        try spec.validate()
        guard duration.isFinite, duration >= Self.minimumDuration, duration <= 60 else {
            throw SigilError(
                .invalidExplicitLabel, "the opening label must last 2–60 s (GB 45438 5.4 asks for at least 2 s at normal speed), not \(duration) s")
        }
        self.spec = spec
        self.font = font
        self.duration = duration
        self.tools = tools
    }

    /// The container formats (``MediaFormat/id``) the opening label is written into; other video files get the
    /// other marks and a notice.
    public static let formatIDs: Set<String> = ["mp4", "mov", "avi", "mkv", "webm", "flv"]

    /// Labels `input` into `output` (written beside it and renamed, so a failure leaves no half-written file).
    ///
    /// - Parameters:
    ///   - metadata: extra container tags to write (the record is added to them).
    ///   - progress: called with the fraction of the re-encode done (0…1), from another thread.
    /// - Throws: ``SigilError`` `.unsupportedFormat` (no video, a codec ffmpeg cannot encode here),
    ///   `.invalidExplicitLabel` (the text does not fit the frame), `.externalTool` (ffmpeg failed, timed out, or
    ///   the result does not decode cleanly or lost duration or streams).
    public func label(input: String, output: String, progress: (@Sendable (Double) -> Void)? = nil) throws -> OpeningLabelOutcome {
        let probe = try VideoProbe.probe(input, window: duration + 60, tools: tools)
        guard let container = Container(probe, formatID: formatID) else {
            throw SigilError(
                .unsupportedFormat,
                "the opening label is written into MP4, MOV, AVI, Matroska, WebM and FLV files; ffmpeg reads this one as \(probe.formatName)",
                path: input)
        }
        let work = try Workspace()
        defer { work.remove() }

        // The label image: painted once on a transparent frame in stored orientation, cut to its box.
        let times = probe.frameTimes
        let start = times[0]
        let labeled = times.filter { $0 < start + duration - 1e-6 }.count
        let end = labeled < times.count ? times[labeled] : probe.duration
        let (painted, overlay) = try renderOverlay(probe)
        let png = work.path("label.png")
        try Data(overlay.png).write(to: URL(fileURLWithPath: png))

        let plan = SplicePlan(probe: probe, labelEnd: end, container: container)
        let temporary = output + "." + WorkingFile.tag() + ".tmp"
        defer { try? FileManager.default.removeItem(atPath: temporary) }
        var record = OpeningLabelRecord(
            painted: painted, fontPath: font.path, start: start, end: end, frames: labeled, rotation: probe.video.rotation, reencode: .head,
            spliceAt: nil)
        var wholeReason: String?
        switch plan {
        case .head(let split, let headFrames, let bitRate):
            record.spliceAt = split.time
            try encodeHead(
                input, probe: probe, overlay: overlay, png: png, labeledFrames: labeled, headFrames: headFrames, bitRate: bitRate,
                container: container,
                into: work.path("head.\(container.ext)"),
                progress: progress.map { p in { @Sendable t in p(min(1, t / max(split.time - start, 0.001))) } })
            try cutTail(input, probe: probe, at: split.cut, container: container, work: work)
            try concat(
                input, probe: probe, parts: [work.path("head.\(container.ext)"), work.path("tail1.\(container.ext)")],
                head: (start, split.time - start), record: record, container: container, into: temporary)
        case .whole(let reason, let bitRate):
            wholeReason = reason
            record.reencode = .whole
            try encodeWhole(
                input, probe: probe, overlay: overlay, png: png, labeledFrames: labeled, bitRate: bitRate, record: record, container: container,
                into: temporary, progress: progress.map { p in { @Sendable t in p(min(1, t / max(probe.duration, 0.001))) } })
        }
        let result = try check(temporary, against: probe, spliceAt: record.spliceAt)
        guard rename(temporary, output) == 0 else {
            throw SigilError(.io, "cannot rename the labeled video into place: \(String(cString: strerror(errno)))", path: output)
        }
        return OpeningLabelOutcome(
            record: record, wholeReason: wholeReason, sourceDuration: probe.duration, duration: result.duration, streams: probe.streams.count)
    }

    // MARK: - The label image

    /// The label painted on a transparent stored-size frame (so it reads upright as displayed), cropped to its box.
    func renderOverlay(_ probe: VideoProbe) throws -> (PaintedLabel, Overlay) {
        let width = probe.video.width
        let height = probe.video.height
        var frame = PixelBuffer(width: width, height: height, layout: .rgba, filling: [0, 0, 0, 0])
        let orientation = probe.exifOrientation
        let painted = try ExplicitLabelPainter.paint(spec, font: font, on: &frame, orientation: orientation)
        // The box's corners in stored coordinates.
        let o = Orientation(exif: orientation)
        let a = o.storedPoint(displayX: painted.box.x, displayY: painted.box.y, storedWidth: width, storedHeight: height)
        let b = o.storedPoint(
            displayX: painted.box.x + painted.box.width - 1, displayY: painted.box.y + painted.box.height - 1, storedWidth: width,
            storedHeight: height)
        // Even offsets and sizes, so 4:2:0 chroma lines up with the luma the label covers.
        let x0 = max(0, (min(a.x, b.x)) & ~1)
        let y0 = max(0, (min(a.y, b.y)) & ~1)
        let x1 = min(width, (max(a.x, b.x) + 2) & ~1)
        let y1 = min(height, (max(a.y, b.y) + 2) & ~1)
        var crop: [UInt8] = []
        crop.reserveCapacity((x1 - x0) * (y1 - y0) * 4)
        for y in y0..<y1 {
            let row = (y * width + x0) * 4
            crop += frame.bytes[row..<(row + (x1 - x0) * 4)]
        }
        let image = PixelBuffer(width: x1 - x0, height: y1 - y0, layout: .rgba, bytes: crop)
        return (painted, Overlay(x: x0, y: y0, width: x1 - x0, height: y1 - y0, png: try PNGCodec.encode(image)))
    }

    /// The label image and where it goes on the stored frame.
    struct Overlay {
        var x: Int
        var y: Int
        var width: Int
        var height: Int
        var png: [UInt8]
    }

    // MARK: - ffmpeg steps

    /// The filter graph: the label over the first `labeledFrames` frames, in the source's pixel format.
    func filter(_ probe: VideoProbe, overlay: Overlay, labeledFrames: Int) -> String {
        let format = probe.video.pixelFormat.map { ",format=\($0)" } ?? ""
        return "[1:v]format=rgba[label];[0:\(probe.video.index)][label]overlay=x=\(overlay.x):y=\(overlay.y)"
            + ":enable='lt(n,\(labeledFrames))':eof_action=repeat:format=auto\(format)[v]"
    }

    func encodeHead(
        _ input: String, probe: VideoProbe, overlay: Overlay, png: String, labeledFrames: Int, headFrames: Int, bitRate: Int, container: Container,
        into path: String, progress: (@Sendable (Double) -> Void)?
    ) throws {
        var arguments = ["-y", "-noautorotate", "-i", input, "-i", png]
        arguments += ["-filter_complex", filter(probe, overlay: overlay, labeledFrames: labeledFrames), "-map", "[v]"]
        arguments += ["-frames:v", "\(headFrames)", "-fps_mode", "passthrough", "-an", "-sn", "-dn", "-map_metadata", "-1"]
        arguments += try Encoder.arguments(for: probe.video, bitRate: bitRate)
        // A container that keeps presentation times as they are gets a head whose frames are held back no more than
        // the source's: a source without B-frames starting at 0 would otherwise get a head with negative decode
        // times, which the muxer shifts (with every stream).
        if container.keepsPresentationTimes, ["h264", "hevc"].contains(probe.video.codec), probe.video.reorderDelay == 0 {
            arguments += ["-bf", "0"]
        }
        arguments += container.intermediateArguments(probe) + [path]
        try tools.ffmpeg(arguments, progress: progress)
    }

    /// The source's video packets from the splice keyframe on, copied: the segment muxer starts its second segment
    /// at the first keyframe at or after `cut` (half a frame before the keyframe, so rounding cannot miss it).
    func cutTail(_ input: String, probe: VideoProbe, at cut: Double, container: Container, work: Workspace) throws {
        var arguments = ["-y", "-i", input, "-map", "0:\(probe.video.index)", "-c", "copy", "-an", "-sn", "-dn", "-map_metadata", "-1"]
        arguments += ["-f", "segment", "-segment_format", container.muxer, "-segment_times", String(format: "%.6f", cut), "-reset_timestamps", "1"]
        if container.isBMFF {
            arguments += ["-segment_format_options", "video_track_timescale=\(probe.video.timeBase.denominator)"]
        }
        arguments.append(work.path("tail%d.\(container.ext)"))
        try tools.ffmpeg(arguments)
        guard FileManager.default.fileExists(atPath: work.path("tail1.\(container.ext)")),
            !FileManager.default.fileExists(atPath: work.path("tail2.\(container.ext)"))
        else { throw SigilError(.externalTool, "ffmpeg did not cut the video at the keyframe at \(cut) s into two parts") }
    }

    /// Head and tail joined (concat demuxer, stream copy), the source's other streams copied whole beside them.
    ///
    /// FLV and Matroska keep presentation times that need not start at zero (an FLV's video often starts a frame or
    /// two after its audio): the concat demuxer starts the joined video at zero and places the tail after the head's
    /// own idea of its length, so there the head's length is given (`head.duration`: from the first frame to the
    /// splice keyframe), the joined video is put back at the source's first frame time (`head.start`) and every
    /// input keeps its times (`-copyts`), so the tail's packets and the other streams keep the source's timestamps.
    func concat(
        _ input: String, probe: VideoProbe, parts: [String], head: (start: Double, duration: Double), record: OpeningLabelRecord,
        container: Container, into output: String
    ) throws {
        let quoted = parts.map { "file '\($0.replacingOccurrences(of: "'", with: "'\\''"))'" }
        let list =
            (container.keepsPresentationTimes ? [quoted[0], String(format: "duration %.6f", head.duration)] + quoted.dropFirst() : quoted)
            .joined(separator: "\n") + "\n"
        let listPath = URL(fileURLWithPath: parts[0]).deletingLastPathComponent().appendingPathComponent("parts.txt").path
        try Data(list.utf8).write(to: URL(fileURLWithPath: listPath))
        var arguments = ["-y"]
        if container.keepsPresentationTimes { arguments += ["-copyts", "-itsoffset", String(format: "%.6f", head.start)] }
        arguments += ["-f", "concat", "-safe", "0", "-i", listPath, "-i", input]
        for stream in probe.streams {
            arguments += ["-map", stream.index == probe.video.index ? "0:v:0" : "1:\(stream.index)"]
        }
        arguments += ["-c", "copy", "-map_metadata", "1"]
        arguments += outputMetadata(
            probe, record: record, container: container, videoOutputIndex: probe.streams.firstIndex { $0.index == probe.video.index } ?? 0)
        arguments += ["-f", container.muxer, output]
        try tools.ffmpeg(arguments)
    }

    func encodeWhole(
        _ input: String, probe: VideoProbe, overlay: Overlay, png: String, labeledFrames: Int, bitRate: Int, record: OpeningLabelRecord,
        container: Container, into output: String, progress: (@Sendable (Double) -> Void)?
    ) throws {
        var arguments = ["-y", "-noautorotate", "-i", input, "-i", png]
        arguments += ["-filter_complex", filter(probe, overlay: overlay, labeledFrames: labeledFrames)]
        var videoOutputIndex = 0
        for (position, stream) in probe.streams.enumerated() {
            if stream.index == probe.video.index {
                arguments += ["-map", "[v]"]
                videoOutputIndex = position
            } else {
                arguments += ["-map", "0:\(stream.index)"]
            }
        }
        arguments += ["-c", "copy", "-fps_mode", "passthrough", "-map_metadata", "0"]
        arguments += try Encoder.arguments(for: probe.video, bitRate: bitRate, stream: videoOutputIndex)
        arguments += outputMetadata(probe, record: record, container: container, videoOutputIndex: videoOutputIndex)
        if container.isBMFF { arguments += ["-video_track_timescale", "\(probe.video.timeBase.denominator)"] }
        arguments += ["-f", container.muxer, output]
        try tools.ffmpeg(arguments, progress: progress)
    }

    /// The record tag, the source's rotation, and no copied BMFF brand tags (they would become `mdta` keys).
    func outputMetadata(_ probe: VideoProbe, record: OpeningLabelRecord, container: Container, videoOutputIndex: Int) -> [String] {
        var arguments: [String] = []
        if container.isBMFF {
            arguments += ["-movflags", "+use_metadata_tags", "-metadata", "\(OpeningLabelRecord.metadataKey)=\(record.json)"]
            arguments += ["-metadata", "major_brand=", "-metadata", "minor_version=", "-metadata", "compatible_brands=", "-metadata", "encoder="]
            arguments += ["-metadata:s:\(videoOutputIndex)", "rotate=\(probe.video.rotation)"]
        } else {
            arguments += ["-metadata", "comment=\(OpeningLabelRecord.avicommentPrefix)\(record.json)"]
        }
        return arguments
    }

    /// The labeled file decodes without a message (across the splice), and keeps its duration and streams.
    func check(_ path: String, against source: VideoProbe, spliceAt: Double?) throws -> (duration: Double, streams: Int) {
        var arguments = ["-i", path, "-map", "0:v:0"]
        if let spliceAt, let past = checkPastSplice { arguments += ["-t", String(format: "%.3f", spliceAt + past)] }
        let decode = try tools.ffmpeg(arguments + ["-f", "null", "-"])
        let messages = String(decoding: decode.stderr, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard messages.isEmpty else {
            throw SigilError(
                .externalTool, "the labeled video does not decode cleanly: \(messages.split(separator: "\n").prefix(4).joined(separator: " | "))")
        }
        let result = try VideoProbe.probe(path, window: 1, tools: tools)
        let frame = 1 / max(1, Double(source.packets.count) / max(source.frameTimes.last ?? 1, 0.001))
        guard result.streams.count == source.streams.count else {
            throw SigilError(.externalTool, "the labeled video has \(result.streams.count) streams, the source \(source.streams.count)")
        }
        guard abs(result.duration - source.duration) <= max(0.05, 1.5 * frame) else {
            throw SigilError(
                .externalTool, String(format: "the labeled video lasts %.3f s, the source %.3f s", result.duration, source.duration))
        }
        return (result.duration, result.streams.count)
    }
}

// MARK: - Planning

/// Head or whole, decided from the packets.
enum SplicePlan {
    /// Re-encode `headFrames` frames, then copy from the keyframe at `split.time` (`split.cut`: where to cut, half a
    /// frame before it).
    case head(split: (time: Double, cut: Double), headFrames: Int, bitRate: Int)
    /// Re-encode the whole video stream, for `reason`.
    case whole(reason: String, bitRate: Int)

    init(probe: VideoProbe, labelEnd: Double, container: Container) {
        let packets = probe.packets
        let times = probe.frameTimes
        let start = times[0]
        let span = max((times.last ?? start) - start, 0.04)
        let wholeRate = Int(Double(packets.reduce(0) { $0 + $1.size }) * 8 / span)
        guard Encoder.splices(probe.video.codec) else {
            self = .whole(reason: "the head of \(probe.video.codec) video is not spliced here (H.264 and MPEG-4 Part 2 are)", bitRate: wholeRate)
            return
        }
        guard let k = packets.indices.first(where: { packets[$0].keyframe && packets[$0].pts >= labelEnd - 1e-6 && packets[$0].pts > start }) else {
            let reason =
                labelEnd > (times.last ?? start)
                ? "the label covers the whole video" : String(format: "no keyframe after the label's end in the first %.1f s", span)
            self = .whole(reason: reason, bitRate: wholeRate)
            return
        }
        let split = packets[k].pts
        // Closed GOP: nothing before the keyframe in decode order shows after it, nothing after it shows before it.
        let before = packets[..<k]
        let after = packets[(k + 1)...]
        if before.contains(where: { $0.pts >= split - 1e-6 }) || after.contains(where: { $0.pts < split - 1e-6 }) {
            self = .whole(
                reason: String(format: "the GOP at %.3f s is open (frames on either side of the keyframe reference across it)", split),
                bitRate: wholeRate)
            return
        }
        let headFrames = before.count
        let previous = times.last(where: { $0 < split - 1e-6 }) ?? start
        let headSeconds = max(split - start, 0.04)
        let headRate = Int(Double(before.reduce(0) { $0 + $1.size }) * 8 / headSeconds)
        self = .head(split: (split, (previous + split) / 2), headFrames: headFrames, bitRate: max(headRate, 64_000))
    }
}

/// The containers the labeled video is written in (ffmpeg muxer names).
struct Container {
    var muxer: String
    var ext: String
    var isBMFF: Bool

    init?(_ probe: VideoProbe, formatID: String? = nil) {
        if probe.formatName.contains("mp4") || probe.formatName.contains("mov") {
            let quickTime = probe.majorBrand?.hasPrefix("qt") == true
            (muxer, ext, isBMFF) = (quickTime ? "mov" : "mp4", quickTime ? "mov" : "mp4", true)
        } else if probe.formatName == "avi" {
            (muxer, ext, isBMFF) = ("avi", "avi", false)
        } else if probe.formatName.hasPrefix("matroska") {
            // ffprobe names Matroska and WebM alike: the DocType the registry read decides, but WebM's muxer takes only
            // WebM's codecs (an H.264 "WebM", as browsers record, is written as Matroska); without it, the codecs.
            let webMCodecs = probe.streams.allSatisfy { Self.webMCodecs.contains($0.codec) }
            let webM = formatID == "mkv" ? false : webMCodecs
            (muxer, ext, isBMFF) = (webM ? "webm" : "matroska", webM ? "webm" : "mkv", false)
        } else if probe.formatName == "flv" {
            (muxer, ext, isBMFF) = ("flv", "flv", false)
        } else {
            return nil
        }
    }

    /// The codecs a WebM file holds (ffmpeg's names).
    static let webMCodecs: Set<String> = ["vp8", "vp9", "av1", "vorbis", "opus", "webvtt"]

    /// Whether the container stores presentation times as they are (FLV and Matroska, in milliseconds), which the
    /// joined file must keep (see ``OpeningLabeler/concat(_:probe:parts:head:record:container:into:)``).
    var keepsPresentationTimes: Bool { muxer == "flv" || muxer == "matroska" || muxer == "webm" }

    /// Output options of an intermediate part: the source's time scale, so head and tail share it.
    func intermediateArguments(_ probe: VideoProbe) -> [String] {
        var arguments = ["-f", muxer]
        if isBMFF { arguments += ["-video_track_timescale", "\(probe.video.timeBase.denominator)"] }
        if let tag = probe.video.codecTag, !isBMFF { arguments += ["-tag:v", tag] }
        return arguments
    }
}

/// The encoder that re-creates a codec's bitstream, with the source's profile, level and pixel format.
enum Encoder {
    /// Codecs whose head is spliced (their keyframes are tested to restart decoding cleanly).
    static func splices(_ codec: String) -> Bool { codec == "h264" || codec == "mpeg4" }

    static func arguments(for video: VideoProbe.Stream, bitRate: Int, stream: Int? = nil) throws -> [String] {
        let v = stream.map { ":\($0)" } ?? ":v"
        var arguments: [String]
        switch video.codec {
        case "h264":
            arguments = ["-c\(v)", "libx264", "-preset", "medium", "-x264-params", "open-gop=0"]
            if let profile = video.profile.flatMap(h264Profile) { arguments += ["-profile\(v)", profile] }
            if let level = video.level, level > 9 { arguments += ["-level\(v)", "\(level / 10).\(level % 10)"] }
        case "hevc":
            arguments = ["-c\(v)", "libx265"]
        case "mpeg4":
            arguments = ["-c\(v)", "mpeg4"]
            if let tag = video.codecTag { arguments += ["-tag\(v)", tag] }
        case "mjpeg":
            arguments = ["-c\(v)", "mjpeg"]
        case "vp9":
            arguments = ["-c\(v)", "libvpx-vp9"]
        case "vp8":
            arguments = ["-c\(v)", "libvpx"]
        default:
            throw SigilError(.cannotMark, "Sigil has no encoder for \(video.codec) video to paint the opening label with")
        }
        arguments += ["-b\(v)", "\(bitRate)", "-maxrate\(v)", "\(bitRate * 2)", "-bufsize\(v)", "\(bitRate * 2)"]
        if let format = video.pixelFormat { arguments += ["-pix_fmt\(v)", format] }
        return arguments
    }

    static func h264Profile(_ name: String) -> String? {
        switch name.lowercased() {
        case "baseline", "constrained baseline": "baseline"
        case "main": "main"
        case "high": "high"
        case "high 10": "high10"
        case "high 4:2:2": "high422"
        case "high 4:4:4 predictive": "high444"
        default: nil
        }
    }
}

/// A temporary folder for the intermediate parts, removed afterwards.
struct Workspace {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent(WorkingFile.tag() + "-video")
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        } catch {
            throw SigilError(.io, "cannot create a work folder for the video label: \(error)")
        }
    }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    func remove() { try? FileManager.default.removeItem(at: url) }
}
