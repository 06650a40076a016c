import Foundation

/// What the detector found in one text (or one run of token ids).
public struct TextMarkDetection: Sendable, Hashable {
    /// A run of tokens the scan found most strongly marked.
    public struct Span: Sendable, Hashable {
        /// Token indices `start..<end` in the detector's tokenization of the text.
        public let tokens: Range<Int>
        /// The span's own p-value (before the correction for the number of windows tried).
        public let pValue: Double
        /// The span's text, decoded from its tokens; nil when scored from ids alone.
        public let text: String?
    }

    /// The key the text was tested against.
    public let keyID: String
    /// The scheme version tested.
    public let schemeVersion: Int
    /// Tokens in the text.
    public let tokenCount: Int
    /// Distinct (context, token) pairs scored; repeats and the first ``TextMarkScheme/contextWidth`` tokens are not.
    public let scoredCount: Int
    /// Over all scored pairs, the fraction of g-values equal to 1 (½ expected without the mark).
    public let meanGValue: Double
    /// The whole text's z-score: (ones − ½·trials) / √(¼·trials).
    public let z: Double
    /// The p-value: the smallest window's or whole text's exact binomial tail, multiplied by the number of tests
    /// (windows × text normalisations tried), so it is a valid bound on the chance of an unmarked text scoring as
    /// well. 1 when nothing could be scored.
    public let pValue: Double
    /// log10 of ``pValue`` (finite below the smallest double).
    public let log10PValue: Double
    /// The whole text's exact binomial tail, no scan.
    public let wholeTextPValue: Double
    /// How many tests the p-value was corrected for.
    public let tests: Int
    /// The most strongly marked window when the scan found one stronger than the whole text, else the whole text.
    public let span: Span?
    /// How the text was normalised for the best result: `none`, `zero-width removed` or `full-width to ASCII`.
    public let normalization: String

    /// Whether the p-value is at or below `alpha` (default 1e-6, the bar the benchmark reports).
    public func isMarked(alpha: Double = 1e-6) -> Bool { pValue <= alpha }
}
