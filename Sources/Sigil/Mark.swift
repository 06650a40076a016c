/// A kind of label Sigil can put on content.
public enum Mark: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// The visible text label of GB 45438 5.2 (「AI生成」 by default).
    case explicit
    /// The file-metadata label of GB 45438 6.1 and Annex E (the `AIGC` field).
    case implicit
    /// The blind, keyed watermark in the pixels or the samples (a content implicit label, Labeling Measures Art. 5) carrying a
    /// 64-bit payload derived from the ProduceID.
    case watermark
    /// The C2PA manifest (Content Credentials): a signed `c2pa.created` / trainedAlgorithmicMedia claim bound to the
    /// final bytes and carrying the AIGC label (SigilProvenance).
    case c2pa

    /// Every mark this build supports; the default of `sigil label --marks`.
    public static let supported: [Mark] = [.explicit, .implicit, .watermark, .c2pa]

    /// The marks every generated file gets, whatever `--marks` says (``LabelingRules/enforced``): a marks list can
    /// add marks, never drop these.
    public static let mandatory: Set<Mark> = Set(LabelingRules.enforced.mandatoryMarks.compactMap(Mark.init(rawValue:)))

    public var description: String { rawValue }

    /// Whether applying this mark changes pixels (and so needs a decode and re-encode).
    public var touchesPixels: Bool {
        switch self {
        case .explicit: true
        case .implicit: false
        case .watermark: true
        case .c2pa: false
        }
    }

    /// Parses a comma-separated list such as `explicit,implicit`.
    ///
    /// - Throws: ``SigilError`` `.usage` naming an unknown mark and listing the known ones.
    public static func parseList(_ list: String) throws -> Set<Mark> {
        var marks: Set<Mark> = []
        for raw in list.split(separator: ",").map(\.trimmingSpaces) where !raw.isEmpty {
            guard let mark = Mark(rawValue: raw) else {
                throw SigilError(.usage, "unknown mark \"\(raw)\"; this build supports: \(supported.map(\.rawValue).joined(separator: ", "))")
            }
            marks.insert(mark)
        }
        guard !marks.isEmpty else { throw SigilError(.usage, "--marks needs at least one of: \(supported.map(\.rawValue).joined(separator: ", "))") }
        return marks
    }
}

extension Substring {
    /// The piece without leading and trailing spaces and tabs. Written on indices: a generic `String(_:)` over a
    /// reversed view instantiates types at run time, each asking the runtime for conformances at start-up.
    fileprivate var trimmingSpaces: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        let head = drop(while: isSpace)
        guard let last = head.lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(head[...last])
    }
}
