import Foundation
import SigilAudio
import SigilCore
import Testing

@Suite struct RhythmLabelTests {
    @Test func morseAITimingInUnits() throws {
        let synth = try RhythmSynthesizer(RhythmLabel(), sampleRate: 48000, channels: 1)
        let unit = 48000 * 120 / 1000
        // ·- ·· : dot, dash, dot, dot.
        #expect(synth.toneSpans.map(\.count) == [unit, 3 * unit, unit, unit])
        let spans = synth.toneSpans
        let gaps = zip(spans, spans.dropFirst()).map { $1.lowerBound - $0.upperBound }
        #expect(gaps == [unit, 3 * unit, unit])
        #expect(spans.first?.lowerBound == 48000 * 200 / 1000)
        #expect(synth.frameCount == 48000 * (200 + 1320 + 200) / 1000)
    }

    @Test(arguments: [99.0, 151.0, 40.0])
    func unitOutsideTheAllowedRangeIsAUsageError(unit: Double) {
        #expect(throws: SigilError(.usage, "")) { try RhythmSynthesizer(RhythmLabel(unitMilliseconds: unit), sampleRate: 44100, channels: 2) }
    }

    @Test func toneOutOfRangeOrAboveNyquistIsAUsageError() {
        #expect(throws: SigilError(.usage, "")) { try RhythmSynthesizer(RhythmLabel(toneHertz: 5000), sampleRate: 44100, channels: 1) }
        #expect(throws: SigilError(.usage, "")) { try RhythmSynthesizer(RhythmLabel(toneHertz: 3900), sampleRate: 8000, channels: 1) }
    }

    @Test func rampsLeaveNoClick() throws {
        let synth = try RhythmSynthesizer(RhythmLabel(), sampleRate: 44100, channels: 1)
        let s = synth.monoSamples(amplitude: 0.5)
        for span in synth.toneSpans {
            #expect(abs(s[span.lowerBound]) < 1e-6)
            #expect(abs(s[span.upperBound - 1]) < 0.01)
            #expect(s[span.upperBound] == 0)
        }
        // The largest step between samples is the pure tone's own (2π·f/rate·A), never a jump at an edge.
        let maxStep = zip(s, s.dropFirst()).map { abs($1 - $0) }.max() ?? 0
        #expect(Double(maxStep) <= 2 * Double.pi * 1000 / 44100 * 0.5 * 1.01)
    }

    @Test func interleavesTheSameSignalInEveryChannel() throws {
        let synth = try RhythmSynthesizer(RhythmLabel(), sampleRate: 22050, channels: 3)
        let s = synth.samples(amplitude: 0.3)
        #expect(s.count == synth.frameCount * 3)
        let n = synth.toneSpans[1].lowerBound + 500
        #expect(s[3 * n] == s[3 * n + 1] && s[3 * n] == s[3 * n + 2] && s[3 * n] != 0)
    }

    /// A 440 Hz tone at `amplitude`, stereo, 5 s: content of a known loudness.
    func content(amplitude: Float, rate: Int = 44100) -> [Float] {
        var out: [Float] = []
        let step = 2 * Double.pi * 440 / Double(rate)
        for n in 0..<(rate * 5) {
            let v: Float = amplitude * Float(sin(step * Double(n)))
            out += [v, v]
        }
        return out
    }

    @Test func toneSitsThreeLUBelowTheContent() throws {
        let rate = 44100
        let content = try #require(try LoudnessMeter.integratedLoudness(of: content(amplitude: 0.1), sampleRate: rate, channels: 2))
        let synth = try RhythmSynthesizer(RhythmLabel(), sampleRate: rate, channels: 2)
        let amplitude = try RhythmLevel().amplitude(for: synth, contentLUFS: content)
        let tone = try #require(try LoudnessMeter.integratedLoudness(of: synth.samples(amplitude: amplitude), sampleRate: rate, channels: 2))
        #expect(abs(tone - (content - 3)) < 0.3)
    }

    @Test func silentContentGetsTheFloorAndLoudContentNeverClips() throws {
        let synth = try RhythmSynthesizer(RhythmLabel(), sampleRate: 44100, channels: 2)
        #expect(try LoudnessMeter.integratedLoudness(of: [Float](repeating: 0, count: 88200), sampleRate: 44100, channels: 2) == nil)
        let quiet = try RhythmLevel().amplitude(for: synth, contentLUFS: nil)
        let floor = try #require(try LoudnessMeter.integratedLoudness(of: synth.samples(amplitude: quiet), sampleRate: 44100, channels: 2))
        #expect(abs(floor - -30) < 0.3)

        let loud = try LoudnessMeter.integratedLoudness(of: content(amplitude: 1), sampleRate: 44100, channels: 2)
        let amplitude = try RhythmLevel().amplitude(for: synth, contentLUFS: (loud ?? 0) + 6)
        let meter = try LoudnessMeter(sampleRate: 44100, channels: 2)
        meter.add(synth.samples(amplitude: amplitude))
        #expect(meter.samplePeak <= pow(10, -1.0 / 20) + 1e-6)
    }
}
