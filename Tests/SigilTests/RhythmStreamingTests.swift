import Foundation
import Sigil
import Testing

/// A PCM WAV labeled with the rhythm label and the implicit label streams (decision 0032): the output is the
/// whole-file path's, byte for byte, and the process never holds the samples.
@Suite struct RhythmStreamingTests {
    /// A 16-bit mono WAV of `seconds` of a 440 Hz tone at 8 kHz.
    static func toneWAV(seconds: Int) -> [UInt8] {
        func le(_ v: Int, _ n: Int) -> [UInt8] { (0..<n).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }
        let rate = 8000
        var data: [UInt8] = []
        data.reserveCapacity(rate * seconds * 2)
        for n in 0..<(rate * seconds) {
            let value = Int16((0.2 * sin(2 * Double.pi * 440 * Double(n) / Double(rate)) * 32767).rounded())
            data.append(UInt8(truncatingIfNeeded: value))
            data.append(UInt8(truncatingIfNeeded: value >> 8))
        }
        let fmt = le(1, 2) + le(1, 2) + le(rate, 4) + le(rate * 2, 4) + le(2, 2) + le(16, 2)
        let body = Array("WAVEfmt ".utf8) + le(fmt.count, 4) + fmt + Array("data".utf8) + le(data.count, 4) + data
        return Array("RIFF".utf8) + le(body.count, 4) + body
    }

    @Test(arguments: ["short", "long"])
    func theStreamedLabelIsTheWholeFilePathsLabel(length: String) throws {
        let dir = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("in.wav")
        try FileIO.writeAtomically(Self.toneWAV(seconds: length == "short" ? 3 : 70), to: input.path)
        var policy = try TestSupport.policy([.implicit, .explicit], produceID: "rhythm-stream-\(length)")
        policy.labelSignature = nil
        let labeler = try Labeler(policy: policy)
        let out = dir.appendingPathComponent("out.wav")
        let streamed = try labeler.labelFile(at: input.path, to: out.path, keepBytes: false)
        #expect(streamed.bytes.isEmpty, "the streaming path was taken")
        #expect(streamed.marks == [.implicit, .explicit])
        let rhythm = try #require(streamed.rhythm)
        #expect(rhythm.frames == [0])
        let whole = try labeler.label(try TestSupport.read(input))
        #expect(whole.rhythm?.labelLUFS == rhythm.labelLUFS)
        #expect(try TestSupport.read(out) == whole.bytes)
        if length == "short" { // the long file's verification is the same, and slow in a debug build
            let report = try Verifier().verify(try TestSupport.read(out))
            #expect(report.label?.produceID == "rhythm-stream-\(length)")
            #expect(report.rhythm?.contains { $0.isMorseAI } == true)
        }
    }

    @Test func aSignedStreamedRhythmLabelVerifies() throws {
        let dir = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        var policy = try TestSupport.policy([.implicit, .explicit], produceID: "rhythm-stream-signed")
        policy.labelSignature = .sm2
        policy.provenanceKeys = try ProvenanceKeyLoader.load().keys
        let labeler = try Labeler(policy: policy)
        let out = dir.appendingPathComponent("out.wav")
        let outcome = try labeler.labelFile(at: TestSupport.examples.appendingPathComponent("chord.wav").path, to: out.path, keepBytes: false)
        #expect(outcome.bytes.isEmpty)
        #expect(outcome.rhythm != nil)
        let report = try Verifier().verify(try TestSupport.read(out))
        let integrity = try #require(report.integrity)
        #expect(integrity.state == .valid, "\(integrity.reason)")
        #expect(integrity.boundToContent)
        #expect(report.rhythm?.contains { $0.isMorseAI } == true)
    }

    /// Other audio formats take the whole-file path, as before (MP3: LAME frames joined to the untouched ones); the
    /// outcome holds no bytes when none are asked for.
    @Test(.enabled(if: (try? FFmpegTools.locate()) != nil, "needs ffmpeg (without it the label is left off: AudioRhythmCLITests)"))
    func anMP3WithTheRhythmLabelTakesTheWholeFilePath() throws {
        let dir = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        var policy = try TestSupport.policy([.implicit, .explicit], produceID: "rhythm-stream-mp3")
        policy.labelSignature = nil
        let out = dir.appendingPathComponent("out.mp3")
        let outcome = try Labeler(policy: policy).labelFile(
            at: TestSupport.examples.appendingPathComponent("chord.mp3").path, to: out.path, keepBytes: false)
        #expect(outcome.bytes.isEmpty, "a folder's outcomes never hold the files")
        #expect(outcome.rhythm != nil && outcome.marks == [.implicit, .explicit])
        let report = try Verifier().verify(try TestSupport.read(out))
        #expect(report.label?.produceID == "rhythm-stream-mp3")
        #expect(report.rhythm?.contains { $0.isMorseAI } == true)
    }
}
