import Foundation
import Testing
@testable import SigilContainers

extension Build {
    /// A one-page PDF with a classic xref table; `info` is the Info dictionary's body (nil: no Info).
    static func pdf(info: String?, metadata: String? = nil) -> [UInt8] {
        var objects = [
            "<</Type/Catalog/Pages 2 0 R\(metadata == nil ? "" : "/Metadata 5 0 R")>>", "<</Type/Pages/Kids [3 0 R]/Count 1>>",
            "<</Type/Page/Parent 2 0 R/MediaBox [0 0 612 792]>>",
        ]
        objects.append("<<\(info ?? "")>>")
        if let metadata { objects.append("<</Type/Metadata/Subtype/XML/Length \(metadata.utf8.count)>>stream\n\(metadata)\nendstream") }
        var out = Array("%PDF-1.4\n%\u{E2}\u{E3}\n".utf8)
        var offsets: [Int] = []
        for (i, body) in objects.enumerated() {
            offsets.append(out.count)
            out += Array("\(i + 1) 0 obj\n\(body)\nendobj\n".utf8)
        }
        let xref = out.count
        out += Array("xref\n0 \(objects.count + 1)\n0000000000 65535 f\r\n".utf8)
        for offset in offsets { out += Array((String(repeating: "0", count: 10 - String(offset).count) + "\(offset) 00000 n\r\n").utf8) }
        out += Array("trailer\n<</Size \(objects.count + 1)/Root 1 0 R\(info == nil ? "" : "/Info 4 0 R")>>\nstartxref\n\(xref)\n%%EOF\n".utf8)
        return out
    }
}

extension Build {
    /// A PDF whose cross-reference is a stream (the last object), for hostile variants: `objects` are (number, body);
    /// `xref` gives the stream's dictionary entries after `/Type/XRef` and its raw rows, from the objects' offsets and
    /// the stream's own offset.
    static func xrefStreamPDF(
        objects: [(Int, String)], xrefNumber: Int, xref: (_ offsets: [Int: Int], _ at: Int) -> (dictionary: String, rows: [UInt8])
    ) -> [UInt8] {
        var out = Array("%PDF-1.5\n".utf8)
        var offsets: [Int: Int] = [:]
        for (number, body) in objects {
            offsets[number] = out.count
            out += Array("\(number) 0 obj\n\(body)\nendobj\n".utf8)
        }
        let at = out.count
        let (dictionary, rows) = xref(offsets, at)
        out += Array("\(xrefNumber) 0 obj\n<</Type/XRef\(dictionary)/Length \(rows.count)>>stream\n".utf8) + rows
        out += Array("\nendstream\nendobj\nstartxref\n\(at)\n%%EOF\n".utf8)
        return out
    }

    /// A cross-reference stream row: type, a 4-byte field, a 2-byte field (`/W [1 4 2]`).
    static func xrefRow(_ type: UInt8, _ field: Int, _ second: Int = 0) -> [UInt8] {
        [type] + [24, 16, 8, 0].map { UInt8(field >> $0 & 0xFF) } + [UInt8(second >> 8 & 0xFF), UInt8(second & 0xFF)]
    }
}

@Suite struct PDFTests {
    static let label = ConformanceSample.labelA

    func labels(_ bytes: [UInt8]) throws -> [LabelCarrier] {
        try LabelScanner.scan(bytes).carriers.filter { $0.parsedPayload.hasAnnexEKeys }
    }

    @Test func anIncrementalUpdateKeepsTheOriginalAsAPrefix() throws {
        let original = Build.pdf(info: "/Title (Keep me)/Author <FEFF00E9>")
        let labeled = try PDFFormat().writeLabel(Self.label, into: original)
        #expect(Array(labeled.prefix(original.count)) == original)
        let found = try labels(labeled)
        #expect(found.count == 1)
        #expect(found.first?.kind == .pdfInfo && found.first?.standard == true)
        #expect(found.first?.parsedPayload.label?.produceID == "abc123")
        let document = try PDFDocument(labeled)
        let info = try #require(try document.object(4))
        #expect(info["Title"]?.text == "Keep me" && info["Author"]?.text == "é", "other Info keys kept")
        #expect(try PDFFormat().essenceRanges(in: MemoryByteSource(labeled)) == [0..<original.count])
    }

    /// AigcTotal took the first `/AIGC` of a byte scan: after an update over a stale label, it reported the stale one.
    @Test func theLastTrailersInfoWinsOverAStaleLabel() throws {
        let stale = Build.pdf(info: "/AIGC (\(Build.sampleJSON.replacingOccurrences(of: "abc123", with: "stale1")))")
        let updated = try PDFFormat().writeLabel(Self.label, into: stale)
        #expect(updated.firstIndex(of: Array("stale1".utf8)) != nil, "the stale label is still in the bytes")
        let found = try labels(updated)
        #expect(found.count == 1)
        #expect(found.first?.parsedPayload.label?.produceID == "abc123")
    }

    @Test func nonASCIITextIsUTF16WithABOM() {
        #expect(PDFObject.textString("a(b)") == Array("(a\\(b\\))".utf8))
        #expect(PDFObject.textString("é") == Array("<FEFF00E9>".utf8))
        #expect(PDFObject.string([0xFE, 0xFF, 0x00, 0xE9]).text == "é")
    }

    @Test func xmpMetadataGetsTheProperty() throws {
        let packet =
            #"<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about=""/></rdf:RDF></x:xmpmeta><?xpacket end="w"?>"#
        let labeled = try PDFFormat().writeLabel(Self.label, into: Build.pdf(info: "", metadata: packet))
        let (_, xmp) = try #require(try PDFDocument(labeled).stream(5))
        #expect(XMPLabelReader.property(namespaceURI: LabelWriter.namespaceURI, name: "AIGC", in: xmp) == Build.sampleJSON)
        #expect(try labels(labeled).count == 1, "the XMP mirror is not a second label")
    }

    @Test func noInfoGetsANewInfoObject() throws {
        let labeled = try PDFFormat().writeLabel(Self.label, into: Build.pdf(info: nil))
        #expect(try labels(labeled).count == 1)
        #expect(try PDFDocument(labeled).trailer["Info"]?.reference?.number == 5)
    }

    @Test func loopsAndOffsetsPastTheEndAreErrors() throws {
        let original = Build.pdf(info: "")
        let xref = try #require(original.firstIndex(of: Array("xref\n".utf8)))
        func replacing(_ a: String, _ b: String) throws -> [UInt8] {
            let at = try #require(original.firstIndex(of: Array(a.utf8)))
            return Array(original[..<at]) + Array(b.utf8) + Array(original[(at + a.utf8.count)...])
        }
        let looping = try replacing("/Root 1 0 R", "/Root 1 0 R/Prev \(xref)")
        #expect { try PDFFormat().writeLabel(Self.label, into: looping) } throws: { ($0 as? SigilError)?.message.contains("loops") == true }
        let past = try replacing("startxref\n\(xref)", "startxref\n99999999")
        #expect { try PDFFormat().writeLabel(Self.label, into: past) } throws: { ($0 as? SigilError)?.message.contains("past the end") == true }
        var scan = ContainerScan(format: .pdf)
        PDFFormat().scanLabels(past, into: &scan)
        #expect(scan.findings.contains { $0.code == .structureMalformed })
    }

    /// Object numbers, `/Size` and object-stream offsets near `Int.max` are errors, never an arithmetic trap, and a
    /// cross-reference stream cannot declare more entries than ISO 32000 allows objects (a few bytes expanding to
    /// gigabytes of table).
    @Test func hugeNumbersAreErrorsNotTraps() throws {
        let original = Build.pdf(info: nil)
        func replacing(_ a: String, _ b: String) throws -> [UInt8] {
            let at = try #require(original.firstIndex(of: Array(a.utf8)))
            return Array(original[..<at]) + Array(b.utf8) + Array(original[(at + a.utf8.count)...])
        }
        let hugeStart = try replacing("xref\n0 5\n", "xref\n9223372036854775806 5\n")
        #expect { try PDFFormat().writeLabel(Self.label, into: hugeStart) } throws: {
            ($0 as? SigilError)?.message.contains("largest object number") == true
        }
        let hugeSize = try replacing("/Size 5", "/Size 9223372036854775807")
        #expect { try PDFFormat().writeLabel(Self.label, into: hugeSize) } throws: { ($0 as? SigilError)?.message.contains("/Size") == true }

        let pages = [(1, "<</Type/Catalog/Pages 2 0 R>>"), (2, "<</Type/Pages/Kids [3 0 R]/Count 1>>"), (3, "<</Type/Page/Parent 2 0 R>>")]
        let hugeIndex = Build.xrefStreamPDF(objects: pages, xrefNumber: 4) { offsets, _ in
            ("/Size 5/Root 1 0 R/W [1 4 2]/Index [9223372036854775807 2]", Build.xrefRow(1, offsets[1]!) + Build.xrefRow(1, offsets[2]!))
        }
        #expect { try PDFFormat().writeLabel(Self.label, into: hugeIndex) } throws: { ($0 as? SigilError)?.message.contains("/Index") == true }
        let tooMany = Build.xrefStreamPDF(objects: pages, xrefNumber: 4) { _, _ in
            ("/Size 5/Root 1 0 R/W [1 0 0]/Index [0 8388609]", [UInt8](repeating: 1, count: 8_388_609))
        }
        #expect(throws: SigilError.self) { try PDFFormat().writeLabel(Self.label, into: tooMany) }

        // Info (object 4) inside an object stream whose header puts it at offset Int.max.
        let header = "4 9223372036854775807 "
        let objectStream = "<</Type/ObjStm/N 1/First \(header.utf8.count)/Length \(header.utf8.count + 4)>>stream\n\(header)<<>>\nendstream"
        let hugeOffset = Build.xrefStreamPDF(objects: pages + [(5, objectStream)], xrefNumber: 6) { offsets, at in
            let rows =
                Build.xrefRow(0, 0, 65535) + Build.xrefRow(1, offsets[1]!) + Build.xrefRow(1, offsets[2]!) + Build.xrefRow(1, offsets[3]!)
                + Build.xrefRow(2, 5, 0) + Build.xrefRow(1, offsets[5]!) + Build.xrefRow(1, at)
            return ("/Size 7/Root 1 0 R/Info 4 0 R/W [1 4 2]", rows)
        }
        #expect { try PDFFormat().writeLabel(Self.label, into: hugeOffset) } throws: {
            ($0 as? SigilError)?.message.contains("does not hold object 4") == true
        }
        var scan = ContainerScan(format: .pdf)
        PDFFormat().scanLabels(hugeOffset, into: &scan)
        #expect(scan.carriers.isEmpty)
    }

    @Test func negativeOffsetsAreErrors() throws {
        let original = Build.pdf(info: "")
        let at = try #require(original.firstIndex(of: Array("/Root 1 0 R".utf8)))
        let bytes = Array(original[..<at]) + Array("/Root 1 0 R/Prev -5".utf8) + Array(original[(at + 11)...])
        #expect(throws: SigilError.self) { try PDFFormat().writeLabel(Self.label, into: bytes) }
    }

    @Test(.enabled(if: DocumentTools.documentsAvailable)) func aPDFThatNeedsAUserPasswordIsRefused() throws {
        let name = "pdf_qpdf_encrypted_user_aes256.pdf"
        #expect(throws: SigilError.self) { try PDFFormat().writeLabel(Self.label, into: try DocumentTools.document(name)) }
        #expect(try LabelScanner.scan(try DocumentTools.document(name)).findings.contains { $0.code == .encrypted && $0.severity == .error })
    }

    static var labelableNames: [String] { DocumentTools.documents(".pdf").filter { !$0.contains("encrypted_user") } }

    @Test(.enabled(if: DocumentTools.documentsAvailable)) func everySharedPDFLabelsAsAnUpdate() throws {
        #expect(Self.labelableNames.count >= 9)
        for name in Self.labelableNames {
            let original = try DocumentTools.document(name)
            let labeled = try PDFFormat().writeLabel(Self.label, into: original)
            #expect(Array(labeled.prefix(original.count)) == original, "\(name): the original is a prefix")
            let found = try labels(labeled)
            #expect(found.count == 1, "\(name)")
            #expect(found.first?.parsedPayload.label?.produceID == "abc123", "\(name)")
            let relabeled = try PDFFormat().writeLabel(ConformanceSample.labelB, into: labeled)
            #expect(try labels(relabeled).map { $0.parsedPayload.label?.produceID } == ["second0042"], "\(name)")
            #expect(try PDFFormat().writeLabel(ConformanceSample.labelB, into: relabeled) == relabeled, "\(name): same label, no update")
        }
        let linearized = try PDFFormat().writeLabel(Self.label, into: try DocumentTools.document("pdf_googledocs_linearized.pdf"))
        #expect(try LabelScanner.scan(linearized).findings.contains { $0.code == .linearizationLost })
        let signed = try PDFFormat().writeLabel(Self.label, into: try DocumentTools.document("pdf_designer65_usage_rights_signed.pdf"))
        #expect(try LabelScanner.scan(signed).findings.contains { $0.code == .signedPackage && $0.message.contains("byte-identical") })
        #expect(try !LabelScanner.scan(try DocumentTools.document("pdf_lo74_classic_xref.pdf")).findings.contains { $0.code == .signedPackage })
        let peer = try labels(try DocumentTools.document("pdf_reportlab_peer_aigc_exiftool.pdf"))
        #expect(peer.count == 1 && peer.first?.parsedPayload.label?.contentProducer == "CorpusStudio")
    }

    @Test(.enabled(if: DocumentTools.documentsAvailable && DocumentTools.which("qpdf") != nil)) func qpdfChecksTheLabeledFiles() throws {
        for name in Self.labelableNames {
            let original = try DocumentTools.document(name)
            let before = try DocumentTools.withFile(original, named: "a.pdf") { try DocumentTools.run("qpdf", ["--check", $0]).status }
            let labeled = try PDFFormat().writeLabel(Self.label, into: original)
            let after = try DocumentTools.withFile(labeled, named: "b.pdf") { try DocumentTools.run("qpdf", ["--check", $0]) }
            #expect(after.status == before || after.status == 0, "\(name): \(after.output)")
        }
    }

    @Test(.enabled(if: DocumentTools.documentsAvailable && DocumentTools.which("pdfinfo") != nil)) func pdfinfoReadsTheLabel() throws {
        for name in Self.labelableNames {
            let labeled = try PDFFormat().writeLabel(Self.label, into: try DocumentTools.document(name))
            let result = try DocumentTools.withFile(labeled, named: "b.pdf") { try DocumentTools.run("pdfinfo", ["-custom", $0]) }
            #expect(result.status == 0 && result.output.contains("abc123"), "\(name): \(result.output)")
        }
    }

    /// The label changes no page: poppler renders the first page of the labeled file to the same pixels.
    @Test(.enabled(if: DocumentTools.documentsAvailable && DocumentTools.which("pdftoppm") != nil)) func theFirstPageRendersIdentically() throws {
        for name in Self.labelableNames {
            let original = try DocumentTools.document(name)
            let labeled = try PDFFormat().writeLabel(Self.label, into: original)
            func render(_ bytes: [UInt8]) throws -> String {
                try DocumentTools.withFile(bytes, named: "p.pdf") { path in
                    let run = try DocumentTools.run("pdftoppm", ["-r", "24", "-f", "1", "-l", "1", "-singlefile", "-gray", path, path + "-page"])
                    guard run.status == 0 else { return "pdftoppm failed: \(run.output)" }
                    return try Data(contentsOf: URL(fileURLWithPath: path + "-page.pgm")).base64EncodedString()
                }
            }
            let before = try render(original)
            #expect(!before.hasPrefix("pdftoppm failed") && before.count > 100, "\(name): \(before.prefix(200))")
            #expect(try render(labeled) == before, "\(name)")
        }
    }

    @Test(.enabled(if: Fixtures.peersAvailable)) func peersPDFFixturesAreRead() throws {
        let found = try labels(try Fixtures.peer("pdf/aigctotal__pdf-info-aigc.pdf"))
        #expect(found.count == 1 && found.first?.parsedPayload.label?.produceID == "C-001")
        #expect(found.first?.standard == false, "found by a byte scan, outside a readable Info")
        #expect(try labels(try Fixtures.peer("pdf/aigctotal__pdf-no-label.pdf")).isEmpty)
    }
}
