import Foundation
import Testing
import Sigil
import SigilTestSupport

/// `sigil label --marks implicit` and `sigil verify` on every audio container, through the registry; damaged
/// audio exits 3 and leaves no output file.
@Suite(.enabled(if: TestSupport.sigilBinary != nil, "the sigil executable is not built"))
struct AudioCLITests {
    let sigil = TestSupport.sigilBinary!
    let producer = TestSupport.producer.rawValue
    static let corpus = TestSupport.shared.appendingPathComponent("media/audio-formats")
    static let files = [
        "m03__flac_vc_picture_padding.flac", "m07__mp3_vbr_xing_id3v24.mp3", "m09__vorbis_q4.ogg", "s10__opus_24k_mono.opus",
        "m05__m4a_aac128_itunes_cover_faststart.m4a", "m07__m4a_aac96_itunes_moovlast.m4a", "m03__wav_rf64.wav",
    ]

    @Test(.enabled(if: FileManager.default.fileExists(atPath: corpus.path), "the shared audio corpus is not present"), arguments: files)
    func labelThenVerify(_ name: String) throws {
        let dir = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("labeled-\(name)").path
        let label = try TestSupport.run(
            sigil, ["label", Self.corpus.appendingPathComponent(name).path, "-o", out, "--producer", producer, "--marks", "implicit", "--no-record"])
        #expect(label.status == 0, "\(name): \(label.stderr)")
        let verify = try TestSupport.run(sigil, ["verify", out, "--json"])
        let report = try #require(try JSONSerialization.jsonObject(with: Data(verify.stdout.utf8)) as? [String: Any], "\(name): \(verify.stderr)")
        #expect(report["verdict"] as? String == "ai-generated", "\(name)")
        #expect((report["implicit"] as? [[String: Any]])?.count == 1, "\(name)")
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: corpus.path), "the shared audio corpus is not present"))
    func damagedAudioExitsThreeWithNoOutput() throws {
        let dir = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        var ogg = try TestSupport.read(Self.corpus.appendingPathComponent("m09__vorbis_q4.ogg"))
        ogg[100] ^= 0x55 // inside the header pages: their CRC no longer matches
        let input = dir.appendingPathComponent("crc.ogg")
        try Data(ogg).write(to: input)
        let out = dir.appendingPathComponent("out.ogg").path
        let run = try TestSupport.run(sigil, ["label", input.path, "-o", out, "--producer", producer, "--marks", "implicit", "--no-record"])
        #expect(run.status == 3, "\(run.stderr)")
        #expect(run.stderr.contains("CRC"), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out), "no output file")
    }
}
