import Foundation
import Testing
@testable import SigilContainers

extension Build {
    /// A ZIP archive of `parts` (name, contents, deflated?), with a central directory; with flag bit 3, each entry
    /// is followed by a data descriptor.
    static func zip(_ parts: [(name: String, contents: [UInt8], deflate: Bool)], flags: UInt16 = 0) -> [UInt8] {
        var out: [UInt8] = []
        var entries: [ZIPEntry] = []
        for part in parts {
            let data = part.deflate ? try! Zlib.deflateRaw(part.contents) : part.contents
            let entry = ZIPEntry(
                nameBytes: Array(part.name.utf8), versionMadeBy: 20, versionNeeded: 20, flags: flags, method: part.deflate ? 8 : 0, modifiedTime: 0,
                modifiedDate: 0x21, crc32: Zlib.crc32(part.contents), compressedSize: data.count, uncompressedSize: part.contents.count, extra: [],
                comment: [], internalAttributes: 0, externalAttributes: 0, localOffset: out.count, dataOffset: 0, record: 0..<0, isZIP64: false)
            out += ZIPWriter.localRecord(entry, compressed: data)
            if flags & 0x0008 != 0 {
                out +=
                    ZIPArchive.descriptorSignature + ZIPWriter.le(entry.crc32, 4) + ZIPWriter.le(data.count, 4) + ZIPWriter.le(part.contents.count, 4)
            }
            entries.append(entry)
        }
        return out + ZIPWriter.directory(entries, at: out.count, comment: [], forceZIP64: false)
    }

    static let contentTypes =
        #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#
    static let packageRels =
        #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#

    /// A minimal Word package: content types, package relationships, a document, and `extra` parts.
    static func docx(_ extra: [(name: String, contents: [UInt8], deflate: Bool)] = []) -> [UInt8] {
        zip(
            [
                ("[Content_Types].xml", Array(contentTypes.utf8), true),
                ("_rels/.rels", Array(packageRels.utf8), true),
                (
                    "word/document.xml",
                    Array(
                        #"<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Hello</w:t></w:r></w:p></w:body></w:document>"#
                            .utf8), true
                ),
            ] + extra)
    }
}

@Suite struct OOXMLTests {
    static let label = ConformanceSample.labelA

    func labels(_ bytes: [UInt8]) throws -> [LabelCarrier] {
        try LabelScanner.scan(bytes).carriers.filter { $0.parsedPayload.hasAnnexEKeys }
    }

    /// Every entry of `original` but the three label parts has the same local record bytes in `labeled`.
    func otherEntriesAreIdentical(_ original: [UInt8], _ labeled: [UInt8]) throws -> Bool {
        let before = try ZIPArchive(MemoryByteSource(original))
        let after = try ZIPArchive(MemoryByteSource(labeled))
        let skip: Set<String> = ["[Content_Types].xml", "_rels/.rels", "docProps/custom.xml"]
        for entry in before.entries where !skip.contains(entry.name) {
            guard let other = after.entry(entry.name), labeled[other.record] == original[entry.record] else { return false }
        }
        return after.entries.count == before.entries.count + (before.entry("docProps/custom.xml") == nil ? 1 : 0)
    }

    @Test func aPackageWithoutCustomPropertiesGetsThePartTheOverrideAndTheRelationship() throws {
        let original = Build.docx()
        let labeled = try OOXMLFormat().writeLabel(Self.label, into: original)
        let found = try labels(labeled)
        #expect(found.count == 1)
        #expect(found.first?.kind == .ooxmlCustomProperty && found.first?.standard == true)
        #expect(found.first?.parsedPayload.label?.produceID == "abc123")
        #expect(found.first?.parsedPayload.form == .bare)
        let archive = try ZIPArchive(MemoryByteSource(labeled))
        let types = String(
            decoding: try ZIPArchive.contents(of: try #require(archive.entry("[Content_Types].xml")), in: MemoryByteSource(labeled)), as: UTF8.self)
        #expect(
            types.contains(
                #"<Override PartName="/docProps/custom.xml" ContentType="application/vnd.openxmlformats-officedocument.custom-properties+xml"/></Types>"#
            ))
        let rels = String(
            decoding: try ZIPArchive.contents(of: try #require(archive.entry("_rels/.rels")), in: MemoryByteSource(labeled)), as: UTF8.self)
        #expect(
            rels.contains(
                #"<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties" Target="docProps/custom.xml"/>"#
            ))
        #expect(try otherEntriesAreIdentical(original, labeled))
        let twice = try OOXMLFormat().writeLabel(ConformanceSample.labelB, into: labeled)
        #expect(try labels(twice).map { $0.parsedPayload.label?.produceID } == ["second0042"])
        #expect(try ZIPArchive(MemoryByteSource(twice)).entries.count == archive.entries.count, "relabeling adds no part")
    }

    @Test func existingCustomPropertiesAreMergedWithTheNextPID() throws {
        let custom =
            #"<?xml version="1.0"?><Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"><property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="Dept"><vt:lpwstr>R&amp;D</vt:lpwstr></property><property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="7" name="AIGC"><vt:lpwstr>old</vt:lpwstr></property><property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="9" name="AIGC"><vt:lpwstr>dup</vt:lpwstr></property></Properties>"#
        let merged = try OOXMLParts.labeledCustomPart(Array(custom.utf8), json: #"{"Label":"1"}"#)
        let text = String(decoding: merged, as: UTF8.self)
        #expect(text.contains(#"pid="2" name="Dept"><vt:lpwstr>R&amp;D</vt:lpwstr>"#), "other properties keep their bytes")
        #expect(
            text.contains(#"pid="7" name="AIGC"><vt:lpwstr>{&quot;Label&quot;:&quot;1&quot;}</vt:lpwstr>"#)
                || text.contains(#"pid="7" name="AIGC"><vt:lpwstr>{"Label":"1"}</vt:lpwstr>"#))
        #expect(!text.contains("dup"), "one label remains")
        let fresh = try OOXMLParts.labeledCustomPart(Array(custom.replacingOccurrences(of: "\"AIGC\"", with: "\"Other\"").utf8), json: "{}")
        #expect(String(decoding: fresh, as: UTF8.self).contains(#"pid="10" name="AIGC""#))
    }

    /// AigcTotal read a ZIP entry's flags as its compression method: a stored entry with a data descriptor
    /// (flags 8, method 0) and a deflated one without (flags 0, method 8) are both read here.
    @Test func flagsAreNotTheCompressionMethod() throws {
        let custom = Array(String(decoding: OOXMLParts.newCustomPart(json: Build.sampleJSON), as: UTF8.self).utf8)
        for (flags, deflate) in [(UInt16(8), false), (0, true)] {
            let bytes = Build.zip([("docProps/custom.xml", custom, deflate)], flags: flags)
            #expect(try labels(bytes).first?.parsedPayload.label?.produceID == "abc123", "flags \(flags), deflate \(deflate)")
            #expect(try LabelScanner.scan(bytes).findings.isEmpty, "flags \(flags): read through the central directory")
        }
    }

    @Test func zipBombsLyingSizesAndEntriesPastTheDirectoryAreErrors() throws {
        let zeros = [UInt8](repeating: 0x20, count: 20 << 20)
        let bomb = Build.docx([("docProps/custom.xml", Array("<Properties>".utf8) + zeros + Array("</Properties>".utf8), true)])
        #expect(bomb.count < 200_000, "a small file")
        #expect { try OOXMLFormat().writeLabel(Self.label, into: bomb) } throws: { ($0 as? SigilError)?.code == .tooLarge }
        // The same part declaring 100 bytes: the inflater stops at the limit, and the size lie is caught.
        var lying = bomb
        let archive = try ZIPArchive(MemoryByteSource(bomb))
        let custom = try #require(archive.entry("docProps/custom.xml"))
        lying.replaceSubrange((custom.localOffset + 22)..<(custom.localOffset + 26), with: ZIPWriter.le(100, 4))
        var central = archive.directoryOffset
        for entry in archive.entries where entry.name != custom.name { central += 46 + entry.nameBytes.count }
        lying.replaceSubrange((central + 24)..<(central + 28), with: ZIPWriter.le(100, 4))
        #expect(throws: SigilError.self) { try OOXMLFormat().writeLabel(Self.label, into: lying) }
        // An entry whose compressed size runs past the central directory.
        var past = Build.docx()
        let dir = try ZIPArchive(MemoryByteSource(past)).directoryOffset
        past.replaceSubrange((dir + 20)..<(dir + 24), with: ZIPWriter.le(0x7FFF_0000, 4))
        #expect { try OOXMLFormat().writeLabel(Self.label, into: past) } throws: {
            ($0 as? SigilError)?.message.contains("past the central directory") == true
        }
        #expect(throws: SigilError.self) { try OOXMLFormat().writeLabel(Self.label, into: Build.zip([("a.txt", [1, 2, 3], false)])) }
    }

    @Test func aSignedPackageIsReported() throws {
        let signed = Build.docx([("_xmlsignatures/sig1.xml", Array("<Signature/>".utf8), false)])
        let scan = try LabelScanner.scan(try OOXMLFormat().writeLabel(Self.label, into: signed))
        #expect(scan.findings.contains { $0.code == .signedPackage && $0.message.contains("invalidates") })
    }

    @Test func zip64EndRecordsAreReadAndKept() throws {
        var bytes = Build.docx()
        let archive = try ZIPArchive(MemoryByteSource(bytes))
        var entries = archive.entries
        for i in entries.indices { entries[i].extra = [] }
        bytes =
            Array(bytes[..<archive.directoryOffset])
            + ZIPWriter.directory(entries, at: archive.directoryOffset, comment: Array("c".utf8), forceZIP64: true)
        let zip64 = try ZIPArchive(MemoryByteSource(bytes))
        #expect(zip64.isZIP64 && zip64.entries.count == 3 && zip64.comment == Array("c".utf8))
        let labeled = try OOXMLFormat().writeLabel(Self.label, into: bytes)
        #expect(try ZIPArchive(MemoryByteSource(labeled)).isZIP64)
        #expect(try labels(labeled).count == 1)
    }

    @Test(.enabled(if: DocumentTools.documentsAvailable)) func everySharedOfficeFileLabelsWithOtherEntriesByteIdentical() throws {
        let names = DocumentTools.documents(".docx", ".dotx", ".xlsx", ".pptx", ".pptm")
        #expect(names.count >= 6)
        for name in names {
            let original = try DocumentTools.document(name)
            #expect(MediaRegistry.standard.format(of: original) == .ooxml, "\(name)")
            let labeled = try OOXMLFormat().writeLabel(Self.label, into: original)
            let found = try labels(labeled)
            #expect(found.count == 1, "\(name)")
            #expect(found.first?.parsedPayload.label?.produceID == "abc123", "\(name)")
            #expect(try otherEntriesAreIdentical(original, labeled), "\(name): other entries byte-identical")
            let plan = try OOXMLFormat().labelEdits(Self.label, in: MemoryByteSource(original))
            #expect(plan.apply(to: original) == labeled)
            #expect(try LabelScanner.scan(labeled).findings.contains { $0.code == .packageType }, "\(name)")
        }
        let merged = try OOXMLFormat().writeLabel(Self.label, into: try DocumentTools.document("docx_lo74_custom_props.docx"))
        let archive = try ZIPArchive(MemoryByteSource(merged))
        let custom = String(
            decoding: try ZIPArchive.contents(of: try #require(archive.entry("docProps/custom.xml")), in: MemoryByteSource(merged)), as: UTF8.self)
        for kept in ["Confidential", "Department", "ED-2025-0042", "来源", "古文选读", #"pid="7" name="AIGC""#] {
            #expect(custom.contains(kept), "\(kept)")
        }
    }

    @Test(.enabled(if: DocumentTools.documentsAvailable && DocumentTools.hasPython("zipfile"))) func pythonZipfileReadsTheLabeledPackages() throws {
        let script = """
            import sys, zipfile, xml.etree.ElementTree as ET
            z = zipfile.ZipFile(sys.argv[1])
            assert z.testzip() is None
            ns = {'c': 'http://schemas.openxmlformats.org/officeDocument/2006/custom-properties', 'vt': 'http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes'}
            root = ET.fromstring(z.read('docProps/custom.xml'))
            values = [p.find('vt:lpwstr', ns).text for p in root.findall('c:property', ns) if p.get('name') == 'AIGC']
            assert len(values) == 1, values
            pids = [p.get('pid') for p in root.findall('c:property', ns)]
            assert len(set(pids)) == len(pids), pids
            assert 'docProps/custom.xml' in z.read('[Content_Types].xml').decode()
            assert 'custom-properties' in z.read('_rels/.rels').decode()
            print(values[0])
            """
        for name in DocumentTools.documents(".docx", ".dotx", ".xlsx", ".pptx", ".pptm") {
            let labeled = try OOXMLFormat().writeLabel(Self.label, into: try DocumentTools.document(name))
            let result = try DocumentTools.withFile(labeled, named: name) { try DocumentTools.run("python3", ["-c", script, $0]) }
            #expect(result.status == 0 && result.output.contains(#""ProduceID":"abc123""#), "\(name): \(result.output)")
        }
    }

    @Test(.enabled(if: Fixtures.peersAvailable)) func peersOOXMLFixturesAreRead() throws {
        for name in ["aigctotal__ooxml-custom-aigc.docx", "aigctotal__ooxml-custom-aigc-streaming.docx", "aigctotal__ooxml-custom-aigc-deflate.docx"]
        {
            let found = try labels(try Fixtures.peer("docx/" + name))
            #expect(found.count == 1, "\(name)")
            #expect(found.first?.parsedPayload.label?.produceID == "C-001", "\(name)")
        }
        #expect(try labels(try Fixtures.peer("docx/aigctotal__ooxml-no-label.docx")).isEmpty)
    }
}
