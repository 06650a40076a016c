import Foundation
import SigilAudio
import SigilContainers
import SigilCore
import SigilTestSupport
import Testing

/// The stream labeler: content passes byte for byte, in chunks of any size (mid-frame included), with the
/// Morse-AI label where it was asked for, joined without a click, at a level set from the content.
@Suite struct AudioStreamLabelerTests {
    /// Sends `content` through `labeler` in chunks cut at pseudo-random byte offsets (odd sizes, split frames).
    func stream(_ content: [UInt8], through labeler: AudioStreamLabeler, seed: UInt64 = 1) throws -> [UInt8] {
        var out = try labeler.opening()
        var state = seed
        var at = 0
        while at < content.count {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let size = 1 + Int(state >> 33) % 4099
            out += try labeler.pass(Array(content[at..<min(content.count, at + size)]))
            at += size
        }
        return out + (try labeler.finish())
    }

    func detections(_ bytes: [UInt8], encoding: WAVPCMLayout.SampleEncoding, channels: Int, rate: Int) -> [RhythmDetector.Detection] {
        var detector = RhythmDetector(sampleRate: rate)
        detector.add(PCMCodec(encoding).decode(bytes), channels: channels)
        return detector.detections()
    }

    @Test(arguments: [
        (WAVPCMLayout.SampleEncoding.signed(bits: 16), 1, 24000), (.signed(bits: 24), 2, 44100), (.float(bits: 32), 2, 48000), (.unsigned8, 1, 16000),
    ])
    func bothEndsCarryTheLabelAndTheContentPassesUnchanged(encoding: WAVPCMLayout.SampleEncoding, channels: Int, rate: Int) throws {
        let content = PCMCodec(encoding).encode(sine(rate: rate, channels: channels, seconds: 2.5, amplitude: 0.3))
        let labeler = try AudioStreamLabeler(encoding: encoding, channels: channels, sampleRate: rate, position: .both)
        let out = try stream(content, through: labeler)
        let align = channels * encoding.bytes
        #expect(labeler.placed.count == 2)
        let labelBytes = labeler.placed.map { $0.frames * align }
        #expect(out.count == content.count + labelBytes.reduce(0, +), "the stream grows by the labels only")
        // The content is the input, byte for byte: the glides at the joins are made in the label's samples.
        let start = labelBytes[0]
        #expect(Array(out[start..<(start + content.count)]) == content)
        #expect(labeler.placed[1].frame == labeler.placed[0].frames + content.count / align)
        let found = detections(out, encoding: encoding, channels: channels, rate: rate).filter(\.isMorseAI)
        #expect(found.count == 2, "Morse AI at the start and at the end")
        if let first = found.first { #expect(abs(first.start - 0.2) < 0.021) }
        if found.count == 2 {
            let expected = Double(labeler.placed[1].frame) / Double(rate) + 0.2
            #expect(abs(found[1].start - expected) < 0.021)
        }
    }

    @Test func aLabelInsideTheStreamLandsOnItsFrameWithoutAClick() throws {
        let rate = 22050
        let channels = 2
        let encoding = WAVPCMLayout.SampleEncoding.signed(bits: 16)
        let samples = sine(rate: rate, channels: channels, seconds: 3, amplitude: 0.5)
        let content = PCMCodec(encoding).encode(samples)
        let labeler = try AudioStreamLabeler(encoding: encoding, channels: channels, sampleRate: rate, position: .at(seconds: 1.25))
        let out = try stream(content, through: labeler, seed: 99)
        let at = Int((1.25 * Double(rate)).rounded())
        let placed = try #require(labeler.placed.first)
        #expect(labeler.placed.count == 1)
        #expect(placed.frame == at)
        let decoded = PCMCodec(encoding).decode(out)
        func maxJump(_ frames: Range<Int>) -> Float {
            var jump: Float = 0
            for f in frames.dropFirst() {
                for c in 0..<channels { jump = max(jump, abs(decoded[f * channels + c] - decoded[(f - 1) * channels + c])) }
            }
            return jump
        }
        let window = rate / 100
        let nearby = max(maxJump((at - window)..<at), maxJump((at + placed.frames)..<(at + placed.frames + window)))
        #expect(maxJump((at - 1)..<(at + 1)) <= nearby + 1e-3, "no step where the label starts")
        #expect(maxJump((at + placed.frames - 1)..<(at + placed.frames + 1)) <= nearby + 1e-3, "no step where the content resumes")
        let label = Array(decoded[(at * channels)..<((at + placed.frames) * channels)])
        let labelLUFS = try #require(try LoudnessMeter.integratedLoudness(of: label, sampleRate: rate, channels: channels))
        let contentLUFS = try #require(try LoudnessMeter.integratedLoudness(of: samples, sampleRate: rate, channels: channels))
        #expect(abs(labelLUFS - contentLUFS) <= 10, "label \(labelLUFS) LUFS beside content \(contentLUFS) LUFS")
        #expect(detections(out, encoding: encoding, channels: channels, rate: rate).filter(\.isMorseAI).count == 1)
    }

    @Test func theOpeningLabelIsReadyBeforeAnyContentAndEachTurnGetsOne() throws {
        let rate = 16000
        let labeler = try AudioStreamLabeler(encoding: .signed(bits: 16), channels: 1, sampleRate: rate)
        let opening = try labeler.opening()
        // All but the last few milliseconds, which glide into the first content frame.
        let total = try RhythmSynthesizer(RhythmLabel(), sampleRate: rate, channels: 1).frameCount
        #expect(opening.count / 2 >= total - rate / 100)
        let turn = PCMCodec(.signed(bits: 16)).encode(sine(rate: rate, channels: 1, seconds: 1))
        var out = opening + (try labeler.pass(turn))
        out += try labeler.opening() // the next turn
        out += try labeler.pass(turn)
        out += try labeler.finish()
        #expect(labeler.placed.count == 2)
        #expect(out.count == 2 * turn.count + 2 * total * 2)
        #expect(detections(out, encoding: .signed(bits: 16), channels: 1, rate: rate).filter(\.isMorseAI).count == 2)
    }

    @Test func misuseIsRefusedWithAReason() throws {
        let labeler = try AudioStreamLabeler(encoding: .signed(bits: 16), channels: 2, sampleRate: 8000, position: .end)
        _ = try labeler.pass([1, 2, 3]) // ends inside a 4-byte frame
        #expect(throws: SigilError.self) { try labeler.opening() }
        _ = try labeler.finish()
        #expect(throws: SigilError.self) { try labeler.pass([0, 0, 0, 0]) }
        #expect(throws: SigilError.self) {
            try AudioStreamLabeler(encoding: .signed(bits: 16), channels: 1, sampleRate: 8000, assumedContentLUFS: 5)
        }
        #expect(throws: SigilError.self) {
            try AudioStreamLabeler(encoding: .signed(bits: 16), channels: 1, sampleRate: 8000, label: RhythmLabel(unitMilliseconds: 50))
        }
    }

    @Test func anEmptyStreamStillCarriesItsLabel() throws {
        let labeler = try AudioStreamLabeler(encoding: .float(bits: 32), channels: 1, sampleRate: 16000)
        let out = try labeler.opening() + (try labeler.finish())
        #expect(labeler.placed.count == 1)
        #expect(detections(out, encoding: .float(bits: 32), channels: 1, rate: 16000).filter(\.isMorseAI).count == 1)
        // Both ends of nothing: two labels, one after the other.
        let both = try AudioStreamLabeler(encoding: .float(bits: 32), channels: 1, sampleRate: 16000, position: .both)
        let twice = try both.opening() + (try both.finish())
        #expect(both.placed.map(\.frame) == [0, both.placed[0].frames])
        #expect(twice.count == 4 * both.placed.map(\.frames).reduce(0, +))
    }
}
