/// A bounded excerpt of the text the explicit text label check read, for the verify page (decision 0409): the start
/// and the end of the body (where GB 45438 5.1 puts a label) and the text around the labels found between them, cut
/// at character boundaries, with each label's characters marked at the byte offsets the checker reported.
struct TextExcerpt: Sendable, Hashable {
    /// One run of the excerpt, in text order.
    enum Part: Sendable, Hashable {
        /// Text shown as it is.
        case text(String)
        /// A label the checker found, shown marked.
        case label(String)
        /// Text left out between two shown runs: how many characters (Unicode scalars).
        case gap(Int)
        /// A run of invisible characters (a C2PA text manifest's variation selectors, zero-width spaces) not shown:
        /// how many.
        case invisible(Int)
    }

    /// How much is shown, in characters (grapheme clusters).
    struct Limits: Sendable, Hashable {
        /// From the start of the body.
        var head = 600
        /// Up to the end of the body.
        var tail = 400
        /// Before and after a label in the middle.
        var context = 80
        /// How many labels in the middle get their own run (labels within the start or the end always show).
        var middleLabels = 8
        /// The most bytes one character may count for, so one huge character cluster cannot make a run unbounded.
        var bytesPerCharacter = 32
        /// How many invisible characters in a row are left out as one run instead of shown.
        var invisibleRun = 8
    }

    var parts: [Part]

    /// The excerpt of `text` (valid UTF-8), its `body` and the `labels` found in it (byte ranges into `text`).
    /// Ranges outside the body or not on character boundaries are left unmarked.
    init(text: [UInt8], body: Range<Int>, labels: [Range<Int>], limits: Limits = Limits()) {
        let body = body.clamped(to: 0..<text.count)
        let string = String(decoding: text, as: UTF8.self)
        // The checker read valid UTF-8, so offsets into the bytes are offsets into the string.
        guard string.utf8.count == text.count, Self.isBoundary(text, body.lowerBound), Self.isBoundary(text, body.upperBound) else {
            parts = [.gap(text.count)]
            return
        }
        // Invisible runs at the ends (Sigil appends a C2PA text manifest after the text) are left out of the windows,
        // so the end shown is the end a reader sees.
        let invisible = Self.invisibleRuns(text, body, minimum: limits.invisibleRun)
        var visible = body
        if let first = invisible.first, first.lowerBound == body.lowerBound { visible = first.upperBound..<visible.upperBound }
        if let last = invisible.last, last.lowerBound >= visible.lowerBound, text[last.upperBound..<body.upperBound].allSatisfy(Self.isASCIISpace) {
            visible = visible.lowerBound..<last.lowerBound
        }
        let labels =
            labels
            .filter { visible.contains($0.lowerBound) && $0.upperBound <= visible.upperBound && !$0.isEmpty }
            .filter { Self.isBoundary(text, $0.lowerBound) && Self.isBoundary(text, $0.upperBound) }
            .sorted { $0.lowerBound < $1.lowerBound }
        let walker = Walker(text: text, string: string, body: visible, bytesPerCharacter: limits.bytesPerCharacter)

        let head = visible.lowerBound..<walker.forward(from: visible.lowerBound, limits.head)
        let tail = walker.backward(from: visible.upperBound, limits.tail)..<visible.upperBound
        var windows = [head, tail]
        for (n, label) in labels.enumerated() where n < limits.middleLabels || label.overlaps(head) || label.overlaps(tail) {
            windows.append(walker.backward(from: label.lowerBound, limits.context)..<walker.forward(from: label.upperBound, limits.context))
        }
        windows = Self.covering(windows, labels)

        var parts: [Part] = []
        if visible.lowerBound > body.lowerBound { parts.append(.invisible(Self.scalars(text[body.lowerBound..<visible.lowerBound]))) }
        var shown = visible.lowerBound
        // Text shown as it is, but for invisible runs inside it.
        func show(_ range: Range<Int>) {
            var at = range.lowerBound
            for run in invisible where run.overlaps(range) {
                let cut = run.clamped(to: range)
                if cut.lowerBound > at { parts.append(.text(String(decoding: text[at..<cut.lowerBound], as: UTF8.self))) }
                parts.append(.invisible(Self.scalars(text[cut])))
                at = cut.upperBound
            }
            if range.upperBound > at { parts.append(.text(String(decoding: text[at..<range.upperBound], as: UTF8.self))) }
        }
        for window in windows {
            if window.lowerBound > shown { parts.append(.gap(Self.scalars(text[shown..<window.lowerBound]))) }
            var at = window.lowerBound
            // Labels the checker reports may overlap (two pairs in one sentence): each character is marked once.
            for label in labels where window.contains(label.lowerBound) && label.upperBound > at {
                let start = max(label.lowerBound, at)
                show(at..<start)
                parts.append(.label(String(decoding: text[start..<label.upperBound], as: UTF8.self)))
                at = label.upperBound
            }
            show(at..<window.upperBound)
            shown = window.upperBound
        }
        if visible.upperBound > shown { parts.append(.gap(Self.scalars(text[shown..<visible.upperBound]))) }
        if body.upperBound > visible.upperBound { parts.append(.invisible(Self.scalars(text[visible.upperBound..<body.upperBound]))) }
        self.parts = parts
    }

    /// The runs of at least `minimum` invisible characters in `range` of UTF-8 `text`: U+FEFF, variation
    /// selectors, zero-width spaces, joiners and direction marks (U+200B–U+200F), word joiner and invisible operators
    /// (U+2060–U+2064). U+200D and U+FE0F are also parts of emoji sequences, so short runs stay text.
    static func invisibleRuns(_ text: [UInt8], _ range: Range<Int>, minimum: Int) -> [Range<Int>] {
        var runs: [Range<Int>] = []
        var start: Int?
        var count = 0
        var i = range.lowerBound
        func close(_ end: Int) {
            if let s = start, count >= minimum { runs.append(s..<end) }
            start = nil
            count = 0
        }
        while i < range.upperBound {
            let (scalar, length) = Self.scalar(text, at: i)
            if Self.isInvisible(scalar) {
                if start == nil { start = i }
                count += 1
            } else {
                close(i)
            }
            i += length
        }
        close(range.upperBound)
        return runs
    }

    static func isInvisible(_ v: UInt32) -> Bool {
        switch v {
        case 0xFEFF, 0xFE00...0xFE0F, 0xE0100...0xE01EF, 0x200B...0x200F, 0x2060...0x2064: true
        default: false
        }
    }

    static func isASCIISpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 }

    /// The scalar at `i` of valid UTF-8 and its length.
    static func scalar(_ text: [UInt8], at i: Int) -> (UInt32, Int) {
        let b0 = UInt32(text[i])
        let length = b0 < 0x80 ? 1 : b0 < 0xE0 ? 2 : b0 < 0xF0 ? 3 : 4
        guard length > 1, i + length <= text.count else { return (b0, 1) }
        var v = b0 & (0xFF >> UInt32(length + 1))
        for k in 1..<length { v = v << 6 | UInt32(text[i + k] & 0x3F) }
        return (v, length)
    }

    /// The windows sorted, each grown to hold every label it touches whole, overlapping ones merged.
    static func covering(_ windows: [Range<Int>], _ labels: [Range<Int>]) -> [Range<Int>] {
        var current = windows.filter { !$0.isEmpty }.sorted { $0.lowerBound < $1.lowerBound }
        // Growing a merged run may reach a label the pass before did not touch; each pass only grows runs.
        while true {
            var merged: [Range<Int>] = []
            for window in current {
                var grown = window
                for label in labels where label.overlaps(grown) {
                    grown = min(grown.lowerBound, label.lowerBound)..<max(grown.upperBound, label.upperBound)
                }
                if let last = merged.last, last.upperBound >= grown.lowerBound {
                    merged[merged.count - 1] = last.lowerBound..<max(last.upperBound, grown.upperBound)
                } else {
                    merged.append(grown)
                }
            }
            if merged == current { return merged }
            current = merged
        }
    }

    /// Whether `offset` starts a UTF-8 scalar (or ends the text).
    static func isBoundary(_ text: [UInt8], _ offset: Int) -> Bool {
        offset == text.count || (offset >= 0 && offset < text.count && text[offset] & 0xC0 != 0x80)
    }

    /// How many Unicode scalars UTF-8 bytes hold.
    static func scalars(_ bytes: ArraySlice<UInt8>) -> Int {
        bytes.reduce(0) { $1 & 0xC0 == 0x80 ? $0 : $0 + 1 }
    }

    /// Steps over characters (grapheme clusters) from a byte offset, within the body, at most
    /// `bytesPerCharacter` bytes a character.
    private struct Walker {
        let text: [UInt8]
        let string: String
        let body: Range<Int>
        let bytesPerCharacter: Int

        // Both are O(1) on a native UTF-8 string.
        func index(_ offset: Int) -> String.Index { string.utf8.index(string.utf8.startIndex, offsetBy: offset) }
        func utf8Offset(_ index: String.Index) -> Int { string.utf8.distance(from: string.utf8.startIndex, to: index) }

        /// The offset `count` characters after `offset` (the body's end at most).
        func forward(from offset: Int, _ count: Int) -> Int {
            let after = string[index(offset)..<index(body.upperBound)]
            let end = after.index(after.startIndex, offsetBy: count, limitedBy: after.endIndex) ?? after.endIndex
            var reached = utf8Offset(end)
            if reached - offset > count * bytesPerCharacter {
                reached = offset + count * bytesPerCharacter
                while !TextExcerpt.isBoundary(text, reached) { reached -= 1 }
            }
            return reached
        }

        /// The offset `count` characters before `offset` (the body's start at least).
        func backward(from offset: Int, _ count: Int) -> Int {
            let before = string[index(body.lowerBound)..<index(offset)]
            let start = before.index(before.endIndex, offsetBy: -count, limitedBy: before.startIndex) ?? before.startIndex
            var reached = utf8Offset(start)
            if offset - reached > count * bytesPerCharacter {
                reached = offset - count * bytesPerCharacter
                while !TextExcerpt.isBoundary(text, reached) { reached += 1 }
            }
            return reached
        }
    }
}
