@_exported import SigilWatermarkCore

/// Sigil's blind, keyed audio watermark: a 64-bit payload (the ProduceID's ``WatermarkKey/payload(forProduceID:)``,
/// as in the image mark) spread over a keyed pattern of ±log-magnitude changes in 48 bands of 1/12 octave from
/// 300 Hz, repeating every ≈ 3.3 s, so any excerpt of a few periods carries the whole message (decision 0104).
///
/// The key, the payload-to-bits coding (64 bits ‖ 24-bit keyed tag, K = 7 rate-½ code) and the false-positive
/// bound come from the shared watermark core (`SigilWatermarkCore`); the key's sub-keys are labelled `audio/…`,
/// so the same keystore item marks images and sounds without the two patterns being related.
public struct AudioWatermarker: Sendable {
    /// The provider's watermark key.
    public let key: WatermarkKey
    /// Layout and detector tuning (the defaults are the mark).
    public var parameters: AudioMarkParameters

    /// A watermarker for `key`.
    public init(key: WatermarkKey, parameters: AudioMarkParameters = AudioMarkParameters()) {
        self.key = key
        self.parameters = parameters
    }

    /// A streaming embedder (feed chunks, then `finish()`): memory stays flat in the stream's length.
    ///
    /// - Throws: ``SigilError`` `.usage` for a sample rate outside 8–96 kHz or 0 / more than 32 channels.
    public func embedder(payload: UInt64, sampleRate: Int, channels: Int) throws -> AudioMarkEmbedder {
        try AudioMarkEmbedder(key: key, payload: payload, sampleRate: sampleRate, channels: channels, parameters: parameters)
    }

    /// Marks a whole clip of interleaved samples; the result has the same length.
    ///
    /// - Throws: ``SigilError`` `.usage` for an unsupported rate or channel count, or a partial frame.
    public func embed(payload: UInt64, into samples: [Float], sampleRate: Int, channels: Int) throws -> [Float] {
        var embedder = try embedder(payload: payload, sampleRate: sampleRate, channels: channels)
        var out = try embedder.process(samples)
        out += embedder.finish()
        return out
    }

    /// Looks for this key's mark in interleaved samples.
    ///
    /// - Throws: ``SigilError`` `.usage` for an unsupported rate or a partial frame.
    public func detect(samples: [Float], sampleRate: Int, channels: Int) throws -> AudioMarkDetection {
        try AudioMarkDetector(key: key, parameters: parameters).detect(samples: samples, sampleRate: sampleRate, channels: channels)
    }
}
