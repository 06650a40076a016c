import SigilImaging

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
    public static func none(syncScore: Double) -> WatermarkDetection {
        WatermarkDetection(detected: false, payload: nil, bitAgreement: 0, syncScore: syncScore)
    }

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
