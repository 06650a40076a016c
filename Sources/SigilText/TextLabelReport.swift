import SigilCore

/// What ``TextLabelChecker`` found in a text: every conformant label with where it is, or why there is none.
public struct TextLabelReport: Sendable, Hashable {
    /// Where a label sits in the text (GB 45438 5.1: start, end or a suitable middle position).
    public enum Placement: String, Sendable, Hashable, CustomStringConvertible {
        /// No content precedes it.
        case start
        /// No content follows it.
        case end
        /// Content before and after.
        case middle
        /// The label is all the content there is.
        case whole

        public var description: String { rawValue }
    }

    /// One label found.
    public struct Match: Sendable, Hashable {
        /// The label's characters as they are in the text (from the first element to the end of the last).
        public var text: String
        /// Its byte offsets (file offsets for UTF-8; offsets into the UTF-8 transcoding for GB18030).
        public var range: Range<Int>
        /// Its line, from 1.
        public var line: Int
        public var placement: Placement
        /// Whether it was found only after compatibility normalisation (full-width letters, compatibility
        /// ideographs).
        public var normalized: Bool
    }

    public var encoding: TextEncoding
    public var markup: TextMarkup
    /// The first ``TextLabelChecker/maximumListed`` labels, in text order.
    public var matches: [Match]
    /// How many labels there are in all.
    public var matchCount: Int
    /// Why no label conforms (an element missing, "AI" only inside another word, …); nil when one does.
    public var reason: String?

    /// Whether the text carries a conformant explicit label.
    public var isPresent: Bool { matchCount > 0 }

    /// Whether a label starts the text (placement start or whole).
    public var atStart: Bool { matches.contains { $0.placement == .start || $0.placement == .whole } }
    /// Whether a label ends the text (placement end or whole).
    public var atEnd: Bool { matches.contains { $0.placement == .end || $0.placement == .whole } }

    /// The report as `sigil verify --json` prints it under `explicitText`.
    public var json: JSONValue {
        .object([
            "present": .bool(isPresent),
            "encoding": .string(encoding.rawValue),
            "markup": .string(markup.rawValue),
            "count": .int(matchCount),
            "labels": .array(
                matches.map { m in
                    .object([
                        "text": .string(m.text), "offset": .int(m.range.lowerBound), "length": .int(m.range.count),
                        "line": .int(m.line), "position": .string(m.placement.rawValue), "normalized": .bool(m.normalized),
                    ])
                }),
            "reason": .optional(reason),
        ])
    }

    /// One line for the human report.
    public var summary: String {
        guard let first = matches.first else { return "no explicit text label: \(reason ?? "none found")" }
        let more = matchCount > 1 ? " (\(matchCount) labels in all)" : ""
        return
            "explicit text label \"\(first.text)\" at the \(first.placement) (line \(first.line), offset \(first.range.lowerBound)\(first.normalized ? ", after NFKC" : ""))\(more)"
    }
}
