import Foundation
import SigilCore
public import SigilFFmpeg

/// What `ffprobe` says about a video file: its container, its streams, and the first video stream's packets in
/// decode order (timestamps, sizes, keyframe flags), which is what the head-only re-encode is planned from.
public struct VideoProbe: Sendable, Hashable {
    /// One stream of the file.
    public struct Stream: Sendable, Hashable {
        /// The stream's index in the file.
        public var index: Int
        /// `video`, `audio`, `subtitle`, `data`, …
        public var type: String
        /// ffmpeg's codec name (`h264`, `mpeg4`, `aac`, …).
        public var codec: String
        /// The codec profile as ffprobe names it (`High`, `Simple Profile`, …).
        public var profile: String?
        /// The codec level (H.264: 31 is level 3.1).
        public var level: Int?
        /// The pixel format (`yuv420p`, …).
        public var pixelFormat: String?
        /// Stored width and height, in pixels.
        public var width: Int
        public var height: Int
        /// The stream's time base (seconds per timestamp tick), as a fraction.
        public var timeBase: (numerator: Int, denominator: Int)
        /// The four-character codec tag (`avc1`, `XVID`, …).
        public var codecTag: String?
        /// The display matrix's rotation, in degrees counter-clockwise (0, 90, 180, 270), as ffmpeg applies it.
        public var rotation: Int
        /// Frames per second over the stream (ffprobe's `avg_frame_rate`, else `r_frame_rate`); nil when neither is
        /// known.
        public var frameRate: (numerator: Int, denominator: Int)?
        /// The stream's base frame rate (ffprobe's `r_frame_rate`: the rate every timestamp falls on), nil when unknown.
        public var baseFrameRate: (numerator: Int, denominator: Int)?
        /// How many frames the decoder holds back for reordering (ffprobe's `has_b_frames`; 0: no B-frames).
        public var reorderDelay: Int = 0
        /// Whether the stream is a still picture attached to the file (cover art), not video.
        public var isAttachedPicture = false

        public static func == (a: Stream, b: Stream) -> Bool {
            a.index == b.index && a.codec == b.codec && a.width == b.width && a.height == b.height && a.rotation == b.rotation
                && a.timeBase.numerator == b.timeBase.numerator && a.timeBase.denominator == b.timeBase.denominator
        }
        public func hash(into hasher: inout Hasher) {
            hasher.combine(index)
            hasher.combine(codec)
        }
    }

    /// One packet of the video stream.
    public struct Packet: Sendable, Hashable {
        /// Presentation time, in seconds.
        public var pts: Double
        /// Size in bytes.
        public var size: Int
        /// Whether the container marks it a keyframe (random-access point).
        public var keyframe: Bool
    }

    /// ffmpeg's demuxer name (`mov,mp4,m4a,3gp,3g2,mj2`, `avi`, …).
    public var formatName: String
    /// The container's `major_brand` (BMFF), when it has one.
    public var majorBrand: String?
    /// The container's duration, in seconds.
    public var duration: Double
    /// Every stream, in file order.
    public var streams: [Stream]
    /// The first video stream.
    public var video: Stream
    /// The first video stream's packets within the probed window, in decode order.
    public var packets: [Packet]
    /// The container's metadata tags.
    public var tags: [String: String]

    /// The video's display orientation as an EXIF value (1, 3, 6 or 8), for the label painter.
    public var exifOrientation: Int {
        switch video.rotation {
        case 90: 8
        case 180: 3
        case 270: 6
        default: 1
        }
    }

    /// The frame size as displayed (after the rotation).
    public var displaySize: (width: Int, height: Int) {
        video.rotation == 90 || video.rotation == 270 ? (video.height, video.width) : (video.width, video.height)
    }

    /// Frame presentation times within the window, sorted (the order frames are shown in).
    public var frameTimes: [Double] { packets.map(\.pts).sorted() }

    /// Probes `path`: the container and streams, and the video packets of the first `window` seconds (nil: all).
    ///
    /// - Throws: ``SigilError`` `.unsupportedFormat` when ffprobe cannot read the file or finds no packets, `.cannotMark`
    ///   when it has no video stream (sound only, cover art only).
    public static func probe(_ path: String, window: Double? = 60, tools: FFmpegTools) throws -> VideoProbe {
        let info: [UInt8]
        do {
            info = try tools.probe([
                "-v", "error", "-show_entries",
                "stream=index,codec_type,codec_name,profile,level,pix_fmt,width,height,time_base,codec_tag_string,avg_frame_rate,r_frame_rate,has_b_frames"
                    + ":stream_tags=rotate:stream_disposition=attached_pic:stream_side_data=rotation:format=format_name,duration:format_tags",
                "-of", "json", path,
            ])
        } catch let error as SigilError {
            throw SigilError(.unsupportedFormat, "ffprobe cannot read the file as a video (\(error.message))", path: path)
        }
        guard let root = try? JSONSerialization.jsonObject(with: Data(info)) as? [String: Any],
            let format = root["format"] as? [String: Any], let rawStreams = root["streams"] as? [[String: Any]]
        else { throw SigilError(.unsupportedFormat, "ffprobe gave no format or streams for the file", path: path) }
        let streams = rawStreams.map(Stream.init(json:))
        guard let video = streams.first(where: { $0.type == "video" && $0.width > 0 && $0.height > 0 && !$0.isAttachedPicture }) else {
            throw SigilError(.cannotMark, "the file has no video stream", path: path)
        }
        let tags = (format["tags"] as? [String: Any] ?? [:]).compactMapValues { $0 as? String }
        var arguments = ["-v", "error", "-select_streams", "\(video.index)", "-show_entries", "packet=pts,dts,size,flags", "-of", "compact=p=0"]
        // A window is read as a number of packets (240 a second of it, audio included), not a duration: a file whose
        // timestamps crowd millions of tiny frames into a second is not listed whole.
        if let window { arguments += ["-read_intervals", "%+#\(Int(window.rounded(.up)) * 240)"] }
        let packetText = String(decoding: try tools.probe(arguments + [path]), as: UTF8.self)
        let tick = Double(video.timeBase.numerator) / Double(max(video.timeBase.denominator, 1))
        var packets: [Packet] = []
        for line in packetText.split(separator: "\n") {
            var fields: [Substring: Substring] = [:]
            for pair in line.split(separator: "|") {
                guard let eq = pair.firstIndex(of: "=") else { continue }
                fields[pair[..<eq]] = pair[pair.index(after: eq)...]
            }
            guard let stamp = fields["pts"].flatMap({ Int($0) }) ?? fields["dts"].flatMap({ Int($0) }) else { continue }
            packets.append(
                Packet(pts: Double(stamp) * tick, size: fields["size"].flatMap { Int($0) } ?? 0, keyframe: fields["flags"]?.first == "K"))
        }
        if let window, let first = packets.map(\.pts).min() { packets.removeAll { $0.pts > first + window } }
        guard !packets.isEmpty else { throw SigilError(.unsupportedFormat, "the video stream has no packets", path: path) }
        return VideoProbe(
            formatName: format["format_name"] as? String ?? "", majorBrand: tags["major_brand"],
            duration: Double(format["duration"] as? String ?? "") ?? 0, streams: streams, video: video, packets: packets, tags: tags)
    }
}

extension VideoProbe.Stream {
    init(json: [String: Any]) {
        index = json["index"] as? Int ?? 0
        type = json["codec_type"] as? String ?? ""
        codec = json["codec_name"] as? String ?? ""
        profile = json["profile"] as? String
        level = json["level"] as? Int
        pixelFormat = json["pix_fmt"] as? String
        width = json["width"] as? Int ?? 0
        height = json["height"] as? Int ?? 0
        let base = (json["time_base"] as? String ?? "1/1").split(separator: "/").compactMap { Int($0) }
        timeBase = base.count == 2 && base[1] > 0 ? (base[0], base[1]) : (1, 1)
        codecTag = (json["codec_tag_string"] as? String).flatMap { $0.hasPrefix("[") ? nil : $0 }
        var degrees = 0.0
        if let side = json["side_data_list"] as? [[String: Any]], let value = side.lazy.compactMap({ $0["rotation"] as? NSNumber }).first {
            degrees = value.doubleValue
        } else if let tag = (json["tags"] as? [String: Any])?["rotate"] as? String, let value = Double(tag) {
            degrees = value
        }
        // A tag can say "nan", "inf" or "1e300" (Double accepts them); anything but a finite turn is no rotation.
        if !degrees.isFinite || abs(degrees) > 3_600 { degrees = 0 }
        let quarter = Int((degrees / 90).rounded()) * 90
        rotation = ((quarter % 360) + 360) % 360
        func rate(_ key: String) -> (Int, Int)? {
            let parts = (json[key] as? String ?? "").split(separator: "/").compactMap { Int($0) }
            return parts.count == 2 && parts[0] > 0 && parts[1] > 0 ? (parts[0], parts[1]) : nil
        }
        frameRate = rate("avg_frame_rate") ?? rate("r_frame_rate")
        baseFrameRate = rate("r_frame_rate")
        reorderDelay = max(0, json["has_b_frames"] as? Int ?? 0)
        isAttachedPicture = ((json["disposition"] as? [String: Any])?["attached_pic"] as? Int ?? 0) != 0
    }
}
