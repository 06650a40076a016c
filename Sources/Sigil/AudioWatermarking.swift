import Foundation

/// The audio watermark on whole files of any audio format Sigil labels: PCM WAV in place, MP3, FLAC, Ogg Vorbis,
/// Opus and M4A through ffmpeg (decoded, marked, encoded again in the source's codec and bit rate). What
/// `sigil watermark embed|detect` runs for sound; ``Labeler`` and ``Verifier`` do the same inside a label or a check.
public enum AudioWatermarking {
    /// Whether `format` is audio this build can mark and read.
    public static func handles(_ format: MediaFormat) -> Bool {
        format == .wav || CompressedAudioRelabeler.formats.contains(format.id)
    }

    /// `bytes` (a file of `format`) with the mark embedded; `encoding` names the re-encode, nil for WAV.
    ///
    /// - Throws: ``SigilError`` `.unsupportedFormat` for other formats, ffmpeg's errors, the WAV layout's errors.
    public static func embed(_ bytes: [UInt8], format: MediaFormat, request: WAVWatermark.Request) throws -> (bytes: [UInt8], encoding: String?) {
        if format == .wav { return (try WAVWatermark.embed(request.watermarker, payload: request.payload, into: bytes), nil) }
        try requireHandled(format)
        let outcome = try CompressedAudioRelabeler(inserter: nil, watermark: request, tools: try FFmpegTools.locate()).label(bytes, format: format)
        return (outcome.bytes, outcome.encoding)
    }

    /// Looks for `key`'s mark in `bytes` (a file of `format`); `produceID`, when known, is compared with the payload.
    ///
    /// - Throws: ``SigilError`` `.unsupportedFormat` for other formats, ffmpeg's errors, the WAV layout's errors and
    ///   `.usage` for a sample rate the mark does not take.
    public static func detect(_ bytes: [UInt8], format: MediaFormat, key: WatermarkKey, produceID: String? = nil) throws
        -> VerificationReport.AudioWatermark
    {
        var wav = bytes
        if format != .wav {
            try requireHandled(format)
            wav = try FFmpegAudio(tools: try FFmpegTools.locate()).decodeToWAV(
                bytes, fileExtension: format.extensions.first ?? format.id, limit: .verification)
        }
        return try check(wav: wav, key: key, produceID: produceID)
    }

    /// The mark in decoded PCM WAV bytes, with the ProduceID comparison.
    static func check(wav: [UInt8], key: WatermarkKey, produceID: String?) throws -> VerificationReport.AudioWatermark {
        let detection = try WAVWatermark.detect(AudioWatermarker(key: key), in: MemoryByteSource(wav))
        let matches: Bool? =
            if let produceID, let payload = detection.payload { key.payload(forProduceID: produceID) == payload } else { nil }
        return VerificationReport.AudioWatermark(
            detection: detection, falsePositiveBound: AudioMarkDetector(key: key).falsePositiveBound, matchesProduceID: matches)
    }

    private static func requireHandled(_ format: MediaFormat) throws {
        guard handles(format) else {
            throw SigilError(
                .unsupportedFormat, "the audio watermark goes into WAV, MP3, FLAC, Ogg Vorbis, Opus and M4A, not \(format.displayName)")
        }
    }
}
