import Foundation
import Testing
@testable import SigilContainers

@Suite struct MarkdownTests {
    static let label = ConformanceSample.labelA
    static let registry = MediaRegistry.standard

    /// The labels (carriers with Annex E keys) in `bytes`.
    func labels(_ bytes: [UInt8]) throws -> [LabelCarrier] {
        try LabelScanner.scan(bytes).carriers.filter { $0.parsedPayload.hasAnnexEKeys }
    }

    /// Labels `bytes` as the CLI does for a file named `*.ext`.
    func write(_ bytes: [UInt8], ext: String = "md") throws -> [UInt8] {
        guard let identified = Self.registry.identify(bytes, fileExtension: ext), let writer = identified.handler as? any LabelWriting else {
            throw SigilError(.unsupportedFormat, "not labelable")
        }
        return try writer.writeLabel(Self.label, into: bytes)
    }

    func body(_ bytes: [UInt8], ext: String = "md") throws -> [UInt8] {
        let locator = try #require(Self.registry.identify(bytes, fileExtension: ext)?.handler as? any EssenceLocating)
        return try locator.essenceRanges(in: MemoryByteSource(bytes)).flatMap { bytes[$0] }
    }

    @Test func frontMatterIsSniffedFromBytesAndTextWithoutItIsPlainText() throws {
        #expect(Self.registry.format(of: Array("---\ntitle: x\n---\nbody".utf8)) == .markdown)
        #expect(Self.registry.format(of: FrontMatter.byteOrderMark + Array("---\r\na: 1\r\n---\r\n".utf8)) == .markdown)
        #expect(Self.registry.format(of: Array("+++\ntitle = 'x'\n+++\n".utf8)) == .markdown)
        #expect(Self.registry.format(of: Array("# Heading\n\ntext".utf8)) == .plainText)
        #expect(Self.registry.identify(Array("# Heading\n\ntext".utf8), fileExtension: "md")?.format == .markdown, "the .md hint")
        #expect(Self.registry.identify(Array("---\na: 1\n---\n".utf8), fileExtension: "txt")?.format == .markdown, "a name never overrides bytes")
        #expect(Self.registry.format(of: Array("---\n".utf8) + [0x00, 0x01]) == nil, "binary after a fence is not text")
        #expect(Self.registry.format(of: Array("%PDF-1.7\n".utf8)) != .plainText)
    }

    @Test func labelMergesIntoFrontMatterAndKeepsEverythingElse() throws {
        let original = Array("---\ntitle: \"Keep  me\"   # a comment\ntags: [a, b]\n---\n\nBody text.\n".utf8)
        let labeled = try write(original)
        let text = String(decoding: labeled, as: UTF8.self)
        #expect(text.hasPrefix("---\ntitle: \"Keep  me\"   # a comment\ntags: [a, b]\nAIGC:\n  Label: '1'\n"), "other keys keep their bytes")
        #expect(try body(labeled) == body(original))
        #expect(labeled.suffix(13) == original.suffix(13))
        let found = try labels(labeled)
        #expect(found.count == 1)
        #expect(found.first?.parsedPayload.label?.produceID == "abc123")
        #expect(found.first?.parsedPayload.findings.filter { $0.severity == .error }.isEmpty == true)
        let relabeled = try MarkdownFormat().writeLabel(ConformanceSample.labelB, into: labeled)
        #expect(try labels(relabeled).map { $0.parsedPayload.label?.produceID } == ["second0042"])
        #expect(String(decoding: relabeled, as: UTF8.self).contains("tags: [a, b]\nAIGC:\n"), "replaced in place")
    }

    @Test func anExistingLabelBlockIsReplacedInPlace() throws {
        let original = Array("---\nAIGC:\n    Label: 2\n    ProduceID: old\n# note\nlayout: x\n---\nbody".utf8)
        let labeled = try write(original)
        let text = String(decoding: labeled, as: UTF8.self)
        #expect(text.hasPrefix("---\nAIGC:\n  Label: '1'\n"))
        #expect(text.hasSuffix("  ReservedCode2: ''\n# note\nlayout: x\n---\nbody"), "the comment and the next key are kept")
        #expect(try labels(labeled).count == 1)
    }

    /// Two `AIGC` keys are not YAML (keys are unique): reported, and refused rather than guessed at.
    @Test func duplicateKeysAreReportedAndRefused() throws {
        let bytes = Array("---\nAIGC: {\"Label\":\"1\"}\nAIGC: {\"Label\":\"3\"}\n---\nbody".utf8)
        #expect(try LabelScanner.scan(bytes).findings.contains { $0.code == .structureMalformed && $0.message.contains("AIGC") })
        #expect(throws: SigilError.self) { try MarkdownFormat().writeLabel(Self.label, into: bytes) }
    }

    /// AigcTotal rejects the inline-JSON form Zhipu writes; Sigil reads it.
    @Test(.enabled(if: Fixtures.peersAvailable)) func zhipuInlineJSONFrontMatterIsRead() throws {
        let found = try labels(try Fixtures.peer("md/real__zhipu_frontmatter_excerpt.md"))
        #expect(found.count == 1)
        let label = try #require(found.first?.parsedPayload.label)
        #expect(label.contentProducer == "001191110108MA01KP2T5U00000")
        #expect(label.produceID == "ce55ae5455be59a2fd278203ef5af570")
        #expect(found.first?.parsedPayload.form == .bare)
        #expect(found.first?.kind == .frontMatter)
    }

    @Test(.enabled(if: Fixtures.peersAvailable)) func aBlockInTheMiddleOfAFileIsReportedNotRead() throws {
        let scan = try LabelScanner.scan(try Fixtures.peer("md/real__zhipu_frontmatter_midfile_excerpt.md"))
        #expect(scan.format == .plainText)
        #expect(scan.carriers.isEmpty)
        #expect(scan.findings.contains { $0.code == .labelOutsideContainer })
    }

    @Test func tomlFrontMatterIsReadInItsThreeShapesAndWritten() throws {
        for shape in [
            "AIGC = { Label = \"1\", ContentProducer = \"P\", ProduceID = \"x1\" }",
            "[AIGC]\nLabel = \"1\"\nContentProducer = 'P'\nProduceID = \"x1\"",
            "AIGC = '{\"Label\":\"1\",\"ContentProducer\":\"P\",\"ProduceID\":\"x1\"}'",
        ] {
            let found = try labels(Array("+++\ntitle = \"t\"\n\(shape)\n+++\nbody".utf8))
            #expect(found.count == 1, "\(shape)")
            #expect(found.first?.parsedPayload.label?.produceID == "x1", "\(shape)")
        }
        let original = Array("+++\ntitle = \"t\"\n[extra]\nk = 1\n[AIGC]\nLabel = \"2\"\n+++\nbody".utf8)
        let labeled = try write(original)
        #expect(
            String(decoding: labeled, as: UTF8.self)
                == "+++\nAIGC = { Label = \"1\", ContentProducer = \"001191110102MACQD9K64010000\", ProduceID = \"abc123\", ReservedCode1 = \"\", ContentPropagator = \"001191110102MACQD9K64010000\", PropagateID = \"abc123\", ReservedCode2 = \"\" }\ntitle = \"t\"\n[extra]\nk = 1\n+++\nbody"
        )
        #expect(try labels(labeled).count == 1)
    }

    @Test func billionLaughsIsRefusedWithAClearError() throws {
        var yaml = "---\na0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        for i in 1..<9 { yaml += "a\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 10).joined(separator: ", ") + "]\n" }
        yaml += "---\nbody"
        let bytes = Array(yaml.utf8)
        let scan = try LabelScanner.scan(bytes)
        #expect(scan.findings.contains { $0.message.contains("billion laughs") })
        #expect {
            try MarkdownFormat().writeLabel(Self.label, into: bytes)
        } throws: { ($0 as? SigilError)?.code == .tooLarge }
    }

    /// Yams composes recursively: deep nesting is refused before it reaches the parser.
    @Test func deepNestingIsRefusedBeforeParsing() throws {
        let bytes = Array(("---\na: " + String(repeating: "[", count: 100_000) + "\n---\nbody").utf8)
        #expect { try MarkdownFormat().writeLabel(Self.label, into: bytes) } throws: { ($0 as? SigilError)?.code == .tooLarge }
        #expect(try LabelScanner.scan(bytes).findings.contains { $0.message.contains("nests deeper") })
    }

    @Test func unclosedOrBrokenFrontMatterIsAnErrorNotAFile() throws {
        for text in ["---\ntitle: x\nno end", "---\ntitle: [unclosed\n---\nbody", "---\n- a list\n---\n"] {
            #expect(throws: SigilError.self, "\(text)") { try MarkdownFormat().writeLabel(Self.label, into: Array(text.utf8)) }
            #expect(try !LabelScanner.scan(Array(text.utf8)).findings.isEmpty, "\(text)")
        }
    }

    @Test func plainTextHasNoImplicitLabelSite() throws {
        let bytes = Array("本内容由人工智能生成\nplain".utf8)
        #expect(Self.registry.format(of: bytes) == .plainText)
        #expect(Self.registry.format(of: [0xC4, 0xE3, 0xBA, 0xC3, 0x0A]) == .plainText, "GB18030 你好")
        do {
            _ = try LabelWriter.write(Self.label, into: bytes)
            Issue.record("plain text was labeled")
        } catch let error as SigilError {
            #expect(error.code == .unsupportedFormat)
            #expect(error.message.contains("no implicit label site"))
        }
    }

    /// Every Markdown file of `../shared/media/documents`: labeled (with the `.md` hint where there is no front
    /// matter), one label read back, the body byte-identical, the front matter's other keys equal as a YAML
    /// parser reads them.
    @Test(.enabled(if: DocumentTools.documentsAvailable)) func everySharedMarkdownFileLabelsAndReadsBack() throws {
        let names = DocumentTools.documents(".md")
        #expect(names.count >= 5)
        for name in names {
            let original = try DocumentTools.document(name)
            let labeled = try write(original)
            #expect(try labels(labeled).count == 1, "\(name)")
            #expect(try labels(labeled).first?.parsedPayload.label?.produceID == "abc123", "\(name)")
            #expect(try body(labeled) == body(original), "\(name): the body is byte-identical")
            #expect(Self.registry.format(of: labeled) == .markdown, "\(name): labeled Markdown sniffs as Markdown")
            #expect(labeled.starts(with: FrontMatter.byteOrderMark) == original.starts(with: FrontMatter.byteOrderMark), "\(name): the BOM is kept")
            if original.contains(0x0D) { #expect(labeled.firstIndex(of: Array("---\r\n".utf8)) != nil, "\(name): CRLF kept") }
            #expect(try write(labeled) == labeled, "\(name): labeling twice changes nothing")
        }
    }

    @Test(.enabled(if: DocumentTools.documentsAvailable && DocumentTools.hasPython("yaml"))) func pythonYAMLReadsTheLabelAndTheOtherKeys() throws {
        let script = """
            import sys, yaml
            def fm(p):
                t = open(p, encoding='utf-8-sig').read().replace('\\r\\n', '\\n')
                return (yaml.safe_load(t.split('---\\n')[1]) or {}) if t.startswith('---\\n') else {}
            a, b = fm(sys.argv[1]), fm(sys.argv[2])
            label = b.pop('AIGC')
            assert a == b, (a, b)
            assert list(label) == ['Label','ContentProducer','ProduceID','ReservedCode1','ContentPropagator','PropagateID','ReservedCode2'], label
            print(label['ProduceID'])
            """
        for name in DocumentTools.documents(".md") where FrontMatter.openingSyntax(try DocumentTools.document(name)) != .toml {
            let original = try DocumentTools.document(name)
            let labeled = try write(original)
            let result = try DocumentTools.withFile(original, named: "a.md") { a in
                try DocumentTools.withFile(labeled, named: "b.md") { b in try DocumentTools.run("python3", ["-c", script, a, b]) }
            }
            #expect(result.status == 0 && result.output.contains("abc123"), "\(name): \(result.output)")
        }
    }
}
