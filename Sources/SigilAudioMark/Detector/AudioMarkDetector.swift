import SigilCore
import SigilWatermarkCore

/// What ``AudioMarkDetector`` found in a clip.
public struct AudioMarkDetection: Sendable, Equatable {
    /// The 64-bit payload, when a hypothesis decoded with a valid keyed tag; nil means "no mark of this key".
    public let payload: UInt64?
    /// Normalised sync correlation of the best hypothesis (≈ N(0, 1) on unmarked audio at one hypothesis).
    public let syncScore: Float
    /// For a detection: the fraction of coded bits whose soft sign agrees with the re-encoded codeword (0.5 = chance).
    public let bitAgreement: Float?
    /// Time scale of the best hypothesis: embedded seconds per received second (1.03 = played 3 % faster).
    public let timeScale: Double
    /// Frequency scale of the best hypothesis: received Hz per embedded Hz (pitch shift).
    public let frequencyScale: Double
    /// Seconds of audio examined (the detector reads at most ``AudioMarkDetector/maxSeconds``).
    public let secondsExamined: Double

    /// Whether a mark of this key was found.
    public var detected: Bool { payload != nil }

    /// The payload as 16 lower-case hex digits.
    public var payloadHex: String? { payload.map(WatermarkKey.hex) }
}

/// The blind audio detector: needs only the key and the samples (no original, no payload).
///
/// It searches time scale (±6 %), frequency shift (±5/48 octave) and the pattern's phase, ranks hypotheses by
/// the sync correlation plus the data cells' energy, and decodes at most
/// ``AudioMarkParameters/decodeCandidates`` of them. A decode counts only when the 24-bit keyed tag checks, so
/// on unmarked audio (or audio marked with another key) the chance of a false detection per clip is at most
/// ``falsePositiveBound`` (decision 0104).
public struct AudioMarkDetector: Sendable {
    let key: WatermarkKey
    let parameters: AudioMarkParameters

    /// The most audio one call examines (from the start): 10 minutes. The mark repeats every
    /// ``AudioMarkParameters/periodSeconds``, so a longer clip adds confidence it does not need, and the
    /// spectrogram of 10 minutes stays under 100 MB.
    public static let maxSeconds: Double = 600

    /// A detector for `key`.
    public init(key: WatermarkKey, parameters: AudioMarkParameters = AudioMarkParameters()) {
        self.key = key
        self.parameters = parameters
    }

    /// Upper bound of the false-detection probability per clip: decoded hypotheses × 2⁻²⁴.
    public var falsePositiveBound: Double { Double(parameters.decodeCandidates) / Double(1 << MessageCodec.tagBits) }

    /// Looks for the mark in interleaved samples (nominal range ±1).
    ///
    /// - Throws: ``SigilError`` `.usage` for a sample rate outside 8–96 kHz or a sample count that is not a
    ///   multiple of `channels`.
    public func detect(samples: [Float], sampleRate: Int, channels: Int) throws -> AudioMarkDetection {
        try AudioMarkParameters.check(sampleRate: sampleRate, channels: channels)
        guard samples.count % channels == 0 else {
            throw SigilError(.usage, "\(samples.count) samples is not a whole number of \(channels)-channel frames")
        }
        let frames = min(samples.count / channels, Int(Self.maxSeconds * Double(sampleRate)))
        let mono = samples.withUnsafeBufferPointer { monoDownmix($0, channels: channels, frames: frames) }
        let seconds = Double(frames) / Double(sampleRate)
        let spectrogram = LogSpectrogram(mono: mono, sampleRate: sampleRate, parameters: parameters)
        guard spectrogram.frames > 8 else {
            return AudioMarkDetection(payload: nil, syncScore: 0, bitAgreement: nil, timeScale: 1, frequencyScale: 1, secondsExamined: seconds)
        }
        let codec = MessageCodec(tagKey: key.derive("audio/tag"))
        let pattern = CellPattern(key: key, parameters: parameters, codedBits: MessageCodec.codedBits)
        let sync = Synchronizer(spectrogram: spectrogram, pattern: pattern, parameters: parameters)
        let hypotheses = sync.search()
        var best: AudioMarkDetection?
        for candidate in hypotheses.prefix(parameters.decodeCandidates) {
            let hypothesis = sync.refine(candidate)
            let frequencyScale = parameters.frequencyScale(shift: hypothesis.shift)
            if best == nil {
                best = AudioMarkDetection(
                    payload: nil, syncScore: hypothesis.z, bitAgreement: nil, timeScale: hypothesis.scale,
                    frequencyScale: frequencyScale, secondsExamined: seconds)
            }
            let soft = sync.softBits(hypothesis)
            let decoded = codec.decode(soft: soft)
            guard decoded.tagValid else { continue }
            let codeword = codec.encode(payload: decoded.payload)
            var agree = 0
            var total = 0
            for i in 0..<soft.count where soft[i] != 0 {
                total += 1
                if (soft[i] > 0) == (codeword[i] == 1) { agree += 1 }
            }
            return AudioMarkDetection(
                payload: decoded.payload, syncScore: hypothesis.z, bitAgreement: Float(agree) / Float(max(1, total)),
                timeScale: hypothesis.scale, frequencyScale: frequencyScale, secondsExamined: seconds)
        }
        return best ?? AudioMarkDetection(payload: nil, syncScore: 0, bitAgreement: nil, timeScale: 1, frequencyScale: 1, secondsExamined: seconds)
    }
}
