#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
public import SigilCore

/// Renders a ``RhythmLabel`` as interleaved floating-point PCM (−1…1) at a given rate and channel count, the same
/// signal in every channel.
public struct RhythmSynthesizer: Sendable {
    public let label: RhythmLabel
    public let sampleRate: Int
    public let channels: Int

    /// - Throws: ``SigilError`` `.usage` when the label's settings or the format are out of range.
    public init(_ label: RhythmLabel, sampleRate: Int, channels: Int) throws {
        try label.validate(sampleRate: sampleRate)
        guard (1...64).contains(channels) else { throw SigilError(.usage, "cannot render a rhythm label for \(channels) channels") }
        self.label = label
        self.sampleRate = sampleRate
        self.channels = channels
    }

    /// Frames (samples per channel) in a span of `milliseconds`, rounded.
    public func frames(_ milliseconds: Double) -> Int { Int((milliseconds * Double(sampleRate) / 1000).rounded()) }

    /// The label's frame count: padding, 11 units of tone and gaps, padding.
    public var frameCount: Int { frames(label.paddingBeforeMilliseconds) + toneFrameCount + frames(label.paddingAfterMilliseconds) }
    /// Frames from the first tone's start to the last tone's end.
    public var toneFrameCount: Int { frames(label.toneMilliseconds) }

    /// The tone's on-spans, in frames from the start of the label (padding included).
    public var toneSpans: [Range<Int>] {
        let start = frames(label.paddingBeforeMilliseconds)
        var spans: [Range<Int>] = []
        var units = 0
        for step in RhythmLabel.morseAI {
            let from = start + frames(Double(units) * label.unitMilliseconds)
            units += step.units
            let to = start + frames(Double(units) * label.unitMilliseconds)
            if step.on { spans.append(from..<to) }
        }
        return spans
    }

    /// Mono samples of the label at `amplitude` (peak, 0…1): the tone with raised-cosine ramps, silence elsewhere.
    public func monoSamples(amplitude: Double) -> [Float] {
        var out = [Float](repeating: 0, count: frameCount)
        let ramp = max(1, frames(label.rampMilliseconds))
        let step = 2 * Double.pi * label.toneHertz / Double(sampleRate)
        for span in toneSpans {
            let length = span.count
            for i in 0..<length {
                let n = span.lowerBound + i
                let edge = min(i, length - 1 - i)
                let envelope = edge >= ramp ? 1 : 0.5 * (1 - cos(Double.pi * Double(edge) / Double(ramp)))
                out[n] = Float(amplitude * envelope * sin(step * Double(n)))
            }
        }
        return out
    }

    /// Interleaved samples: ``monoSamples(amplitude:)`` repeated in every channel.
    public func samples(amplitude: Double) -> [Float] {
        let mono = monoSamples(amplitude: amplitude)
        if channels == 1 { return mono }
        var out = [Float](repeating: 0, count: mono.count * channels)
        for (i, s) in mono.enumerated() {
            for c in 0..<channels { out[i * channels + c] = s }
        }
        return out
    }
}
