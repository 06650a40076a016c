import Foundation
import Testing
import Sigil
import SigilTestSupport

/// The façade on media other than images: `sigil verify` reaches every format the registry knows.
@Suite struct MediaVerifyTests {
    static let c2pa = TestSupport.shared.appendingPathComponent("fixtures/c2pa")
    static var hasFixtures: Bool { FileManager.default.fileExists(atPath: c2pa.appendingPathComponent("signed.wav").path) }
    static let mediaFixtures = ["signed.wav", "signed.mp3", "signed.mp4", "source.wav", "source.mp3", "source.mp4"]

    /// c2pa-rs's verdict from the `.check.json` beside the fixture.
    static func expected(_ name: String) throws -> String {
        let data = try Data(contentsOf: c2pa.appendingPathComponent(name + ".check.json"))
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        return try #require(json["verdict"] as? String)
    }

    static func sigilVerdict(_ report: VerificationReport) -> String {
        switch report.c2pa?.state {
        case .valid?: "valid"
        case .validUntrustedSigner?: "valid-untrusted-signer"
        case .invalid?: "invalid"
        default: "no-manifest"
        }
    }

    @Test(.enabled(if: hasFixtures, "../shared/fixtures/c2pa is not beside the checkout"), arguments: mediaFixtures)
    func verifierMatchesC2PARSOnAudioAndVideo(_ name: String) throws {
        let bytes = try TestSupport.read(Self.c2pa.appendingPathComponent(name))
        let report = try Verifier().verify(bytes)
        let expected = try Self.expected(name)
        #expect(Self.sigilVerdict(report) == (expected.hasPrefix("invalid") ? "invalid" : expected), "c2pa-rs: \(expected)")
        #expect(report.format?.kind == (name.hasSuffix(".mp4") ? .video : .audio))
        if expected.hasPrefix("valid") {
            #expect(report.c2pa?.digitalSourceType?.hasSuffix("trainedAlgorithmicMedia") == true)
        }
    }

    @Test(.enabled(if: hasFixtures && TestSupport.sigilBinary != nil, "needs ../shared fixtures and the sigil executable"), arguments: mediaFixtures)
    func sigilVerifyPrintsTheSameVerdict(_ name: String) throws {
        let run = try TestSupport.run(TestSupport.sigilBinary!, ["verify", Self.c2pa.appendingPathComponent(name).path, "--json"])
        #expect(run.status == 1, "no GB 45438 label, so verify reports a problem: \(run.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect(report["format"] as? String == String(name.split(separator: ".").last!))
        let c2pa = report["c2pa"] as? [String: Any]
        let expected = try Self.expected(name)
        let state = c2pa?["state"] as? String ?? "absent"
        #expect((expected == "no-manifest" ? "absent" : expected.hasPrefix("invalid") ? "invalid" : expected) == state, "\(run.stdout)")
    }

    @Test(.enabled(if: TestSupport.sigilBinary != nil, "the sigil executable is not built"))
    func unknownFormatsExitThreeNamingWhatWasSeen() throws {
        let dir = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("notes.bin").path
        try FileIO.writeAtomically([0x7F] + Array("ELF not really".utf8), to: path)
        let run = try TestSupport.run(TestSupport.sigilBinary!, ["verify", path])
        #expect(run.status == 3)
        #expect(run.stderr.contains("7f 45 4c 46") && run.stderr.contains(".ELF"), "\(run.stderr)")
    }

    /// A WAV labeled end to end without the audio watermark: the rhythm label (audio's explicit mark) spliced in at
    /// the start, then the implicit label signed over the labeled audio frames and a C2PA manifest; every original
    /// frame follows the label untouched. (With the watermark, the default, every sample changes:
    /// `AudioWatermarkCLITests`.)
    @Test func aWAVIsLabeledSignedAndVerified() throws {
        let wav = try TestSupport.read(TestSupport.examples.appendingPathComponent("chord.wav"))
        let labeler = try Labeler(policy: try TestSupport.policy([.explicit, .implicit, .c2pa], produceID: "0199a3b2c4d5e6f708192a3b4c5d6e7f"))
        let outcome = try labeler.label(wav)
        #expect(outcome.format == .wav)
        #expect(outcome.marks == [.explicit, .implicit, .c2pa])
        #expect(outcome.rhythm?.frames == [0])
        var options = Verifier.Options()
        options.labelKeys = labeler.provenanceKeys.map(LabelVerifier.knownKeys) ?? []
        let report = try Verifier(options: options).verify(outcome.bytes)
        #expect(report.verdict == .aiGenerated)
        #expect(report.conformance == .compliant, "\(report.allFindings)")
        #expect(report.sites.count == 1)
        #expect(report.sites.first?.carrier.kind == .riffChunk)
        #expect(report.integrity?.state == .valid, "\(report.integrity?.reason ?? "")")
        #expect(report.integrity?.boundToContent == true)
        #expect(report.c2pa?.state == .validUntrustedSigner, "\(report.c2pa?.failureCodes ?? [])")
        let original = try CompressedImageData.bytes(of: wav)
        #expect(
            try CompressedImageData.bytes(of: outcome.bytes).suffix(original.count).elementsEqual(original),
            "the original frames follow the label untouched")
        #expect(report.rhythm?.filter(\.isMorseAI).count == 1)
    }

    /// The streaming path: a WAV's metadata-only label copies the audio with the kernel and equals the
    /// whole-file label byte for byte.
    @Test func theStreamingWAVLabelEqualsTheInMemoryOne() throws {
        let dir = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        var policy = try TestSupport.policy([.implicit], produceID: "0199a3b2c4d5e6f708192a3b4c5d6e7f")
        policy.labelSignature = nil
        let labeler = try Labeler(policy: policy)
        let input = TestSupport.examples.appendingPathComponent("chord.wav").path
        let out = dir.appendingPathComponent("out.wav").path
        let outcome = try labeler.labelFile(at: input, to: out, keepBytes: false)
        #expect(outcome.bytes.isEmpty, "the streaming path did not read the file into the outcome")
        #expect(try TestSupport.read(URL(fileURLWithPath: out)) == (try labeler.label(try FileIO.read(input))).bytes)
    }
}
