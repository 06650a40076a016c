extension MediaFormat {
    /// Plain text: UTF-8 (with or without a byte-order mark) or GB18030.
    public static let plainText = MediaFormat(
        id: "text", displayName: "plain text", kind: .text, mimeTypes: ["text/plain"], extensions: ["txt", "text"])
}

/// Plain text has no container and so no implicit-label site: its only label is the explicit one in the text
/// (GB 45438 5.1). Sigil recognises it (any text no other format claims: ``FallbackIdentifying``) to report that,
/// and reports a Markdown-style `AIGC:` block found after the first line, which no reader takes as front matter.
///
/// The essence is the text after any byte-order mark: what a signed explicit label binds to, and the same bytes
/// Markdown without front matter keeps as its body when it is labeled.
///
/// Plain text in UTF-8 carries a C2PA manifest in a ``TextManifestWrapper`` after its visible text
/// (``ManifestCarrying``, decision 0208).
///
/// `%PDF-` is left to the PDF handler: a PDF header is text, but the file is not.
public struct PlainTextFormat: LabelReading, EssenceLocating, FallbackIdentifying {
    public init() {}
    public var formats: [MediaFormat] { [.plainText] }

    public func identify(_ prefix: [UInt8]) -> MediaFormat? {
        guard !prefix.starts(with: Array("%PDF-".utf8)), FrontMatter.openingSyntax(prefix) == nil else { return nil }
        return TextSniffing.isText(prefix) ? .plainText : nil
    }

    public func scanLabels(_ bytes: [UInt8], into scan: inout ContainerScan) {
        for fence in ["\n---\nAIGC:", "\n---\r\nAIGC:", "\n+++\nAIGC"] {
            if let at = bytes.firstIndex(of: Array(fence.utf8)) {
                scan.findings.append(
                    Finding(
                        .labelOutsideContainer, .warning,
                        "an AIGC front-matter block stands at offset \(at + 1), not at the start of the file: no Markdown reader takes it as front matter, so it labels nothing",
                        location: "text body", offset: at + 1))
                break
            }
        }
    }

    public func essenceRanges(in source: any ByteSource) throws -> [Range<Int>] {
        let head = try source.read(0..<min(source.count, 3))
        return [FrontMatter.bomLength(head)..<source.count]
    }
}
