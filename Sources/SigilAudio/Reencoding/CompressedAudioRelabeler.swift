import Foundation
public import SigilContainers
public import SigilCore
public import SigilFFmpeg

/// Puts the rhythm label (GB 45438 5.3) into compressed audio — MP3, FLAC, Ogg Vorbis, Opus, M4A (AAC) — where the
/// samples cannot be spliced as bytes: the first audio stream is decoded to PCM WAV with Debian's `ffmpeg`, the
/// label is spliced in by ``RhythmLabelInserter`` exactly as for a WAV, and the result is encoded once more in the
/// source's codec, sample rate, channel count and bit rate (FLAC: the same bit depth, so lossless), with the
/// source's tags and cover art carried over. Decision 0024.
///
/// A lossy source loses one more generation of quality; ``Outcome/lossy`` says so and the labeler reports it.
/// The implicit label is written afterwards by the format's own writer, so none of ffmpeg's tag handling decides
/// where it goes.
public struct CompressedAudioRelabeler: Sendable {
    /// The formats this relabeler encodes back, by ``MediaFormat/id``.
    public static let formats: Set<String> = ["mp3", "flac", "ogg", "opus", "m4a"]

    /// The rhythm label to splice in; nil when only the watermark goes in.
    public var inserter: RhythmLabelInserter?
    /// The audio watermark to embed (after the rhythm label, so the label's samples carry it too); nil for none.
    public var watermark: WAVWatermark.Request?
    public var tools: FFmpegTools

    public init(inserter: RhythmLabelInserter?, watermark: WAVWatermark.Request? = nil, tools: FFmpegTools) {
        self.inserter = inserter
        self.watermark = watermark
        self.tools = tools
    }

    /// What a relabel did.
    public struct Outcome: Sendable {
        /// The encoded file, labeled.
        public var bytes: [UInt8]
        /// The rhythm insertion (frames, loudness), as on the decoded PCM; nil without ``inserter``.
        public var rhythm: RhythmLabelInserter.Outcome?
        /// The codec and settings the file was encoded with, for the report (`libmp3lame 128 kb/s`).
        public var encoding: String
        /// Whether the original audio lost a generation of quality (a lossy codec encoded again); false when only
        /// the label was encoded and joined as whole frames (MP3 at the start or end) or the codec is lossless.
        public var lossy: Bool
        /// Whether only the label was encoded and joined to the untouched original frames.
        public var labelFramesOnly: Bool = false
    }

    /// Labels `input`, a file of `format` (one of ``formats``).
    ///
    /// - Throws: ``SigilError`` `.unsupportedFormat` for other formats, `.externalTool` when ffmpeg is missing or
    ///   fails (its stderr tail in the message), and the WAV splice's errors.
    public func label(_ input: [UInt8], format: MediaFormat) throws -> Outcome {
        guard Self.formats.contains(format.id) else {
            throw SigilError(.unsupportedFormat, "the rhythm label is not encoded back into \(format.displayName)")
        }
        let audio = FFmpegAudio(tools: tools)
        return try audio.withScratchDirectory { directory in
            let source = directory.appendingPathComponent("source.\(format.extensions.first ?? format.id)").path
            let decoded = directory.appendingPathComponent("decoded.wav").path
            let output = directory.appendingPathComponent("labeled.\(format.extensions.first ?? format.id)").path
            try Data(input).write(to: URL(fileURLWithPath: source))
            let stream = try audio.probe(source)
            let wav = try audio.decodeToWAV(source, stream: stream, at: decoded, limit: .labeling)
            // The label's frames alone can be joined to the untouched MP3 frames unless the watermark changes every sample.
            if format.id == "mp3", watermark == nil, let inserter, let (atStart, atEnd) = Self.ends(of: inserter.position) {
                return try joinMP3Frames(
                    input, inserter: inserter, wav: wav, stream: stream, decoded: decoded, at: (atStart, atEnd), directory: directory)
            }
            return try encode(wav, stream: stream, source: source, decoded: decoded, output: output, format: format)
        }
    }

    /// Whether a position is at the start and/or the end (nil for a time in the middle).
    static func ends(of position: RhythmLabelInserter.Position) -> (Bool, Bool)? {
        switch position {
        case .start: (true, false)
        case .end: (false, true)
        case .both: (true, true)
        case .at: nil
        }
    }

    /// MP3 at the start or the end: the label alone is encoded with LAME at the file's rate, channels and bit rate,
    /// and its frames are joined to the untouched original frames (``MP3FrameSplice``).
    private func joinMP3Frames(
        _ input: [UInt8], inserter: RhythmLabelInserter, wav: [UInt8], stream: FFmpegAudio.Stream, decoded: String, at ends: (start: Bool, end: Bool),
        directory: URL
    ) throws -> Outcome {
        var single = inserter
        single.position = .start
        var rhythm = try single.edits(in: MemoryByteSource(wav))
        try Data(rhythm.plan.apply(to: wav)).write(to: URL(fileURLWithPath: decoded))
        let labelPath = directory.appendingPathComponent("label.mp3").path
        let (codec, _, _) = Self.encoder(for: .mp3, stream: stream)
        try tools.ffmpeg(
            ["-i", decoded, "-af", "atrim=end_sample=\(rhythm.labelFrames)"] + codec
                + [
                    "-ar", String(stream.sampleRate), "-ac", String(stream.channels), "-write_xing", "0", "-id3v2_version", "0", "-f", "mp3", "-y",
                    labelPath,
                ])
        let frames = try [UInt8](Data(contentsOf: URL(fileURLWithPath: labelPath)))
        let joined = try MP3FrameSplice.insert(.init(frames: frames, atStart: ends.start, atEnd: ends.end), into: input)
        let total = try WAVPCMLayout(MemoryByteSource(wav)).frameCount
        rhythm.frames = (ends.start ? [0] : []) + (ends.end ? [total] : [])
        return Outcome(
            bytes: joined, rhythm: rhythm,
            encoding: "label frames only (\(min(Self.kilobitsPerSecond(stream), 320)) kb/s LAME), the original frames untouched",
            lossy: false,
            labelFramesOnly: true)
    }

    /// Splices the label into the decoded `wav`, embeds the watermark, and encodes the result in `format` at `output`.
    private func encode(_ wav: [UInt8], stream: FFmpegAudio.Stream, source: String, decoded: String, output: String, format: MediaFormat) throws
        -> Outcome
    {
        var pcm = wav
        var rhythm: RhythmLabelInserter.Outcome?
        if let inserter {
            let edits = try inserter.edits(in: MemoryByteSource(wav))
            pcm = edits.plan.apply(to: wav)
            rhythm = edits
        }
        if let watermark {
            pcm = try WAVWatermark.embed(watermark.watermarker, payload: watermark.payload, into: pcm)
        }
        try Data(pcm).write(to: URL(fileURLWithPath: decoded))

        let (codecArguments, encoding, lossy) = Self.encoder(for: format, stream: stream)
        // Input 0: the labeled PCM; input 1: the source, for its tags and any attached picture (cover art).
        var arguments = ["-i", decoded, "-i", source, "-map", "0:a:0", "-map_metadata", "1"]
        if format.id == "mp3" || format.id == "flac" || format.id == "m4a" {
            arguments += ["-map", "1:v?", "-c:v", "copy", "-disposition:v", "attached_pic"]
        }
        arguments += codecArguments + ["-ar", String(stream.sampleRate), "-ac", String(stream.channels)]
        arguments += ["-f", Self.muxer(for: format), "-y", output]
        try tools.ffmpeg(arguments)
        return Outcome(bytes: try [UInt8](Data(contentsOf: URL(fileURLWithPath: output))), rhythm: rhythm, encoding: encoding, lossy: lossy)
    }

    /// The source's bit rate, rounded to whole kb/s, within what the encoders accept.
    static func kilobitsPerSecond(_ stream: FFmpegAudio.Stream) -> Int {
        max(8, min(512, ((stream.bitRate ?? 128_000) + 500) / 1000))
    }

    /// The encoder arguments for `format`, its description, and whether it is lossy.
    static func encoder(for format: MediaFormat, stream: FFmpegAudio.Stream) -> (arguments: [String], description: String, lossy: Bool) {
        let kbps = kilobitsPerSecond(stream)
        switch format.id {
        case "flac":
            let bits = (stream.bitsPerRawSample ?? 16) > 16 ? "s32" : "s16"
            return (["-c:a", "flac", "-sample_fmt", bits], "flac (lossless, \(bits == "s32" ? 24 : 16)-bit)", false)
        case "mp3":
            return (["-c:a", "libmp3lame", "-b:a", "\(min(kbps, 320))k"], "libmp3lame \(min(kbps, 320)) kb/s", true)
        case "ogg":
            return (["-c:a", "libvorbis", "-b:a", "\(kbps)k"], "libvorbis \(kbps) kb/s", true)
        case "opus":
            return (["-c:a", "libopus", "-b:a", "\(kbps)k"], "libopus \(kbps) kb/s", true)
        default: // m4a
            return (["-c:a", "aac", "-b:a", "\(kbps)k"], "aac \(kbps) kb/s", true)
        }
    }

    /// ffmpeg's muxer for `format`.
    static func muxer(for format: MediaFormat) -> String {
        switch format.id {
        case "m4a": "ipod"
        case "opus": "opus"
        case "ogg": "ogg"
        default: format.id
        }
    }
}
