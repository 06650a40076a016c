import Foundation

/// A text's fingerprint for generation records (`text-simhash64`, decision 0605): a 64-bit SimHash over shingles of
/// its normalised tokens, so a lightly edited copy (a few words changed, the label line removed, the C2PA wrapper
/// stripped, re-encoded as GB18030) lands within a few bits of the record and unrelated text about half of them
/// away.
///
/// ### What is hashed
/// The visible text (the Markdown body, the DOCX body text, the PDF text through `pdftotext`) without its explicit
/// labels (the label sentences ``TextLabelChecker`` finds), after NFKC and lower-casing. Tokens are words (runs of
/// letters and digits) and single CJK characters (Han, kana, Hangul); invisible characters (variation selectors,
/// zero-width characters, U+FEFF) are skipped. Every run of ``shingleLength`` consecutive tokens is a shingle, hashed
/// with FNV-1a and mixed by one SplitMix64 step; each hash adds +1 or −1 to 64 counters by its bits, and the fingerprint
/// has a bit set where its counter is positive.
///
/// ```swift
/// let recorded = TextFingerprint.hash(of: "…")!
/// TextFingerprint.matches(recorded, TextFingerprint.hash(of: edited)!)   // true within matchDistance bits
/// ```
public enum TextFingerprint {
    /// Tokens per shingle.
    public static let shingleLength = 3
    /// The most bits two fingerprints of the same text may differ by: a few changed words measured 4–8 bits on
    /// ≈ 120-word texts, unrelated texts 33–38 (two independent fingerprints are within 12 bits about twice in ten
    /// million).
    public static let matchDistance = 12
    /// The fewest tokens a text needs to be fingerprinted: shorter texts are too small to tell apart.
    public static let minimumTokens = 8

    /// The fingerprint of `text`, or nil when it has fewer than ``minimumTokens`` tokens.
    public static func hash(of text: String) -> UInt64? {
        let tokens = self.tokens(of: text)
        guard tokens.count >= minimumTokens else { return nil }
        var counters = [Int](repeating: 0, count: 64)
        for start in 0...(tokens.count - shingleLength) {
            var h: UInt64 = 0xCBF2_9CE4_8422_2325
            for token in tokens[start..<(start + shingleLength)] {
                h = (h ^ token) &* 0x0000_0100_0000_01B3
            }
            // SplitMix64 seeded with the FNV hash: every input bit moves about half the output bits.
            var mixer = SplitMix64(seed: h)
            let mixed = mixer.next()
            for bit in 0..<64 { counters[bit] += (mixed >> UInt64(bit)) & 1 == 1 ? 1 : -1 }
        }
        var hash: UInt64 = 0
        for bit in 0..<64 where counters[bit] > 0 { hash |= 1 << UInt64(bit) }
        return hash
    }

    /// The fingerprint of a file's visible text, or nil when the format carries no text Sigil reads (images, audio,
    /// spreadsheets), the text cannot be read or is too short. PDF text needs `pdftotext`.
    public static func hash(of bytes: [UInt8], format: MediaFormat, fileExtension: String? = nil, pdftotext: String? = nil) -> UInt64? {
        guard let text = visibleText(of: bytes, format: format, fileExtension: fileExtension, pdftotext: pdftotext) else { return nil }
        return hash(of: text)
    }

    /// The number of bits two fingerprints differ in.
    public static func distance(_ a: UInt64, _ b: UInt64) -> Int { (a ^ b).nonzeroBitCount }

    /// Whether two fingerprints are of the same text, lightly edited at most.
    public static func matches(_ a: UInt64, _ b: UInt64) -> Bool { distance(a, b) <= matchDistance }

    /// The text a reader sees, its explicit labels cut out.
    static func visibleText(of bytes: [UInt8], format: MediaFormat, fileExtension: String?, pdftotext: String?) -> String? {
        let checker = TextLabelChecker()
        switch format {
        case .plainText, .markdown:
            guard let encoding = try? TextEncoding.detect(bytes), let utf8 = try? encoding.utf8(bytes) else { return nil }
            let markup = format == .markdown ? TextMarkup.markdown : TextMarkup.detect(utf8, fileExtension: fileExtension)
            guard let body = try? markup.body(of: utf8), let report = try? checker.scan(utf8, body: body, markup: markup, encoding: encoding)
            else { return nil }
            let visible = withoutLabels(utf8, body: body, report: report)
            return markup == .html ? withoutTags(visible) : visible
        case .ooxml:
            guard let text = (try? WordBodyText.text(of: bytes)) ?? nil else { return nil }
            return withoutLabels(text)
        case .pdf:
            guard let pdftotext, let text = try? PDFText.extract(bytes, tool: pdftotext) else { return nil }
            return withoutLabels(text)
        default:
            return nil
        }
    }

    static func withoutLabels(_ text: String) -> String {
        let utf8 = Array(text.utf8)
        return withoutLabels(utf8, body: 0..<utf8.count, report: TextLabelChecker().check(text))
    }

    /// The body without the label sentences the report found.
    static func withoutLabels(_ utf8: [UInt8], body: Range<Int>, report: TextLabelReport) -> String {
        var kept: [UInt8] = []
        kept.reserveCapacity(body.count)
        var at = body.lowerBound
        for range in report.matches.map(\.range).sorted(by: { $0.lowerBound < $1.lowerBound }) where range.lowerBound >= at {
            kept += utf8[at..<range.lowerBound]
            kept.append(0x0A)
            at = range.upperBound
        }
        kept += utf8[at..<body.upperBound]
        return String(decoding: kept, as: UTF8.self)
    }

    /// HTML with every tag a blank.
    static func withoutTags(_ html: String) -> String {
        var out = ""
        var inTag = false
        for character in html {
            if character == "<" {
                inTag = true
            } else if character == ">" && inTag {
                inTag = false
                out.append(" ")
            } else if !inTag {
                out.append(character)
            }
        }
        return out
    }

    /// The hashes of the normalised tokens of `text`, in order.
    static func tokens(of text: String) -> [UInt64] {
        var tokens: [UInt64] = []
        var word: UInt64?
        func finishWord() {
            if let w = word { tokens.append(w) }
            word = nil
        }
        for scalar in text.precomposedStringWithCompatibilityMapping.lowercased().unicodeScalars {
            let v = scalar.value
            if isInvisible(v) { continue }
            if isCJK(v) {
                finishWord()
                tokens.append(fnv(v, into: 0xCBF2_9CE4_8422_2325))
            } else if scalar.properties.isAlphabetic || scalar.properties.numericType != nil {
                word = fnv(v, into: word ?? 0xCBF2_9CE4_8422_2325)
            } else {
                finishWord()
            }
        }
        finishWord()
        return tokens
    }

    /// FNV-1a over a scalar's four bytes.
    static func fnv(_ v: UInt32, into h: UInt64) -> UInt64 {
        var h = h
        for shift in stride(from: 0, to: 32, by: 8) { h = (h ^ UInt64((v >> UInt32(shift)) & 0xFF)) &* 0x0000_0100_0000_01B3 }
        return h
    }

    /// Han, kana and Hangul: a character is a token.
    static func isCJK(_ v: UInt32) -> Bool {
        (0x3040...0x30FF).contains(v) || (0x3400...0x4DBF).contains(v) || (0x4E00...0x9FFF).contains(v) || (0xAC00...0xD7AF).contains(v)
            || (0xF900...0xFAFF).contains(v) || (0x20000...0x3FFFF).contains(v)
    }

    /// Variation selectors, zero-width characters and U+FEFF: no text of their own.
    static func isInvisible(_ v: UInt32) -> Bool {
        (0xFE00...0xFE0F).contains(v) || (0xE0100...0xE01EF).contains(v) || (0x200B...0x200F).contains(v) || v == 0xFEFF || v == 0x2060
    }
}
