/// The visible body text of a WordprocessingML package (DOCX, DOCM, DOTX): the text runs (`<w:t>`) of
/// `word/document.xml` in document order, a line break per paragraph (`</w:p>`) and per `<w:br/>`, a tab per
/// `<w:tab/>`, character references resolved. What an explicit text label check reads (Measures Art. 4: the
/// exported file itself carries the label).
///
/// The part is read through the package's ZIP directory with the same limits as every other part (no inflating
/// past 64 MiB, CRC checked).
public enum WordBodyText {
    /// The largest `word/document.xml` read.
    public static let maximumPartSize = 64 << 20

    /// The body text of the package `bytes`, or nil when it has no `word/document.xml` (a spreadsheet or a
    /// presentation).
    ///
    /// - Throws: ``SigilError`` naming the ZIP record or XML offset for a damaged package.
    public static func text(of bytes: [UInt8]) throws -> String? {
        let source = MemoryByteSource(bytes)
        let archive = try ZIPArchive(source)
        guard let entry = archive.entry("word/document.xml") else { return nil }
        let xml = try ZIPArchive.contents(of: entry, in: source, limit: maximumPartSize)
        return text(ofDocumentXML: xml)
    }

    /// The text runs of a `document.xml`.
    static func text(ofDocumentXML xml: [UInt8]) -> String {
        var out = ""
        var i = 0
        let n = xml.count
        while i < n {
            guard xml[i] == UInt8(ascii: "<") else {
                i += 1
                continue
            }
            guard let close = xml[i...].firstIndex(of: UInt8(ascii: ">")) else { break }
            let tag = xml[(i + 1)..<close]
            // The element name, with the leading "/" of an end tag kept (so "</w:p>" is "/w:p").
            let closing = tag.first == UInt8(ascii: "/") ? 1 : 0
            let name = tag.prefix(closing) + tag.dropFirst(closing).prefix { $0 != 0x20 && $0 != 0x2F && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D }
            switch Array(name) {
            case Array("w:t".utf8):
                if tag.last == UInt8(ascii: "/") {
                    i = close + 1
                    continue
                }
                let end = xml[(close + 1)...].firstIndex(of: UInt8(ascii: "<")) ?? n
                out += XMLText.decode(xml[(close + 1)..<end])
                i = end
                continue
            case Array("/w:p".utf8), Array("w:br".utf8), Array("w:cr".utf8):
                out += "\n"
            case Array("w:tab".utf8):
                out += "\t"
            default:
                break
            }
            i = close + 1
        }
        return out
    }
}
