import Foundation
@testable import SigilContainers
import Testing
import SigilTestSupport
@testable import SigilProvenance

/// C2PA in MP4, MOV and M4A (decision 0209): the store in a C2PA `uuid` box right after `ftyp`, the chunk offsets
/// moved by its length, bound by `c2pa.hash.bmff.v3`; checked by Sigil's validator and, when installed, by c2pa-rs.
@Suite struct BMFFC2PATests {
    static let video = ProvenanceTestSupport.shared.appendingPathComponent("media/video")
    static var videoAvailable: Bool { FileManager.default.fileExists(atPath: video.appendingPathComponent("SOURCES.md").path) }

    /// The examples (moov before mdat) always; the shared clips (moov after mdat in two of them, QuickTime) when present.
    static let examples = ["clip.mp4", "chord.m4a"]
    static let sharedClips = ["bbb_1280x720_24.mp4", "bbb_vertical_720x1280_24.mov", "leaves_1920x1080_25.mp4"]
    static var all: [String] { examples + (videoAvailable ? sharedClips : []) }

    static func media(_ name: String) throws -> (format: MediaFormat, bytes: [UInt8]) {
        let bytes =
            examples.contains(name)
            ? try ProvenanceTestSupport.example(name) : try ProvenanceTestSupport.read(video.appendingPathComponent(name))
        return (try #require(MediaRegistry.standard.format(of: bytes)), bytes)
    }

    static func sign(_ bytes: [UInt8], format: MediaFormat, title: String) throws -> C2PASigner.Signed {
        try C2PASigner(identity: ProvenanceTestSupport.development.identity).sign(
            bytes, format: format, content: C2PASigner.Content(label: C2PASigningTests.label, title: title))
    }

    /// The `stco`/`co64` entries of `bytes`, in table order.
    static func chunkOffsets(_ bytes: [UInt8]) throws -> [Int] {
        var out: [Int] = []
        for table in try BMFFWalker.tree(bytes) where table.type == "stco" || table.type == "co64" {
            let p = table.payload
            let width = table.type == "co64" ? 8 : 4
            for entry in 0..<bytes.u32be(p.lowerBound + 4) {
                let at = p.lowerBound + 8 + entry * width
                out.append(bytes[at..<(at + width)].reduce(0) { $0 << 8 | Int($1) })
            }
        }
        return out
    }

    /// The bytes of each `mdat` box's payload.
    static func media(in bytes: [UInt8]) throws -> [[UInt8]] {
        try BMFFWalker.topLevel(bytes).filter { $0.type == "mdat" }.map { Array(bytes[$0.payload]) }
    }

    @Test(arguments: all)
    func weSignAndValidate(name: String) throws {
        let (format, original) = try Self.media(name)
        let signed = try Self.sign(original, format: format, title: name)
        let report = C2PAValidator(options: .init(trustAnchors: ProvenanceTestSupport.anchors)).validate(signed.bytes)
        #expect(report.state == .valid, "\(name): \(report.failure)")
        #expect(report.codes.contains("assertion.bmffHash.match"), "\(name)")
        #expect(report.assertionLabels.contains("c2pa.hash.bmff.v3"), "\(name)")
        #expect(report.aigcLabel == C2PASigningTests.label)
        #expect(C2PAValidator().validate(signed.bytes).state == .validUntrustedSigner)

        // Layout: ftyp, then the C2PA box (as c2pa-rs writes it), then the original boxes.
        let top = try BMFFWalker.topLevel(signed.bytes)
        #expect(top.map(\.type) == ["ftyp", "uuid"] + (try BMFFWalker.topLevel(original)).dropFirst().map(\.type), "\(name)")
        #expect(top[1].range == signed.exclusion)
        let header = Array(signed.bytes[top[1].payload.prefix(4 + 9 + 8)])
        #expect(
            header == [0, 0, 0, 0] + Array("manifest".utf8) + [0] + [UInt8](repeating: 0, count: 8), "\(name): FullBox 0, manifest, Merkle offset 0")
        #expect(MediaRegistry.standard.format(of: signed.bytes) == format)

        // Every chunk offset moved by the box's length and still points at the same sample bytes.
        let before = try Self.chunkOffsets(original)
        let after = try Self.chunkOffsets(signed.bytes)
        #expect(!before.isEmpty && after == before.map { $0 + signed.exclusion.count }, "\(name)")
        for (old, new) in zip(before, after) {
            #expect(original[old..<(old + 16)] == signed.bytes[new..<(new + 16)], "\(name): chunk at \(old)")
        }
        #expect(try Self.media(in: original) == Self.media(in: signed.bytes), "\(name): the media data is byte-identical")
    }

    @Test(arguments: examples)
    func aFlippedSampleByteIsAMismatch(name: String) throws {
        let (format, original) = try Self.media(name)
        let signed = try Self.sign(original, format: format, title: name)
        let mdat = try #require(try BMFFWalker.topLevel(signed.bytes).first { $0.type == "mdat" })
        var bytes = signed.bytes
        bytes[mdat.payload.lowerBound + mdat.payload.count / 2] ^= 0x01
        let report = C2PAValidator().validate(bytes)
        #expect(report.state == .invalid)
        #expect(report.failureCodes.contains("assertion.bmffHash.mismatch"), "\(report.failureCodes)")
    }

    @Test(arguments: examples)
    func resigningReplacesTheStoreAndRemovingRestoresTheFile(name: String) throws {
        let (format, original) = try Self.media(name)
        let first = try Self.sign(original, format: format, title: name)
        let second = try Self.sign(first.bytes, format: format, title: name)
        #expect(try ManifestCarrier.find(in: second.bytes, format: format).count == 1)
        #expect(C2PAValidator().validate(second.bytes).state == .validUntrustedSigner)
        #expect(try ManifestCarrier.remove(from: second.bytes, format: format) == original, "the chunk offsets move back")
    }

    /// The label (`moov/udta/meta`) written before the manifest is covered by it; written after, it changes `moov`,
    /// which the BMFF hash covers, and the manifest no longer validates.
    @Test(arguments: examples)
    func theLabelComesBeforeTheManifest(name: String) throws {
        let (format, original) = try Self.media(name)
        let handler = try #require(MediaRegistry.standard.handler(for: format) as? any LabelWriting)
        let labeled = try handler.writeLabel(LabelAssignment(C2PASigningTests.label), into: original)
        let signed = try Self.sign(labeled, format: format, title: name)
        #expect(C2PAValidator().validate(signed.bytes).state == .validUntrustedSigner)
        let found = try LabelScanner.scan(signed.bytes).carriers.filter { $0.parsedPayload.hasAnnexEKeys }
        #expect(found.count == 1 && found.first?.parsedPayload.label?.produceID == C2PASigningTests.label.produceID)

        var later = C2PASigningTests.label
        later.produceID = "relabeled-0002"
        let relabeled = try handler.writeLabel(LabelAssignment(later), into: signed.bytes)
        let report = C2PAValidator().validate(relabeled)
        #expect(report.failureCodes.contains("assertion.bmffHash.mismatch"), "\(report.failureCodes)")
    }

    @Test func fragmentedFilesAreRefused() throws {
        let (format, original) = try Self.media("clip.mp4")
        let fragment = BMFFBoxBytes.make("moof", BMFFBoxBytes.make("mfhd", [0, 0, 0, 0, 0, 0, 0, 1]))
        let error = try #require(throws: SigilError.self) { try Self.sign(original + fragment, format: format, title: "fragmented.mp4") }
        #expect(error.code == .unsupportedFormat)
        #expect(error.message.contains("fragmented") && error.message.contains("Merkle"), "\(error.message)")
    }

    @Test func filesWithoutFtypOrMoovAreRefused() throws {
        let (format, original) = try Self.media("clip.mp4")
        let top = try BMFFWalker.topLevel(original)
        let withoutFtyp = Array(original[top[0].range.upperBound...])
        #expect(throws: SigilError.self) { try Self.sign(withoutFtyp, format: format, title: "x.mp4") }
        let moov = try #require(top.first { $0.type == "moov" })
        let withoutMoov = Array(original[..<moov.range.lowerBound] + original[moov.range.upperBound...])
        let error = try #require(throws: SigilError.self) { try Self.sign(withoutMoov, format: format, title: "x.mp4") }
        #expect(error.message.contains("moov"))
    }

    // MARK: Interop with c2pa-rs (the oracle); skipped when the bench venv is absent.

    @Test(.enabled(if: ProvenanceTestSupport.hasOracle, "the c2pa-rs oracle (bench venv) is not installed"), arguments: all)
    func c2paRSAcceptsWhatWeSign(name: String) throws {
        let (format, original) = try Self.media(name)
        let signed = try Self.sign(original, format: format, title: name)
        let untrusted = try ProvenanceTestSupport.oracleVerdict(signed.bytes, name: name)
        #expect(untrusted.verdict == "valid-untrusted-signer", "\(name): \(untrusted.json)")
        #expect(untrusted.json.contains("assertion.bmffHash.match"), "\(name)")
        let trusted = try ProvenanceTestSupport.oracleVerdict(signed.bytes, name: name, trustAnchors: ProvenanceTestSupport.anchorPEM)
        #expect(trusted.verdict == "valid", "\(name): \(trusted.json)")

        let mdat = try #require(try BMFFWalker.topLevel(signed.bytes).first { $0.type == "mdat" })
        var tampered = signed.bytes
        tampered[mdat.payload.lowerBound + mdat.payload.count / 2] ^= 0x01
        let bad = try ProvenanceTestSupport.oracleVerdict(tampered, name: name)
        #expect(bad.verdict == "invalid:assertion.bmffHash.mismatch", "\(name): \(bad.json)")
    }
}
