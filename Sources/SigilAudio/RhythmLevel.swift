#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
public import SigilCore

/// How loud the rhythm label is, relative to the content it labels (decision 0018): the tone's integrated
/// loudness is set `offsetLU` below the content's, never below `floorLUFS` (so a silent or very quiet file still
/// gets an audible label) and never with a peak above `peakCeilingDBFS`.
public struct RhythmLevel: Sendable, Hashable {
    /// The tone's loudness relative to the content's, in LU.
    public var offsetLU: Double = -3
    /// The quietest the tone may be, in LUFS.
    public var floorLUFS: Double = -30
    /// The highest sample peak, in dBFS.
    public var peakCeilingDBFS: Double = -1

    public init(offsetLU: Double = -3, floorLUFS: Double = -30, peakCeilingDBFS: Double = -1) {
        self.offsetLU = offsetLU
        self.floorLUFS = floorLUFS
        self.peakCeilingDBFS = peakCeilingDBFS
    }

    /// The loudness the tone aims for, given the content's (nil for silence).
    public func targetLUFS(content: Double?) -> Double {
        guard let content else { return floorLUFS }
        return max(content + offsetLU, floorLUFS)
    }

    /// The peak amplitude (0…1) that gives the synthesizer's tone the target loudness, capped by the ceiling.
    ///
    /// The tone is rendered once at full scale and measured with libebur128 (so the K-weighting at its
    /// frequency and the channel count are accounted for); loudness then scales as 20·log10 of the amplitude.
    public func amplitude(for synthesizer: RhythmSynthesizer, contentLUFS: Double?) throws -> Double {
        let ceiling = pow(10, peakCeilingDBFS / 20)
        let reference = synthesizer.samples(amplitude: 1)
        guard let fullScale = try LoudnessMeter.integratedLoudness(of: reference, sampleRate: synthesizer.sampleRate, channels: synthesizer.channels)
        else {
            return ceiling
        }
        let gain = pow(10, (targetLUFS(content: contentLUFS) - fullScale) / 20)
        return min(gain, ceiling)
    }
}
