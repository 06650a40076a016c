import SigilContainers
import SigilCore

/// Writes an explicit text label into a text file: at the start of its visible body, at its end, or both, in the
/// file's own encoding and line breaks. Every other byte is kept: Markdown front matter stays first and the body
/// after it is byte-identical apart from the label lines; an HTML label is a `<p>` element just inside `<body>`.
///
/// The result is read back with ``TextLabelChecker``: a label that did not land where it was meant to is an error,
/// never a silent success.
public struct TextLabelInserter: Sendable, Hashable {
    public var label: TextLabel
    public var position: TextLabel.Position

    public init(label: TextLabel = TextLabel(), position: TextLabel.Position = .start) {
        self.label = label
        self.position = position
    }

    /// What ``insert(into:markup:)`` made.
    public struct Insertion: Sendable {
        /// The labeled text.
        public var bytes: [UInt8]
        public var encoding: TextEncoding
        public var markup: TextMarkup
        /// The check of the labeled text.
        public var report: TextLabelReport
    }

    /// `bytes` with the label added.
    ///
    /// - Throws: ``SigilError`` `.malformed` naming the offset of the first invalid byte for text that is neither
    ///   UTF-8 nor GB18030, or for unclosed front matter; `.usage` when GB18030 cannot spell the label.
    public func insert(into bytes: [UInt8], markup: TextMarkup) throws -> Insertion {
        let encoding = try TextEncoding.detect(bytes)
        let body = try markup.body(of: bytes)
        let lineBreak: [UInt8] = Self.lineBreak(of: bytes)
        let element = try encoding.encode(rendered(markup))
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 2 * (element.count + 8))
        out += bytes[..<body.lowerBound]
        let content = bytes[body]
        let blank = content.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
        if position.includesStart {
            switch markup {
            case .html: out += lineBreak + element + lineBreak
            case .plain, .markdown: out += element + lineBreak + (blank ? [] : lineBreak)
            }
        }
        out += content
        if position.includesEnd && !(position == .both && blank) {
            switch markup {
            case .html:
                out += element + lineBreak
            case .plain, .markdown:
                if !blank {
                    if content.last != 0x0A { out += lineBreak }
                    out += lineBreak
                }
                out += element + lineBreak
            }
        }
        out += bytes[body.upperBound...]
        let report = try TextLabelChecker().check(bytes: out, markup: markup)
        guard (!position.includesStart || report.atStart), (!position.includesEnd || report.atEnd || blank) else {
            throw SigilError(
                .invalidExplicitLabel,
                "the \(markup) text label was written but does not read back at the \(position): \(report.summary)")
        }
        return Insertion(bytes: out, encoding: encoding, markup: markup, report: report)
    }

    /// The label as it is written in `markup`: plain text, a Markdown blockquote, an HTML paragraph (escaped).
    public func rendered(_ markup: TextMarkup) -> String {
        switch markup {
        case .plain: label.text
        case .markdown: "> " + label.text
        case .html: "<p class=\"aigc-label\" data-aigc-label=\"explicit\" lang=\"\(label.language)\">\(Self.escapeHTML(label.text))</p>"
        }
    }

    /// `text` as HTML element content: `&`, `<` and `>` as character references.
    public static func escapeHTML(_ text: String) -> String { XMLText.escapeContent(text) }

    /// The file's line break: CRLF when its first line ends so, LF otherwise.
    static func lineBreak(of bytes: [UInt8]) -> [UInt8] {
        guard let lf = bytes.firstIndex(of: 0x0A) else { return [0x0A] }
        return lf > 0 && bytes[lf - 1] == 0x0D ? [0x0D, 0x0A] : [0x0A]
    }
}
