import Foundation
import Testing
@testable import SigilContainers

/// Every reader quirk of RULES.md §2.6–2.7, on small files built in the test.
@Suite struct LabelScannerTests {
    let json = Build.sampleJSON

    // MARK: XMP forms

    @Test func xmpElementInJPEG() throws {
        let scan = try LabelScanner.scan(Build.jpeg([Build.jfif, Build.xmpSegment(Build.elementXMP())]))
        #expect(scan.format == .jpeg)
        #expect(scan.findings.isEmpty)
        let c = try #require(scan.carriers.first)
        #expect(scan.carriers.count == 1)
        #expect(c.kind == .xmpElement)
        #expect(c.location == "JPEG APP1[0] XMP TC260:AIGC (element)")
        #expect(c.keyed && c.standard)
        #expect(c.namespaceURI == Build.tc260)
        #expect(c.text == json)
        #expect(c.parsedPayload.label?.json == json)
    }

    @Test func xmpAttributeForm() throws {
        let scan = try LabelScanner.scan(Build.jpeg([Build.xmpSegment(Build.attributeXMP())]))
        let c = try #require(scan.carriers.first)
        #expect(c.kind == .xmpAttribute)
        #expect(c.location == "JPEG APP1[0] XMP TC260:AIGC (attribute)")
        #expect(c.text == json)
        #expect(c.keyed)
        #expect(!scan.has(.wrongNamespace))
    }

    @Test func anyPrefixBoundToTheTC260Namespace() throws {
        let scan = try LabelScanner.scan(Build.jpeg([Build.xmpSegment(Build.elementXMP(prefix: "aigc"))]))
        let c = try #require(scan.carriers.first)
        #expect(c.location.contains("aigc:AIGC"))
        #expect(c.namespaceURI == Build.tc260)
        #expect(!scan.has(.wrongNamespace))
        #expect(c.parsedPayload.label != nil)
    }

    @Test func tc260PrefixBoundToAnotherURI() throws {
        let scan = try LabelScanner.scan(Build.jpeg([Build.xmpSegment(Build.elementXMP(uri: "http://example.com/aigc/"))]))
        let c = try #require(scan.carriers.first)
        #expect(c.namespaceURI == "http://example.com/aigc/")
        let finding = try #require(scan.findings.first { $0.code == .wrongNamespace })
        #expect(finding.severity == .warning)
        #expect(finding.message.contains("http://example.com/aigc/"))
    }

    @Test func namespaceDeclaredOnAnAncestor() throws {
        let packet = Array(
            """
            <x:xmpmeta xmlns:x="adobe:ns:meta/" xmlns:TC260="\(Build.tc260)"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about=""><TC260:AIGC>\(Build.xmlEscaped(json))</TC260:AIGC></rdf:Description></rdf:RDF></x:xmpmeta>
            """.utf8)
        let scan = try LabelScanner.scan(Build.jpeg([Build.xmpSegment(packet)]))
        #expect(scan.carriers.first?.namespaceURI == Build.tc260)
        #expect(!scan.has(.wrongNamespace))
    }

    @Test func entityEncodedValues() throws {
        // &quot; &amp; &lt; &gt; &apos; &#NN; &#xHH; all resolve.
        let encoded =
            #"{&quot;Label&#34;:&#x22;1&quot;,&quot;ContentProducer&quot;:&quot;a&amp;b&lt;c&gt;d&apos;e&quot;,&quot;ProduceID&quot;:&quot;x&#x2F;y&quot;}"#
        let packet = Build.xmp(attributes: " xmlns:TC260=\"\(Build.tc260)\"", inner: "<TC260:AIGC>\(encoded)</TC260:AIGC>")
        let scan = try LabelScanner.scan(Build.jpeg([Build.xmpSegment(packet)]))
        let c = try #require(scan.carriers.first)
        #expect(c.text == #"{"Label":"1","ContentProducer":"a&b<c>d'e","ProduceID":"x/y"}"#)
        let payload = c.parsedPayload
        #expect(payload.value(of: .contentProducer) == "a&b<c>d'e")
        #expect(payload.value(of: .produceID) == "x/y")
    }

    @Test func cdataValue() throws {
        let packet = Build.xmp(attributes: " xmlns:TC260=\"\(Build.tc260)\"", inner: "<TC260:AIGC><![CDATA[\(json)]]></TC260:AIGC>")
        let scan = try LabelScanner.scan(Build.jpeg([Build.xmpSegment(packet)]))
        #expect(scan.carriers.first?.text == json)
    }

    @Test func looseDescriptionAttributes() throws {
        let packet = Build.xmp(attributes: #" Label="1" ContentProducer="CorpusStudio" ProduceID="C-001""#)
        let scan = try LabelScanner.scan(Build.jpeg([Build.xmpSegment(packet)]))
        let c = try #require(scan.carriers.first)
        #expect(c.kind == .xmpProperties)
        #expect(!c.standard)
        #expect(
            c.payload
                == .properties([
                    .init(key: "Label", value: "1"), .init(key: "ContentProducer", value: "CorpusStudio"), .init(key: "ProduceID", value: "C-001"),
                ]))
        #expect(c.parsedPayload.value(of: .produceID) == "C-001")
    }

    @Test func looseElementsInTheTC260Namespace() throws {
        let packet = Build.xmp(
            attributes: " xmlns:TC260=\"\(Build.tc260)\"", inner: "<TC260:Label>1</TC260:Label><TC260:ContentProducer>P</TC260:ContentProducer>")
        let scan = try LabelScanner.scan(Build.jpeg([Build.xmpSegment(packet)]))
        let c = try #require(scan.carriers.first)
        #expect(c.kind == .xmpProperties)
        #expect(c.parsedPayload.value(of: .contentProducer) == "P")
    }

    @Test func foreignLabelPropertiesAreIgnored() throws {
        // xmp:Label is an XMP Basic property ("Red"), not an Annex E key.
        let packet = Build.xmp(attributes: #" xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmp:Label="Red""#)
        let scan = try LabelScanner.scan(Build.jpeg([Build.xmpSegment(packet)]))
        #expect(scan.carriers.isEmpty)
    }

    @Test func doubaoProcessingInstruction() throws {
        let packet = Build.xmp(
            attributes: " xmlns:TC260=\"\(Build.tc260)\"", inner: "<TC260:AIGC>\(Build.xmlEscaped(json))</TC260:AIGC>",
            pi: #"<?xml version="1.0" encoding="UTF-8"?><?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"??>"#)
        let png = Build.png([Build.iTXt(PNGText.xmpKeyword, packet)])
        let scan = try LabelScanner.scan(png)
        #expect(scan.findings.isEmpty, "\(scan.findings)")
        #expect(scan.carriers.first?.text == json)
        #expect(scan.carriers.first?.location == "PNG iTXt[0] XMP TC260:AIGC (element)")
    }

    @Test func malformedXMPIsReportedButReadableLabelsKept() throws {
        var packet = Build.elementXMP()
        let cut = try #require(packet.firstIndex(of: Array("</rdf:Description>".utf8)))
        packet.removeSubrange(cut...)
        let scan = try LabelScanner.scan(Build.jpeg([Build.xmpSegment(packet)]))
        let finding = try #require(scan.findings.first { $0.code == .xmpMalformed })
        #expect(finding.severity == .error)
        #expect(scan.carriers.first?.text == json)
    }

    @Test func unparseableXMP() throws {
        let scan = try LabelScanner.scan(Build.jpeg([Build.xmpSegment(Array("<x:xmpmeta><rdf:RDF><unclosed</".utf8))]))
        #expect(scan.has(.xmpMalformed))
        #expect(scan.carriers.isEmpty)
    }

    @Test func emptyXMPProperty() throws {
        let packet = Build.xmp(attributes: " xmlns:TC260=\"\(Build.tc260)\"", inner: "<TC260:AIGC></TC260:AIGC>")
        let scan = try LabelScanner.scan(Build.jpeg([Build.xmpSegment(packet)]))
        #expect(scan.carriers.isEmpty)
        #expect(scan.has(.emptyLabel))
    }

    @Test func extendedXMPInJPEG() throws {
        let packet = Build.elementXMP()
        let guid = Array("0123456789ABCDEF0123456789ABCDEF".utf8)
        let half = packet.count / 2
        func part(_ range: Range<Int>) -> [UInt8] {
            Build.segment(
                0xE1,
                JPEGStructure.extendedXMPIdentifier + guid + UInt32(packet.count).bigEndianBytes(4) + UInt32(range.lowerBound).bigEndianBytes(4)
                    + Array(packet[range]))
        }
        // Parts out of order on purpose.
        let scan = try LabelScanner.scan(Build.jpeg([part(half..<packet.count), part(0..<half)]))
        #expect(scan.carriers.first?.text == json)
    }

    // MARK: EXIF

    struct UserCommentCase: Sendable, CustomTestStringConvertible {
        var bigEndian: Bool
        var inExifIFD: Bool
        var prefix: String // "ASCII", "UNICODE", "zeros", "none"
        var testDescription: String { "\(bigEndian ? "MM" : "II") \(inExifIFD ? "ExifIFD" : "IFD0") \(prefix)" }
    }

    static let userCommentCases: [UserCommentCase] = [true, false].flatMap { be in
        [true, false].flatMap { exif in ["ASCII", "UNICODE", "zeros", "none"].map { UserCommentCase(bigEndian: be, inExifIFD: exif, prefix: $0) } }
    }

    static func userComment(_ text: String, prefix: String, bigEndian: Bool) -> [UInt8] {
        switch prefix {
        case "ASCII": return Array("ASCII\0\0\0".utf8) + Array(text.utf8)
        case "UNICODE":
            let units = Array(text.utf16)
            return Array("UNICODE\0".utf8) + units.flatMap { bigEndian ? $0.bigEndianBytes(2) : $0.littleEndianBytes(2) }
        case "zeros": return [UInt8](repeating: 0, count: 8) + Array(text.utf8)
        default: return Array(text.utf8)
        }
    }

    @Test(arguments: userCommentCases)
    func exifUserComment(_ c: UserCommentCase) throws {
        let comment = Build.undefined(0x9286, Self.userComment(Build.sampleWrapped, prefix: c.prefix, bigEndian: c.bigEndian))
        let tiff =
            c.inExifIFD
            ? Build.tiff(bigEndian: c.bigEndian, ifd0: [Build.short(0x0112, 6, bigEndian: c.bigEndian)], exif: [comment])
            : Build.tiff(bigEndian: c.bigEndian, ifd0: [Build.short(0x0112, 6, bigEndian: c.bigEndian), comment])
        let bytes = Build.jpeg([Build.exifSegment(tiff)])
        let scan = try LabelScanner.scan(bytes)
        #expect(scan.findings.isEmpty, "\(scan.findings)")
        let carrier = try #require(scan.carriers.first)
        #expect(carrier.kind == .exifUserComment)
        #expect(carrier.location == "JPEG APP1[0] Exif \(c.inExifIFD ? "ExifIFD" : "IFD0") UserComment")
        #expect(carrier.standard && !carrier.keyed)
        #expect(carrier.text == Build.sampleWrapped)
        #expect(carrier.parsedPayload.form == .wrapped)
        #expect(carrier.parsedPayload.label?.json == json)
        #expect(try ImageHeader.read(bytes).orientation == 6)
    }

    @Test func unrelatedUserCommentIsNoCarrier() throws {
        let tiff = Build.tiff(bigEndian: false, ifd0: [], exif: [Build.undefined(0x9286, Array("ASCII\0\0\0Holiday in Hangzhou".utf8))])
        #expect(try LabelScanner.scan(Build.jpeg([Build.exifSegment(tiff)])).carriers.isEmpty)
    }

    @Test func imageDescriptionVariant() throws {
        let tiff = Build.tiff(bigEndian: true, ifd0: [Build.ascii(0x010E, Build.sampleWrapped)])
        let scan = try LabelScanner.scan(Build.jpeg([Build.exifSegment(tiff)]))
        let c = try #require(scan.carriers.first)
        #expect(c.kind == .exifImageDescription)
        #expect(!c.standard)
        #expect(c.parsedPayload.label?.json == json)
        let plain = Build.tiff(bigEndian: true, ifd0: [Build.ascii(0x010E, "Sunset over West Lake")])
        #expect(try LabelScanner.scan(Build.jpeg([Build.exifSegment(plain)])).carriers.isEmpty)
    }

    @Test func exifCycleAndHostileCounts() throws {
        // ExifIFD pointer back to IFD0, and an entry claiming 0xFFFFFFFF values.
        var tiff = Build.tiff(
            bigEndian: false,
            ifd0: [Build.Tag(tag: 0x9286, type: 7, count: 4, value: [1, 2, 3, 4]), Build.Tag(tag: 0x8769, type: 4, count: 1, value: [8, 0, 0, 0])])
        // Patch the first entry's count to 0xFFFFFFFF.
        tiff.replaceSubrange(14..<18, with: [0xFF, 0xFF, 0xFF, 0xFF])
        let scan = try LabelScanner.scan(Build.jpeg([Build.exifSegment(tiff)]))
        #expect(scan.has(.structureTruncated))
        #expect(scan.carriers.isEmpty)
    }

    // MARK: JPEG APPn and COM

    @Test(arguments: [UInt8(0xE9), 0xEB])
    func bareBlobInAPPSegment(_ marker: UInt8) throws {
        let blob = Build.segment(marker, Array("AIGC\(json)".utf8))
        let scan = try LabelScanner.scan(Build.jpeg([Build.jfif, blob]))
        let c = try #require(scan.carriers.first)
        #expect(c.kind == .segmentBlob)
        #expect(c.location == "JPEG APP\(marker - 0xE0)[0] AIGC blob")
        #expect(!c.standard)
        #expect(c.parsedPayload.form == .prefixedBlob)
        #expect(c.parsedPayload.label?.json == json)
    }

    @Test func identifierStyleBlob() throws {
        let scan = try LabelScanner.scan(Build.jpeg([Build.segment(0xEA, Array("AIGC\0\(json)".utf8))]))
        let c = try #require(scan.carriers.first)
        #expect(c.kind == .segmentBlob)
        #expect(c.keyed)
        #expect(c.text == json)
    }

    @Test func labelInComment() throws {
        let scan = try LabelScanner.scan(Build.jpeg([Build.segment(0xFE, Array("generated: \(Build.sampleWrapped) end".utf8))]))
        let c = try #require(scan.carriers.first)
        #expect(c.kind == .foreignText)
        #expect(c.text == Build.sampleWrapped)
    }

    @Test func truncatedSegmentKeepsEarlierCarriers() throws {
        var bytes = Build.jpeg([Build.xmpSegment(Build.elementXMP())])
        let cut = bytes.count - 40
        bytes.removeSubrange(cut...)
        bytes += [0xFF, 0xE2, 0x7F, 0xFF, 1, 2, 3]
        let scan = try LabelScanner.scan(bytes)
        #expect(scan.carriers.count == 1)
        let finding = try #require(scan.findings.first { $0.code == .structureTruncated })
        #expect(finding.severity == .error)
        #expect(finding.message.contains("offset"))
    }

    @Test func dataAfterEOI() throws {
        let clean = try LabelScanner.scan(Build.jpeg([], trailing: Array("junk".utf8)))
        #expect(clean.findings.map(\.code) == [.trailingData])
        let labelled = try LabelScanner.scan(Build.jpeg([], trailing: Build.elementXMP()))
        #expect(labelled.carriers.isEmpty)
        #expect(labelled.has(.labelOutsideContainer))
        let mpf = try LabelScanner.scan(Build.jpeg([], trailing: Build.jpeg([])))
        #expect(mpf.findings.first?.severity == .info)
    }

    @Test func polyglot() throws {
        let scan = try LabelScanner.scan([0xFF, 0xD8, 0xFF, 0xE0] + Array("ftyp".utf8) + [0, 0, 1, 2])
        let f = try #require(scan.findings.first { $0.code == .ambiguousFormat })
        #expect(f.severity == .error)
    }

    @Test func unknownBytesThrowUnsupportedFormat() throws {
        #expect(throws: SigilError(.unsupportedFormat, "")) { try LabelScanner.scan([0x7F] + Array("ELF".utf8)) }
        #expect(try LabelScanner.scan(Array("hello".utf8)).format == .plainText, "text is plain text, which has no label site")
        #expect(throws: SigilError(.unsupportedFormat, "")) { try LabelScanner.scan([]) }
    }

    // MARK: PNG

    @Test func pngTextChunks() throws {
        let png = Build.png([
            Build.tEXt("AIGC", json),
            Build.tEXt("AIGC", Build.sampleWrapped),
            Build.zTXt("AIGC", json),
            Build.iTXt("AIGC", Array(json.utf8)),
            Build.iTXt("AIGC", Array(json.utf8), compressed: true),
        ])
        let scan = try LabelScanner.scan(png)
        #expect(scan.findings.isEmpty, "\(scan.findings)")
        #expect(scan.carriers.count == 5)
        #expect(scan.carriers.allSatisfy { $0.kind == .textChunk && $0.keyed && $0.parsedPayload.label?.json == json })
        #expect(
            scan.carriers.map(\.location) == [
                #"PNG tEXt[0] "AIGC""#, #"PNG tEXt[1] "AIGC""#, #"PNG zTXt[0] "AIGC""#, #"PNG iTXt[0] "AIGC""#, #"PNG iTXt[1] "AIGC""#,
            ])
        #expect(scan.carriers.map(\.standard) == [true, true, false, false, false])
        #expect(scan.carriers[1].parsedPayload.form == .wrapped)
    }

    @Test func pngXMPCompressedAndUncompressed() throws {
        for compressed in [false, true] {
            let scan = try LabelScanner.scan(Build.png([Build.iTXt(PNGText.xmpKeyword, Build.attributeXMP(), compressed: compressed)]))
            let c = try #require(scan.carriers.first)
            #expect(c.kind == .xmpAttribute)
            #expect(c.standard)
            #expect(c.text == json)
        }
    }

    @Test func emptyAIGCTextChunk() throws {
        let scan = try LabelScanner.scan(Build.png([Build.tEXt("AIGC", "")]))
        #expect(scan.carriers.isEmpty)
        let f = try #require(scan.findings.first { $0.code == .emptyLabel })
        #expect(f.severity == .error)
    }

    @Test func foreignTextChunk() throws {
        let scan = try LabelScanner.scan(Build.png([Build.tEXt("Description", Build.sampleWrapped), Build.tEXt("Comment", "plain")]))
        #expect(scan.carriers.count == 1)
        #expect(scan.carriers.first?.kind == .foreignText)
        #expect(scan.carriers.first?.standard == false)
    }

    @Test func pngEXIfChunk() throws {
        let tiff = Build.tiff(
            bigEndian: false, ifd0: [Build.short(0x0112, 8, bigEndian: false)],
            exif: [Build.undefined(0x9286, Array("ASCII\0\0\0\(Build.sampleWrapped)".utf8))])
        let png = Build.png([Build.pngChunk("eXIf", tiff)])
        let scan = try LabelScanner.scan(png)
        #expect(scan.carriers.first?.kind == .exifUserComment)
        #expect(scan.carriers.first?.location == "PNG eXIf[0] ExifIFD UserComment")
        #expect(try ImageHeader.read(png).orientation == 8)
    }

    @Test func crcMismatchIsAWarningAndReadingContinues() throws {
        var bad = Build.tEXt("Comment", "hello")
        bad[bad.count - 1] ^= 0xFF
        let scan = try LabelScanner.scan(Build.png([bad, Build.tEXt("AIGC", json)]))
        let f = try #require(scan.findings.first { $0.code == .checksumMismatch })
        #expect(f.severity == .warning)
        #expect(f.message.contains("tEXt at offset 33"))
        #expect(scan.carriers.count == 1)
    }

    @Test func dataAfterIEND() throws {
        let harmless = try LabelScanner.scan(Build.png([], trailing: [0, 0, 0, 0]))
        #expect(harmless.findings.map(\.code) == [.trailingData])
        #expect(harmless.findings.first?.severity == .info)
        let appended = try LabelScanner.scan(Build.png([], trailing: Build.attributeXMP()))
        #expect(appended.carriers.isEmpty)
        #expect(appended.has(.labelOutsideContainer))
        #expect(appended.findings.first { $0.code == .labelOutsideContainer }?.severity == .warning)
    }

    @Test func hostilePNGLengths() throws {
        let base = PNGStructure.signature + Build.ihdr()
        let huge = try LabelScanner.scan(base + UInt32(0xFFFF_FFFF).bigEndianBytes(4) + Array("IDAT".utf8) + [1, 2, 3])
        #expect(huge.findings.first?.code == .structureMalformed)
        let long = try LabelScanner.scan(base + UInt32(0x7FFF_FFF0).bigEndianBytes(4) + Array("IDAT".utf8) + [UInt8](repeating: 0, count: 120))
        #expect(long.findings.first?.message == "PNG chunk IDAT at offset 33 declares 2147483632 bytes but only 120 remain")
        #expect(long.findings.first?.code == .structureTruncated)
    }

    @Test func zTXtBomb() throws {
        // 9 MiB of zeros compresses to a few KB but must not inflate past 8 MiB.
        let bomb = Build.pngChunk("zTXt", Array("AIGC".utf8) + [0, 0] + (try Zlib.deflate([UInt8](repeating: 0x20, count: 9 << 20))))
        let scan = try LabelScanner.scan(Build.png([bomb]))
        #expect(scan.carriers.isEmpty)
        #expect(scan.has(.structureMalformed))
    }

    // MARK: WebP, TIFF, GIF

    @Test func webpXMPAndEXIFChunks() throws {
        let exif = Build.tiff(
            bigEndian: true,
            ifd0: [Build.short(0x0112, 3, bigEndian: true), Build.undefined(0x9286, Array("ASCII\0\0\0\(Build.sampleWrapped)".utf8))])
        let webp = Build.webp([
            Build.riffChunk("VP8X", [0x0C, 0, 0, 0, 31, 0, 0, 31, 0, 0]), Build.riffChunk("VP8L", Build.vp8l),
            Build.riffChunk("EXIF", exif), Build.riffChunk("XMP ", Build.elementXMP()),
        ])
        let scan = try LabelScanner.scan(webp)
        #expect(scan.findings.isEmpty, "\(scan.findings)")
        #expect(scan.carriers.map(\.kind) == [.exifUserComment, .xmpElement])
        #expect(scan.carriers.last?.location == "WebP XMP chunk TC260:AIGC (element)")
        #expect(try ImageHeader.read(webp).orientation == 3)
    }

    @Test(arguments: [false, true])
    func tiffXMP(_ bigEndian: Bool) throws {
        let tiff = Build.tiff(
            bigEndian: bigEndian,
            ifd0: [
                Build.short(0x0100, 40, bigEndian: bigEndian), Build.short(0x0101, 30, bigEndian: bigEndian),
                Build.short(0x0112, 5, bigEndian: bigEndian), Build.undefined(0x02BC, Build.elementXMP()),
            ])
        let scan = try LabelScanner.scan(tiff)
        #expect(scan.format == .tiff)
        let c = try #require(scan.carriers.first)
        #expect(c.location == "TIFF IFD0 XMP (0x02BC) TC260:AIGC (element)")
        #expect(c.standard)
        #expect(c.text == json)
        let header = try ImageHeader.read(tiff)
        #expect(header == ImageHeader(format: .tiff, width: 40, height: 30, orientation: 5))
    }

    @Test func gifXMPRawWithMagicTrailer() throws {
        let gif = Build.gif(extensions: [Build.gifRawXMP(Build.elementXMP())])
        let scan = try LabelScanner.scan(gif)
        #expect(scan.findings.isEmpty, "\(scan.findings)")
        let c = try #require(scan.carriers.first)
        #expect(c.location == "GIF XMP Data extension TC260:AIGC (element)")
        #expect(c.text == json)
    }

    @Test func gifXMPInSubBlocks() throws {
        let gif = Build.gif(extensions: [Build.gifBlockXMP(Build.attributeXMP())])
        let scan = try LabelScanner.scan(gif)
        #expect(scan.findings.isEmpty, "\(scan.findings)")
        #expect(scan.carriers.first?.text == json)
    }

    @Test func gifTruncatedSubBlocks() throws {
        var gif = Build.gif(extensions: [Build.gifBlockXMP(Build.attributeXMP())])
        gif.removeLast(40)
        let scan = try LabelScanner.scan(gif)
        #expect(scan.has(.structureTruncated))
        #expect(scan.carriers.isEmpty)
    }
}
