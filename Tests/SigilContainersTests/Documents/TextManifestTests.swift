import Foundation
import Testing

@testable import SigilContainers

/// C2PA manifests in text: the unstructured-text wrapper (variation selectors) and the structured-text block
/// (Markdown), byte by byte against the specification (decision 0208).
@Suite struct TextManifestTests {
    typealias W = TextManifestWrapper

    // MARK: The wrapper's encoding

    @Test func bytesMapToTheTwoSelectorRanges() {
        // 0–15 → U+FE00–U+FE0F, 16–255 → U+E0100–U+E01EF.
        #expect(W.selector(for: 0x00) == Array("\u{FE00}".utf8))
        #expect(W.selector(for: 0x0F) == Array("\u{FE0F}".utf8))
        #expect(W.selector(for: 0x10) == Array("\u{E0100}".utf8))
        #expect(W.selector(for: 0x43) == Array("\u{E0133}".utf8))
        #expect(W.selector(for: 0xFF) == Array("\u{E01EF}".utf8))
        for byte in 0...255 {
            let scalars = Array(String(decoding: W.selector(for: UInt8(byte)), as: UTF8.self).unicodeScalars)
            #expect(scalars.count == 1)
            let value = scalars[0].value
            #expect(value == (byte < 16 ? 0xFE00 + UInt32(byte) : 0xE0100 + UInt32(byte) - 16))
        }
    }

    /// The frame of a 16-byte store 00…0F, selector by selector: the same frame the c2pa-text reference
    /// implementation writes for this payload (magic, version 1, big-endian length 16), then the padding.
    @Test func aKnownStoreEncodesToKnownSelectors() throws {
        let store = (0..<16).map { UInt8($0) }
        let wrapper = try W.encode(store)
        let scalars = String(decoding: wrapper, as: UTF8.self).unicodeScalars.map(\.value)
        let expectedFrame: [UInt32] =
            [0xFEFF, 0xE0133, 0xE0122, 0xE0140, 0xE0131, 0xE0144, 0xE0148, 0xE0144, 0xFE00, 0xFE01, 0xFE00, 0xFE00, 0xFE00, 0xE0100]
            + (0..<16).map { 0xFE00 + UInt32($0) }
        #expect(Array(scalars.prefix(expectedFrame.count)) == expectedFrame)
        // Unpadded: 3 (U+FEFF) + 7×4 ("C2PATXT", all ≥ 16) + 3 (0) + 3 (version 1) + 3+3+3+4 (length) + 16×3 = 98
        // bytes; the target is 3 + 4 × (13 + 16) + 6 = 125, a gap of 27 = 3 × 9: nine U+FE00.
        #expect(wrapper.count == W.encodedLength(storeLength: 16))
        #expect(wrapper.count == 125)
        #expect(Array(scalars.dropFirst(expectedFrame.count)) == [UInt32](repeating: 0xFE00, count: 9))
        // A store of bytes ≥ 16 leaves a gap of 11 = 3 + 4 × 2: one U+FE00, two U+E0100.
        let high = String(decoding: try W.encode(Array("c2pa-manifest-01".utf8)), as: UTF8.self).unicodeScalars.map(\.value)
        #expect(Array(high.suffix(3)) == [0xFE00, 0xE0100, 0xE0100])
    }

    @Test(arguments: [1, 2, 3, 15, 16, 17, 200, 4097])
    func theWrapperLengthDependsOnTheStoreLengthOnly(length: Int) throws {
        let low = try W.encode([UInt8](repeating: 0x01, count: length))
        let high = try W.encode([UInt8](repeating: 0xFE, count: length))
        #expect(low.count == W.encodedLength(storeLength: length))
        #expect(high.count == W.encodedLength(storeLength: length))
        #expect(try W.locate(in: Array("host ".utf8) + high).first?.store == [UInt8](repeating: 0xFE, count: length))
    }

    // MARK: Finding wrappers

    @Test func aWrapperIsFoundAfterTheTextWithItsExactRange() throws {
        let text = Array("生成的文字。\n".utf8)
        let store = (0..<300).map { UInt8($0 % 256) }
        let wrapper = try W.encode(store)
        let found = try W.locate(in: text + wrapper)
        #expect(found == [W.Wrapper(store: store, range: text.count..<(text.count + wrapper.count))])
    }

    @Test func ordinaryTextWithSelectorsAndByteOrderMarksHoldsNoWrapper() throws {
        for text in [
            "\u{FEFF}A byte-order mark, then prose.", "An emoji with VS16: \u{263A}\u{FE0F}.", "A lone ZWNBSP \u{FEFF} in the middle.",
            "葛\u{E0100}: an ideographic variation sequence.", "\u{FEFF}\u{FE00}\u{FE01}: a marker and two selectors.", "",
        ] {
            #expect(try W.locate(in: Array(text.utf8)).isEmpty, "\(text)")
        }
    }

    @Test func aWrapperInTheMiddleOfTheTextIsFound() throws {
        let wrapper = try W.encode([9, 8, 7])
        let bytes = Array("before ".utf8) + wrapper + Array(" after".utf8)
        #expect(try W.locate(in: bytes).map(\.range) == [7..<(7 + wrapper.count)])
    }

    // MARK: Hostile wrappers

    /// The frame with a chosen version and declared length, and `store` after it (no padding).
    static func frame(version: UInt8 = 1, declared: UInt32, store: [UInt8]) -> [UInt8] {
        let header =
            W.magic + [version] + [UInt8(declared >> 24), UInt8((declared >> 16) & 0xFF), UInt8((declared >> 8) & 0xFF), UInt8(declared & 0xFF)]
        return W.marker + (header + store).flatMap { W.selector(for: $0) }
    }

    @Test func aLyingLengthIsTruncatedWithTheWrapperOffset() throws {
        let bytes = Array("text".utf8) + Self.frame(declared: 0xFFFF_FFF0, store: [1, 2, 3])
        let error = try #require(throws: SigilError.self) { try W.locate(in: bytes) }
        #expect(error.code == .truncated)
        #expect(error.offset == 4)
        #expect(error.message.contains("declares a manifest store of 4294967280 bytes but its variation-selector run holds only 3"), "\(error)")
    }

    @Test func aSelectorCutByTheEndOfTheFileIsNamed() throws {
        let whole = Array("text".utf8) + Self.frame(declared: 3, store: [0x20, 0x21, 0x22])
        let cut = Array(whole.dropLast(2))
        let error = try #require(throws: SigilError.self) { try W.locate(in: cut) }
        #expect(error.code == .truncated)
        #expect(error.offset == 4)
        #expect(error.message.contains("a variation selector is cut at offset \(whole.count - 4)"), "\(error)")
    }

    @Test func aHeaderCutShortIsTruncated() throws {
        let bytes = Array("x".utf8) + W.marker + (W.magic + [1, 0]).flatMap { W.selector(for: $0) }
        let error = try #require(throws: SigilError.self) { try W.locate(in: bytes) }
        #expect(error.code == .truncated)
        #expect(error.message.contains("ends after 10 of its 13 header bytes"), "\(error)")
        // A piece of the magic cut by the end of the file is a wrapper cut short too.
        let piece = Array("x".utf8) + W.marker + W.magic.prefix(5).flatMap { W.selector(for: $0) }
        #expect(throws: SigilError.self) { try W.locate(in: piece) }
    }

    @Test func anotherVersionOrAnEmptyStoreIsMalformed() throws {
        let version2 = try #require(throws: SigilError.self) { try W.locate(in: Self.frame(version: 2, declared: 1, store: [7])) }
        #expect(version2.code == .malformed)
        #expect(version2.message.contains("declares version 2"))
        let empty = try #require(throws: SigilError.self) { try W.locate(in: Self.frame(declared: 0, store: [])) }
        #expect(empty.code == .malformed)
    }

    @Test func removingCutsDamagedWrappersToo() throws {
        let text = PlainTextFormat()
        let damaged = Array("keep".utf8) + Self.frame(declared: 99, store: [1])
        #expect(try text.removeManifestStores(from: damaged) == Array("keep".utf8))
        let good = Array("keep".utf8) + (try W.encode([1, 2]))
        #expect(try text.removeManifestStores(from: good) == Array("keep".utf8))
    }

    // MARK: Plain text as a carrier

    @Test func plainTextEmbedsAtTheEndAndFindsItAgain() throws {
        let text = PlainTextFormat()
        let original = Array("本内容由人工智能生成\n\n正文。\n".utf8)
        let (bytes, range) = try text.embedManifestStore([1, 2, 3, 4], into: original)
        #expect(Array(bytes.prefix(original.count)) == original)
        #expect(range == original.count..<bytes.count)
        #expect(try text.findManifestStores(in: bytes).map(\.bytes) == [[1, 2, 3, 4]])
        #expect(try text.removeManifestStores(from: bytes) == original)
        // Text with a wrapper is still plain text, not binary.
        #expect(MediaRegistry.standard.format(of: bytes) == .plainText)
    }

    @Test func gb18030TextIsRefusedWithTheOffset() throws {
        // 「生成」 in GB18030 after ASCII: not UTF-8 at offset 6.
        let bytes: [UInt8] = Array("hello ".utf8) + [0xC9, 0xFA, 0xB3, 0xC9]
        let error = try #require(throws: SigilError.self) { try PlainTextFormat().embedManifestStore([1], into: bytes) }
        #expect(error.code == .unsupportedFormat)
        #expect(error.offset == 6)
        #expect(error.message.contains("GB18030"))
    }

    @Test func theDataHashCoversTheNFCTextOutsideTheWrapper() throws {
        let text = PlainTextFormat()
        let decomposed = Array("Cafe\u{301} au lait.".utf8)
        let composed = Array("Caf\u{E9} au lait.".utf8)
        let (bytes, range) = try text.embedManifestStore([5, 6], into: decomposed)
        // The author's characters stay as they are; only the hashed form is NFC.
        #expect(Array(bytes.prefix(decomposed.count)) == decomposed)
        #expect(try text.dataHashInput(bytes, excluding: [range]) == composed)
        #expect(try text.dataHashInput(composed, excluding: []) == composed)
        #expect(try text.dataHashInput(Array("ascii".utf8) + [0xFF], excluding: [5..<6]) == Array("ascii".utf8))
        #expect(throws: SigilError.self) { try text.dataHashInput([0x61, 0xFF], excluding: []) }
    }

    // MARK: Structured text (Markdown)

    @Test func markdownWithFrontMatterGetsACommentLineAfterTheOpeningFence() throws {
        let markdown = MarkdownFormat()
        let original = Array("---\ntitle: x\n---\n\n# Body\n".utf8)
        let (bytes, range) = try markdown.embedManifestStore([0xDE, 0xAD, 0xBE, 0xEF], into: original)
        let line = "# -----BEGIN C2PA MANIFEST----- data:application/c2pa;base64,3q2+7w== -----END C2PA MANIFEST-----\n"
        #expect(String(decoding: bytes, as: UTF8.self) == "---\n" + line + "title: x\n---\n\n# Body\n")
        #expect(range == 4..<(4 + line.utf8.count))
        #expect(try markdown.findManifestStores(in: bytes).map(\.containerRange) == [range])
        #expect(try markdown.findManifestStores(in: bytes).first?.bytes == [0xDE, 0xAD, 0xBE, 0xEF])
        #expect(try markdown.removeManifestStores(from: bytes) == original)
        // The front matter still parses: the label reads back, the comment is no key.
        let labeled = try markdown.writeLabel(TextManifestLabel.assignment, into: bytes)
        var scan = ContainerScan(format: .markdown)
        markdown.scanLabels(labeled, into: &scan)
        #expect(scan.carriers.count == 1)
        #expect(scan.findings.isEmpty, "\(scan.findings)")
        #expect(try markdown.essenceRanges(in: MemoryByteSource(bytes)) == [(bytes.count - 8)..<bytes.count], "the body is untouched")
    }

    @Test func markdownWithoutFrontMatterGetsAnHTMLCommentFirstLine() throws {
        let markdown = MarkdownFormat()
        let original = Array("\u{FEFF}# Title\r\n\r\nBody.\r\n".utf8)
        let (bytes, range) = try markdown.embedManifestStore([1, 2, 3], into: original)
        #expect(
            String(decoding: bytes, as: UTF8.self)
                == "\u{FEFF}<!-- -----BEGIN C2PA MANIFEST----- data:application/c2pa;base64,AQID -----END C2PA MANIFEST----- -->\r\n# Title\r\n\r\nBody.\r\n"
        )
        #expect(range.lowerBound == 3)
        #expect(try markdown.removeManifestStores(from: bytes) == original)
    }

    @Test func theMultiLineFrontMatterFormAndURLReferencesAreRead() throws {
        let multi = Array("---\n-----BEGIN C2PA MANIFEST-----\ndata:application/c2pa;base64,AQID\n-----END C2PA MANIFEST-----\n---\nbody\n".utf8)
        let blocks = try StructuredTextManifest.locate(in: multi)
        #expect(blocks == [StructuredTextManifest.Block(store: [1, 2, 3], range: 4..<(multi.count - 9))])
        let remote = Array("# -----BEGIN C2PA MANIFEST----- https://example.com/m.c2pa -----END C2PA MANIFEST-----\nx\n".utf8)
        #expect(try StructuredTextManifest.locate(in: remote).map(\.store) == [nil])
        #expect(try MarkdownFormat().findManifestStores(in: remote).isEmpty, "a remote manifest is not an embedded store")
    }

    @Test func proseAboutTheDelimitersIsNoBlock() throws {
        let prose = Array("Write -----BEGIN C2PA MANIFEST----- then a reference, then -----END C2PA MANIFEST----- on one line.\n".utf8)
        #expect(try StructuredTextManifest.locate(in: prose).isEmpty)
        let unclosedProse = Array("The marker -----BEGIN C2PA MANIFEST----- opens a block.\n".utf8)
        #expect(try StructuredTextManifest.locate(in: unclosedProse).isEmpty)
    }

    @Test func hostileBlocksNameTheirOffset() throws {
        let unclosed = Array("---\n# -----BEGIN C2PA MANIFEST----- data:application/c2pa;base64,AQID\n---\n".utf8)
        let error = try #require(throws: SigilError.self) { try StructuredTextManifest.locate(in: unclosed) }
        #expect(error.code == .malformed)
        #expect(error.offset == 6)
        let notBase64 = Array("<!-- -----BEGIN C2PA MANIFEST----- data:application/c2pa;base64,@@@ -----END C2PA MANIFEST----- -->\n".utf8)
        let bad = try #require(throws: SigilError.self) { try StructuredTextManifest.locate(in: notBase64) }
        #expect(bad.message.contains("not base64"))
        #expect(bad.offset == 5)
        // Removing the manifest still cuts them.
        #expect(try MarkdownFormat().removeManifestStores(from: notBase64).isEmpty)
    }

    @Test func twoBlocksAreBothReported() throws {
        let one = StructuredTextManifest.line(for: [1], prefix: "<!--", suffix: "-->") + [0x0A]
        let two = StructuredTextManifest.line(for: [2], prefix: "<!--", suffix: "-->") + [0x0A]
        #expect(try MarkdownFormat().findManifestStores(in: one + Array("text\n".utf8) + two).map(\.bytes) == [[1], [2]])
    }
}

/// A label assignment for the Markdown round trip.
enum TextManifestLabel {
    static let json =
        #"{"Label":"1","ContentProducer":"001191110102MACQD9K64010000","ProduceID":"md-1","ReservedCode1":"","ContentPropagator":"","PropagateID":"","ReservedCode2":""}"#
    static let assignment = LabelAssignment(json: json, wrappedJSON: "{\"AIGC\":\(json)}")
}
