import Foundation
import SigilCore

/// Finds conformant explicit text labels (GB 45438 5.1) anywhere in a text and says where they are.
///
/// A label is the AI element (the CJK term 人工智能, or the whole word "AI") and a generation element (生成 or 合成,
/// or one of the whole words "generated", "synthesised", … see ``generationWords``) on the same line, their
/// starts at most ``window`` characters apart. The text is read after Unicode compatibility normalisation (NFKC,
/// applied per character, so full-width 「ＡＩ生成」 and Kangxi-radical look-alikes count and offsets still point
/// into the original bytes), with ASCII letters compared case-insensitively. "AI" inside another word ("said",
/// "MAIL", "OpenAI") is not the AI element: letters of any alphabetic script on either side disqualify it, CJK
/// characters do not (「豆包AI生成」 passes). Variation selectors are invisible and read through: a C2PA text
/// wrapper (a run of them after the label) or one inside 人工智能生成 changes nothing.
///
/// One pass over the bytes, no allocation per character: the speed budget is ≥ 100 MB/s (issue 20).
public struct TextLabelChecker: Sendable {
    /// The furthest apart, in characters, the starts of the two elements of one label may be.
    public var window = 48
    /// How many labels a report lists (all are counted).
    public var maximumListed = 64

    /// The English words that are a generation element: 生成 and 合成 in English ("generative" is not: it names
    /// a kind of model, not this content's origin).
    public static let generationWords: Set<String> = [
        "generated", "generate", "generates", "generating", "generation",
        "synthesised", "synthesized", "synthesise", "synthesize", "synthesises", "synthesizes", "synthesising", "synthesizing",
        "synthetic",
    ]

    public init() {}

    /// The labels in `text`, read as plain text.
    public func check(_ text: String) -> TextLabelReport {
        let bytes = Array(text.utf8)
        // A Swift string is valid UTF-8, so the scan cannot fail.
        return (try? scan(bytes, body: 0..<bytes.count, markup: .plain, encoding: .utf8))
            ?? TextLabelReport(encoding: .utf8, markup: .plain, matches: [], matchCount: 0, reason: "unreadable")
    }

    /// The labels in a text file's bytes: the encoding detected (UTF-8, UTF-8 with BOM, GB18030), only the
    /// visible body read (after Markdown front matter, inside HTML `<body>`; HTML tags count as blanks).
    ///
    /// Offsets are file offsets for UTF-8, and offsets into the UTF-8 transcoding for GB18030.
    ///
    /// - Throws: ``SigilError`` `.malformed` naming the offset of the first invalid byte when the text is neither
    ///   UTF-8 nor GB18030, or when Markdown front matter is never closed.
    public func check(bytes: [UInt8], markup: TextMarkup = .plain) throws -> TextLabelReport {
        let encoding = try TextEncoding.detect(bytes)
        let utf8 = try encoding.utf8(bytes)
        return try scan(utf8, body: markup.body(of: utf8), markup: markup, encoding: encoding)
    }

    /// The labels in UTF-8 bytes within `body`.
    ///
    /// - Throws: ``SigilError`` `.malformed` naming the offset of the first byte that is not UTF-8.
    public func scan(_ bytes: [UInt8], body: Range<Int>, markup: TextMarkup, encoding: TextEncoding) throws -> TextLabelReport {
        var scanner = Scanner(window: window, maximumListed: maximumListed, html: markup == .html)
        scanner.line = 1 + bytes[..<body.lowerBound].reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
        try bytes.withUnsafeBufferPointer { p in
            scanner.buffer = p
            if markup == .html { try scanner.run(p, body) } else { try scanner.runByLines(p, body) }
            scanner.buffer = UnsafeBufferPointer(start: nil, count: 0)
        }
        var report = TextLabelReport(encoding: encoding, markup: markup, matches: [], matchCount: scanner.matchCount, reason: nil)
        if scanner.spans.isEmpty {
            report.reason = scanner.reason
            return report
        }
        let bounds = bytes.withUnsafeBufferPointer { ContentBounds(p: $0, body: body, html: markup == .html) }
        report.matches = scanner.spans.map { found in
            var span = found
            span.range = bytes.withUnsafeBufferPointer { Self.sentence(around: found.range, in: $0, body: body) }
            let startsText = bounds.first.map { $0 >= span.range.lowerBound } ?? true
            let endsText = bounds.last.map { $0 < span.range.upperBound } ?? true
            let placement: TextLabelReport.Placement =
                startsText && endsText ? .whole : startsText ? .start : endsText ? .end : .middle
            return TextLabelReport.Match(
                text: String(decoding: bytes[span.range], as: UTF8.self), range: span.range, line: span.line,
                placement: placement, normalized: span.normalized)
        }
        return report
    }
}

extension TextLabelChecker {
    /// Characters that end a label sentence (a line break ends one too).
    static func isSentenceStop(_ v: UInt32) -> Bool {
        switch v {
        case 0x0A, 0x0D, 0x3C, 0x3E, 0x3002, 0x2E, 0x21, 0x3F, 0xFF01, 0xFF1F, 0xFF0E: true
        default: false
        }
    }

    static func isBlank(_ v: UInt32) -> Bool { v == 0x20 || v == 0x09 || v == 0x3000 || v == 0xA0 || v == 0xFEFF }

    /// The label sentence around the two elements: extended to the line or sentence around them when that is
    /// within 32 characters on each side (「本内容由」 before 人工智能生成, "This content was" before "generated"),
    /// blanks trimmed, a closing full stop kept.
    static func sentence(around range: Range<Int>, in p: UnsafeBufferPointer<UInt8>, body: Range<Int>) -> Range<Int> {
        let limit = 32
        var lower = range.lowerBound
        var steps = 0
        while lower > body.lowerBound, steps <= limit {
            var k = lower - 1
            while k > body.lowerBound, p[k] & 0xC0 == 0x80 { k -= 1 }
            guard let (v, _) = UTF8Scalars.decode(p, at: k), !isSentenceStop(v) else { break }
            lower = k
            steps += 1
        }
        if steps > limit { lower = range.lowerBound }
        var upper = range.upperBound
        steps = 0
        while upper < body.upperBound, steps <= limit, let (v, length) = UTF8Scalars.decode(p, at: upper) {
            if isSentenceStop(v) {
                if v != 0x0A, v != 0x0D, v != 0x3C, v != 0x3E { upper += length }
                break
            }
            upper += length
            steps += 1
        }
        if steps > limit { upper = range.upperBound }
        while lower < range.lowerBound, let (v, length) = UTF8Scalars.decode(p, at: lower), isBlank(v) { lower += length }
        while upper > range.upperBound {
            var k = upper - 1
            while k > range.upperBound, p[k] & 0xC0 == 0x80 { k -= 1 }
            guard let (v, _) = UTF8Scalars.decode(p, at: k), isBlank(v) else { break }
            upper = k
        }
        return lower..<upper
    }
}

/// One pass over UTF-8 bytes: words and CJK terms recognised, elements paired into labels.
private struct Scanner {
    struct Element {
        var start: Int
        var end: Int
        var index: Int
        var normalized: Bool
    }
    struct Span {
        var range: Range<Int>
        var line: Int
        var normalized: Bool
    }

    let window: Int
    let maximumListed: Int
    let html: Bool

    var spans: [Span] = []
    var matchCount = 0
    var line = 1
    var index = 0

    // The word being read: its bytes, length, the first 16 lower-case ASCII letters packed into two integers.
    var inWord = false
    var wordStart = 0
    var wordEnd = 0
    var wordLength = 0
    var wordLow: UInt64 = 0
    var wordHigh: UInt64 = 0
    var wordASCII = true
    var wordNormalized = false

    // The last three characters (for 人工智能, 生成, 合成) and where each started.
    var prev1: UInt32 = 0
    var prev2: UInt32 = 0
    var prev3: UInt32 = 0
    var prevStart1 = 0
    var prevStart2 = 0
    var prevStart3 = 0
    var prevNormalized: (Bool, Bool, Bool) = (false, false, false)

    var lastAI: Element?
    var lastGeneration: Element?

    // For the reason when nothing is found.
    var firstLoneAI: (line: Int, offset: Int)?
    var firstLoneGeneration: (line: Int, offset: Int)?
    var insideWordMiss: (line: Int, offset: Int, word: String)?

    var normalizations: [UInt32: [UInt32]] = [:]

    init(window: Int, maximumListed: Int, html: Bool) {
        self.window = window
        self.maximumListed = maximumListed
        self.html = html
    }

    var reason: String {
        if let miss = insideWordMiss {
            return "\"AI\" appears only inside the word \"\(miss.word)\" (line \(miss.line), offset \(miss.offset)), which is not the AI element"
        }
        if let ai = firstLoneAI {
            return
                "the AI element at line \(ai.line) (offset \(ai.offset)) has no generation element (生成, 合成, generated, synthesised) on its line within \(window) characters"
        }
        if let generation = firstLoneGeneration {
            return
                "the generation element at line \(generation.line) (offset \(generation.offset)) has no AI element (人工智能 or the word AI) on its line within \(window) characters"
        }
        return "neither the AI element (人工智能 or AI) nor a generation element (生成 or 合成) appears"
    }

    /// The text being scanned (set for the duration of a scan).
    var buffer = UnsafeBufferPointer<UInt8>(start: nil, count: 0)

    /// ASCII letters and digits.
    static let asciiWord: [Bool] = (0..<128).map { b in
        (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || (b >= 0x30 && b <= 0x39)
    }

    /// Line by line: each line first on the fast path (ASCII words, CJK ideographs, compared as bytes), and again
    /// character by character with normalisation when it holds a character NFKC may change.
    mutating func runByLines(_ p: UnsafeBufferPointer<UInt8>, _ body: Range<Int>) throws {
        var start = body.lowerBound
        let end = body.upperBound
        guard let base = p.baseAddress else { return }
        while start < end {
            let lineEnd = memchr(base + start, 0x0A, end - start).map { UnsafePointer($0.assumingMemoryBound(to: UInt8.self)) - base } ?? end
            let saved = (spans.count, spans.last, matchCount, index, firstLoneAI, firstLoneGeneration, insideWordMiss)
            if try !fastLine(p, start, lineEnd) {
                (matchCount, index, firstLoneAI, firstLoneGeneration, insideWordMiss) = (saved.2, saved.3, saved.4, saved.5, saved.6)
                spans.removeLast(spans.count - saved.0)
                if let last = saved.1 { spans[spans.count - 1] = last }
                (lastAI, lastGeneration, inWord) = (nil, nil, false)
                try run(p, start..<lineEnd)
            }
            if lineEnd < end {
                feed(0x0A, start: lineEnd, end: lineEnd + 1, normalized: false)
            }
            start = lineEnd + 1
        }
    }

    /// One line without normalisation; false when a character of it may change under NFKC (the caller then reads
    /// the line again character by character).
    mutating func fastLine(_ p: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) throws -> Bool {
        var i = start
        while i < end {
            let b = p[i]
            if b < 0x80 {
                guard Self.asciiWord[Int(b)] else {
                    index += 1
                    i += 1
                    continue
                }
                var j = i + 1
                while j < end, p[j] < 0x80, Self.asciiWord[Int(p[j])] { j += 1 }
                if j < end, p[j] >= 0x80 {
                    // A word that runs on into another script's letters is read slowly.
                    guard let (v, _) = UTF8Scalars.decode(p, at: j), Self.isStable(v) || Self.isPunctuationBoundary(v) else { return false }
                }
                fastWord(p, i, j)
                index += j - i
                i = j
                continue
            }
            guard let (v, length) = UTF8Scalars.decode(p, at: i) else {
                throw SigilError(.malformed, "the text is not UTF-8: invalid byte 0x\(String(p[i], radix: 16)) at offset \(i)", offset: i)
            }
            guard Self.isStable(v) || Self.isPunctuationBoundary(v) else { return false }
            if v == 0x80FD, i >= start + 9, Self.matches(p, at: i - 9, Self.rengongzhi) {
                found(ai: true, Element(start: i - 9, end: i + 3, index: index - 3, normalized: false))
            } else if v == 0x6210, i >= start + 3, Self.matches(p, at: i - 3, Self.sheng) || Self.matches(p, at: i - 3, Self.he) {
                found(ai: false, Element(start: i - 3, end: i + 3, index: index - 1, normalized: false))
            }
            index += 1
            i += length
        }
        return true
    }

    /// 人工智, 生, 合 in UTF-8.
    static let rengongzhi: [UInt8] = Array("人工智".utf8)
    static let sheng: [UInt8] = Array("生".utf8)
    static let he: [UInt8] = Array("合".utf8)

    @inline(__always)
    static func matches(_ p: UnsafeBufferPointer<UInt8>, at i: Int, _ needle: [UInt8]) -> Bool {
        for k in 0..<needle.count where p[i + k] != needle[k] { return false }
        return true
    }

    /// An ASCII word on the fast path: "AI" or a generation word.
    @inline(__always)
    mutating func fastWord(_ p: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) {
        let n = end - start
        if n == 2 {
            if p[start] | 0x20 == 0x61, p[start + 1] | 0x20 == 0x69 {
                found(ai: true, Element(start: start, end: end, index: index, normalized: false))
            }
            return
        }
        guard n >= 8, n <= 12, p[start] | 0x20 == 0x67 || p[start] | 0x20 == 0x73 else { return }
        var low: UInt64 = 0
        var high: UInt64 = 0
        for k in 0..<n {
            let letter = UInt64(p[start + k] >= 0x41 && p[start + k] <= 0x5A ? p[start + k] | 0x20 : p[start + k])
            if k < 8 { low |= letter << (8 * UInt64(k)) } else { high |= letter << (8 * UInt64(k - 8)) }
        }
        if Self.packedGenerationWords.contains(PackedWord(low: low, high: high)) {
            found(ai: false, Element(start: start, end: end, index: index, normalized: false))
        }
    }

    /// For the reason when nothing conforms: an ASCII word holding "ai" ("said", "MAIL") on the generation
    /// element's line within the window, which a careless check would take for the AI element.
    mutating func lookForAIInsideAWord(around element: Element) {
        let p = buffer
        guard p.count > 0 else { return }
        var lower = element.start
        while lower > 0, element.start - lower < 4 * window, p[lower - 1] != 0x0A { lower -= 1 }
        var upper = element.end
        while upper < p.count, upper - element.end < 4 * window, p[upper] != 0x0A { upper += 1 }
        var i = lower
        while i < upper {
            guard p[i] < 0x80, Self.asciiWord[Int(p[i])] else {
                i += 1
                continue
            }
            var j = i
            var hasAI = false
            while j < upper, p[j] < 0x80, Self.asciiWord[Int(p[j])] {
                if j > i, p[j - 1] | 0x20 == 0x61, p[j] | 0x20 == 0x69 { hasAI = true }
                j += 1
            }
            if hasAI, j - i > 2 {
                insideWordMiss = (line, i, String(decoding: UnsafeBufferPointer(rebasing: p[i..<j]), as: UTF8.self).uppercased())
                return
            }
            i = j
        }
    }

    mutating func run(_ p: UnsafeBufferPointer<UInt8>, _ body: Range<Int>) throws {
        var i = body.lowerBound
        let end = body.upperBound
        while i < end {
            let b = p[i]
            if b < 0x80 {
                if html && b == 0x3C, let close = Self.tagEnd(p, from: i, limit: end) {
                    // A tag reads as a blank: it ends a word, it does not end a line.
                    feed(0x20, start: i, end: close, normalized: false)
                    i = close
                    continue
                }
                feed(UInt32(b), start: i, end: i + 1, normalized: false)
                i += 1
                continue
            }
            guard let (scalar, length) = UTF8Scalars.decode(p, at: i), i + length <= end else {
                throw SigilError(
                    .malformed, "the text is not UTF-8: invalid byte 0x\(String(p[i], radix: 16)) at offset \(i)", offset: i)
            }
            if Self.isVariationSelector(scalar) {
                // Invisible and carrying no text of their own (a C2PA text wrapper is a run of them): read through,
                // so they neither split a term nor end a word.
                i += length
                continue
            }
            if Self.isStable(scalar) {
                feed(scalar, start: i, end: i + length, normalized: false)
            } else {
                let mapped = normalized(scalar)
                for u in mapped { feed(u, start: i, end: i + length, normalized: mapped != [scalar]) }
            }
            i += length
        }
        if inWord { finishWord() }
    }

    /// Where a tag starting at `i` ends (after `>`), when it closes within 4 KiB.
    static func tagEnd(_ p: UnsafeBufferPointer<UInt8>, from i: Int, limit: Int) -> Int? {
        var k = i + 1
        let stop = min(limit, i + 4096)
        while k < stop {
            if p[k] == 0x3E { return k + 1 }
            k += 1
        }
        return nil
    }

    /// The variation selectors U+FE00–U+FE0F and U+E0100–U+E01EF.
    @inline(__always)
    static func isVariationSelector(_ v: UInt32) -> Bool {
        (0xFE00...0xFE0F).contains(v) || (0xE0100...0xE01EF).contains(v)
    }

    /// Characters NFKC leaves alone that are common in Chinese text: CJK ideographs, Hangul syllables, CJK
    /// punctuation except the ideographic space.
    @inline(__always)
    static func isStable(_ v: UInt32) -> Bool {
        (0x4E00...0x9FFF).contains(v) || (0x3400...0x4DBF).contains(v) || (0xAC00...0xD7A3).contains(v) || (0x3001...0x3035).contains(v)
    }

    /// Punctuation and spaces whose NFKC forms are punctuation and spaces too (full-width ，：（）！？, general
    /// punctuation “”—…, the ideographic space): on the fast path they are boundaries, as their normal forms are.
    @inline(__always)
    static func isPunctuationBoundary(_ v: UInt32) -> Bool {
        (0x2000...0x206F).contains(v) || v == 0x3000 || (0xFF01...0xFF0F).contains(v) || (0xFF1A...0xFF20).contains(v)
            || (0xFF3B...0xFF40).contains(v) || (0xFF5B...0xFF65).contains(v)
    }

    /// Whether a character belongs to a script with word boundaries made of spaces: CJK ideographs, kana and
    /// Hangul are not word characters, so "AI" next to them is still a word.
    @inline(__always)
    static func isWordCharacter(_ v: UInt32) -> Bool {
        if v < 0x80 {
            return (v >= 0x61 && v <= 0x7A) || (v >= 0x41 && v <= 0x5A) || (v >= 0x30 && v <= 0x39)
        }
        if (0x2E80...0x9FFF).contains(v) || (0xAC00...0xD7AF).contains(v) || (0xF900...0xFAFF).contains(v) || (0x20000...0x3FFFF).contains(v) {
            return false
        }
        guard let scalar = Unicode.Scalar(v) else { return false }
        return scalar.properties.isAlphabetic || scalar.properties.numericType != nil
    }

    mutating func normalized(_ v: UInt32) -> [UInt32] {
        if let known = normalizations[v] { return known }
        let mapped: [UInt32]
        if let scalar = Unicode.Scalar(v) {
            mapped = String(Character(scalar)).precomposedStringWithCompatibilityMapping.unicodeScalars.map(\.value)
        } else {
            mapped = [v]
        }
        normalizations[v] = mapped
        return mapped
    }

    @inline(__always)
    mutating func feed(_ v: UInt32, start: Int, end: Int, normalized: Bool) {
        defer {
            prev3 = prev2
            prev2 = prev1
            prev1 = v
            prevStart3 = prevStart2
            prevStart2 = prevStart1
            prevStart1 = start
            prevNormalized = (normalized, prevNormalized.0, prevNormalized.1)
            index += 1
        }
        if Self.isWordCharacter(v) {
            if !inWord {
                inWord = true
                wordStart = start
                wordLength = 0
                wordLow = 0
                wordHigh = 0
                wordASCII = true
                wordNormalized = false
            }
            wordEnd = end
            wordNormalized = wordNormalized || normalized
            if v < 0x80 {
                let letter = UInt64(v >= 0x41 && v <= 0x5A ? v | 0x20 : v)
                if wordLength < 8 {
                    wordLow |= letter << (8 * UInt64(wordLength))
                } else if wordLength < 16 {
                    wordHigh |= letter << (8 * UInt64(wordLength - 8))
                }
            } else {
                wordASCII = false
            }
            wordLength += 1
            return
        }
        if inWord { finishWord() }
        if v == 0x0A {
            line += 1
            lastAI = nil
            lastGeneration = nil
            return
        }
        // 能 after 人工智 is the AI element; 成 after 生 or 合 is the generation element.
        if v == 0x80FD, prev1 == 0x667A, prev2 == 0x5DE5, prev3 == 0x4EBA {
            let n = normalized || prevNormalized.0 || prevNormalized.1 || prevNormalized.2
            found(ai: true, Element(start: prevStart3, end: end, index: index - 3, normalized: n))
        } else if v == 0x6210, prev1 == 0x751F || prev1 == 0x5408 {
            found(ai: false, Element(start: prevStart1, end: end, index: index - 1, normalized: normalized || prevNormalized.0))
        }
    }

    static let packedAI: UInt64 = 0x6961 // "ai", little-endian
    static let packedGenerationWords: Set<PackedWord> = Set(TextLabelChecker.generationWords.map(PackedWord.init))

    struct PackedWord: Hashable {
        var low: UInt64
        var high: UInt64
        init(low: UInt64, high: UInt64) {
            self.low = low
            self.high = high
        }
        init(_ word: String) {
            var low: UInt64 = 0
            var high: UInt64 = 0
            for (k, b) in word.utf8.enumerated() {
                if k < 8 { low |= UInt64(b) << (8 * UInt64(k)) } else { high |= UInt64(b) << (8 * UInt64(k - 8)) }
            }
            self.init(low: low, high: high)
        }
    }

    mutating func finishWord() {
        inWord = false
        guard wordASCII else { return }
        let element = Element(start: wordStart, end: wordEnd, index: index - wordLength, normalized: wordNormalized)
        if wordLength == 2 && wordLow == Self.packedAI {
            found(ai: true, element)
        } else if wordLength >= 8 && wordLength <= 12 && (wordLow & 0xFF == 0x67 || wordLow & 0xFF == 0x73),
            Self.packedGenerationWords.contains(PackedWord(low: wordLow, high: wordHigh))
        {
            found(ai: false, element)
        }
    }

    mutating func found(ai: Bool, _ element: Element) {
        let partner = ai ? lastGeneration : lastAI
        if ai { lastAI = element } else { lastGeneration = element }
        if let partner, abs(element.index - partner.index) <= window {
            record(min(partner.start, element.start)..<max(partner.end, element.end), normalized: partner.normalized || element.normalized)
            return
        }
        if !ai, insideWordMiss == nil, matchCount == 0 { lookForAIInsideAWord(around: element) }
        if ai, firstLoneAI == nil { firstLoneAI = (line, element.start) }
        if !ai, firstLoneGeneration == nil { firstLoneGeneration = (line, element.start) }
    }

    mutating func record(_ range: Range<Int>, normalized: Bool) {
        if let last = spans.last, last.line == line, range.lowerBound <= last.range.upperBound + 16, range.upperBound >= last.range.lowerBound {
            spans[spans.count - 1].range = min(last.range.lowerBound, range.lowerBound)..<max(last.range.upperBound, range.upperBound)
            spans[spans.count - 1].normalized = last.normalized || normalized
            return
        }
        matchCount += 1
        if spans.count < maximumListed { spans.append(Span(range: range, line: line, normalized: normalized)) }
    }
}

/// The first and last content characters (letters, digits, ideographs) of a body, skipping blanks, punctuation,
/// Markdown decoration and (in HTML) tags and character references: what decides whether a label starts or ends
/// the text.
private struct ContentBounds {
    var first: Int?
    var last: Int?

    init(p: UnsafeBufferPointer<UInt8>, body: Range<Int>, html: Bool) {
        var i = body.lowerBound
        while i < body.upperBound {
            if html, p[i] == 0x3C, let close = Scanner.tagEnd(p, from: i, limit: body.upperBound) {
                i = close
                continue
            }
            if html, p[i] == 0x26, let semicolon = (i + 1..<min(body.upperBound, i + 12)).first(where: { p[$0] == 0x3B }) {
                i = semicolon + 1
                continue
            }
            guard let (v, length) = UTF8Scalars.decode(p, at: i) else { break }
            if Self.isContent(v) {
                first = i
                break
            }
            i += length
        }
        var k = body.upperBound - 1
        while k >= body.lowerBound {
            var start = k
            while start > body.lowerBound, p[start] & 0xC0 == 0x80 { start -= 1 }
            if html, p[start] == 0x3E, let open = (max(body.lowerBound, start - 4096)..<start).last(where: { p[$0] == 0x3C }) {
                k = open - 1
                continue
            }
            if html, p[start] == 0x3B, let amp = (max(body.lowerBound, start - 12)..<start).last(where: { p[$0] == 0x26 }) {
                k = amp - 1
                continue
            }
            if let (v, _) = UTF8Scalars.decode(p, at: start), Self.isContent(v) {
                last = start
                break
            }
            k = start - 1
        }
    }

    static func isContent(_ v: UInt32) -> Bool {
        if v < 0x80 {
            return (v >= 0x61 && v <= 0x7A) || (v >= 0x41 && v <= 0x5A) || (v >= 0x30 && v <= 0x39)
        }
        guard let scalar = Unicode.Scalar(v) else { return false }
        return scalar.properties.isAlphabetic || scalar.properties.numericType != nil
    }
}
