import Foundation
import Sigil
import SigilTestSupport
import Testing

/// The audio watermark through the CLI: `sigil watermark embed|detect` on WAV (samples rewritten in place) and on
/// compressed audio (through ffmpeg); `sigil label` embeds it by default with the ProduceID's payload and
/// `sigil verify` reads it back and ties it to the implicit label.
@Suite(.enabled(if: TestSupport.sigilBinary != nil, "the sigil executable is not built"))
struct AudioWatermarkCLITests {
    let sigil = TestSupport.sigilBinary!
    let producer = TestSupport.producer.rawValue
    static let wav = TestSupport.shared.appendingPathComponent("media/audio/m07_etr_credits.wav")
    static let mp3 = TestSupport.shared.appendingPathComponent("media/audio-formats/m07__mp3_vbr_xing_id3v24.mp3")
    static let ffmpeg = TestPaths.which("ffmpeg")

    func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "\(text)")
    }

    @Test(
        "watermark embed rewrites only a WAV's samples; detect reads the payload back and says none on the original",
        .enabled(if: FileManager.default.fileExists(atPath: wav.path), "the shared WAV is not present"))
    func embedAndDetectWAV() throws {
        let dir = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("marked.wav").path
        let embed = try TestSupport.run(sigil, ["watermark", "embed", Self.wav.path, out, "--payload", "0123456789abcdef"])
        #expect(embed.status == 0, "\(embed.stderr)")
        let original = try FileIO.read(Self.wav.path)
        let marked = try FileIO.read(out)
        #expect(marked.count == original.count)
        let layout = try WAVPCMLayout(MemoryByteSource(original))
        #expect(Array(marked[..<layout.data.lowerBound]) == Array(original[..<layout.data.lowerBound]), "the header is untouched")
        #expect(Array(marked[layout.data.upperBound...]) == Array(original[layout.data.upperBound...]), "chunks after data are untouched")
        #expect(marked != original)

        let detect = try TestSupport.run(sigil, ["watermark", "detect", out, "--json"])
        #expect(detect.status == 0, "\(detect.stderr)")
        let report = try json(detect.stdout)
        #expect(report["medium"] as? String == "audio")
        #expect(report["detected"] as? Bool == true)
        #expect(report["payload"] as? String == "0123456789abcdef")
        #expect((report["bitAgreement"] as? Double ?? 0) > 0.9)

        let none = try TestSupport.run(sigil, ["watermark", "detect", Self.wav.path, "--require"])
        #expect(none.status == 1)
        #expect(none.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "none")
    }

    @Test(
        "watermark embed on MP3 encodes once more and the mark survives the codec",
        .enabled(if: ffmpeg != nil && FileManager.default.fileExists(atPath: mp3.path), "ffmpeg or the shared MP3 is missing"))
    func embedAndDetectMP3() throws {
        let dir = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("marked.mp3").path
        let embed = try TestSupport.run(sigil, ["watermark", "embed", Self.mp3.path, out, "--payload", "00000000cafef00d"])
        #expect(embed.status == 0, "\(embed.stderr)")
        let detect = try TestSupport.run(sigil, ["watermark", "detect", out])
        #expect(detect.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "00000000cafef00d", "\(detect.stderr)")
    }

    @Test(
        "label puts the mark into a WAV by default and verify ties its payload to the ProduceID",
        .enabled(if: FileManager.default.fileExists(atPath: wav.path), "the shared WAV is not present"))
    func labelAndVerifyWAV() throws {
        let dir = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("labeled.wav").path
        let label = try TestSupport.run(sigil, ["label", Self.wav.path, "-o", out, "--producer", producer, "--no-record", "--json"])
        #expect(label.status == 0, "\(label.stderr)")
        #expect(Set(try json(label.stdout)["marks"] as? [String] ?? []).isSuperset(of: ["explicit", "implicit", "watermark"]))

        let verify = try TestSupport.run(sigil, ["verify", out, "--json"])
        let report = try json(verify.stdout)
        let watermark = try #require(report["watermark"] as? [String: Any], "\(verify.stdout)")
        #expect(watermark["medium"] as? String == "audio")
        #expect(watermark["detected"] as? Bool == true)
        #expect(watermark["matchesProduceID"] as? Bool == true)
        #expect((report["integrity"] as? [String: Any])?["state"] as? String == "valid", "ReservedCode1 covers the marked samples")
        let rhythm = try #require(report["rhythm"] as? [[String: Any]])
        #expect(rhythm.first?["morseAI"] as? Bool == true, "the rhythm label is still heard under the mark")

        let plain = try json(try TestSupport.run(sigil, ["verify", Self.wav.path, "--json"]).stdout)
        #expect((plain["watermark"] as? [String: Any])?["detected"] as? Bool == false)
    }
}
