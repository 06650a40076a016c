import Foundation
import SigilAudio
import SigilContainers
import SigilCore
import Testing

/// The content loudness the rhythm label's level is set from: every sample of a short file, excerpts of a long one
/// (decision 0032).
@Suite struct RhythmLoudnessTests {
    /// 75 s at 8 kHz: a tone whose level steps through 15 s segments 24 dB apart, with a silent one, so excerpts
    /// that missed a segment would be off by several LU.
    static func stepped() -> [Float] {
        let rate = 8000
        var samples: [Float] = []
        for (index, gainDB) in [-30.0, -6, -60, -18, -12].enumerated() {
            let amplitude = index == 2 ? 0 : Float(pow(10, gainDB / 20))
            samples += sine(rate: rate, channels: 1, seconds: 15, amplitude: amplitude)
        }
        return samples
    }

    @Test func aLongFileIsEstimatedFromExcerptsWithinTwoLU() throws {
        let samples = Self.stepped()
        let wav = makeWAV(.signed(bits: 16), channels: 1, rate: 8000, samples: samples)
        let source = MemoryByteSource(wav)
        let layout = try WAVPCMLayout(source)
        let whole = try #require(try LoudnessMeter.integratedLoudness(of: samples, sampleRate: 8000, channels: 1))
        let (estimate, measured) = try RhythmLabelInserter.loudness(of: layout, in: source)
        #expect(measured < 40, "excerpts, not the whole 75 s")
        #expect(abs(try #require(estimate) - whole) <= 2, "estimate \(estimate ?? .nan) LUFS, whole \(whole) LUFS")
    }

    @Test func aShortFileIsMeasuredWhole() throws {
        let samples = Array(Self.stepped().prefix(8000 * 50))
        let wav = makeWAV(.signed(bits: 16), channels: 1, rate: 8000, samples: samples)
        let source = MemoryByteSource(wav)
        let (estimate, measured) = try RhythmLabelInserter.loudness(of: try WAVPCMLayout(source), in: source)
        #expect(measured == 50)
        let whole = try LoudnessMeter.integratedLoudness(
            of: samples.map { Float(Int16(($0 * 32767).rounded())) / 32768 }, sampleRate: 8000, channels: 1)
        #expect(abs((estimate ?? 0) - (whole ?? 1)) < 0.05)
    }

    @Test func combinedMetersGateTogether() throws {
        let loud = sine(rate: 8000, channels: 1, seconds: 2, amplitude: 0.5)
        let quiet = sine(rate: 8000, channels: 1, seconds: 2, amplitude: 0.05)
        let meters = try [loud, quiet].map { part -> LoudnessMeter in
            let meter = try LoudnessMeter(sampleRate: 8000, channels: 1)
            meter.add(part)
            return meter
        }
        let together = try #require(LoudnessMeter.integratedLoudness(combining: meters))
        let joined = try #require(try LoudnessMeter.integratedLoudness(of: loud + quiet, sampleRate: 8000, channels: 1))
        #expect(abs(together - joined) < 0.5)
        #expect(LoudnessMeter.integratedLoudness(combining: []) == nil)
    }
}
