import SigilImaging

/// How far ``Watermarker/detect(in:search:)`` searches an image that does not show the mark at once.
public enum WatermarkSearch: String, Sendable, Hashable, CaseIterable {
    /// The size-implied geometry, then a cheap screen; the full synchronisation search only when the screen sees a
    /// trace of the sync pattern (decision 0102).
    case staged
    /// Every stage, every lattice at full resolution (the search of decisions 0100/0101 unchanged).
    case exhaustive
    /// The default: every stage, with stage 2's lattices ranked by a coarse fold and only the best few folded and
    /// aligned at full resolution (decision 0105).
    case ranked
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
    /// The cheap screen's score, when the search computed it (see ``Watermarker/screenScore(in:)``); in a ranked
    /// search, the best coarse score it ranked stage 2's lattices by.
    public var screenScore: Double?
    /// What a half-resolution autocorrelation showed, when a ranked search reached stage 3 (see
    /// ``Watermarker/latticeEvidence(in:)``).
    public var latticeEvidence: LatticeEvidence?

    /// The stages of the search, in the order they run.
    public enum Stage: String, Sendable, Hashable, CaseIterable {
        /// The geometry the image's size implies (unchanged, resized, re-encoded, colour-edited pictures).
        case sizeImplied
        /// The cheap screen of a staged search (only ever ends a search without a mark).
        case screen
        /// The lattices of crops, small rotations and one-sided stretches.
        case grid
        /// The half-resolution autocorrelation of a ranked search saw no repeating tile, so the full one did not run
        /// (only ever ends a search without a mark; decision 0105).
        case latticeScreen
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

/// What a ranked search's cheap look at stage 3 saw: the autocorrelation of the whitened residual at half resolution,
/// and the keyed sync pattern along the lattices it suggests (decision 0105). The full-resolution autocorrelation stage
/// runs only when either shows something: a repeating tile (``periodicity``) or the sync pattern (``syncScore``).
public struct LatticeEvidence: Sendable, Hashable {
    /// How strongly the half-resolution autocorrelation shows a repeating lattice: its best candidate's
    /// autocorrelation over twice the autocorrelation's spread (about 2–5 where nothing repeats).
    public var periodicity: Double
    /// The best coarse sync score (the screen's statistic, about 4–4.8 on unmarked pictures) along the lattices that
    /// autocorrelation finds.
    public var syncScore: Double

    /// Creates the evidence from its two measurements.
    public init(periodicity: Double, syncScore: Double) {
        self.periodicity = periodicity
        self.syncScore = syncScore
    }

    /// The periodicity at and above which the full autocorrelation stage runs (calibrated on the tuning set).
    public static let periodicityThreshold = 4.6
    /// The sync score at and above which the full autocorrelation stage runs (calibrated on the tuning set).
    public static let syncThreshold = 5.5

    /// Whether the full-resolution autocorrelation stage should run.
    public var warrantsSearch: Bool { periodicity >= Self.periodicityThreshold || syncScore >= Self.syncThreshold }
}
