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
        let layout = try WAVPCMLayout(MemoryByteSource(wav))
        var embedder = try watermarker.embedder(payload: payload, sampleRate: layout.sampleRate, channels: layout.channels)
        let codec = PCMCodec(layout.encoding)
        var output = wav
        var at = layout.data.lowerBound
        func write(_ samples: [Float]) {
            let bytes = codec.encode(samples)
            output.replaceSubrange(at..<(at + bytes.count), with: bytes)
            at += bytes.count
        }
        try PCMCodec.forEachChunk(of: layout, in: MemoryByteSource(wav)) { write(try embedder.process($0)) }
        write(embedder.finish())
        return output
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
