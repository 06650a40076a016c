public import SigilAudioMark
public import SigilContainers
import SigilCore

/// The audio watermark (``AudioWatermarker``) applied to and read from a PCM WAV's `data` chunk.
///
/// Embedding rewrites the samples in place, 65,536 frames at a time through the streaming embedder, in the
/// file's own sample encoding: every byte outside the `data` chunk, and the chunk's size, stay as they were.
/// Compressed audio reaches this through its decoded WAV (``CompressedAudioRelabeler``).
public enum WAVWatermark {
    /// A mark to embed: the watermarker (its key) and the payload.
    public struct Request: Sendable {
        public var watermarker: AudioWatermarker
        public var payload: UInt64

        public init(watermarker: AudioWatermarker, payload: UInt64) {
            self.watermarker = watermarker
            self.payload = payload
        }
    }

    /// `wav` with `payload` embedded in its samples (same length, same layout).
    ///
    /// - Throws: ``SigilError`` from the WAV layout (`.unsupportedFormat`, `.malformed`, `.truncated`) and `.usage`
    ///   for a sample rate or channel count the mark does not take.
    public static func embed(_ watermarker: AudioWatermarker, payload: UInt64, into wav: [UInt8]) throws -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(wav.count)
        try embed(watermarker, payload: payload, from: MemoryByteSource(wav)) { output += $0 }
        return output
    }

    /// The WAV `source` reads with `payload` embedded in its samples, handed to `write` in order, about 1 MiB at a
    /// time (memory stays flat in the file's length): the bytes before the samples, the marked samples in the file's
    /// own encoding, then the bytes after them, so the result has the source's length and layout.
    ///
    /// - Throws: ``SigilError`` from the WAV layout (`.unsupportedFormat`, `.malformed`, `.truncated`), `.usage` for
    ///   a sample rate or channel count the mark does not take, and what `write` throws.
    public static func embed(
        _ watermarker: AudioWatermarker, payload: UInt64, from source: any ByteSource, to write: ([UInt8]) throws -> Void
    ) throws {
        let layout = try WAVPCMLayout(source)
        var embedder = try watermarker.embedder(payload: payload, sampleRate: layout.sampleRate, channels: layout.channels)
        let codec = PCMCodec(layout.encoding)
        try source.forEachChunk(of: 0..<layout.data.lowerBound, write)
        var written = 0
        func emit(_ samples: [Float]) throws {
            let bytes = codec.encode(samples)
            written += bytes.count
            try write(bytes)
        }
        try PCMCodec.forEachChunk(of: layout, in: source) { try emit(try embedder.process($0)) }
        try emit(embedder.finish())
        guard written == layout.frameCount * layout.blockAlign else {
            throw SigilError(
                .codec, "the audio watermark gave \(written) bytes of samples for \(layout.frameCount * layout.blockAlign)",
                offset: layout.data.lowerBound)
        }
        try source.forEachChunk(of: (layout.data.lowerBound + written)..<source.count, write)
    }

    /// Looks for the mark in the WAV's first ``AudioMarkDetector/maxSeconds`` of samples.
    ///
    /// - Throws: ``SigilError`` from the WAV layout, and `.usage` for a sample rate the mark does not take.
    public static func detect(_ watermarker: AudioWatermarker, in source: any ByteSource) throws -> AudioMarkDetection {
        let layout = try WAVPCMLayout(source)
        let frames = min(layout.frameCount, Int(AudioMarkDetector.maxSeconds * Double(layout.sampleRate)))
        let bytes = try source.require(frames * layout.blockAlign, at: layout.data.lowerBound, for: "WAV data chunk")
        let samples = PCMCodec(layout.encoding).decode(bytes)
        return try watermarker.detect(samples: samples, sampleRate: layout.sampleRate, channels: layout.channels)
    }
}
