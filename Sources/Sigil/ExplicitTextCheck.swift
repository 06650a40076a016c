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
            return run("text") { try checker.check(bytes: bytes, markup: markup) }
        case .some(.ooxml):
            do {
                guard let text = try WordBodyText.text(of: bytes) else { return nil }
                return ExplicitTextCheck(source: "word/document.xml", report: checker.check(text), skipped: nil)
            } catch {
                return ExplicitTextCheck(source: "word/document.xml", report: nil, skipped: "the document text could not be read: \(error)")
            }
        case .some(.pdf):
            guard let pdftotext else {
                return ExplicitTextCheck(
                    source: "pdftotext", report: nil, skipped: "pdftotext (poppler-utils) is not installed: the PDF's text was not checked")
            }
            return run("pdftotext") { checker.check(try PDFText.extract(bytes, tool: pdftotext)) }
        default:
            return nil
        }
    }

    private static func run(_ source: String, _ body: () throws -> TextLabelReport) -> ExplicitTextCheck {
        do {
            return ExplicitTextCheck(source: source, report: try body(), skipped: nil)
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

    /// The text of the PDF `bytes` (UTF-8, pages separated by form feeds).
    ///
    /// - Throws: ``SigilError`` `.io` when the tool cannot run or fails (its message included).
    public static func extract(_ bytes: [UInt8], tool: String) throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sigil-pdftext-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = folder.appendingPathComponent("in.pdf")
        let output = folder.appendingPathComponent("out.txt")
        try Data(bytes).write(to: input)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = ["-enc", "UTF-8", "-q", input.path, output.path]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw SigilError(.io, "\(tool) could not be started: \(error)")
        }
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile().prefix(500), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw SigilError(.io, "pdftotext failed (exit \(process.terminationStatus)): \(message)")
        }
        let handle = try FileHandle(forReadingFrom: output)
        defer { try? handle.close() }
        let data = try handle.read(upToCount: maximumText) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
