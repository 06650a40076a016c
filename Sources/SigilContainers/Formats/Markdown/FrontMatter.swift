/// Where a Markdown file's front matter sits: an optional UTF-8 byte-order mark, an opening fence line (`---` for
/// YAML, `+++` for TOML), the content, and a closing fence line of the same kind. Found from the bytes alone.
package struct FrontMatter: Sendable, Hashable {
    /// The language of the front matter.
    enum Syntax: String, Sendable {
        case yaml = "YAML"
        case toml = "TOML"

        /// The fence characters.
        var fence: String { self == .yaml ? "---" : "+++" }
    }

    /// Front matter larger than this is refused: it is metadata, and YAML's cost grows with it.
    package static let maximumLength = 1 << 20

    package static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    var syntax: Syntax
    /// Where the opening fence line starts (after a byte-order mark).
    var start: Int
    /// The content between the fence lines (each line with its line break).
    var content: Range<Int>
    /// The closing fence line with its line break.
    var closingFence: Range<Int>
    /// The line break the file uses (`\r\n` or `\n`), from the opening fence line.
    var lineBreak: [UInt8]

    /// Where the body starts: everything from here on is the essence.
    package var end: Int { closingFence.upperBound }

    /// How many bytes of a byte-order mark `bytes` starts with (0 or 3).
    package static func bomLength(_ bytes: [UInt8]) -> Int {
        bytes.starts(with: byteOrderMark) ? 3 : 0
    }

    /// The syntax whose opening fence `bytes` starts with (after a byte-order mark), or nil.
    static func openingSyntax(_ bytes: [UInt8]) -> Syntax? {
        let at = bomLength(bytes)
        for syntax in [Syntax.yaml, .toml] {
            let fence = Array(syntax.fence.utf8)
            if bytes.matches(fence + [0x0A], at: at) || bytes.matches(fence + [0x0D, 0x0A], at: at) { return syntax }
        }
        return nil
    }

    /// The front matter of `bytes` (the leading bytes of a file, at least up to its closing fence when there is
    /// one), or nil when the file does not start with an opening fence.
    ///
    /// - Throws: ``SigilError`` `.malformed` when the opening fence is never closed within ``maximumLength``
    ///   bytes (naming the offset of the opening fence).
    package static func locate(in bytes: [UInt8]) throws -> FrontMatter? {
        guard let syntax = openingSyntax(bytes) else { return nil }
        let start = bomLength(bytes)
        let firstBreak = bytes.firstIndex(of: 0x0A, from: start) ?? start
        let lineBreak: [UInt8] = firstBreak > start && bytes[firstBreak - 1] == 0x0D ? [0x0D, 0x0A] : [0x0A]
        let contentStart = firstBreak + 1
        var lineStart = contentStart
        let limit = min(bytes.count, contentStart + maximumLength)
        while lineStart < limit {
            let lineEnd = bytes.firstIndex(of: 0x0A, from: lineStart).map { $0 + 1 } ?? bytes.count
            if isFence(bytes[lineStart..<lineEnd], syntax: syntax) {
                return FrontMatter(
                    syntax: syntax, start: start, content: contentStart..<lineStart, closingFence: lineStart..<lineEnd, lineBreak: lineBreak)
            }
            lineStart = lineEnd
        }
        if limit < bytes.count {
            throw SigilError(
                .tooLarge,
                "the \(syntax.rawValue) front matter opened at offset \(start) runs past \(maximumLength) bytes without a closing \(syntax.fence) line",
                offset: start)
        }
        throw SigilError.malformed(
            "the \(syntax.rawValue) front matter", at: start, "opens with \(syntax.fence) but no closing \(syntax.fence) line follows")
    }

    /// Whether a line (with its break) is a closing fence: the fence, optional trailing blanks, a break or the end.
    /// YAML's document-end marker `...` closes YAML front matter too.
    static func isFence(_ line: ArraySlice<UInt8>, syntax: Syntax) -> Bool {
        var trimmed = line
        while let last = trimmed.last, last == 0x0A || last == 0x0D || last == 0x20 || last == 0x09 { trimmed.removeLast() }
        let text = Array(trimmed)
        return text == Array(syntax.fence.utf8) || (syntax == .yaml && text == Array("...".utf8))
    }
}

extension Array where Element == UInt8 {
    /// The index of the first `byte` at or after `from`, or nil.
    func firstIndex(of byte: UInt8, from: Int) -> Int? {
        guard from < count else { return nil }
        return self[from...].firstIndex(of: byte)
    }
}
