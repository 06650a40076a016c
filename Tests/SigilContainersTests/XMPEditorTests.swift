import Foundation
import Testing
@testable import SigilContainers

@Suite struct XMPEditorTests {
    static let label = LabelWriterTests.label

    func edit(_ packet: String) throws -> String {
        let bytes = try LabelWriter.write(
            json: Self.label.json, wrappedJSON: Self.label.wrappedJSON, extra: [], into: Build.jpeg([Build.xmpSegment(Array(packet.utf8))]))
        let scan = try LabelScanner.scan(bytes)
        #expect(scan.carriers.count == 1)
        #expect(scan.carriers.first?.parsedPayload.label == Self.label)
        return String(decoding: try #require(XMPLocator.firstPacket(in: bytes)), as: UTF8.self)
    }

    @Test func languageAlternativeIsUpdatedInItsItem() throws {
        let text = try edit(
            #"<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:TC260="http://www.tc260.org.cn/ns/AIGC/1.0/"><TC260:AIGC><rdf:Alt><rdf:li xml:lang="x-default">{}</rdf:li></rdf:Alt></TC260:AIGC></rdf:Description></rdf:RDF></x:xmpmeta>"#
        )
        #expect(text.contains(#"<rdf:li xml:lang="x-default">\#(Self.label.json)</rdf:li>"#))
    }

    @Test func selfClosingPropertyIsFilled() throws {
        let text = try edit(
            #"<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:TC260="http://www.tc260.org.cn/ns/AIGC/1.0/"><TC260:AIGC/></rdf:Description></rdf:RDF></x:xmpmeta>"#
        )
        #expect(text.contains("<TC260:AIGC>\(Self.label.json)</TC260:AIGC>"))
    }

    @Test func packetWithoutDescriptionGetsOne() throws {
        let text = try edit(
            #"<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"></rdf:RDF></x:xmpmeta>"#)
        #expect(text.contains(#"<rdf:Description rdf:about="" xmlns:TC260="http://www.tc260.org.cn/ns/AIGC/1.0/">"#))
    }

    @Test func conflictingPrefixGetsAnotherName() throws {
        let text = try edit(
            #"<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:TC260="urn:other" TC260:Label="x"/></rdf:RDF></x:xmpmeta>"#
        )
        #expect(text.contains(#"xmlns:TC2601="http://www.tc260.org.cn/ns/AIGC/1.0/""#))
        #expect(text.contains("<TC2601:AIGC>"))
    }

    @Test func packetWithoutRDFIsRefused() {
        #expect(throws: SigilError(.malformed, "")) {
            try LabelWriter.write(
                json: Self.label.json, wrappedJSON: "", extra: [],
                into: Build.jpeg([Build.xmpSegment(Array("<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"></x:xmpmeta>".utf8))]))
        }
    }

    @Test func paddingKeepsPacketSize() throws {
        let padded = Build.xmp(attributes: " xmlns:TC260=\"\(Build.tc260)\"", inner: "<TC260:AIGC>{}</TC260:AIGC>", pi: "")
        var packet = padded
        let end = try #require(packet.firstIndex(of: Array("<?xpacket end".utf8)))
        packet.insert(contentsOf: [UInt8](repeating: 0x20, count: 2000) + [0x0A], at: end)
        let edited = try XMPEditor.apply(
            [.init(namespaceURI: Build.tc260, preferredPrefix: "TC260", name: "AIGC", value: Self.label.json, matchAnyNamespace: true)], to: packet,
            site: "test", offset: 0)
        #expect(edited.count == packet.count)
        #expect(XMPLabelReader.property(namespaceURI: Build.tc260, name: "AIGC", in: edited) == Self.label.json)
    }
}

@Suite struct XMLTextEscapeTests {
    @Test func escapesOnlyMarkupAndTheDelimiter() {
        #expect(XMLText.escapeContent("本内容 \"AI\" 'x'") == "本内容 \"AI\" 'x'")
        #expect(XMLText.escapeContent("a<b>&c") == "a&lt;b&gt;&amp;c")
        #expect(XMLText.escapeAttribute("say \"hi\" & 'bye'") == "say &quot;hi&quot; &amp; 'bye'")
        #expect(XMLText.escapeAttribute("say \"hi\" & 'bye'", quote: UInt8(ascii: "'")) == "say \"hi\" &amp; &apos;bye&apos;")
        #expect(XMLText.escapeContent("") == "")
    }
}
