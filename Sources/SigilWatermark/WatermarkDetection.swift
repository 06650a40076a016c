import SigilImaging

/// How far ``Watermarker/detect(in:search:)`` searches an image that does not show the mark at once.
public enum WatermarkSearch: String, Sendable, Hashable, CaseIterable {
    /// The size-implied geometry, then a cheap screen; the full synchronisation search only when the screen sees a
    /// trace of the sync pattern (decision 0102).
    case staged
    /// Every stage (the default, and the search of decisions 0100/0101 unchanged).
    case exhaustive
}

/// What the detector found in one image.
public struct WatermarkDetection: Sendable, Hashable {
    /// Whether a mark made with this key was found (its keyed tag checked).
    public var detected: Bool
    /// The 64-bit payload, when detected.
    public var payload: UInt64?
    /// Fraction of the coded bits whose raw reading agreed with the decoded codeword (0.5 = chance,
    /// 1 = clean); a measure of how much margin the error-correcting code had left.
    public var bitAgreement: Double
    /// Height of the sync correlation peak in standard deviations (about 4 on unmarked images).
    public var syncScore: Double
    /// Estimated scale of the image relative to the geometry its size implies (1 when unchanged).
    public var scale: Double?
    /// Estimated rotation in degrees (folded into ±45°).
    public var rotationDegrees: Double?
    /// The stage of the search that decided: where the mark was found, or where the search stopped without one
    /// (``Stage/screen`` when the cheap screen ended a staged search). Nil for images too small to search.
    public var stage: Stage?
    /// The cheap screen's score, when the search computed it (see ``Watermarker/screenScore(in:)``).
    public var screenScore: Double?

    /// The stages of the search, in the order they run.
    public enum Stage: String, Sendable, Hashable, CaseIterable {
        /// The geometry the image's size implies (unchanged, resized, re-encoded, colour-edited pictures).
        case sizeImplied
        /// The cheap screen of a staged search (only ever ends a search without a mark).
        case screen
        /// The lattices of crops, small rotations and one-sided stretches.
        case grid
        /// The lattices the residual's autocorrelation finds.
        case autocorrelation
    }

    /// Creates a detection result.
    public init(detected: Bool, payload: UInt64?, bitAgreement: Double, syncScore: Double, scale: Double? = nil, rotationDegrees: Double? = nil) {
        self.detected = detected
        self.payload = payload
        self.bitAgreement = bitAgreement
        self.syncScore = syncScore
        self.scale = scale
        self.rotationDegrees = rotationDegrees
    }

    /// "Nothing found".
    ///
    /// - Parameters:
    ///   - syncScore: the best sync score the search saw.
    ///   - stage: where the search stopped.
    ///   - screenScore: the screen's score, if it ran.
    public static func none(syncScore: Double, stage: Stage? = nil, screenScore: Double? = nil) -> WatermarkDetection {
        var result = WatermarkDetection(detected: false, payload: nil, bitAgreement: 0, syncScore: syncScore)
        result.stage = stage
        result.screenScore = screenScore
        return result
    }

    /// The screen's threshold: a staged search whose screen scores below it reports no mark without the full
    /// synchronisation search (decision 0102).
    public static var screenThreshold: Double { WatermarkDetector.screenThreshold }

    /// Upper bound of the probability that an unmarked image (or one marked with another key) is reported
    /// as detected: the number of candidate decodes, times the messages each decode checks, times 2⁻²⁴ for the
    /// keyed tag.
    public static var falsePositiveBound: Double { WatermarkDetector.falsePositiveBound }

    /// The payload as 16 lowercase hex digits.
    public var payloadHex: String? { payload.map { Watermarker.hex($0) } }

    /// A 0…1 confidence for reports: 0 when not detected; otherwise 1 − the false-positive bound, lowered
    /// as the code's margin shrinks (bit agreement near chance).
    public var confidence: Double {
        guard detected else { return 0 }
        let margin = max(0, min(1, (bitAgreement - 0.5) / 0.35))
        return (1 - Self.falsePositiveBound) * (0.9 + 0.1 * margin)
    }
}
