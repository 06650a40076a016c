import Foundation
import SigilContainers
import SigilTestSupport
import Testing

@testable import SigilProvenance

/// C2PA manifests signed into plain text (the variation-selector wrapper) and Markdown (the manifest block), and
/// validated: the hash, tampering, stripping, hostile wrappers (decision 0208). No c2pa-rs reader on this machine
/// reads text (c2pa-python 0.38.1 lists neither text/plain nor text/markdown), so these check against the
/// specification's byte layout, not against an oracle.
@Suite struct TextC2PATests {
    static let label = try! AIGCLabel.firstWrite(producer: "001191110102MACQD9K64010000", produceID: "text-c2pa-1")
    static let plain = Array("本内容由人工智能生成\n\n这是一段生成的文字。Café, naïve.\n".utf8)
    static let markdown = Array("---\ntitle: 说明\n---\n\n> 本内容由人工智能生成\n\n# 标题\n\n正文。\n".utf8)

    static func sign(_ bytes: [UInt8], _ format: MediaFormat) throws -> C2PASigner.Signed {
        var content = C2PASigner.Content(label: label, title: "note")
        content.softwareAgent = GeneratorInfo(name: "ExampleChatModel", version: "2.1")
        return try C2PASigner(identity: ProvenanceTestSupport.development.identity).sign(bytes, format: format, content: content)
    }

    static func validate(_ bytes: [UInt8], _ format: MediaFormat) -> C2PAReport {
        C2PAValidator().validate(bytes, format: format)
    }

    @Test(arguments: [MediaFormat.plainText, .markdown])
    func ourReaderValidatesWhatWeSign(format: MediaFormat) throws {
        let original = format == .plainText ? Self.plain : Self.markdown
        let signed = try Self.sign(original, format)
        let report = Self.validate(signed.bytes, format)
        #expect(report.state == .validUntrustedSigner, "\(report.failure)")
        #expect(report.failureCodes == ["signingCredential.untrusted"])
        #expect(report.codes.contains("assertion.dataHash.match"))
        #expect(report.aigcLabel == Self.label)
        #expect(report.claimGenerator?.contains("Sigil") == true)
        #expect(report.digitalSourceType == DigitalSourceType.trainedAlgorithmicMedia.rawValue)
        #expect(MediaRegistry.standard.identify(signed.bytes, fileExtension: format == .markdown ? "md" : "txt")?.format == format)
        var options = C2PAValidator.Options(trustAnchors: ProvenanceTestSupport.anchors)
        options.validationTime = Date()
        #expect(C2PAValidator(options: options).validate(signed.bytes, format: format).state == .valid)
        // The exclusion is exactly the embedded wrapper or block.
        #expect(try ManifestCarrier.find(in: signed.bytes, format: format).map(\.containerRange) == [signed.exclusion])
    }

    @Test func plainTextKeepsEveryCharacterAndAppendsTheWrapper() throws {
        let signed = try Self.sign(Self.plain, .plainText)
        #expect(Array(signed.bytes.prefix(Self.plain.count)) == Self.plain)
        #expect(signed.exclusion == Self.plain.count..<signed.bytes.count)
        #expect(signed.exclusion.count == TextManifestWrapper.encodedLength(storeLength: signed.store.count))
    }

    @Test(arguments: [MediaFormat.plainText, .markdown])
    func changingOneCharacterBreaksTheHash(format: MediaFormat) throws {
        let signed = try Self.sign(format == .plainText ? Self.plain : Self.markdown, format)
        var text = String(decoding: signed.bytes, as: UTF8.self)
        text = text.replacingOccurrences(of: "正文", with: "正义").replacingOccurrences(of: "一段", with: "两段")
        let tampered = Array(text.utf8)
        #expect(tampered.count == signed.bytes.count)
        let report = Self.validate(tampered, format)
        #expect(report.state == .invalid)
        #expect(report.failureCodes.contains("assertion.dataHash.mismatch"), "\(report.failure)")
    }

    @Test func nfdTextStillValidatesBecauseTheHashIsOverNFC() throws {
        let decomposed = Array("Cafe\u{301} au lait, re\u{301}sume\u{301}.\n".utf8)
        let signed = try Self.sign(decomposed, .plainText)
        #expect(Array(signed.bytes.prefix(decomposed.count)) == decomposed, "Sigil does not rewrite the author's characters")
        #expect(Self.validate(signed.bytes, .plainText).state == .validUntrustedSigner)
        // A validator hashes the NFC form: the same text converted to NFC after signing hashes the same.
        let composed = Array("Caf\u{E9} au lait, r\u{E9}sum\u{E9}.\n".utf8)
        let wrapper = Array(signed.bytes[signed.exclusion])
        let nfcHash = try DataHash.compute(
            composed + wrapper, excluding: [composed.count..<(composed.count + wrapper.count)], alg: "sha256", carrier: PlainTextFormat())
        let nfdHash = try DataHash.compute(signed.bytes, excluding: [signed.exclusion], alg: "sha256", carrier: PlainTextFormat())
        #expect(nfcHash == nfdHash)
    }

    @Test(arguments: [MediaFormat.plainText, .markdown])
    func strippingTheManifestLeavesNone(format: MediaFormat) throws {
        let original = format == .plainText ? Self.plain : Self.markdown
        let signed = try Self.sign(original, format)
        let stripped = try ManifestCarrier.remove(from: signed.bytes, format: format)
        #expect(stripped == original)
        #expect(Self.validate(stripped, format).state == .absent)
    }

    @Test(arguments: [MediaFormat.plainText, .markdown])
    func resigningReplacesTheManifest(format: MediaFormat) throws {
        let first = try Self.sign(format == .plainText ? Self.plain : Self.markdown, format)
        let second = try Self.sign(first.bytes, format)
        #expect(try ManifestCarrier.find(in: second.bytes, format: format).count == 1)
        #expect(second.manifestLabel != first.manifestLabel)
        let report = Self.validate(second.bytes, format)
        #expect(report.state == .validUntrustedSigner)
        #expect(report.activeManifest == second.manifestLabel)
    }

    @Test func aWrapperMovedFromAnotherTextIsCaught() throws {
        let signed = try Self.sign(Self.plain, .plainText)
        let wrapper = Array(signed.bytes[signed.exclusion])
        let other = Array("Some other text that was never signed.\n".utf8)
        let report = Self.validate(other + wrapper, .plainText)
        #expect(report.state == .invalid)
        #expect(report.failureCodes.contains("assertion.dataHash.mismatch"))
    }

    @Test func aHostileWrapperIsAnInvalidReportWithItsOffset() throws {
        let signed = try Self.sign(Self.plain, .plainText)
        // Cut the last selector in half: the declared store no longer fits the run.
        let cut = Array(signed.bytes.prefix(signed.bytes.count - TextManifestWrapper.encodedLength(storeLength: signed.store.count) / 2))
        let report = Self.validate(cut, .plainText)
        #expect(report.state == .invalid)
        #expect(report.error?.contains("the C2PA text wrapper at offset \(Self.plain.count)") == true, "\(report.error ?? "")")
        // And signing such a text again replaces the damaged wrapper.
        let again = try Self.sign(cut, .plainText)
        #expect(Array(again.bytes.prefix(Self.plain.count)) == Self.plain)
        #expect(Self.validate(again.bytes, .plainText).state == .validUntrustedSigner)
    }

    @Test func gb18030TextCannotBeSigned() throws {
        let gb18030: [UInt8] = [0xC9, 0xFA, 0xB3, 0xC9, 0x0A]
        let error = try #require(throws: SigilError.self) { try Self.sign(gb18030, .plainText) }
        #expect(error.code == .unsupportedFormat)
        #expect(error.offset == 0)
    }

    @Test func theMarkdownBlockSitsInTheFrontMatterAndLeavesTheBodyAlone() throws {
        let signed = try Self.sign(Self.markdown, .markdown)
        let text = String(decoding: signed.bytes, as: UTF8.self)
        #expect(text.hasPrefix("---\n# -----BEGIN C2PA MANIFEST----- data:application/c2pa;base64,"))
        #expect(text.hasSuffix(" -----END C2PA MANIFEST-----\ntitle: 说明\n---\n\n> 本内容由人工智能生成\n\n# 标题\n\n正文。\n"))
        #expect(signed.exclusion.lowerBound == 4)
        #expect(signed.bytes[signed.exclusion.upperBound - 1] == 0x0A, "the line break is excluded with the line")
    }
}
