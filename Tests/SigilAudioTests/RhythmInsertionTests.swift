import Foundation
import SigilAudio
import SigilContainers
import SigilCore
import SigilTestSupport
import Testing

/// A PCM WAV in memory: `fmt ` (plain or WAVE_FORMAT_EXTENSIBLE), `data`, and the samples in `encoding`.
func makeWAV(_ encoding: WAVPCMLayout.SampleEncoding, channels: Int, rate: Int, samples: [Float], extensible: Bool = false) -> [UInt8] {
    func le(_ v: Int, _ n: Int) -> [UInt8] { (0..<n).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }
    let bits = encoding.bytes * 8
    let tag: Int
    if case .float = encoding { tag = 3 } else { tag = 1 }
    let align = channels * encoding.bytes
    var fmt = le(extensible ? 0xFFFE : tag, 2) + le(channels, 2) + le(rate, 4) + le(rate * align, 4) + le(align, 2) + le(bits, 2)
    if extensible {
        fmt += le(22, 2) + le(bits, 2) + le(0, 4) + le(tag, 2) + [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71]
    }
    var data = PCMCodec(encoding).encode(samples)
    let dataSize = data.count
    if dataSize % 2 == 1 { data.append(0) }
    let body = Array("WAVE".utf8) + Array("fmt ".utf8) + le(fmt.count, 4) + fmt + Array("data".utf8) + le(dataSize, 4) + data
    return Array("RIFF".utf8) + le(body.count, 4) + body
}

/// A 440 Hz sine, `seconds` long, interleaved over `channels`.
func sine(rate: Int, channels: Int, seconds: Double, amplitude: Float = 0.25) -> [Float] {
    var out: [Float] = []
    let step = 2 * Double.pi * 440 / Double(rate)
    for n in 0..<Int(Double(rate) * seconds) {
        let value: Float = amplitude * Float(sin(step * Double(n)))
        out += [Float](repeating: value, count: channels)
    }
    return out
}

@Suite struct RhythmInsertionTests {
    static let encodings: [(WAVPCMLayout.SampleEncoding, Bool)] = [
        (.unsigned8, false), (.signed(bits: 16), false), (.signed(bits: 24), false), (.signed(bits: 32), false),
        (.float(bits: 32), false), (.float(bits: 64), false), (.signed(bits: 24), true), (.float(bits: 32), true),
    ]

    @Test(arguments: 0..<encodings.count)
    func splicesEveryPCMEncodingSampleExactly(index: Int) throws {
        let (encoding, extensible) = Self.encodings[index]
        let original = makeWAV(encoding, channels: 1, rate: 16000, samples: sine(rate: 16000, channels: 1, seconds: 1.0001), extensible: extensible)
        let before = try WAVPCMLayout(MemoryByteSource(original))
        for position in [RhythmLabelInserter.Position.start, .end, .both, .at(seconds: 0.5)] {
            let outcome = try RhythmLabelInserter(position: position).edits(in: MemoryByteSource(original))
            let labeled = outcome.plan.apply(to: original)
            let after = try WAVPCMLayout(MemoryByteSource(labeled))
            #expect(after.frameCount == before.frameCount + outcome.frames.count * outcome.labelFrames)
            #expect(after.encoding == encoding && after.sampleRate == 16000)
            // RIFF size matches the file (plus the pad byte, when the data is odd).
            let riff = Int(labeled[4]) | Int(labeled[5]) << 8 | Int(labeled[6]) << 16 | Int(labeled[7]) << 24
            #expect(riff == labeled.count - 8)
            // The original frames are there, byte for byte, around the label.
            let a = before.blockAlign
            let bytes = Array(original[before.data])
            let newData = Array(labeled[after.data])
            let first = outcome.frames.first == 0 ? outcome.labelFrames * a : 0
            let split = outcome.frames.last.map { $0 * a } ?? 0
            if case .at = position {
                #expect(Array(newData[0..<split]) == Array(bytes[0..<split]))
                #expect(Array(newData[(split + outcome.labelFrames * a)...]) == Array(bytes[split...]))
            } else {
                #expect(Array(newData[first..<(first + bytes.count)]) == bytes)
            }
        }
    }

    /// 8-bit mono at 11,025 Hz: the label is an odd number of bytes, so the data chunk's pad byte comes and goes.
    @Test(arguments: [11025, 11026])
    func padByteFollowsTheDataSize(samples: Int) throws {
        let original = makeWAV(
            .unsigned8, channels: 1, rate: 11025, samples: sine(rate: 11025, channels: 1, seconds: (Double(samples) + 0.5) / 11025))
        for position in [RhythmLabelInserter.Position.start, .end, .both] {
            let labeled = try RhythmLabelInserter(position: position).edits(in: MemoryByteSource(original)).plan.apply(to: original)
            let layout = try WAVPCMLayout(MemoryByteSource(labeled))
            #expect(labeled.count == layout.data.upperBound + layout.data.count % 2)
            #expect(labeled.count % 2 == 0)
        }
    }

    @Test func unsupportedCodecIsNamed() throws {
        var wav = makeWAV(.signed(bits: 16), channels: 1, rate: 8000, samples: [0, 0])
        wav[20] = 0x55 // format tag 0x55: MPEG layer 3 in WAV
        #expect(throws: SigilError(.unsupportedFormat, "")) { try RhythmLabelInserter().edits(in: MemoryByteSource(wav)) }
    }

    @Test func positionPastTheEndIsAUsageError() throws {
        let wav = makeWAV(.signed(bits: 16), channels: 2, rate: 8000, samples: sine(rate: 8000, channels: 2, seconds: 1))
        #expect(throws: SigilError(.usage, "")) { try RhythmLabelInserter(position: .at(seconds: 2)).edits(in: MemoryByteSource(wav)) }
        #expect(throws: SigilError(.usage, "")) { try RhythmLabelInserter.Position(parsing: "middle") }
        #expect(try RhythmLabelInserter.Position(parsing: "2.5") == .at(seconds: 2.5))
    }

    static let sharedWAVs: [URL] = {
        let dir = TestPaths.shared.appendingPathComponent("media/audio")
        return ((try? FileManager.default.contentsOfDirectory(at: dir, includingPropertiesForKeys: nil)) ?? [])
            .filter { $0.pathExtension == "wav" }.sorted { $0.path < $1.path }
    }()

    /// The shared clips: the file grows by the label only, no click at the splice, the label within 10 LU of
    /// the content, and the label measured loudness at its target.
    @Test(.enabled(if: !sharedWAVs.isEmpty), arguments: sharedWAVs)
    func sharedClipsTakeTheLabelCleanly(url: URL) throws {
        let original = try [UInt8](Data(contentsOf: url))
        let inserter = RhythmLabelInserter(position: .at(seconds: 5))
        let outcome = try inserter.edits(in: MemoryByteSource(original))
        let labeled = outcome.plan.apply(to: original)
        let layout = try WAVPCMLayout(MemoryByteSource(original))
        #expect(labeled.count - original.count == outcome.labelFrames * layout.blockAlign)
        let after = try WAVPCMLayout(MemoryByteSource(labeled))
        let samples = PCMCodec(after.encoding).decode(Array(labeled[after.data]))
        let c = after.channels
        let at = outcome.frames[0]
        let n = outcome.labelFrames
        func maxJump(_ frames: Range<Int>) -> Float {
            var jump: Float = 0
            for f in frames.dropFirst() { for ch in 0..<c { jump = max(jump, abs(samples[f * c + ch] - samples[(f - 1) * c + ch])) } }
            return jump
        }
        // Each splice boundary jumps no more than the content does in the 10 ms before it (or the label's own
        // quietest step, when it meets silence).
        let window = after.sampleRate / 100
        let nearby = max(maxJump((at - window)..<at), maxJump((at + n)..<(at + n + window)))
        #expect(maxJump((at - 1)..<(at + 1)) <= nearby + 1e-4)
        #expect(maxJump((at + n - 1)..<(at + n + 1)) <= nearby + 1e-4)
        let label = Array(samples[(at * c)..<((at + n) * c)])
        let labelLUFS = try #require(try LoudnessMeter.integratedLoudness(of: label, sampleRate: after.sampleRate, channels: c))
        #expect(abs(labelLUFS - outcome.labelLUFS) < 0.5)
        if let content = outcome.contentLUFS { #expect(abs(labelLUFS - content) <= 10) }
    }
}
