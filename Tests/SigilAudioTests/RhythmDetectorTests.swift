import Foundation
import SigilAudio
import SigilContainers
import SigilCore
import SigilTestSupport
import Testing

@Suite struct RhythmDetectorTests {
    func detect(_ samples: [Float], rate: Int, channels: Int = 1) -> [RhythmDetector.Detection] {
        var detector = RhythmDetector(sampleRate: rate)
        detector.add(samples, channels: channels)
        return detector.detections()
    }

    @Test(arguments: [(100.0, 300.0, 8000), (120, 1000, 44100), (150, 4000, 48000), (135, 2333, 22050)])
    func generatedLabelDecodesAsMorseAI(unit: Double, tone: Double, rate: Int) throws {
        let synth = try RhythmSynthesizer(RhythmLabel(unitMilliseconds: unit, toneHertz: tone), sampleRate: rate, channels: 2)
        let found = detect(synth.samples(amplitude: 0.2), rate: rate, channels: 2)
        let d = try #require(found.first)
        #expect(found.count == 1)
        #expect(d.pattern == ".- ..")
        #expect(d.isMorseAI)
        #expect(abs(d.unitMilliseconds - unit) < 0.05 * unit)
        #expect(abs(d.toneHertz - tone) < 0.01 * tone)
        #expect(abs(d.start - 0.2) < 0.021)
        // Dash ≈ 3 dots.
        let dash = d.burstMilliseconds[1]
        let dot = d.burstMilliseconds[0]
        #expect(abs(dash / dot - 3) < 0.3)
    }

    /// gtkit/aigc's cue: 800 Hz beeps of 120/360/120/120 ms with 120 ms gaps: Morse "L", not "AI".
    @Test func gtkitPatternDecodesAsL() throws {
        let rate = 44100
        var samples = [Float](repeating: 0, count: rate / 5)
        for (i, ms) in [120, 360, 120, 120].enumerated() {
            if i > 0 { samples += [Float](repeating: 0, count: rate * 120 / 1000) }
            samples += (0..<(rate * ms / 1000)).map { 0.5 * Float(sin(2 * Double.pi * 800 * Double($0) / Double(rate))) }
        }
        samples += [Float](repeating: 0, count: rate / 5)
        let d = try #require(detect(samples, rate: rate).first)
        #expect(d.pattern == ".-..")
        #expect(d.letters == "L")
        #expect(!d.isMorseAI)
        #expect(abs(d.toneHertz - 800) < 8)
    }

    @Test func silenceNoiseAndASteadyToneHaveNoRhythmLabel() {
        let rate = 16000
        #expect(detect([Float](repeating: 0, count: rate * 2), rate: rate).isEmpty)
        var seed: UInt64 = 7
        let noise = (0..<(rate * 2)).map { _ -> Float in
            seed = seed &* 6_364_136_223_846_793_005 &+ 1
            return Float(Int64(bitPattern: seed) >> 40) / Float(1 << 23) * 0.3
        }
        #expect(detect(noise, rate: rate).isEmpty)
        #expect(detect(sine(rate: rate, channels: 1, seconds: 3), rate: rate).isEmpty)
    }

    @Test(.enabled(if: !RhythmInsertionTests.sharedWAVs.isEmpty), arguments: RhythmInsertionTests.sharedWAVs)
    func insertedLabelIsHeardInTheSharedClips(url: URL) throws {
        let original = try [UInt8](Data(contentsOf: url))
        #expect(try RhythmDetector.detect(inWAV: MemoryByteSource(original)).isEmpty, "no rhythm heard in the unlabeled clip")
        for position in [RhythmLabelInserter.Position.start, .end, .at(seconds: 7.25)] {
            let outcome = try RhythmLabelInserter(position: position).edits(in: MemoryByteSource(original))
            let labeled = outcome.plan.apply(to: original)
            let layout = try WAVPCMLayout(MemoryByteSource(labeled))
            let ai = try RhythmDetector.detect(inWAV: MemoryByteSource(labeled)).filter(\.isMorseAI)
            let d = try #require(ai.first, "no Morse AI in \(url.lastPathComponent) at \(position)")
            #expect(ai.count == 1)
            let expectedStart = Double(outcome.frames[0]) / Double(layout.sampleRate) + 0.2
            #expect(abs(d.start - expectedStart) < 0.021)
            #expect(abs(d.unitMilliseconds - 120) < 6)
            #expect(abs(d.toneHertz - 1000) < 10)
        }
    }

    @Test func bothPositionsGiveTwoLabels() throws {
        let wav = makeWAV(.signed(bits: 16), channels: 2, rate: 22050, samples: sine(rate: 22050, channels: 2, seconds: 2))
        let labeled = try RhythmLabelInserter(position: .both).edits(in: MemoryByteSource(wav)).plan.apply(to: wav)
        let found = try RhythmDetector.detect(inWAV: MemoryByteSource(labeled))
        #expect(found.filter(\.isMorseAI).count == 2)
    }
}
