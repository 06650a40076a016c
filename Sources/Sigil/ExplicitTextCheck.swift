import Foundation

/// The explicit text label check of one file (GB 45438 5.1; Measures Art. 4: exported and copied text carries the
/// label itself): the text a reader sees, taken from the format, read by ``TextLabelChecker``.
///
/// - plain text, Markdown (the body after front matter), HTML (inside `<body>`): the file's own bytes;
/// - DOCX/DOCM/DOTX: the text runs of `word/document.xml` (``WordBodyText``);
/// - PDF: the text poppler's `pdftotext` extracts, when the tool is configured (``PDFText``); skipped otherwise,
///   and the report says so.
public struct ExplicitTextCheck: Sendable {
    /// What was checked: `text`, `word/document.xml` or `pdftotext`.
    public var source: String
    /// The checker's report; nil when the check was skipped or the text could not be read.
    public var report: TextLabelReport?
    /// Why there is no report (the tool is missing, the text is damaged).
    public var skipped: String?
    /// The UTF-8 text the report's offsets point into: the file's bytes for UTF-8 text (a byte-order mark kept), the
    /// transcoding for GB18030, the document's body text, or `pdftotext`'s output; nil when the check was skipped.
    /// The verify page shows an excerpt of it with the labels marked.
    public var text: [UInt8]? = nil
    /// The part of ``text`` that was read: the visible body (after Markdown front matter, inside HTML `<body>`).
    public var body: Range<Int>? = nil

    /// The check for `bytes` of `format`, or nil for formats that carry no text (images, audio, video,
    /// spreadsheets and presentations).
    ///
    /// - Parameters:
    ///   - fileExtension: refines the markup of text (`.md`, `.html`).
    ///   - pdftotext: the `pdftotext` executable; nil skips PDF text.
    public static func check(_ bytes: [UInt8], format: MediaFormat?, fileExtension: String?, pdftotext: String?) -> ExplicitTextCheck? {
        let checker = TextLabelChecker()
        switch format {
        case .some(.plainText), .some(.markdown):
            let markup = format == .markdown ? TextMarkup.markdown : TextMarkup.detect(bytes, fileExtension: fileExtension)
            return run("text") {
                let encoding = try TextEncoding.detect(bytes)
                let utf8 = try encoding.utf8(bytes)
                let body = try markup.body(of: utf8)
                return (try checker.scan(utf8, body: body, markup: markup, encoding: encoding), utf8, body)
            }
        case .some(.ooxml):
            do {
                guard let text = try WordBodyText.text(of: bytes) else { return nil }
                return ExplicitTextCheck(source: "word/document.xml", report: checker.check(text), skipped: nil).reading(Array(text.utf8))
            } catch {
                return ExplicitTextCheck(source: "word/document.xml", report: nil, skipped: "the document text could not be read: \(error)")
            }
        case .some(.pdf):
            guard let pdftotext else {
                return ExplicitTextCheck(
                    source: "pdftotext", report: nil, skipped: "pdftotext (poppler-utils) is not installed: the PDF's text was not checked")
            }
            return run("pdftotext") {
                let text = try PDFText.extract(bytes, tool: pdftotext)
                let utf8 = Array(text.utf8)
                return (checker.check(text), utf8, 0..<utf8.count)
            }
        default:
            return nil
        }
    }

    /// The check with the text it read (all of it the body).
    private func reading(_ utf8: [UInt8]) -> ExplicitTextCheck {
        var check = self
        check.text = utf8
        check.body = 0..<utf8.count
        return check
    }

    private static func run(_ source: String, _ body: () throws -> (TextLabelReport, [UInt8], Range<Int>)) -> ExplicitTextCheck {
        do {
            let (report, text, range) = try body()
            return ExplicitTextCheck(source: source, report: report, skipped: nil, text: text, body: range)
        } catch {
            return ExplicitTextCheck(source: source, report: nil, skipped: "\(error)")
        }
    }

    /// The check as `sigil verify --json` prints it under `explicitText`.
    public var json: JSONValue {
        var members: [JSONValue.Member] = [.init("source", .string(source))]
        if let report, case .object(let reported) = report.json { members += reported }
        if let skipped { members.append(.init("skipped", .string(skipped))) }
        return .object(members)
    }

    /// One line for the human report.
    public var summary: String {
        if let report { return "\(report.summary) [\(source)]" }
        return "explicit text label not checked: \(skipped ?? "no text")"
    }
}

/// PDF text through poppler's `pdftotext` (Debian `poppler-utils`), run as a separate process on a private copy
/// of the file: Sigil has no PDF text extraction of its own.
public enum PDFText {
    /// The most text read back (a larger extraction is cut here).
    public static let maximumText = 64 << 20

    /// `pdftotext` on the `PATH`, or nil.
    public static func locate() -> String? {
        try? FFmpegTools.executable("pdftotext", neededFor: "")
    }

    /// How long `pdftotext` may run before it is stopped (a public server runs it on uploads).
    public static let defaultTimeout: Duration = .seconds(60)

    /// The text of the PDF `bytes` (UTF-8, pages separated by form feeds).
    ///
    /// - Throws: ``SigilError`` `.externalTool` when the tool cannot start, fails or runs past `timeout` (its
    ///   message included); `.io` when its output cannot be read.
    public static func extract(_ bytes: [UInt8], tool: String, timeout: Duration = defaultTimeout) throws -> String {
        try Poppler.withPrivateCopy(bytes) { folder, input in
            let output = folder.appendingPathComponent("out.txt")
            try Poppler.run(tool, ["-enc", "UTF-8", "-q", input.path, output.path], timeout: timeout)
            let handle = try FileHandle(forReadingFrom: output)
            defer { try? handle.close() }
            let data = try handle.read(upToCount: maximumText) ?? Data()
            return String(decoding: data, as: UTF8.self)
        }
    }
}
