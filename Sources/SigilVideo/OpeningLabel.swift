import Foundation
import SigilCore
import SigilImaging

/// The visible label on a video's opening frames (GB 45438-2025 5.4, Measures Art. 4(4)): what was painted, where
/// (display coordinates, as for images), and on which frames. Sigil stores it in the file's metadata so
/// ``OpeningLabelCheck`` can find the label again (decision 0023).
public struct OpeningLabelRecord: Sendable, Hashable, Codable {
    /// How the label went into the video.
    public enum Reencode: String, Sendable, Hashable, Codable {
        /// Only the GOPs up to the first keyframe after the label were re-encoded; the rest is the source's packets.
        case head
        /// The whole video stream was re-encoded (the head could not be spliced).
        case whole
    }

    /// The label as painted on one displayed frame (text, position, box, ink height, …).
    public var painted: PaintedLabel
    /// The font the label was drawn with.
    public var fontPath: String?
    /// Presentation time of the first labeled frame (frame 0), in seconds.
    public var start: Double
    /// Presentation time of the first frame after the label, in seconds: the label is shown for `end - start`.
    public var end: Double
    /// How many frames carry the label.
    public var frames: Int
    /// The display rotation (degrees counter-clockwise) the label was placed for.
    public var rotation: Int
    /// Head or whole re-encode.
    public var reencode: Reencode
    /// Presentation time of the keyframe where the source's own packets resume (head re-encode only).
    public var spliceAt: Double?

    /// Creates a record.
    public init(
        painted: PaintedLabel, fontPath: String?, start: Double, end: Double, frames: Int, rotation: Int, reencode: Reencode, spliceAt: Double?
    ) {
        self.painted = painted
        self.fontPath = fontPath
        self.start = start
        self.end = end
        self.frames = frames
        self.rotation = rotation
        self.reencode = reencode
        self.spliceAt = spliceAt
    }

    /// How long the label is shown, in seconds.
    public var duration: Double { end - start }

    /// The metadata key the record is stored under (an `mdta` key in MP4/MOV; AVI keeps it in `ICMT`, see
    /// ``avicommentPrefix``).
    public static let metadataKey = "sigil.ExplicitLabel"
    /// AVI's `LIST/INFO` has no free-form keys ffmpeg writes: the record goes into `ICMT` behind this prefix.
    public static let avicommentPrefix = "sigil.ExplicitLabel="

    /// The record as compact JSON (sorted keys).
    public var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? String(decoding: encoder.encode(self), as: UTF8.self)) ?? "{}"
    }

    /// Parses ``json``; nil when the text is not a record.
    public static func parse(_ text: String) -> OpeningLabelRecord? {
        try? JSONDecoder().decode(OpeningLabelRecord.self, from: Data(text.utf8))
    }

    /// The record in a file's container tags (as ffprobe lists them), if Sigil wrote one.
    public static func find(in tags: [String: String]) -> OpeningLabelRecord? {
        for (key, value) in tags {
            if key.caseInsensitiveCompare(metadataKey) == .orderedSame, let record = parse(value) { return record }
            if key.lowercased() == "comment", value.hasPrefix(avicommentPrefix), let record = parse(String(value.dropFirst(avicommentPrefix.count))) {
                return record
            }
        }
        return nil
    }
}

/// What ``OpeningLabeler/label(input:output:progress:)`` did.
public struct OpeningLabelOutcome: Sendable, Hashable {
    /// The record written into the file.
    public var record: OpeningLabelRecord
    /// Why the whole video was re-encoded, when it was.
    public var wholeReason: String?
    /// The source's and the result's duration, in seconds.
    public var sourceDuration: Double
    public var duration: Double
    /// The stream count (the same in source and result).
    public var streams: Int
}
