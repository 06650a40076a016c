import Foundation
import Sigil
import SigilTestSupport
import Testing

/// `sigil label --marks explicit` on audio: the rhythm label spliced into PCM WAV (then the implicit label,
/// signed over the labeled essence), heard again by `sigil verify`; other formats refused, never re-encoded.
@Suite(.enabled(if: TestSupport.sigilBinary != nil, "the sigil executable is not built"))
struct AudioRhythmCLITests {
    let sigil = TestSupport.sigilBinary!
    let producer = TestSupport.producer.rawValue
    static let wav = TestSupport.shared.appendingPathComponent("media/audio/s10_speech_en_words_ktuberling.wav")
    static let mp3 = TestSupport.shared.appendingPathComponent("media/audio-formats/m07__mp3_vbr_xing_id3v24.mp3")

    @Test(.enabled(if: FileManager.default.fileExists(atPath: wav.path), "the shared WAV is not present"))
    func explicitMarkOnWAVIsTheRhythmLabelAndVerifies() throws {
        let dir = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("labeled.wav").path
        let label = try TestSupport.run(
            sigil,
            [
                "label", Self.wav.path, "-o", out, "--producer", producer, "--marks", "explicit,implicit", "--audio-label-position", "3.5",
                "--tone-hz", "1500", "--no-record",
            ])
        #expect(label.status == 0, "\(label.stderr)")
        #expect(label.stdout.contains("rhythm label Morse AI"), "\(label.stdout)")
        let verify = try TestSupport.run(sigil, ["verify", out, "--json"])
        let report = try #require(try JSONSerialization.jsonObject(with: Data(verify.stdout.utf8)) as? [String: Any], "\(verify.stderr)")
        #expect(report["verdict"] as? String == "ai-generated")
        let rhythm = try #require(report["rhythm"] as? [[String: Any]])
        #expect(rhythm.count == 1)
        #expect(rhythm.first?["morseAI"] as? Bool == true)
        #expect(abs((rhythm.first?["start"] as? Double ?? 0) - 3.7) < 0.025)
        #expect(abs((rhythm.first?["toneHz"] as? Double ?? 0) - 1500) < 15)
        // The signature in ReservedCode1 was made over the labeled essence.
        #expect((report["integrity"] as? [String: Any])?["state"] as? String != "invalid")
        let text = try TestSupport.run(sigil, ["verify", out])
        #expect(text.stdout.contains("rhythm       Morse AI"), "\(text.stdout)")
        // The file grew by the label and its padding only: 1.72 s of 16-bit stereo at 44.1 kHz, plus the AIGC chunk.
        let grown = try FileManager.default.attributesOfItem(atPath: out)[.size] as! Int
        let original = try FileManager.default.attributesOfItem(atPath: Self.wav.path)[.size] as! Int
        #expect(grown - original >= 75852 * 4 && grown - original < 75852 * 4 + 4096)
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: mp3.path), "the shared MP3 is not present"))
    func explicitMarkOnMP3IsLeftOffAndSaidNotReencoded() throws {
        let dir = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out.mp3").path
        let run = try TestSupport.run(
            sigil, ["label", Self.mp3.path, "-o", out, "--producer", producer, "--marks", "explicit,implicit", "--no-record", "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("the rhythm label is inserted into PCM WAV only so far"), "\(run.stderr)")
        let result = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect(result["marks"] as? [String] == ["implicit"], "the explicit mark is reported as not applied")
        #expect((result["notices"] as? [String])?.first?.contains("PCM WAV only") == true)
        // The audio frames are the original's: nothing was re-encoded.
        let original = try FileIO.read(Self.mp3.path)
        let labeled = try FileIO.read(out)
        #expect(labeled.suffix(4096) == original.suffix(4096))
    }

    @Test func morseUnitOutsideTheRangeIsAUsageError() throws {
        let run = try TestSupport.run(
            sigil, ["label", Self.wav.path, "-o", "/tmp/never.wav", "--marks", "explicit,implicit", "--morse-unit-ms", "90", "--no-record"])
        #expect(run.status == 2, "\(run.stderr)")
        #expect(run.stderr.contains("100–150"), "\(run.stderr)")
    }
}
