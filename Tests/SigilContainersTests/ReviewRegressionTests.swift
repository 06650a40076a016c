import Foundation
import Testing

@testable import SigilContainers

/// Inputs a read-only review found to trap or corrupt (stop 40): each is now an error or handled, never a crash.
@Suite struct ReviewRegressionTests {
    static let label = ConformanceSample.labelA

    /// An APP1 with an empty payload followed by the XMP identifier's bytes: the identifier is outside the segment.
    @Test func anXMPIdentifierOutsideItsSegmentIsNotXMP() throws {
        let bytes: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x02] + JPEGStructure.xmpIdentifier
        let scan = try LabelScanner.scan(bytes)
        #expect(scan.carriers.isEmpty)
        #expect(!scan.findings.isEmpty, "the damage is reported")
        #expect(JPEGFormat().firstXMPPacket(in: bytes) == nil)
    }

    /// A package whose relationships name `[Content_Types].xml` as its custom-properties part: the label would
    /// rewrite that entry twice.
    @Test func aCustomPartNamedLikeThePackagesOwnPartIsAnError() {
        let rels =
            #"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties" Target="/[Content_Types].xml"/></Relationships>"#
        let bytes = Build.zip([
            ("[Content_Types].xml", Array("<Properties></Properties>".utf8), true), ("_rels/.rels", Array(rels.utf8), true),
        ])
        #expect { try OOXMLFormat().writeLabel(Self.label, into: bytes) } throws: {
            ($0 as? SigilError)?.message.contains("custom-properties part") == true
        }
    }

    /// A custom property whose pid does not fit an xsd:int is not read as a pid; the label takes the next valid one.
    @Test func aHugeCustomPropertyPIDIsIgnored() throws {
        let custom =
            #"<?xml version="1.0" encoding="UTF-8"?><Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"><property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="9223372036854775807" name="Other"><vt:lpwstr>x</vt:lpwstr></property></Properties>"#
        let bytes = Build.docx([("docProps/custom.xml", Array(custom.utf8), true)])
        let labeled = try OOXMLFormat().writeLabel(Self.label, into: bytes)
        let archive = try ZIPArchive(MemoryByteSource(labeled))
        let part = String(
            decoding: try ZIPArchive.contents(of: try #require(archive.entry("docProps/custom.xml")), in: MemoryByteSource(labeled)), as: UTF8.self)
        #expect(part.contains(#"pid="2" name="AIGC""#), "\(part)")
        #expect(part.contains(#"name="Other""#))
    }

    /// A `co64` entry near `Int.max` is damage, reported when the label moves the chunk offsets (it overflowed).
    @Test func aChunkOffsetPastAnyFileIsAnError() throws {
        var bytes = Build.m4a(co64: true)
        let table = try #require(try BMFFWalker.tree(bytes).first { $0.type == "co64" })
        let first = table.payload.lowerBound + 8
        bytes.replaceSubrange(first..<(first + 8), with: [0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xF0])
        #expect { try LabelWriter.write(Self.label, into: bytes) } throws: { ($0 as? SigilError)?.message.contains("past any file") == true }
    }

    /// A Vorbis comment list whose vendor length runs past the list: the error names the file offset (base + 4), not
    /// the position inside the list (stop 41 review).
    @Test func aVorbisCommentErrorNamesTheFileOffset() throws {
        let list: [UInt8] = [0xFF, 0xFF, 0xFF, 0x7F] + Array("vendor".utf8)
        let error = #expect(throws: SigilError.self) { try VorbisComment(parsing: list, base: 42, structure: "FLAC VORBIS_COMMENT") }
        #expect(error?.code == .truncated)
        #expect(error?.offset == 46)
    }

    /// The refusal of an AIGC property that holds an element (stop 41) leaves the structure form alone:
    /// `<p:AIGC><rdf:Description><p:Label>…` is a structure of fields, as before, not a broken value.
    @Test func anAIGCStructureInADescriptionIsStillEdited() throws {
        let packet = Array(
            """
            <x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\
            <rdf:Description rdf:about="" xmlns:TC260="http://www.tc260.org.cn/ns/AIGC/1.0/"><TC260:AIGC><rdf:Description>\
            <TC260:Label>1</TC260:Label></rdf:Description></TC260:AIGC></rdf:Description></rdf:RDF></x:xmpmeta>
            """.utf8)
        let assignment = XMPEditor.Assignment(
            namespaceURI: "http://www.tc260.org.cn/ns/AIGC/1.0/", preferredPrefix: "TC260", name: "AIGC", value: "{}", matchAnyNamespace: true)
        #expect(throws: Never.self) { try XMPEditor.apply([assignment], to: packet, site: "test", offset: 0) }
        let nested = Array(
            """
            <x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\
            <rdf:Description rdf:about="" xmlns:TC260="http://www.tc260.org.cn/ns/AIGC/1.0/"><TC260:AIGC>x<rdf:Description rdf:about=""/>\
            </TC260:AIGC></rdf:Description></rdf:RDF></x:xmpmeta>
            """.utf8)
        #expect(throws: SigilError.self) { try XMPEditor.apply([assignment], to: nested, site: "test", offset: 0) }
    }
}
