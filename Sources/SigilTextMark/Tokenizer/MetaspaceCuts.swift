/// Where a SentencePiece-style text may be cut into words.
///
/// A merge crosses a cut before "▁" only if its result contains the scalar before the cut followed by "▁". So a
/// cut is exact when that scalar is a vocabulary character (not byte fallback or unknown), is not "▁" itself, and
/// no merge result has it directly before a "▁" (the ``forbidden`` set, e.g. ">" for Gemma's ">▁</").
struct MetaspaceCuts: Sendable {
    var forbidden: Set<UInt32> = []

    init(merges: [(String, String)]) {
        for (left, right) in merges {
            let merged = left + right
            guard merged.utf8.contains(0x81) else { continue }
            var previous: Unicode.Scalar?
            for scalar in merged.unicodeScalars {
                if scalar.value == 0x2581, let previous, previous.value != 0x2581 { forbidden.insert(previous.value) }
                previous = scalar
            }
        }
    }
}
