import Foundation
import SigilCore
public import SigilFFmpeg
import SigilImaging

extension Finding.Code {
    /// The recorded opening label is not in frame 0.
    public static let videoLabelAbsentAtStart = Finding.Code("video.label-absent-frame-0")
    /// The opening label is shown for less than 2 s from frame 0 (GB 45438 5.4).
    public static let videoLabelTooShort = Finding.Code("video.label-too-short")
    /// The video is shorter than 2 s and labeled on every frame (a warning: it cannot do more).
    public static let videoShorterThanLabel = Finding.Code("video.shorter-than-2s")
    /// The opening label's glyphs are lower than 5 % of the frame's shortest side (GB 45438 5.4).
    public static let videoLabelTooSmall = Finding.Code("video.label-too-small")
}

/// Checks Sigil's opening-frames label in a video: with the record Sigil wrote (``OpeningLabelRecord``), the first
/// seconds are decoded with ffmpeg (the label's box only) and the label is looked for in every frame, as the image
/// check does (``ExplicitLabelPainter/presence(of:font:in:orientation:)``).
public struct OpeningLabelCheck: Sendable {
    /// The label found in one frame.
    public struct Frame: Sendable, Hashable {
        /// Presentation time, in seconds.
        public var time: Double
        /// 0…1, how clearly the recorded label shows.
        public var presence: Double
    }

    /// The record the check followed.
    public var record: OpeningLabelRecord
    /// Every frame decoded, from frame 0 to the first frame after the recorded label.
    public var frames: [Frame]
    /// How long the label is shown from frame 0, measured in the frames (seconds; 0 when absent from frame 0).
    public var shownFor: Double
    /// The recorded ink height over the displayed frame's shortest side (as probed, not as recorded).
    public var inkHeightFraction: Double
    /// Non-conformances found (named ``Finding/Code``s).
    public var findings: [Finding]

    /// Presence at or above this counts as shown (the image check's threshold).
    public static let presentThreshold = 0.6

    /// Checks the file at `path`; nil when it carries no record of a Sigil visible label.
    ///
    /// - Throws: ``SigilError`` `.externalTool` when ffmpeg fails, `.font` when the recorded font is gone and no
    ///   other is found.
    public static func check(_ path: String, tools: FFmpegTools) throws -> OpeningLabelCheck? {
        // Only the first seconds' packets are listed (the check looks at ``longestChecked`` seconds at most).
        let probe = try VideoProbe.probe(path, window: longestChecked + 2, tools: tools)
        guard let record = OpeningLabelRecord.find(in: probe.tags) else { return nil }
        // The record comes with the file, from whoever made it: its font is used only where fonts live, its times
        // only when they are a real span.
        let font = try Font(path: FontLocator.locate(explicit: record.fontPath.flatMap { Self.isFontFile($0) ? $0 : nil }))
        let times = probe.frameTimes
        let start = times[0]
        guard record.start.isFinite, record.end.isFinite, record.start >= 0, record.end >= record.start else {
            let finding = Finding(
                .videoLabelAbsentAtStart, .error, "the record's time span \(record.start)–\(record.end) s is not a span of the video")
            return OpeningLabelCheck(record: record, frames: [], shownFor: 0, inkHeightFraction: 0, findings: [finding])
        }
        // Frames up to and including the first one at or after 2 s (or the recorded end, if later, looked at for
        // ``longestChecked`` seconds at most).
        let horizon = max(start + OpeningLabeler.minimumDuration, min(record.end, start + Self.longestChecked))
        var count = min(times.count, times.filter { $0 < horizon - 1e-6 }.count + 1, Self.mostFrames)

        let display = probe.displaySize
        let box = record.painted.box
        let shortest = min(display.width, display.height)
        let fraction = Double(record.painted.inkHeight) / Double(max(shortest, 1))
        var findings: [Finding] = []
        // Compared without adding (the record's numbers are the uploader's: a sum could overflow).
        guard box.x >= 0, box.y >= 0, box.width > 0, box.height > 0, box.width <= display.width, box.x <= display.width - box.width,
            box.height <= display.height, box.y <= display.height - box.height
        else {
            findings.append(
                Finding(.videoLabelAbsentAtStart, .error, "the recorded label box lies outside the \(display.width)×\(display.height) frame"))
            return OpeningLabelCheck(record: record, frames: [], shownFor: 0, inkHeightFraction: fraction, findings: findings)
        }
        // The box in stored coordinates: the decoder gives stored frames (no autorotation).
        let orientation = Orientation(exif: probe.exifOrientation)
        let a = orientation.storedPoint(displayX: box.x, displayY: box.y, storedWidth: probe.video.width, storedHeight: probe.video.height)
        let b = orientation.storedPoint(
            displayX: box.x + box.width - 1, displayY: box.y + box.height - 1, storedWidth: probe.video.width, storedHeight: probe.video.height)
        let (x0, y0) = (min(a.x, b.x), min(a.y, b.y))
        let (w, h) = (abs(a.x - b.x) + 1, abs(a.y - b.y) + 1)
        // The decoded boxes are held at once: at most ``largestDecode`` bytes, which must cover the first 2 s.
        let needed = min(times.count, times.filter { $0 < start + OpeningLabeler.minimumDuration - 1e-6 }.count + 1)
        count = min(count, max(needed, Self.largestDecode / max(w * h * 3, 1)))
        guard needed * w * h * 3 <= Self.largestDecode else {
            throw SigilError(
                .tooLarge,
                "the recorded label box (\(w)×\(h)) over the first 2 s is \(needed * w * h * 3) bytes decoded, over the \(Self.largestDecode >> 20) MiB this check holds"
            )
        }
        let raw = try tools.ffmpeg([
            "-noautorotate", "-i", path, "-map", "0:\(probe.video.index)", "-frames:v", "\(count)", "-fps_mode", "passthrough",
            "-vf", "format=rgb24,crop=\(w):\(h):\(x0):\(y0)", "-f", "rawvideo", "-pix_fmt", "rgb24", "-",
        ]).stdout
        var label = record.painted
        label.box = PaintedLabel.Box(x: 0, y: 0, width: box.width, height: box.height)
        let frameBytes = w * h * 3
        var frames: [Frame] = []
        for i in 0..<min(count, raw.count / max(frameBytes, 1)) {
            let pixels = PixelBuffer(width: w, height: h, layout: .rgb, bytes: Array(raw[(i * frameBytes)..<((i + 1) * frameBytes)]))
            let presence = try ExplicitLabelPainter.presence(of: label, font: font, in: pixels, orientation: probe.exifOrientation)
            frames.append(Frame(time: times[i], presence: presence))
        }
        // Shown from frame 0 until the first frame without it (or past the last decoded frame).
        var shownFor = 0.0
        if let first = frames.first, first.presence >= presentThreshold {
            if let gap = frames.firstIndex(where: { $0.presence < presentThreshold }) {
                shownFor = frames[gap].time - start
            } else {
                shownFor = (count < times.count ? times[count] : probe.duration) - start
            }
        }
        if frames.first.map({ $0.presence < presentThreshold }) ?? true {
            findings.append(
                Finding(
                    .videoLabelAbsentAtStart, .error,
                    "the recorded label 「\(record.painted.text)」 is not in frame 0 (presence \(String(format: "%.2f", frames.first?.presence ?? 0))); GB 45438 5.4 puts it on the opening frames",
                    location: "video frame 0"))
        } else if shownFor < OpeningLabeler.minimumDuration - 1e-6, count == times.count, frames.count == count,
            probe.duration < OpeningLabeler.minimumDuration
        {
            // A video shorter than 2 s cannot show anything for 2 s: the label on every frame is all it can do.
            findings.append(
                Finding(
                    .videoShorterThanLabel, .warning,
                    String(format: "the video lasts %.3f s, less than the 2 s GB 45438 5.4 asks for; the label is on every frame", probe.duration),
                    location: "video"))
        } else if shownFor < OpeningLabeler.minimumDuration - 1e-6 {
            findings.append(
                Finding(
                    .videoLabelTooShort, .error,
                    String(format: "the opening label is shown for %.3f s from frame 0; GB 45438 5.4 asks for at least 2 s", shownFor),
                    location: String(format: "video 0–%.3f s", shownFor)))
        }
        if fraction < ExplicitLabelSpec.regulatoryMinimumInkHeightFraction {
            findings.append(
                Finding(
                    .videoLabelTooSmall, .error,
                    String(
                        format:
                            "the opening label's glyphs are %d px high, %.2f %% of the frame's shortest side (%d px); GB 45438 5.4 asks for at least 5 %%",
                        record.painted.inkHeight, fraction * 100, shortest)))
        }
        return OpeningLabelCheck(record: record, frames: frames, shownFor: shownFor, inkHeightFraction: fraction, findings: findings)
    }

    /// The longest span from frame 0 the check decodes, in seconds (a label recorded for longer is measured up to it).
    public static let longestChecked = 10.0
    /// The most frames the check decodes (10 s at 60 frames a second).
    public static let mostFrames = 600
    /// The most bytes of decoded label boxes the check holds.
    public static let largestDecode = 256 << 20

    /// Whether a recorded font path names a font file in a system or user font folder (the record is untrusted input:
    /// the check must not open any file it names).
    static func isFontFile(_ path: String) -> Bool {
        let folders = ["/usr/share/fonts/", "/usr/local/share/fonts/", NSHomeDirectory() + "/.fonts/", NSHomeDirectory() + "/.local/share/fonts/"]
        let ext = (path as NSString).pathExtension.lowercased()
        return folders.contains { path.hasPrefix($0) } && !path.split(separator: "/").contains("..") && ["ttf", "otf", "ttc", "otc"].contains(ext)
            && FileManager.default.fileExists(atPath: path)
    }

    /// Whether the label meets GB 45438 5.4 (present at frame 0, ≥ 2 s, ≥ 5 %): no error finding.
    public var conforms: Bool { !findings.contains { $0.severity == .error } }
}
