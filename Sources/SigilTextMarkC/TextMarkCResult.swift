import SigilTextMark

/// The C layout of `sigil_textmark_result`: four `double`s (p-value, log10 p-value, z, mean g-value) then five
/// `int64_t`s (tokens, scored pairs, span start, span end, tests), 72 bytes with no padding on every ABI Sigil
/// builds for. Written field by field at fixed offsets, so no Swift struct layout is relied on.
enum TextMarkCResult {
    /// `sizeof(sigil_textmark_result)`.
    static let size = 72

    /// Writes `detection` into the caller's `sigil_textmark_result`; the span is −1, −1 when nothing was scored.
    static func store(_ detection: TextMarkDetection, into out: UnsafeMutableRawPointer) {
        let doubles = [detection.pValue, detection.log10PValue, detection.z, detection.meanGValue]
        for (index, value) in doubles.enumerated() {
            out.storeBytes(of: value, toByteOffset: index * 8, as: Double.self)
        }
        let integers = [
            detection.tokenCount, detection.scoredCount, detection.span?.tokens.lowerBound ?? -1,
            detection.span?.tokens.upperBound ?? -1, detection.tests,
        ]
        for (index, value) in integers.enumerated() {
            out.storeBytes(of: Int64(value), toByteOffset: 32 + index * 8, as: Int64.self)
        }
    }
}
