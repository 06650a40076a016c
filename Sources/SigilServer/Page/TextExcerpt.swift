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
        let labels =
            labels
            .filter { body.contains($0.lowerBound) && $0.upperBound <= body.upperBound && !$0.isEmpty }
            .filter { Self.isBoundary(text, $0.lowerBound) && Self.isBoundary(text, $0.upperBound) }
            .sorted { $0.lowerBound < $1.lowerBound }
        let walker = Walker(text: text, string: string, body: body, bytesPerCharacter: limits.bytesPerCharacter)

        let head = body.lowerBound..<walker.forward(from: body.lowerBound, limits.head)
        let tail = walker.backward(from: body.upperBound, limits.tail)..<body.upperBound
        var windows = [head, tail]
        for (n, label) in labels.enumerated() where n < limits.middleLabels || label.overlaps(head) || label.overlaps(tail) {
            windows.append(walker.backward(from: label.lowerBound, limits.context)..<walker.forward(from: label.upperBound, limits.context))
        }
        windows = Self.covering(windows, labels)

        var parts: [Part] = []
        var shown = body.lowerBound
        for window in windows {
            if window.lowerBound > shown { parts.append(.gap(Self.scalars(text[shown..<window.lowerBound]))) }
            var at = window.lowerBound
            // Labels the checker reports may overlap (two pairs in one sentence): each character is marked once.
            for label in labels where window.contains(label.lowerBound) && label.upperBound > at {
                let start = max(label.lowerBound, at)
                if start > at { parts.append(.text(String(decoding: text[at..<start], as: UTF8.self))) }
                parts.append(.label(String(decoding: text[start..<label.upperBound], as: UTF8.self)))
                at = label.upperBound
            }
            if window.upperBound > at { parts.append(.text(String(decoding: text[at..<window.upperBound], as: UTF8.self))) }
            shown = window.upperBound
        }
        if body.upperBound > shown { parts.append(.gap(Self.scalars(text[shown..<body.upperBound]))) }
        self.parts = parts
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
