import Foundation
import SigilContainers
import Testing
import SigilTestSupport
@testable import SigilProvenance

/// Media for every format Sigil writes C2PA into: the shared fixtures when present, else synthetic files.
enum SigningMedia {
    static func bytes(_ format: MediaFormat) throws -> (name: String, bytes: [UInt8]) {
        let F = ProvenanceTestSupport.self
        switch format {
        case .jpeg: return ("landscape.jpg", try F.example("landscape.jpg"))
        case .png: return ("gray.png", try F.example("gray.png"))
        case .webp: return ("meadow.webp", try F.example("meadow.webp"))
        case .wav: return ("tone.wav", F.hasFixtures ? try F.fixture("source.wav") : wav())
        case .mp3: return ("tone.mp3", F.hasFixtures ? try F.fixture("source.mp3") : mp3())
        case .avi: return ("clip.avi", try F.example("clip.avi"))
        default: return ("clip.mp4", try F.fixture("source.mp4"))
        }
    }

    /// A 0.1 s 8 kHz mono 16-bit WAV of silence.
    static func wav() -> [UInt8] {
        let samples = [UInt8](repeating: 0, count: 1600)
        var fmt: [UInt8] = []
        fmt += UInt16(1).littleEndianArray + UInt16(1).littleEndianArray + UInt32(8000).littleEndianArray + UInt32(16000).littleEndianArray
        fmt += UInt16(2).littleEndianArray + UInt16(16).littleEndianArray
        let body =
            Array("WAVE".utf8) + Array("fmt ".utf8) + UInt32(fmt.count).littleEndianArray + fmt + Array("data".utf8)
            + UInt32(samples.count).littleEndianArray + samples
        return Array("RIFF".utf8) + UInt32(body.count).littleEndianArray + body
    }

    /// A few silent MPEG-1 Layer III frames (128 kbit/s, 44.1 kHz) without an ID3 tag.
    static func mp3() -> [UInt8] {
        var out: [UInt8] = []
        for _ in 0..<4 { out += [0xFF, 0xFB, 0x90, 0x64] + [UInt8](repeating: 0, count: 413) }
        return out
    }
}

@Suite struct C2PASigningTests {
    static let writable: [MediaFormat] = [.jpeg, .png, .webp, .wav, .mp3, .avi]

    static func sign(_ format: MediaFormat, label: AIGCLabel? = nil) throws -> C2PASigner.Signed {
        let (name, bytes) = try SigningMedia.bytes(format)
        var content = C2PASigner.Content(label: label, title: name)
        content.softwareAgent = GeneratorInfo(name: "ExampleDiffusionModel", version: "1.0")
        return try C2PASigner(identity: ProvenanceTestSupport.development.identity).sign(bytes, format: format, content: content)
    }

    static let label = try! AIGCLabel.firstWrite(producer: "001191110102MACQD9K64010000", produceID: "c2pa-test-0001")

    @Test(arguments: writable)
    func ourReaderValidatesWhatWeSign(format: MediaFormat) throws {
        let signed = try Self.sign(format, label: Self.label)
        let report = C2PAValidator().validate(signed.bytes)
        #expect(report.state == .validUntrustedSigner, "\(report.failure)")
        #expect(report.failureCodes == ["signingCredential.untrusted"])
        #expect(report.codes.contains("assertion.dataHash.match"))
        #expect(report.codes.contains("claimSignature.validated"))
        #expect(report.digitalSourceType == DigitalSourceType.trainedAlgorithmicMedia.rawValue)
        #expect(report.aigcLabel == Self.label)
        #expect(report.signer?.organization == "Sigil Test")
        #expect(report.activeManifest == signed.manifestLabel)
        #expect(MediaRegistry.standard.format(of: signed.bytes) == format)

        var options = C2PAValidator.Options(trustAnchors: ProvenanceTestSupport.anchors)
        options.validationTime = Date()
        let trusted = C2PAValidator(options: options).validate(signed.bytes)
        #expect(trusted.state == .valid, "\(trusted.failure)")
    }

    @Test(arguments: writable)
    func resigningReplacesTheStore(format: MediaFormat) throws {
        let first = try Self.sign(format)
        let second = try C2PASigner(identity: ProvenanceTestSupport.development.identity).sign(
            first.bytes, format: format, content: .init(label: Self.label))
        #expect(try ManifestCarrier.find(in: second.bytes, format: format).count == 1)
        #expect(C2PAValidator().validate(second.bytes).state == .validUntrustedSigner)
        // Removing the store gives the unsigned bytes back (for MP3, the ID3 tag loses its padding).
        let (_, original) = try SigningMedia.bytes(format)
        #expect(try ManifestCarrier.remove(from: second.bytes, format: format) == ManifestCarrier.remove(from: first.bytes, format: format))
        if format != .mp3 { #expect(try ManifestCarrier.remove(from: second.bytes, format: format) == original) }
    }

    @Test func largeStoresSplitOverSeveralJPEGSegments() throws {
        let (_, jpeg) = try SigningMedia.bytes(.jpeg)
        var content = C2PASigner.Content(label: Self.label)
        content.title = String(repeating: "t", count: 150_000)
        let signed = try C2PASigner(identity: ProvenanceTestSupport.development.identity).sign(jpeg, format: .jpeg, content: content)
        let segments = try ContainerSegments.jpeg(signed.bytes).segments.filter { $0.marker == 0xEB }
        #expect(segments.count == 3)
        #expect(C2PAValidator().validate(signed.bytes).state == .validUntrustedSigner)
    }

    @Test func unsignedFilesAreAbsent() throws {
        for format in Self.writable {
            #expect(C2PAValidator().validate(try SigningMedia.bytes(format).bytes).state == .absent)
        }
        #expect(C2PAValidator().validate(Array("not an asset".utf8)).state == .absent)
    }

    /// Random damage inside the embedded store (and truncation anywhere) ends in a report, never a crash or a hang.
    @Test(arguments: writable)
    func damagedStoresNeverCrash(format: MediaFormat) throws {
        let signed = try Self.sign(format, label: Self.label)
        var generator = SplitMix64(seed: UInt64(format.id.count) * 7919)
        for round in 0..<300 {
            var bytes = signed.bytes
            if round % 10 == 9 {
                bytes.removeLast(Int.random(in: 1..<bytes.count, using: &generator))
            } else {
                for _ in 0..<Int.random(in: 1...4, using: &generator) {
                    bytes[Int.random(in: signed.exclusion, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
                }
            }
            // Some bytes are covered by no hash (JUMBF labels of the claim and signature boxes), so the verdict may
            // stay valid; what matters is that every input ends in a report.
            _ = C2PAValidator().validate(bytes)
        }
    }

    // MARK: Interop with c2pa-rs (the oracle); skipped when the bench venv is absent.

    @Test(.enabled(if: ProvenanceTestSupport.hasOracle), arguments: writable)
    func c2paRSAcceptsWhatWeSign(format: MediaFormat) throws {
        let signed = try Self.sign(format, label: Self.label)
        let name = try SigningMedia.bytes(format).name
        let untrusted = try ProvenanceTestSupport.oracleVerdict(signed.bytes, name: name)
        #expect(untrusted.verdict == "valid-untrusted-signer", "\(untrusted.json)")
        #expect(untrusted.json.contains("trainedAlgorithmicMedia"))
        let trusted = try ProvenanceTestSupport.oracleVerdict(signed.bytes, name: name, trustAnchors: ProvenanceTestSupport.anchorPEM)
        #expect(trusted.verdict == "valid", "\(trusted.json)")
    }

    @Test(.enabled(if: ProvenanceTestSupport.hasOracle))
    func c2paRSAcceptsSplitJPEGStores() throws {
        let (_, jpeg) = try SigningMedia.bytes(.jpeg)
        var content = C2PASigner.Content(label: Self.label)
        content.title = String(repeating: "t", count: 150_000)
        let signed = try C2PASigner(identity: ProvenanceTestSupport.development.identity).sign(jpeg, format: .jpeg, content: content)
        #expect(try ProvenanceTestSupport.oracleVerdict(signed.bytes, name: "split.jpg").verdict == "valid-untrusted-signer")
    }
}
