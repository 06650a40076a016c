import SigilContainers

/// What markup a text is written in, which decides how a label is written into it and which bytes count as its
/// visible body.
public enum TextMarkup: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Plain text: every byte after a byte-order mark is the body.
    case plain
    /// Markdown: the body follows any YAML (`---`) or TOML (`+++`) front matter; the label is a blockquote.
    case markdown
    /// HTML: the body is the content of `<body>` (the whole text when it has none); the label is a `<p>` element.
    case html

    public var description: String { rawValue }

    /// The markup of a text: from its file-name extension when it names one (`md`, `markdown`, `html`, `htm`,
    /// `xhtml`, `txt`), else from its first bytes (front matter → Markdown, `<!DOCTYPE html` or `<html` →
    /// HTML), else plain.
    public static func detect(_ bytes: [UInt8], fileExtension: String? = nil) -> TextMarkup {
        switch fileExtension?.lowercased() {
        case "md", "markdown", "mdown", "mkd": return .markdown
        case "html", "htm", "xhtml": return .html
        case "txt", "text": return .plain
        default: break
        }
        if (try? FrontMatter.locate(in: Array(bytes.prefix(FrontMatter.maximumLength + 4096)))) ?? nil != nil { return .markdown }
        var i = FrontMatter.bomLength(bytes)
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x09 || bytes[i] == 0x0A || bytes[i] == 0x0D { i += 1 }
        let head = String(decoding: bytes[i..<min(bytes.count, i + 16)], as: UTF8.self).lowercased()
        return head.hasPrefix("<!doctype html") || head.hasPrefix("<html") ? .html : .plain
    }

    /// The visible body of `bytes`: where a start label goes (its lower bound) and an end label (its upper bound).
    ///
    /// - Throws: ``SigilError`` `.malformed` for Markdown front matter that is opened and never closed.
    public func body(of bytes: [UInt8]) throws -> Range<Int> {
        let start = FrontMatter.bomLength(bytes)
        switch self {
        case .plain:
            return start..<bytes.count
        case .markdown:
            return (try FrontMatter.locate(in: bytes)?.end ?? start)..<bytes.count
        case .html:
            guard let open = Self.findTag("<body", in: bytes, from: start),
                let close = bytes[open...].firstIndex(of: UInt8(ascii: ">"))
            else { return start..<bytes.count }
            let end = Self.findTag("</body", in: bytes, from: close + 1, last: true) ?? bytes.count
            return (close + 1)..<max(close + 1, end)
        }
    }

    /// The offset of an ASCII tag opening (`<body`, `</body`) matched case-insensitively and followed by `>`, a
    /// blank or `/`; the first from `from`, or the last when `last` is set. `<` is never a trail byte in UTF-8 or
    /// GB18030, so a byte search finds only real tags (comments and scripts are not skipped).
    static func findTag(_ tag: String, in bytes: [UInt8], from: Int, last: Bool = false) -> Int? {
        let needle = Array(tag.utf8)
        guard bytes.count >= needle.count + from else { return nil }
        var found: Int?
        var i = from
        while i + needle.count <= bytes.count {
            if bytes[i] == 0x3C, matchesFolded(needle, in: bytes, at: i) {
                let after = i + needle.count
                if after == bytes.count || [0x3E, 0x20, 0x09, 0x0A, 0x0D, 0x2F].contains(bytes[after]) {
                    if !last { return i }
                    found = i
                }
            }
            i += 1
        }
        return found
    }

    private static func matchesFolded(_ needle: [UInt8], in bytes: [UInt8], at i: Int) -> Bool {
        for k in 0..<needle.count {
            var b = bytes[i + k]
            if b >= 0x41 && b <= 0x5A { b |= 0x20 }
            if b != needle[k] { return false }
        }
        return true
    }
}
