import Foundation
import Testing
@testable import SigilContainers

@Suite struct LabelWriterTests {
    static let label = try! AIGCLabel.firstWrite(producer: ProviderCode.development.rawValue, produceID: "sigil-test-0001")
    static let second = try! AIGCLabel.firstWrite(
        label: .possiblyAIGenerated, producer: ProviderCode.development.rawValue, produceID: "sigil-test-0002")
    static let sigilNS = "https://sigil.example/ns/1.0/"
    static let extra = [XMPProperty(namespaceURI: sigilNS, prefix: "sigil", name: "Job", value: "job-42 <&> \"quoted\"")]

    func write(_ label: AIGCLabel = label, extra: [XMPProperty] = [], into bytes: [UInt8]) throws -> [UInt8] {
        try LabelWriter.write(json: label.json, wrappedJSON: label.wrappedJSON, extra: extra, into: bytes)
    }

    /// Exactly one carrier, and it reads back as `label`.
    func expectSingleLabel(_ bytes: [UInt8], _ label: AIGCLabel, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let scan = try LabelScanner.scan(bytes)
        #expect(scan.carriers.count == 1, "\(scan.carriers.map(\.location))", sourceLocation: sourceLocation)
        #expect(scan.carriers.first?.parsedPayload.label == label, sourceLocation: sourceLocation)
        #expect(!scan.findings.contains { $0.severity == .error }, "\(scan.findings.map(\.message))", sourceLocation: sourceLocation)
        #expect(!scan.has(.checksumMismatch), sourceLocation: sourceLocation)
    }

    // MARK: Structure comparisons

    static func jpegSegments(_ bytes: [UInt8], excludingXMP: Bool = true) throws -> [[UInt8]] {
        try JPEGStructure(bytes).segments
            .filter { !(excludingXMP && $0.marker == 0xE1 && bytes.matches(JPEGStructure.xmpIdentifier, at: $0.payload.lowerBound)) }
            .map { Array(bytes[$0.range]) }
    }

    static func pngChunks(_ bytes: [UInt8], excluding: (PNGStructure.Chunk, PNGText?) -> Bool) throws -> [[UInt8]] {
        let s = try PNGStructure(bytes)
        return s.chunks.filter { chunk in
            let text = ["tEXt", "zTXt", "iTXt"].contains(chunk.type) ? try? PNGText(chunk, in: bytes) : nil
            return !excluding(chunk, text)
        }.map { Array(bytes[$0.range]) }
    }

    static func isLabelChunk(_ chunk: PNGStructure.Chunk, _ text: PNGText?) -> Bool {
        guard let text else { return false }
        return text.keyword == PNGText.xmpKeyword || text.keyword == "AIGC"
    }

    static func webpChunks(_ bytes: [UInt8]) throws -> [[UInt8]] {
        try RIFFStructure(bytes).chunks.filter { $0.fourCC != "VP8X" && $0.fourCC != "XMP " }.map { Array(bytes[$0.range]) }
    }

    // MARK: JPEG

    @Test(.enabled(if: Fixtures.peersAvailable))
    func jpegWithoutXMP() throws {
        let original = try Fixtures.peer("jpeg/s3__jpg-none.jpg")
        let written = try write(extra: Self.extra, into: original)
        try expectSingleLabel(written, Self.label)
        #expect(try CompressedImageData.bytes(of: written) == CompressedImageData.bytes(of: original))
        #expect(try Self.jpegSegments(written) == Self.jpegSegments(original))
        // The new APP1 follows the JFIF APP0.
        let segments = try JPEGStructure(written).segments
        #expect(segments[0].marker == 0xE0 && segments[1].marker == 0xE1)
        #expect(LabelWriter.readProperty(namespaceURI: Self.sigilNS, name: "Job", in: written) == Self.extra[0].value)
        #expect(try ImageHeader.read(written) == ImageHeader.read(original))
    }

    @Test(.enabled(if: Fixtures.peersAvailable))
    func jpegExifToolLabelIsUpdatedInPlace() throws {
        let original = try Fixtures.peer("jpeg/s3__jpg-aigc.jpg")
        let written = try write(Self.second, into: original)
        try expectSingleLabel(written, Self.second)
        #expect(try CompressedImageData.bytes(of: written) == CompressedImageData.bytes(of: original))
        #expect(try Self.jpegSegments(written) == Self.jpegSegments(original))
        // ExifTool's padding absorbs the change: the file keeps its size.
        #expect(written.count == original.count)
        // The other XMP content is untouched.
        let packet = try #require(XMPLocator.firstPacket(in: written))
        #expect(String(decoding: packet, as: UTF8.self).contains("x:xmptk='Image::ExifTool 12.57'"))
    }

    @Test func writingTwiceKeepsOneLabel() throws {
        let original = Build.jpeg([Build.jfif])
        let once = try write(extra: Self.extra, into: original)
        let twice = try write(
            Self.second, extra: [XMPProperty(namespaceURI: Self.sigilNS, prefix: "sigil", name: "Job", value: "job-43")], into: once)
        try expectSingleLabel(twice, Self.second)
        #expect(LabelWriter.readProperty(namespaceURI: Self.sigilNS, name: "Job", in: twice) == "job-43")
        let xmpCount = try JPEGStructure(twice).segments.filter { $0.marker == 0xE1 }.count
        #expect(xmpCount == 1)
    }

    @Test func existingPacketWithoutLabelGetsTheProperty() throws {
        let packet = Build.xmp(attributes: #" xmlns:dc="http://purl.org/dc/elements/1.1/""#, inner: "<dc:format>image/jpeg</dc:format>")
        let written = try write(into: Build.jpeg([Build.xmpSegment(packet)]))
        try expectSingleLabel(written, Self.label)
        let text = String(decoding: try #require(XMPLocator.firstPacket(in: written)), as: UTF8.self)
        #expect(text.contains("<dc:format>image/jpeg</dc:format>"))
        #expect(text.contains(#"xmlns:TC260="http://www.tc260.org.cn/ns/AIGC/1.0/""#))
        #expect(text.contains("<TC260:AIGC>\(Self.label.json)</TC260:AIGC>"))
    }

    @Test func selfClosingDescriptionIsOpened() throws {
        let packet = Array(
            #"<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" xmlns:a="urn:a" a:b="c"/></rdf:RDF></x:xmpmeta>"#
                .utf8)
        let written = try write(into: Build.jpeg([Build.xmpSegment(packet)]))
        try expectSingleLabel(written, Self.label)
        #expect(LabelWriter.readProperty(namespaceURI: "urn:a", name: "b", in: written) == "c")
    }

    @Test func attributeFormIsUpdatedAsAttribute() throws {
        let written = try write(Self.second, into: Build.jpeg([Build.xmpSegment(Build.attributeXMP())]))
        try expectSingleLabel(written, Self.second)
        let scan = try LabelScanner.scan(written)
        #expect(scan.carriers.first?.kind == .xmpAttribute)
        let text = String(decoding: try #require(XMPLocator.firstPacket(in: written)), as: UTF8.self)
        #expect(text.contains("&quot;Label&quot;:&quot;2&quot;"))
    }

    @Test func otherPrefixIsUpdatedInPlace() throws {
        let written = try write(into: Build.jpeg([Build.xmpSegment(Build.elementXMP(prefix: "ai"))]))
        try expectSingleLabel(written, Self.label)
        let text = String(decoding: try #require(XMPLocator.firstPacket(in: written)), as: UTF8.self)
        #expect(!text.contains("TC260:"))
    }

    @Test func jpegCapacity() throws {
        let big = String(repeating: "A", count: 70_000)
        #expect(throws: SigilError(.capacity, "")) {
            try LabelWriter.write(json: #"{"Label":"1","ReservedCode1":"\#(big)"}"#, wrappedJSON: "", extra: [], into: Build.jpeg([Build.jfif]))
        }
        #expect(throws: SigilError(.capacity, "")) {
            try LabelWriter.write(
                json: #"{"Label":"1","ReservedCode1":"\#(big)"}"#, wrappedJSON: "", extra: [],
                into: Build.jpeg([Build.xmpSegment(Build.elementXMP())]))
        }
    }

    @Test func unsupportedFormats() {
        #expect(throws: SigilError(.unsupportedFormat, "")) { try write(into: Build.gif(extensions: [])) }
        #expect(throws: SigilError(.unsupportedFormat, "")) { try write(into: Build.tiff(bigEndian: false, ifd0: [])) }
        #expect(throws: SigilError(.unsupportedFormat, "")) { try write(into: Array("plain text".utf8)) }
    }

    @Test func damagedFilesAreRefused() {
        #expect(throws: SigilError(.truncated, "")) { try write(into: [0xFF, 0xD8, 0xFF, 0xE1, 0x40, 0x00]) }
        #expect(throws: SigilError(.truncated, "")) { try write(into: Array(Build.png([]).dropLast(3))) }
    }

    // MARK: PNG

    @Test func pngNewPacketGoesBeforeIDAT() throws {
        let original = Build.png([Build.tEXt("Comment", "hello")])
        let written = try write(extra: Self.extra, into: original)
        try expectSingleLabel(written, Self.label)
        let s = try PNGStructure(written)
        let types = s.chunks.map(\.type)
        #expect(types == ["IHDR", "tEXt", "iTXt", "IDAT", "IEND"])
        let text = try PNGText(s.chunks[2], in: written)
        #expect(text.keyword == PNGText.xmpKeyword && !text.compressed)
        #expect(try CompressedImageData.bytes(of: written) == CompressedImageData.bytes(of: original))
        #expect(try Self.pngChunks(written, excluding: Self.isLabelChunk) == Self.pngChunks(original, excluding: Self.isLabelChunk))
        #expect(LabelWriter.readProperty(namespaceURI: Self.sigilNS, name: "Job", in: written) == Self.extra[0].value)
    }

    @Test(.enabled(if: Fixtures.mediaAvailable, "shared media images are not present"))
    func pngRoundTripOnRealImages() throws {
        for name in try FileManager.default.contentsOfDirectory(atPath: Fixtures.media.path).sorted() where name.hasSuffix(".png") {
            let original = try [UInt8](Data(contentsOf: Fixtures.media.appendingPathComponent(name)))
            let written = try write(extra: Self.extra, into: original)
            try expectSingleLabel(written, Self.label)
            #expect(try CompressedImageData.bytes(of: written) == CompressedImageData.bytes(of: original), "\(name)")
            #expect(try Self.pngChunks(written, excluding: Self.isLabelChunk) == Self.pngChunks(original, excluding: Self.isLabelChunk), "\(name)")
            let again = try write(Self.second, into: written)
            try expectSingleLabel(again, Self.second)
            #expect(LabelWriter.readProperty(namespaceURI: Self.sigilNS, name: "Job", in: again) == Self.extra[0].value)
            #expect(try ImageHeader.read(again) == ImageHeader.read(original))
        }
    }

    @Test(.enabled(if: Fixtures.peersAvailable))
    func pngExistingXMPIsUpdated() throws {
        let original = try Fixtures.peer("png/s3__png-aigc.png")
        let written = try write(Self.second, into: original)
        try expectSingleLabel(written, Self.second)
        #expect(try CompressedImageData.bytes(of: written) == CompressedImageData.bytes(of: original))
        #expect(try Self.pngChunks(written, excluding: Self.isLabelChunk) == Self.pngChunks(original, excluding: Self.isLabelChunk))
        #expect(try PNGStructure(written).chunks.filter { $0.type == "iTXt" }.count == 1)
    }

    @Test func pngTextChunkKeepsItsForm() throws {
        for (chunk, wrapped) in [
            (Build.tEXt("AIGC", Build.sampleWrapped), true), (Build.tEXt("AIGC", Build.sampleJSON), false),
            (Build.zTXt("AIGC", Build.sampleJSON), false), (Build.iTXt("AIGC", Array(Build.sampleWrapped.utf8), compressed: true), true),
        ] {
            let original = Build.png([chunk])
            let written = try write(into: original)
            try expectSingleLabel(written, Self.label)
            let scan = try LabelScanner.scan(written)
            #expect(scan.carriers.first?.kind == .textChunk)
            #expect(scan.carriers.first?.parsedPayload.form == (wrapped ? .wrapped : .bare))
            let s = try PNGStructure(written)
            #expect(s.chunks.map(\.type) == (try PNGStructure(original)).chunks.map(\.type), "no XMP added, chunk type kept")
        }
    }

    @Test func pngDuplicateTextLabelsBecomeOne() throws {
        let written = try write(into: Build.png([Build.tEXt("AIGC", Build.sampleJSON), Build.tEXt("AIGC", Build.sampleJSON)]))
        try expectSingleLabel(written, Self.label)
    }

    @Test(.enabled(if: Fixtures.peersAvailable))
    func pngTextAndXMPLabelsAreBothUpdated() throws {
        let written = try write(into: try Fixtures.peer("png/aml__aigc-dos-distintas.png"))
        let scan = try LabelScanner.scan(written)
        #expect(scan.carriers.count == 2)
        #expect(scan.carriers.allSatisfy { $0.parsedPayload.label == Self.label })
        #expect(scan.carriers.contains { $0.kind == .textChunk && $0.parsedPayload.form == .bare })
    }

    @Test func pngTextLabelWithExtrasAddsAPacketWithoutALabel() throws {
        let written = try write(extra: Self.extra, into: Build.png([Build.tEXt("AIGC", Build.sampleJSON)]))
        try expectSingleLabel(written, Self.label)
        #expect(LabelWriter.readProperty(namespaceURI: Self.sigilNS, name: "Job", in: written) == Self.extra[0].value)
    }

    // MARK: WebP

    @Test(.enabled(if: Fixtures.peersAvailable))
    func webpSimpleLossyBecomesExtended() throws {
        let original = try Fixtures.peer("webp/s3__webp-none.webp")
        let written = try write(extra: Self.extra, into: original)
        try expectSingleLabel(written, Self.label)
        let s = try RIFFStructure(written)
        #expect(s.damage.isEmpty)
        #expect(s.declaredSize + 8 == written.count)
        #expect(s.chunks.map(\.fourCC) == ["VP8X", "VP8 ", "XMP "])
        let vp8x = try WebPBitstream.vp8x(s.chunks[0], in: written)
        #expect(vp8x.width == 800 && vp8x.height == 600 && !vp8x.hasAlpha)
        #expect(written[s.chunks[0].data.lowerBound] == 0x04)
        #expect(try CompressedImageData.bytes(of: written) == CompressedImageData.bytes(of: original))
        #expect(try Self.webpChunks(written) == Self.webpChunks(original))
        #expect(try ImageHeader.read(written) == ImageHeader.read(original))
        #expect(LabelWriter.readProperty(namespaceURI: Self.sigilNS, name: "Job", in: written) == Self.extra[0].value)
    }

    @Test func webpSimpleLosslessKeepsAlpha() throws {
        var vp8l = Build.vp8l
        vp8l[4] |= 0x10 // alpha-is-used bit (bit 28 of the header word)
        let written = try write(into: Build.webp([Build.riffChunk("VP8L", vp8l)]))
        try expectSingleLabel(written, Self.label)
        let s = try RIFFStructure(written)
        #expect(written[s.chunks[0].data.lowerBound] == 0x14)
        #expect(try ImageHeader.read(written) == ImageHeader(format: .webp, width: 32, height: 32, hasAlpha: true))
    }

    @Test(.enabled(if: Fixtures.peersAvailable))
    func webpExistingLabelIsUpdated() throws {
        for name in ["webp/s3__webp-aigc.webp", "webp/aml__iptc-aigc.webp"] {
            let original = try Fixtures.peer(name)
            let written = try write(Self.second, into: original)
            try expectSingleLabel(written, Self.second)
            #expect(try CompressedImageData.bytes(of: written) == CompressedImageData.bytes(of: original))
            #expect(try Self.webpChunks(written) == Self.webpChunks(original))
            let s = try RIFFStructure(written)
            #expect(s.declaredSize + 8 == written.count)
        }
    }

    @Test func webpXMPGoesAfterEXIF() throws {
        let exif = Build.tiff(bigEndian: false, ifd0: [Build.short(0x0112, 1, bigEndian: false)])
        let original = Build.webp([
            Build.riffChunk("VP8X", [0x08, 0, 0, 0, 31, 0, 0, 31, 0, 0]), Build.riffChunk("VP8L", Build.vp8l), Build.riffChunk("EXIF", exif),
            Build.riffChunk("ABCD", [1, 2, 3]),
        ])
        let written = try write(into: original)
        let s = try RIFFStructure(written)
        #expect(s.chunks.map(\.fourCC) == ["VP8X", "VP8L", "EXIF", "XMP ", "ABCD"])
        #expect(written[s.chunks[0].data.lowerBound] == 0x0C)
    }
}
