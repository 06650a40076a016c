import Foundation
public import SigilCore
public import SigilFFmpeg

/// Compressed audio through Debian's `ffmpeg`: what the first audio stream is, and its samples as PCM WAV, for the
/// rhythm label's splice (``CompressedAudioRelabeler``) and its detection in ``RhythmDetector``.
public struct FFmpegAudio: Sendable {
    public var tools: FFmpegTools

    public init(tools: FFmpegTools) { self.tools = tools }

    /// The source's first audio stream, as ffprobe reports it.
    public struct Stream: Sendable {
        public var codec: String
        public var sampleRate: Int
        public var channels: Int
        public var bitRate: Int?
        public var bitsPerRawSample: Int?
        public var sampleFormat: String
    }

    /// ffprobe's view of the first audio stream.
    public func probe(_ path: String) throws -> Stream {
        let json = try tools.probe([
            "-v", "error", "-select_streams", "a:0", "-show_entries",
            "stream=codec_name,sample_rate,channels,bit_rate,bits_per_raw_sample,sample_fmt:format=bit_rate", "-of", "json", path,
        ])
        guard let object = try? JSONSerialization.jsonObject(with: Data(json)) as? [String: Any],
            let first = (object["streams"] as? [[String: Any]])?.first
        else {
            throw SigilError(.malformed, "ffprobe found no audio stream in the file")
        }
        func int(_ value: Any?) -> Int? { (value as? String).flatMap { Int($0) } ?? (value as? Int) }
        guard let codec = first["codec_name"] as? String, let rate = int(first["sample_rate"]), let channels = int(first["channels"]), rate > 0,
            channels > 0
        else {
            throw SigilError(.malformed, "ffprobe reported no codec, sample rate or channel count for the audio stream")
        }
        let formatRate = int((object["format"] as? [String: Any])?["bit_rate"])
        return Stream(
            codec: codec, sampleRate: rate, channels: channels, bitRate: int(first["bit_rate"]) ?? formatRate,
            bitsPerRawSample: int(first["bits_per_raw_sample"]), sampleFormat: first["sample_fmt"] as? String ?? "")
    }

    /// The PCM the source decodes to without losing precision: 24-bit FLAC stays 24-bit; lossy codecs decode to float.
    static func pcmCodec(for stream: Stream) -> String {
        if stream.codec == "flac" {
            return (stream.bitsPerRawSample ?? 16) > 16 ? "pcm_s24le" : "pcm_s16le"
        }
        return stream.sampleFormat.hasPrefix("s16") ? "pcm_s16le" : "pcm_f32le"
    }

    /// How much decoded audio a caller takes: at most `seconds` of it and at most `bytes` of WAV. A few bytes of
    /// compressed audio can declare hours of many channels (a decompression bomb); verification takes a bounded part.
    public struct DecodeLimit: Sendable, Hashable {
        public var seconds: Double
        public var bytes: Int
        /// Whether audio past the limit is an error (labeling: a label must cover all of it, and a few kilobytes that
        /// decode to gigabytes are a decompression bomb) or is left unread (verification reads the first part).
        public var refusesMore: Bool
        public init(seconds: Double, bytes: Int, refusesMore: Bool = false) {
            self.seconds = seconds
            self.bytes = bytes
            self.refusesMore = refusesMore
        }
        /// What verification reads: two hours, 1 GiB of PCM; the rest is left unread.
        public static let verification = DecodeLimit(seconds: 7_200, bytes: 1 << 30)
        /// What labeling decodes: 2 GiB of PCM (over three hours of 48 kHz stereo at 24 bits); more is refused, never cut
        /// (the duration is not passed to ffmpeg for a refusing limit: only the size decides).
        public static let labeling = DecodeLimit(seconds: 86_400, bytes: 1 << 31, refusesMore: true)
    }

    /// Decodes the first audio stream of the file at `path` to a PCM WAV at `wavPath` and returns its bytes; with
    /// `limit`, ffmpeg stops at its duration or size (`-t`, `-fs`).
    public func decodeToWAV(_ path: String, stream: Stream, at wavPath: String, limit: DecodeLimit? = nil) throws -> [UInt8] {
        // A limit that refuses more is checked on the size alone: ffmpeg stops at -t without an error, which would cut.
        let bounds = limit.map { $0.refusesMore ? ["-fs", String($0.bytes)] : ["-t", String($0.seconds), "-fs", String($0.bytes)] } ?? []
        try tools.ffmpeg(["-i", path, "-map", "0:a:0"] + bounds + ["-c:a", Self.pcmCodec(for: stream), "-f", "wav", "-y", wavPath])
        if let limit {
            let size = (try FileManager.default.attributesOfItem(atPath: wavPath)[.size] as? NSNumber)?.intValue ?? 0
            guard size <= limit.bytes + (1 << 20) else {
                throw SigilError(.tooLarge, "the decoded audio is \(size) bytes, past the limit of \(limit.bytes)", offset: 0)
            }
            // ffmpeg stops at -fs without an error: a decode that reached the limit was cut.
            if limit.refusesMore, size >= limit.bytes - min(limit.bytes / 16, 1 << 16) {
                throw SigilError(
                    .tooLarge,
                    "the audio decodes to \(limit.bytes) bytes of PCM or more, past what Sigil decodes to label compressed audio (a decompression bomb, or a recording too long to re-encode in one piece)",
                    offset: 0)
            }
        }
        return try [UInt8](Data(contentsOf: URL(fileURLWithPath: wavPath)))
    }

    /// The first audio stream of `bytes` (a file with the extension `fileExtension`) as PCM WAV bytes.
    public func decodeToWAV(_ bytes: [UInt8], fileExtension: String, limit: DecodeLimit? = nil) throws -> [UInt8] {
        try withScratchDirectory { directory in
            let source = directory.appendingPathComponent("source.\(fileExtension)").path
            try Data(bytes).write(to: URL(fileURLWithPath: source))
            return try decodeToWAV(source, stream: try probe(source), at: directory.appendingPathComponent("decoded.wav").path, limit: limit)
        }
    }

    /// Runs `body` with a fresh private directory under the temporary directory, removed afterwards.
    func withScratchDirectory<T>(_ body: (URL) throws -> T) throws -> T {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(WorkingFile.tag() + "-audio")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(at: directory) }
        return try body(directory)
    }
}
