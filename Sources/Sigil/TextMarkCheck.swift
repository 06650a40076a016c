import Foundation
import SigilTextMark

/// The text-mark check of one file with text (decision 0604): the text a reader sees, tested for the provider's
/// keyed text mark with the generator's tokenizer.
///
/// - plain text and Markdown: the whole text; HTML: the body with its tags removed;
/// - DOCX/DOCM/DOTX: the text runs of `word/document.xml` (``WordBodyText``);
/// - PDF: the text poppler's `pdftotext` extracts (``PDFText``), when configured.
public struct TextMarkCheck: Sendable {
    /// Where the text came from: `text`, `word/document.xml` or `pdftotext`.
    public var source: String
    /// The detector's result; nil when skipped.
    public var detection: TextMarkDetection?
    /// Why there is no result (no tokenizer configured, the text could not be read).
    public var skipped: String?

    /// The check for `bytes` of `format`, or nil for content without text.
    ///
    /// - Parameters:
    ///   - detector: the provider's detector; nil reports the check as skipped for text formats.
    ///   - pdftotext: the `pdftotext` executable; nil skips PDF text.
    public static func check(
        _ bytes: [UInt8], format: MediaFormat?, fileExtension: String?, detector: TextMarkDetector?, pdftotext: String?
    ) -> TextMarkCheck? {
        let source: String
        switch format {
        case .some(.plainText), .some(.markdown): source = "text"
        case .some(.ooxml): source = "word/document.xml"
        case .some(.pdf): source = "pdftotext"
        default: return nil
        }
        guard let detector, detector.tokenizer != nil else {
            return TextMarkCheck(
                source: source, detection: nil,
                skipped: "no generator tokenizer is configured (--textmark-tokenizer), so the text mark was not tested")
        }
        do {
            let text: String
            switch source {
            case "word/document.xml":
                guard let body = try WordBodyText.text(of: bytes) else { return nil }
                text = body
            case "pdftotext":
                guard let pdftotext else {
                    return TextMarkCheck(
                        source: source, detection: nil, skipped: "pdftotext (poppler-utils) is not installed: the PDF's text was not tested")
                }
                text = try PDFText.extract(bytes, tool: pdftotext)
            default:
                let utf8 = try TextEncoding.detect(bytes).utf8(bytes)
                let markup = format == .markdown ? TextMarkup.markdown : TextMarkup.detect(utf8, fileExtension: fileExtension)
                let body = try markup.body(of: utf8)
                let visible = String(decoding: utf8[body], as: UTF8.self)
                text = markup == .html ? Self.removingTags(visible) : visible
            }
            return TextMarkCheck(source: source, detection: detector.detect(text: text), skipped: nil)
        } catch {
            return TextMarkCheck(source: source, detection: nil, skipped: "the text could not be read: \(error)")
        }
    }

    /// HTML text without its tags (`<…>` removed; entities left as written).
    static func removingTags(_ html: String) -> String {
        var out = String.UnicodeScalarView()
        var inTag = false
        for scalar in html.unicodeScalars {
            if scalar == "<" {
                inTag = true
            } else if scalar == ">", inTag {
                inTag = false
            } else if !inTag {
                out.append(scalar)
            }
        }
        return String(out)
    }

    /// The check as `sigil verify --json` prints it under `textMark`.
    public var json: JSONValue {
        var members: [JSONValue.Member] = [.init("source", .string(source))]
        if let detection { members += detection.jsonMembers }
        if let skipped { members.append(.init("skipped", .string(skipped))) }
        return .object(members)
    }

    /// One line for the human report.
    public var summary: String {
        guard let detection else { return "text mark not tested: \(skipped ?? "no text")" }
        let verdict = detection.isMarked() ? "text mark FOUND" : "no text mark"
        return "\(verdict) (p \(String(format: "%.3g", detection.pValue)), key \(detection.keyID)) [\(source)]"
    }
}
