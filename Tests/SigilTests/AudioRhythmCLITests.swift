import Foundation
import Sigil
import SigilTestSupport
import Testing

/// `sigil label --marks explicit` on audio: the rhythm label spliced into PCM WAV (then the implicit label,
/// signed over the labeled essence), heard again by `sigil verify`; compressed audio decoded and encoded again with
/// ffmpeg, and said so; without ffmpeg the mark is left off, never silently.
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

    static let ffmpeg = TestPaths.which("ffmpeg")

    /// Compressed audio is decoded, spliced and encoded once more with ffmpeg (decision 0024); the labeled file
    /// carries the rhythm label where `sigil verify` hears it, the implicit label signed over the new essence, and a
    /// notice naming the encoding. FLAC stays lossless.
    @Test(.enabled(if: ffmpeg != nil, "ffmpeg is not on PATH"), arguments: ["mp3", "flac", "ogg", "opus", "m4a"])
    func explicitMarkOnCompressedAudioIsEncodedAgainAndVerifies(ext: String) throws {
        let dir = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = TestSupport.examples.appendingPathComponent("chord.\(ext)").path
        let out = dir.appendingPathComponent("labeled.\(ext)").path
        let run = try TestSupport.run(
            sigil, ["label", input, "-o", out, "--producer", producer, "--marks", "explicit,implicit", "--no-record", "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let result = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], "\(run.stdout)")
        #expect(Set(result["marks"] as? [String] ?? []) == ["explicit", "implicit"])
        let rhythm = try #require(result["rhythm"] as? [String: Any])
        let encoding = try #require(rhythm["reencoded"] as? String)
        #expect(
            encoding.hasPrefix(ext == "flac" ? "flac (lossless" : ext == "m4a" ? "aac" : ext == "mp3" ? "label frames only" : "lib"), "\(encoding)")
        #expect((result["notices"] as? [String])?.contains { $0.contains("encoded again") } == (ext != "mp3"))
        if ext == "mp3" {
            // Only the label was encoded: the original's frames after its Info frame are in the output unchanged.
            let original = try FileIO.read(input)
            let labeled = try FileIO.read(out)
            let tail = Array(original.suffix(original.count / 2))
            #expect(labeled.count > original.count)
            #expect(
                labeled.indices.contains {
                    labeled[$0] == tail[0] && labeled.count - $0 >= tail.count && Array(labeled[$0..<($0 + tail.count)]) == tail
                })
        }

        let verify = try TestSupport.run(sigil, ["verify", out, "--json"])
        let report = try #require(try JSONSerialization.jsonObject(with: Data(verify.stdout.utf8)) as? [String: Any], "\(verify.stderr)")
        #expect(report["verdict"] as? String == "ai-generated")
        let heard = try #require(report["rhythm"] as? [[String: Any]], "verify decodes \(ext) to listen for the label")
        #expect(heard.count == 1)
        #expect(heard.first?["morseAI"] as? Bool == true)
        #expect((heard.first?["start"] as? Double ?? 9) < 0.3, "the label is at the start")
        #expect((report["integrity"] as? [String: Any])?["state"] as? String == "valid", "ReservedCode1 covers the re-encoded essence")
        // The unlabeled original has no rhythm label to hear.
        let plain = try TestSupport.run(sigil, ["verify", input, "--json"])
        let plainReport = try #require(try JSONSerialization.jsonObject(with: Data(plain.stdout.utf8)) as? [String: Any])
        #expect((plainReport["rhythm"] as? [Any])?.isEmpty == true)
    }

    /// Without ffmpeg the explicit mark is left off, said so, and the file still gets its implicit label untouched.
    @Test(.enabled(if: FileManager.default.fileExists(atPath: mp3.path), "the shared MP3 is not present"))
    func explicitMarkOnMP3WithoutFFmpegIsLeftOffAndSaid() throws {
        let dir = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out.mp3").path
        var environment = ProcessInfo.processInfo.environment
        environment["PATH"] = dir.path // nothing executable there
        let run = try TestSupport.run(
            sigil, ["label", Self.mp3.path, "-o", out, "--producer", producer, "--marks", "explicit,implicit", "--no-record", "--json"],
            environment: environment)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("needs ffmpeg"), "\(run.stderr)")
        let result = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect(result["marks"] as? [String] == ["implicit"], "the explicit mark is reported as not applied")
        // The audio frames are the original's: nothing was re-encoded.
        let original = try FileIO.read(Self.mp3.path)
        let labeled = try FileIO.read(out)
        #expect(labeled.suffix(4096) == original.suffix(4096))
    }

    static let espeak = TestPaths.which("espeak-ng")

    /// The spoken label (GB 45438 5.3 b, decision 0025): synthesised with espeak-ng at 120–160 characters a minute,
    /// spliced like the rhythm label; a supplied clip outside the rate and a sentence without both elements refused.
    @Test(.enabled(if: espeak != nil && ffmpeg != nil, "espeak-ng or ffmpeg is not on PATH"))
    func voiceLabelIsSpokenAtTheRateTheStandardAllows() throws {
        let dir = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = TestSupport.examples.appendingPathComponent("chord.wav").path
        let out = dir.appendingPathComponent("voice.wav").path
        let run = try TestSupport.run(
            sigil,
            ["label", input, "-o", out, "--producer", producer, "--marks", "explicit,implicit", "--audio-label", "voice", "--no-record", "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let result = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], "\(run.stdout)")
        let voice = try #require(result["rhythm"] as? [String: Any])
        #expect(voice["pattern"] as? String == "voice")
        let rate = try #require(voice["charactersPerMinute"] as? Double)
        #expect((120...160).contains(rate), "\(rate)")
        // The file grew by the spoken label: 10 characters at ~140 a minute is over 3.5 s of 16 kHz mono.
        let grown = try FileManager.default.attributesOfItem(atPath: out)[.size] as! Int
        let original = try FileManager.default.attributesOfItem(atPath: input)[.size] as! Int
        #expect(grown - original > 16_000 * 2 * 7 / 2)
        #expect(try TestSupport.run(sigil, ["verify", out]).status == 0)

        // A clip spoken too fast is refused, naming its rate.
        let fast = dir.appendingPathComponent("fast.wav").path
        _ = try TestSupport.run(Self.espeak!, ["-v", "cmn", "-s", "400", "-w", fast, "本内容由人工智能生成"])
        let refused = try TestSupport.run(
            sigil,
            ["label", input, "-o", dir.appendingPathComponent("x.wav").path, "--marks", "explicit,implicit", "--voice-label", fast, "--no-record"])
        #expect(refused.status == 2, "\(refused.stderr)")
        #expect(refused.stderr.contains("120–160"), "\(refused.stderr)")
        // A sentence without both wording elements is a usage error before anything is written.
        let wording = try TestSupport.run(
            sigil,
            ["label", input, "-o", dir.appendingPathComponent("y.wav").path, "--marks", "explicit,implicit", "--voice-text", "你好", "--no-record"])
        #expect(wording.status == 2, "\(wording.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("y.wav").path))
    }

    @Test func morseUnitOutsideTheRangeIsAUsageError() throws {
        let run = try TestSupport.run(
            sigil, ["label", Self.wav.path, "-o", "/tmp/never.wav", "--marks", "explicit,implicit", "--morse-unit-ms", "90", "--no-record"])
        #expect(run.status == 2, "\(run.stderr)")
        #expect(run.stderr.contains("100–150"), "\(run.stderr)")
    }
}
