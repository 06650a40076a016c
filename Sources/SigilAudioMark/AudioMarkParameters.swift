import Foundation
import SigilCore

/// The audio mark's layout and tuning, shared by embedder and detector. The defaults are the mark (decision
/// 0104); a detector finds only marks embedded with the same layout values. The detector-only values trade
/// speed for robustness and may differ between runs.
public struct AudioMarkParameters: Sendable, Hashable {
    /// Lowest band edge (Hz).
    public var lowHz: Double = 300
    /// Bands per octave.
    public var bandsPerOctave: Double = 12
    /// Number of log-frequency bands.
    public var bandCount: Int = 48
    /// Duration of one time slot (seconds) — three hops at 44.1 kHz.
    public var slotSeconds: Double = 3 * 1024 / 44100
    /// Slots per pattern period.
    public var slotsPerPeriod: Int = 48
    /// Number of sync cells per period (the rest carry coded bits).
    public var syncCells: Int = 384
    /// Per-frame target watermark-to-signal ratio (dB below the frame).
    public var targetSNRdB: Double = 27
    /// Upper bound of the relative magnitude change.
    public var alphaMax: Double = 0.6
    /// Exponent γ of the per-band strength α_k ∝ (E_k/Ē)^-γ (0 = uniform, 0.5 = equal watermark energy per band).
    public var allocationExponent: Double = 0.5
    /// Cross-fade half-width at band edges, in band units.
    public var edgeFade: Double = 0.15
    /// Detector: time-scale search half range (fraction) and step.
    public var scaleRange: Double = 0.06
    public var scaleStep: Double = 0.002
    /// Detector: frequency-shift search half range in fine steps of 1/`shiftStepsPerOctave` octave.
    public var shiftSteps: Int = 5
    public var shiftStepsPerOctave: Double = 48
    /// Detector: phase bins per slot.
    public var phaseBinsPerSlot: Int = 3
    /// Detector: half width of the whitening moving average (seconds).
    public var whitenSeconds: Double = 0.15
    /// Detector: half width (bands) of the per-frame frequency whitening (0 = all bands).
    public var freqWhitenBands: Int = 6
    /// Detector: offsets per (scale, shift) re-scored with the data-cell energy statistic.
    public var offsetCandidates: Int = 8
    /// Detector: weight of the data-cell energy statistic in the hypothesis score (0 = sync only).
    public var dataEnergyWeight: Double = 1
    /// Detector: number of hypotheses decoded (FPR ≤ this × 2^-tagBits).
    public var decodeCandidates: Int = 16

    public init() {}

    /// Sample rates the mark is defined for.
    public static let sampleRates = 8000...96000
    /// Channel counts the embedder takes.
    public static let channelCounts = 1...32

    /// - Throws: ``SigilError`` `.usage` for a sample rate or channel count outside ``sampleRates`` / ``channelCounts``.
    static func check(sampleRate: Int, channels: Int) throws {
        guard sampleRates.contains(sampleRate) else {
            throw SigilError(.usage, "the audio watermark works at 8–96 kHz, not \(sampleRate) Hz")
        }
        guard channelCounts.contains(channels) else {
            throw SigilError(.usage, "the audio watermark takes 1–32 channels, not \(channels)")
        }
    }

    /// Received Hz per embedded Hz for the detector's frequency-shift index `shift`.
    func frequencyScale(shift: Int) -> Double { pow(2, Double(shift - shiftSteps) / shiftStepsPerOctave) }

    /// Period of the pattern in seconds.
    public var periodSeconds: Double { slotSeconds * Double(slotsPerPeriod) }
    /// Band edge `i` (0...bandCount) in Hz.
    func edgeHz(_ i: Int) -> Double { lowHz * pow(2, Double(i) / bandsPerOctave) }
    /// STFT frame size for a sample rate (≈ 46 ms, power of two).
    static func frameSize(sampleRate: Int) -> Int {
        let l = (log2(0.0464 * Double(sampleRate))).rounded()
        return 1 << min(13, max(8, Int(l)))
    }
}
