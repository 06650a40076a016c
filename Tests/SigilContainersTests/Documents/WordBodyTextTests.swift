import Foundation
import SigilTestSupport
import Testing

@testable import SigilContainers

/// The DOCX body text the explicit text check reads (issue 20): runs in order, paragraphs, breaks and tabs, character
/// references, and a clear "no body" for other OOXML packages.
struct WordBodyTextTests {
    @Test func runsParagraphsBreaksTabsAndReferences() throws {
        let xml = """
            <?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="urn:w"><w:body>\
            <w:p><w:r><w:t>本内容由</w:t></w:r><w:r><w:t xml:space="preserve">人工智能生成 </w:t></w:r></w:p>\
            <w:p><w:r><w:t>A&amp;B</w:t><w:tab/><w:t>&#x4E2D;&#25991;</w:t><w:br/><w:t/><w:t>end</w:t></w:r></w:p>\
            <w:tbl><w:tr><w:tc><w:p><w:r><w:t>cell</w:t></w:r></w:p></w:tc></w:tr></w:tbl></w:body></w:document>
            """
        let package = Build.zip([("word/document.xml", Array(xml.utf8), true), ("[Content_Types].xml", Array("<Types/>".utf8), false)])
        let text = try #require(try WordBodyText.text(of: package))
        #expect(text == "本内容由人工智能生成 \nA&B\t中文\nend\ncell\n")
    }

    @Test func aPackageWithoutADocumentPartHasNoBody() throws {
        let package = Build.zip([("xl/workbook.xml", Array("<workbook/>".utf8), true)])
        #expect(try WordBodyText.text(of: package) == nil)
    }

    @Test func theExampleReportsBodyIsRead() throws {
        let bytes = try [UInt8](Data(contentsOf: TestPaths.examples.appendingPathComponent("report.docx")))
        let text = try #require(try WordBodyText.text(of: bytes))
        #expect(text.contains("由模型生成的示例报告"))
    }

    @Test func aDamagedPackageIsAnErrorNotACrash() throws {
        let package = Build.zip([("word/document.xml", Array("<w:t>x</w:t>".utf8), true)])
        #expect(throws: SigilError.self) { try WordBodyText.text(of: Array(package.prefix(package.count - 30))) }
        #expect(throws: SigilError.self) { try WordBodyText.text(of: [0x50, 0x4B, 0x03, 0x04, 0x00]) }
    }
}
