import Foundation
import SigilVideo

/// How a marked video is encoded again: the source's codec family where an encoder for it is at hand and fits the
/// container, else H.264; at a quality high enough that the mark and the picture both come through (decision 0106).
/// Audio, subtitles and the container's metadata are copied.
struct VideoMarkEncoder {
    /// ffmpeg output arguments after the two inputs (0: the marked raw frames, 1: the source).
    let arguments: [String]
    /// A short description for reports.
    let summary: String

    /// - Parameter keyframeAt: a time (seconds) to start a keyframe at, so a later head-only re-encode up to it (the
    ///   opening label, decision 0022) splices there instead of at the next natural keyframe.
    init(probe: VideoProbe, output: String, keyframeAt: Double? = nil) {
        let muxer = Self.fitting(Self.muxer(output: output, formatName: probe.formatName), probe: probe)
        var arguments = ["-map", "0:v:0", "-map", "1:a?", "-map", "1:s?", "-map_metadata", "1", "-c", "copy"]
        let codec = probe.video.codec
        switch (codec, muxer) {
        case ("hevc", "mp4"), ("hevc", "mov"), ("hevc", "matroska"):
            arguments += ["-c:v", "libx265", "-preset", "fast", "-crf", "20", "-x265-params", "log-level=error", "-tag:v", "hvc1"]
            summary = "libx265 CRF 20 (fast)"
        case ("vp9", "webm"), ("vp9", "matroska"), ("vp8", "webm"), ("av1", "webm"):
            arguments += ["-c:v", "libvpx-vp9", "-crf", "24", "-b:v", "0", "-deadline", "good", "-cpu-used", "5", "-row-mt", "1"]
            summary = "libvpx-vp9 CRF 24 (good, cpu-used 5)"
        case ("mjpeg", _):
            arguments += ["-c:v", "mjpeg", "-q:v", "2", "-pix_fmt", "yuvj420p"]
            summary = "mjpeg q 2"
        case ("mpeg4", "avi"):
            arguments += ["-c:v", "mpeg4", "-q:v", "2"]
            if let tag = probe.video.codecTag { arguments += ["-tag:v", tag] }
            summary = "mpeg4 q 2"
        default:
            arguments += ["-c:v", "libx264", "-preset", "veryfast", "-crf", "18", "-x264-params", "open-gop=0"]
            summary = "libx264 CRF 18 (veryfast)"
        }
        if codec != "mjpeg" { arguments += ["-pix_fmt", "yuv420p"] }
        if let keyframeAt { arguments += ["-force_key_frames", String(format: "%.3f", keyframeAt)] }
        if muxer == "mp4" || muxer == "mov" { arguments += ["-movflags", "+faststart"] }
        arguments += ["-f", muxer]
        self.arguments = arguments
    }

    /// The WebM muxer takes only VP8/VP9/AV1 video, Vorbis/Opus audio and WebVTT subtitles: a ".webm" file holding
    /// anything else (H.264 with AAC, as some tools write it) is written as the Matroska it really is, its other
    /// streams copied unchanged, rather than refused by ffmpeg or re-encoded.
    static func fitting(_ muxer: String, probe: VideoProbe) -> String {
        guard muxer == "webm" else { return muxer }
        let allowed: [String: Set<String>] = ["video": ["vp8", "vp9", "av1"], "audio": ["vorbis", "opus"], "subtitle": ["webvtt"]]
        // The streams the encoder maps: the video stream, every audio and subtitle stream.
        let mapped = [probe.video] + probe.streams.filter { $0.type == "audio" || $0.type == "subtitle" }
        return mapped.allSatisfy { allowed[$0.type]?.contains($0.codec) == true } ? "webm" : "matroska"
    }

    /// The ffmpeg muxer for the output: from its extension, else the source's container.
    static func muxer(output: String, formatName: String) -> String {
        let ext = output.split(separator: ".").last.map { $0.lowercased() } ?? ""
        switch ext {
        case "mp4", "m4v": return "mp4"
        case "mov", "qt": return "mov"
        case "mkv": return "matroska"
        case "webm": return "webm"
        case "avi": return "avi"
        case "flv": return "flv"
        default:
            if formatName.contains("mp4") || formatName.contains("mov") { return "mp4" }
            if formatName.contains("webm") || formatName.contains("matroska") { return "matroska" }
            if formatName == "avi" || formatName == "flv" { return formatName }
            return "mp4"
        }
    }
}
