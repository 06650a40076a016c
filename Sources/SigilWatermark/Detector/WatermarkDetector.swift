#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads the mark without the original: analysis luma → whitened residual → candidate lattices (the
/// unchanged geometry, plus those the autocorrelation finds) → fold → align with the sync pattern →
/// soft cells → Viterbi → keyed tag check.
///
/// At most ``maxDecodes`` candidate alignments are decoded per image, and a decode counts only when its
/// 24-bit keyed tag matches, so the false-positive probability per image is at most maxDecodes × 2⁻²⁴.
struct WatermarkDetector: Sendable {
    let layout: TileLayout
    let codec: MessageCodec
    let synchronizer: TileSynchronizer

    static let maxDecodes = 8
    /// Tile-period multipliers tried for crops to 100 %, 90 %, 75 % and 56 % of the area.
    static let cropScales: [Double] = [1, 1 / 0.9.squareRoot(), 1 / 0.75.squareRoot(), 1 / 0.5625.squareRoot()]
    /// Rotations (degrees) tried around each of those.
    static let rotations: [Double] = [0, -1, 1, -2, 2, -3, 3]
    static var falsePositiveBound: Double { Double(maxDecodes) / Double(1 << MessageCodec.tagBits) }

    init(layout: TileLayout, codec: MessageCodec) {
        self.layout = layout
        self.codec = codec
        synchronizer = TileSynchronizer(layout: layout)
    }

    struct Candidate: Sendable {
        var basis: LatticeBasis
        var alignment: TileSynchronizer.Alignment
    }

    func detect(_ analysis: Plane, identityPeriod: Double) -> WatermarkDetection {
        // The mark is smooth at the scale of its cell pitch, so the local mean it is measured against spans about
        // two cells (a high-pass just below the mark's band, where natural images have most of their energy).
        let pitch = identityPeriod / Double(TileLayout.side)
        let radii = Self.whiteningRadii(pitch: pitch)
        let residual = analysis.whitenedResidual(meanRadius: radii.mean, normRadius: radii.norm)
        // Hypotheses, cheapest and likeliest first, stopping at the first decode whose keyed tag checks:
        // 1. the geometry the image's size implies (exact after any aspect-preserving resize);
        // 2. that geometry for a crop of a larger image (crops shrink the short side, not the tile) and small
        //    rotations of both, ranked by sync score;
        // 3. the lattices the spectrally whitened autocorrelation finds (any scale, rotation, aspect change).
        // At most 1 + 4 + 3 = ``maxDecodes`` decodes are attempted per image.
        var tried: [LatticeBasis] = []
        var bestScore = -Double.infinity
        func attempt(_ bases: [LatticeBasis], decodes: Int) -> WatermarkDetection? {
            let fresh = bases.filter { basis in !tried.contains { $0.isClose(to: basis, tolerance: 1.5) } }
            tried += fresh
            let candidates = fresh.map { Candidate(basis: $0, alignment: synchronizer.align(TileFold(plane: residual, basis: $0))) }
                .sorted { $0.alignment.score > $1.alignment.score }
            bestScore = max(bestScore, candidates.first?.alignment.score ?? bestScore)
            for candidate in candidates.prefix(decodes) {
                if let found = decode(candidate, identityPeriod: identityPeriod) { return found }
            }
            return nil
        }
        if let found = attempt([.axisAligned(period: identityPeriod)], decodes: 1) { return found }
        var grid: [LatticeBasis] = []
        for scale in Self.cropScales {
            for degrees in Self.rotations {
                let r = degrees * Double.pi / 180, period = identityPeriod * scale
                grid.append(LatticeBasis(a: SIMD2(cos(r), sin(r)) * period, b: SIMD2(-sin(r), cos(r)) * period))
            }
        }
        if let found = attempt(grid, decodes: 4) { return found }
        let shortSide = Double(min(analysis.width, analysis.height))
        let estimator = LatticeEstimator(minPeriod: Double(TileLayout.side) * 3, maxPeriod: min(shortSide * 0.75, 420))
        if let found = attempt(estimator.bases(of: residual), decodes: 3) { return found }
        return .none(syncScore: bestScore.isFinite ? bestScore : 0)
    }

    /// Reads the cells under one alignment and decodes them; nil unless the keyed tag checks.
    private func decode(_ candidate: Candidate, identityPeriod: Double) -> WatermarkDetection? {
        let soft = layout.softBits(cellValues: synchronizer.cellValues(candidate.alignment))
        let decoded = codec.decode(soft: soft)
        guard decoded.tagValid else { return nil }
        let coded = codec.encode(payload: decoded.payload)
        var agree = 0
        for i in 0..<coded.count where (soft[i] > 0) == (coded[i] == 1) { agree += 1 }
        return WatermarkDetection(
            detected: true, payload: decoded.payload,
            bitAgreement: Double(agree) / Double(coded.count),
            syncScore: candidate.alignment.score,
            scale: length(candidate.basis.a) / identityPeriod,
            rotationDegrees: rotation(of: candidate.basis))
    }

    /// Local-mean and normalisation radii of the whitening for an analysis cell pitch (shared with the
    /// embedder's informed step so both see the same statistic).
    static func whiteningRadii(pitch: Double) -> (mean: Int, norm: Int) {
        let radius = max(2, Int(pitch.rounded()))
        return (radius, 2 * radius)
    }

    private func rotation(of basis: LatticeBasis) -> Double {
        // The angle of the basis vector closest to the x axis, folded into ±45°.
        let vectors = [basis.a, basis.b, -basis.a, -basis.b]
        let angles = vectors.map { atan2Degrees($0.y, $0.x) }
        return angles.min { abs($0) < abs($1) } ?? 0
    }
}

func atan2Degrees(_ y: Double, _ x: Double) -> Double { atan2(y, x) * 180 / Double.pi }
