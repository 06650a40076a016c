import Foundation

/// The tags of a small XML part (OOXML `[Content_Types].xml`, `_rels/.rels`, `docProps/custom.xml`), found by
/// scanning its bytes: enough to find elements by local name and edit the text around them without re-serialising
/// the part. Comments, processing instructions, CDATA and DOCTYPE are skipped.
struct XMLTag: Sendable {
    /// The bytes of the tag, `<` to `>`.
    var range: Range<Int>
    /// The qualified name (`vt:lpwstr`).
    var name: String
    var attributes: [(name: String, value: String)]
    var isClosing: Bool
    var isSelfClosing: Bool

    var localName: Substring { name.split(separator: ":").last ?? Substring(name) }
    /// The prefix with its colon (`vt:`), or empty.
    var prefix: String { name.contains(":") ? String(name.split(separator: ":")[0]) + ":" : "" }

    func attribute(_ name: String) -> String? { attributes.first { $0.name == name }?.value }

    /// Every tag of `bytes`.
    ///
    /// - Throws: ``SigilError`` `.malformed` for a tag that is not closed.
    static func scan(_ bytes: [UInt8], part: String) throws -> [XMLTag] {
        var tags: [XMLTag] = []
        var i = 0
        while let open = bytes.firstIndex(of: UInt8(ascii: "<"), from: i) {
            if bytes.matches(ascii: "<!--", at: open) {
                guard let end = bytes.firstIndex(of: Array("-->".utf8), in: open..<bytes.count) else { throw unclosed(part, open) }
                i = end + 3
                continue
            }
            if bytes.matches(ascii: "<![CDATA[", at: open) {
                guard let end = bytes.firstIndex(of: Array("]]>".utf8), in: open..<bytes.count) else { throw unclosed(part, open) }
                i = end + 3
                continue
            }
            guard let close = closingBracket(bytes, from: open + 1) else { throw unclosed(part, open) }
            i = close + 1
            if bytes.matches(ascii: "<?", at: open) || bytes.matches(ascii: "<!", at: open) { continue }
            var body = Array(bytes[(open + 1)..<close])
            let isClosing = body.first == UInt8(ascii: "/")
            if isClosing { body.removeFirst() }
            let isSelfClosing = body.last == UInt8(ascii: "/")
            if isSelfClosing { body.removeLast() }
            let nameEnd = body.firstIndex { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D } ?? body.count
            let name = String(decoding: body[..<nameEnd], as: UTF8.self)
            tags.append(
                XMLTag(
                    range: open..<(close + 1), name: name, attributes: attributes(Array(body[nameEnd...])), isClosing: isClosing,
                    isSelfClosing: isSelfClosing))
        }
        return tags
    }

    /// The `>` that ends a tag starting before `from`, skipping quoted attribute values.
    private static func closingBracket(_ bytes: [UInt8], from: Int) -> Int? {
        var quote: UInt8?
        var i = from
        while i < bytes.count {
            let b = bytes[i]
            if let q = quote {
                if b == q { quote = nil }
            } else if b == 0x22 || b == 0x27 {
                quote = b
            } else if b == UInt8(ascii: ">") {
                return i
            }
            i += 1
        }
        return nil
    }

    private static func attributes(_ bytes: [UInt8]) -> [(name: String, value: String)] {
        var out: [(name: String, value: String)] = []
        var i = 0
        while i < bytes.count {
            while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x09 || bytes[i] == 0x0A || bytes[i] == 0x0D { i += 1 }
            guard let eq = bytes[i...].firstIndex(of: UInt8(ascii: "=")) else { break }
            let name = String(decoding: bytes[i..<eq], as: UTF8.self).trimmingCharacters(in: [" ", "\t", "\r", "\n"])
            var q = eq + 1
            while q < bytes.count, bytes[q] != 0x22, bytes[q] != 0x27 { q += 1 }
            guard q < bytes.count, let end = bytes[(q + 1)...].firstIndex(of: bytes[q]) else { break }
            out.append((name, XMLText.decode(bytes[(q + 1)..<end])))
            i = end + 1
        }
        return out
    }

    private static func unclosed(_ part: String, _ offset: Int) -> SigilError {
        SigilError.malformed(part, at: offset, "has a tag, comment or CDATA section that is never closed")
    }
}
