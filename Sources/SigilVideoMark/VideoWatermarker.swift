import Foundation
import SigilCore
public import SigilFFmpeg
import SigilVideo
public import SigilWatermark

/// Sigil's blind video watermark: the image mark's keyed tile, fixed in place on every frame's luma (so it does not
/// flicker), read back by adding up the whitened residuals of frames spread over the clip and searching the sum like
/// a picture (decision 0106). The payload, error-correcting code, keyed tag and false-positive bound are the image
/// mark's; longer clips give stronger readings, and any 2-s stretch is enough on its own.
///
/// Frames go through ffmpeg a frame at a time (decoded to raw YUV 4:2:0, marked, encoded again), so memory is flat in
/// the clip's length.
public struct VideoWatermarker: Sendable {
    /// The provider key (the image mark's; a video is marked with the same tile family as a picture).
    public let key: WatermarkKey
    /// The ffmpeg binaries.
    public var tools: FFmpegTools
    /// How many frames, spread evenly over the clip, the detector reads at most.
    public var maxDetectFrames = 96
    let watermarker: Watermarker

    /// RMS of the mark in luma levels at strength 1 (≈ 42.1 dB PSNR on the luma before the re-encode).
    public static let targetRMS: Float = 2.0

    /// A watermarker for one provider key.
    public init(key: WatermarkKey, tools: FFmpegTools) {
        self.key = key
        self.tools = tools
        watermarker = Watermarker(key: key)
    }

    /// The 64-bit payload Sigil embeds for a ProduceID (the image mark's derivation).
    public func payload(forProduceID produceID: String) -> UInt64 { key.payload(forProduceID: produceID) }

    /// Embeds `payload` in every frame of `input`'s first video stream and writes `output` (beside it, then renamed:
    /// a failure leaves no half-written file). Audio and subtitle streams are copied; the video is encoded again
    /// (``VideoMarkEncoder``).
    ///
    /// - Parameters:
    ///   - strength: multiplier on ``targetRMS`` (0 < strength ≤ 4).
    ///   - keyframeAt: a time (seconds) the encoder starts a keyframe at (where the opening label's head re-encode
    ///     will end), or nil.
    ///   - progress: the fraction of frames done (0…1), from this thread.
    /// - Throws: ``SigilError`` `.unsupportedFormat` (no video), `.capacity` (frames under 64 px a side: the mark does not fit), `.usage` (a bad strength),
    ///   `.externalTool` (ffmpeg failed), `.io`.
    public func embed(
        input: String, output: String, payload: UInt64, strength: Double = 1, keyframeAt: Double? = nil,
        progress: ((Double) -> Void)? = nil
    ) throws
        -> VideoMarkOutcome
    {
        guard strength > 0, strength <= 4 else { throw SigilError(.usage, "the strength must be in (0, 4], not \(strength)") }
        let probe = try VideoProbe.probe(input, window: 1, tools: tools)
        let (width, height) = probe.displaySize
        let field = try LumaMarkField(watermarker: watermarker, payload: payload, width: width, height: height)
        let encoder = VideoMarkEncoder(probe: probe, output: output, keyframeAt: keyframeAt)
        let rate = Self.outputRate(probe.video)
        let expected = max(1, Int((probe.duration * Double(rate.numerator) / Double(rate.denominator)).rounded()))
        let temporary = output + "." + WorkingFile.tag() + ".tmp"
        defer { try? FileManager.default.removeItem(atPath: temporary) }

        let frame = RawFrameLayout(width: width, height: height)
        // Timestamps from the first frame, at a constant rate: a stream that starts late (a 23-ms MKV offset) would
        // otherwise get a repeated first frame, and one that skips a frame would shift every later one.
        let decoder = try tools.start(
            [
                "-i", input, "-map", "0:\(probe.video.index)", "-vf", "setpts=PTS-STARTPTS", "-fps_mode", "cfr", "-r",
                "\(rate.numerator)/\(rate.denominator)",
            ]
                + ["-f", "rawvideo", "-pix_fmt", "yuv420p", "pipe:1"],
            writesOutput: true)
        var encoding: FFmpegChild?
        var frames = 0
        do {
            // The marked frames start where the source's first frame did, so sound stays in sync and a player (or a
            // comparison by timestamps) lines the two files up.
            let start = probe.frameTimes.first ?? 0
            let offset = start > 0.0005 ? ["-itsoffset", String(format: "%.6f", start)] : []
            let writer = try tools.start(
                offset + ["-f", "rawvideo", "-pix_fmt", "yuv420p", "-s", "\(width)x\(height)", "-framerate", "\(rate.numerator)/\(rate.denominator)"]
                    + ["-i", "pipe:0", "-i", input] + encoder.arguments + ["-y", temporary],
                readsInput: true)
            encoding = writer
            var buffer = [UInt8](repeating: 0, count: frame.byteCount)
            let rms = Self.targetRMS * Float(strength)
            while try buffer.withUnsafeMutableBytes({ try decoder.read(into: $0) }) {
                buffer.withUnsafeMutableBufferPointer { field.apply(to: $0.baseAddress!, stride: width, targetRMS: rms) }
                try buffer.withUnsafeBytes { try writer.write($0) }
                frames += 1
                progress?(min(1, Double(frames) / Double(expected)))
            }
            try decoder.finish()
            try writer.finish()
        } catch {
            decoder.terminate()
            encoding?.terminate()
            throw error
        }
        guard frames > 0 else { throw SigilError(.unsupportedFormat, "ffmpeg decoded no frame from the video stream", path: input) }
        guard rename(temporary, output) == 0 else {
            throw SigilError(.io, "cannot rename the marked video into place: \(String(cString: strerror(errno)))", path: output)
        }
        return VideoMarkOutcome(frames: frames, width: width, height: height, encoding: encoder.summary)
    }

    /// The constant frame rate the marked video is written at: the stream's base rate, which every source timestamp
    /// falls on, so a frame the source skips is repeated and sound stays in sync; the average rate when the base
    /// rate is implausible (over 120 fps, as some variable-rate phone clips declare); 25 fps when neither is known.
    static func outputRate(_ video: VideoProbe.Stream) -> (numerator: Int, denominator: Int) {
        if let base = video.baseFrameRate, Double(base.numerator) / Double(base.denominator) <= 120 { return base }
        return video.frameRate ?? (25, 1)
    }

    /// Looks for this key's mark in `input`'s first video stream: up to ``maxDetectFrames`` frames spread evenly
    /// over it are decoded at the detector's analysis size and read together.
    ///
    /// - Parameters:
    ///   - search: how far to search a video that does not show the mark at once (``WatermarkSearch``).
    /// - Throws: ``SigilError`` `.unsupportedFormat` (no video), `.externalTool` (ffmpeg failed).
    public func detect(input: String, search: WatermarkSearch = .ranked) throws -> VideoMarkDetection {
        let probe = try VideoProbe.probe(input, window: 1, tools: tools)
        let (width, height) = probe.displaySize
        guard var accumulator = LumaMarkAccumulator(width: width, height: height) else {
            return VideoMarkDetection(detection: .none(syncScore: 0), frames: 0, width: width, height: height)
        }
        let rate = probe.video.frameRate ?? (25, 1)
        let total = probe.duration * Double(rate.numerator) / Double(rate.denominator)
        let step = max(1, Int((total / Double(maxDetectFrames)).rounded(.down)))
        let size = accumulator.analysisWidth * accumulator.analysisHeight
        var filters = step > 1 ? ["select=not(mod(n\\,\(step)))"] : []
        filters.append("scale=\(accumulator.analysisWidth):\(accumulator.analysisHeight):flags=area")
        filters.append("format=gray")
        let decoder = try tools.start(
            [
                "-i", input, "-map", "0:\(probe.video.index)", "-vf", filters.joined(separator: ","), "-fps_mode", "passthrough", "-f", "rawvideo",
                "pipe:1",
            ],
            writesOutput: true)
        var buffer = [UInt8](repeating: 0, count: size)
        do {
            while accumulator.frames < maxDetectFrames * 2, try buffer.withUnsafeMutableBytes({ try decoder.read(into: $0) }) {
                buffer.withUnsafeBufferPointer { accumulator.add(analysisLuma: $0) }
            }
            if accumulator.frames < maxDetectFrames * 2 { try decoder.finish() } else { decoder.terminate() }
        } catch {
            decoder.terminate()
            throw error
        }
        return VideoMarkDetection(
            detection: accumulator.detect(with: watermarker, search: search), frames: accumulator.frames, width: width, height: height)
    }
}

/// The byte layout of one raw YUV 4:2:0 frame (luma first, then the two chroma planes).
struct RawFrameLayout {
    let width: Int
    let height: Int
    var byteCount: Int { width * height + 2 * ((width + 1) / 2) * ((height + 1) / 2) }
}

/// What ``VideoWatermarker/embed(input:output:payload:strength:progress:)`` did.
public struct VideoMarkOutcome: Sendable, Hashable {
    /// Frames marked.
    public var frames: Int
    /// Frame size as displayed (the frames are marked upright).
    public var width: Int
    public var height: Int
    /// The video encode, e.g. "libx264 CRF 18 (veryfast)".
    public var encoding: String
}

/// What ``VideoWatermarker/detect(input:search:)`` found.
public struct VideoMarkDetection: Sendable, Hashable {
    /// The reading of the frames added up (payload, sync score, scale, the image mark's false-positive bound).
    public var detection: WatermarkDetection
    /// How many frames were read.
    public var frames: Int
    /// Frame size as displayed.
    public var width: Int
    public var height: Int
}
