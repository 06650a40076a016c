#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads the mark without the original: analysis luma → whitened residual → candidate lattices (the
/// unchanged geometry, plus those the autocorrelation finds) → fold → align with the sync pattern →
/// soft cells → Viterbi → keyed tag check.
///
/// At most ``maxDecodes`` candidate alignments are decoded per image, each decode checks the ``listSize`` most
/// likely messages, and one counts only when its 24-bit keyed tag matches, so the false-positive probability per
/// image is at most maxDecodes × listSize × 2⁻²⁴.
struct WatermarkDetector: Sendable {
    let layout: TileLayout
    let codec: MessageCodec
    let synchronizer: TileSynchronizer
    /// The screen's coarser synchroniser (``screenOversample`` bins per cell).
    let screenSynchronizer: TileSynchronizer

    static let maxDecodes = 9
    /// How many of the code's most likely messages each decode checks against the keyed tag.
    static let listSize = 8
    /// Tile-period multipliers tried for crops to 100 %, 90 %, 81 % (90 % of each side), 75 %, 56 % and 50 % of the area.
    static let cropScales: [Double] = [1, 1 / 0.9.squareRoot(), 1 / 0.9, 1 / 0.75.squareRoot(), 1 / 0.5625.squareRoot(), 1 / 0.5.squareRoot()]
    /// Rotations (degrees) tried around each of those.
    static let rotations: [Double] = [0, -1, 1, -2, 2, -3, 3, -4, 4, -5, 5]
    static var falsePositiveBound: Double { Double(maxDecodes * listSize) / Double(1 << MessageCodec.tagBits) }

    init(layout: TileLayout, codec: MessageCodec) {
        self.layout = layout
        self.codec = codec
        synchronizer = TileSynchronizer(layout: layout)
        screenSynchronizer = TileSynchronizer(layout: layout, oversample: Self.screenOversample)
    }

    struct Candidate: Sendable {
        var basis: LatticeBasis
        var alignment: TileSynchronizer.Alignment
    }

    /// Looks for the mark in an analysis plane.
    ///
    /// - Parameters:
    ///   - periods: the tile periods (analysis pixels) the image's size implies, likeliest first (see
    ///     ``WatermarkGeometry/candidatePeriods(width:height:)``); the first is the reference for reported scales.
    ///   - aspectPeriods: the tile's x and y periods (analysis pixels) if one side of the picture was stretched or
    ///     squeezed (see ``WatermarkGeometry/aspectPeriods(width:height:)``).
    ///   - search: ``WatermarkSearch/staged`` stops after the size-implied geometry when the screen scores below
    ///     ``screenThreshold``; ``WatermarkSearch/ranked`` aligns only the ``rankedAlignments`` stage-2 lattices the
    ///     coarse fold ranks highest; ``WatermarkSearch/exhaustive`` aligns every one.
    func detect(_ analysis: Plane, periods: [Double], aspectPeriods: [SIMD2<Double>] = [], search: WatermarkSearch = .ranked)
        -> WatermarkDetection
    {
        guard let identityPeriod = periods.first else { return .none(syncScore: 0) }
        var state = Search(detector: self, analysis: analysis, identityPeriod: identityPeriod)
        // Hypotheses, cheapest and likeliest first, stopping at the first decode whose keyed tag checks:
        // 1. the geometries the image's size implies (exact after any aspect-preserving resize);
        // 2. those geometries for a crop of a larger image (crops shrink the short side, not the tile) and small
        //    rotations of both, and one side of the picture stretched or squeezed, ranked by sync score;
        // 3. the lattices the spectrally whitened autocorrelation finds (any scale, rotation, aspect change).
        // At most 2 + 4 + 3 = ``maxDecodes`` decodes are attempted per image. In a staged search, the screen between
        // 1 and 2 ends it when not even a coarse fold of the stage-2 lattices shows the sync pattern.
        let bases = Array(periods.prefix(2))
        if var found = state.attempt(bases.map { (.axisAligned(period: $0), $0) }, decodes: 2) {
            found.stage = .sizeImplied
            return found
        }
        var grid = Self.gridHypotheses(bases: bases, aspectPeriods: aspectPeriods)
        var screenScore: Double?
        switch search {
        case .staged:
            let score = screen(state.coarseResidual(period: identityPeriod), hypotheses: grid)
            screenScore = score
            if score < Self.screenThreshold {
                return .none(syncScore: state.reportedScore, stage: .screen, screenScore: score)
            }
        case .ranked:
            // Only the lattices the coarse fold ranks highest are folded and aligned at full resolution.
            let scores = coarseScores(state.coarseResidual(period: identityPeriod), hypotheses: grid)
            screenScore = scores.max()
            let order = scores.indices.sorted { scores[$0] > scores[$1] }
            grid = order.prefix(Self.rankedAlignments).map { grid[$0] }
        case .exhaustive:
            break
        }
        if var found = state.attempt(grid, decodes: 4) {
            found.stage = .grid
            found.screenScore = screenScore
            return found
        }
        let smallest = bases.min() ?? identityPeriod
        let estimator = Self.autocorrelationEstimator(analysis: analysis, bases: bases)
        let plane = state.residual(period: smallest)
        var evidence: LatticeEvidence?
        if search == .ranked, let seen = latticeEvidence(plane, coarse: state.coarseResidual(period: smallest), estimator: estimator) {
            evidence = seen
            if !seen.warrantsSearch {
                var none = WatermarkDetection.none(syncScore: state.reportedScore, stage: .latticeScreen, screenScore: screenScore)
                none.latticeEvidence = seen
                return none
            }
        }
        if var found = state.attempt(estimator.bases(of: plane).map { ($0, smallest) }, decodes: 3) {
            found.stage = .autocorrelation
            found.screenScore = screenScore
            found.latticeEvidence = evidence
            return found
        }
        var none = WatermarkDetection.none(syncScore: state.reportedScore, stage: .autocorrelation, screenScore: screenScore)
        none.latticeEvidence = evidence
        return none
    }

    /// The state of one image's search: the whitened residuals computed so far (one per whitening radius), the
    /// lattices already tried, and the best sync score seen.
    private struct Search {
        let detector: WatermarkDetector
        let analysis: Plane
        let identityPeriod: Double
        var residuals: [Int: Plane] = [:]
        var coarseResiduals: [Int: CoarseResidual] = [:]
        var tried: [LatticeBasis] = []
        var bestScore = -Double.infinity

        /// The best sync score seen, for a "none" result (0 when nothing was aligned).
        var reportedScore: Double { bestScore.isFinite ? bestScore : 0 }

        init(detector: WatermarkDetector, analysis: Plane, identityPeriod: Double) {
            self.detector = detector
            self.analysis = analysis
            self.identityPeriod = identityPeriod
        }

        /// The whitened residual for a tile period. The local mean the mark is measured against spans about one
        /// cell (± half a cell): a high-pass that keeps the cell-to-cell changes that carry the chips and removes the
        /// smooth host, where natural images have most of their energy (a mean over ± one or two cells passed more
        /// host and did worse after compression).
        mutating func residual(period: Double) -> Plane {
            let radii = WatermarkDetector.whiteningRadii(pitch: period / Double(TileLayout.side))
            if let cached = residuals[radii.mean] { return cached }
            let plane = analysis.whitenedResidual(meanRadius: radii.mean, normRadius: radii.norm)
            residuals[radii.mean] = plane
            return plane
        }

        /// The whitened residual for a tile period as the coarse fold sees it (see ``CoarseResidual``).
        mutating func coarseResidual(period: Double) -> CoarseResidual {
            let radius = WatermarkDetector.whiteningRadii(pitch: period / Double(TileLayout.side)).mean
            if let cached = coarseResiduals[radius] { return cached }
            let coarse = CoarseResidual(residual(period: period), identityPeriod: identityPeriod)
            coarseResiduals[radius] = coarse
            return coarse
        }

        /// Aligns the lattices not tried yet, and decodes the best `decodes` of them by sync score.
        mutating func attempt(_ bases: [(LatticeBasis, Double)], decodes: Int) -> WatermarkDetection? {
            let tried = self.tried
            let fresh = bases.filter { basis, _ in !tried.contains { $0.isClose(to: basis, tolerance: 1.5) } }
            self.tried += fresh.map(\.0)
            var candidates: [Candidate] = []
            for (basis, period) in fresh {
                let fold = TileFold(plane: residual(period: period), basis: basis)
                candidates.append(Candidate(basis: basis, alignment: detector.synchronizer.align(fold)))
            }
            candidates.sort { $0.alignment.score > $1.alignment.score }
            bestScore = max(bestScore, candidates.first?.alignment.score ?? bestScore)
            for candidate in candidates.prefix(decodes) {
                if let found = detector.decode(candidate, identityPeriod: identityPeriod) { return found }
            }
            return nil
        }
    }

    /// The lattice evidence of stage 3's residual (see ``LatticeEvidence``), at about a quarter of the cost of the
    /// full-resolution autocorrelation; nil when the plane is too small to halve. It decodes nothing.
    func latticeEvidence(_ residual: Plane, coarse: CoarseResidual, estimator: LatticeEstimator) -> LatticeEvidence? {
        let halved = coarse.factor == 2 ? coarse.plane : residual.downscaled(by: 2)
        guard let found = estimator.halfResolutionBases(of: residual, halved: halved) else { return nil }
        let sync = coarseScores(coarse, hypotheses: found.bases.map { ($0, 0) }).max() ?? 0
        return LatticeEvidence(periodicity: found.periodicity, syncScore: sync)
    }

    /// Stage 3's lattice estimator for an analysis plane and its size-implied tile periods.
    static func autocorrelationEstimator(analysis: Plane, bases: [Double]) -> LatticeEstimator {
        let shortSide = Double(min(analysis.width, analysis.height))
        let smallest = bases.min() ?? 0
        // Tiles shorter than 3 px per cell exist only in downscaled small pictures (the second base).
        let minPeriod = bases.count > 1 ? min(Double(TileLayout.side) * 3, smallest * 0.7) : Double(TileLayout.side) * 3
        return LatticeEstimator(minPeriod: minPeriod, maxPeriod: min(shortSide * 0.75, 420))
    }

    /// Stage 2's lattices: the size-implied tiles for crops of a larger picture and small rotations, and the
    /// one-sided stretches, each with the period its whitening is sized for.
    static func gridHypotheses(bases: [Double], aspectPeriods: [SIMD2<Double>]) -> [(LatticeBasis, Double)] {
        var grid: [(LatticeBasis, Double)] = []
        for (k, base) in bases.enumerated() {
            // At the floor pitch (two bases) the first base is a small picture's own tile, which a crop leaves as
            // it is; crops of a larger picture scale the second.
            for scale in bases.count > 1 && k == 0 ? [1] : cropScales {
                for degrees in rotations {
                    let r = degrees * Double.pi / 180
                    let period = base * scale
                    grid.append((LatticeBasis(a: SIMD2(cos(r), sin(r)) * period, b: SIMD2(-sin(r), cos(r)) * period), period))
                }
            }
        }
        for stretched in aspectPeriods {
            grid.append((LatticeBasis(a: SIMD2(stretched.x, 0), b: SIMD2(0, stretched.y)), min(stretched.x, stretched.y)))
        }
        return grid
    }

    /// Fold bins per cell side in the screen (the full search uses ``TileFold/oversample``).
    static let screenOversample = 2
    /// The screen works on the residual area-averaged 2 × 2 when that keeps at least this many pixels per cell.
    static let screenMinimumPitch: Double = 2
    /// The screen's threshold on its sync score (see ``screen(_:hypotheses:)``), calibrated on
    /// marked and attacked pictures of the tuning set (decision 0102, `Benchmarks/WATERMARK.md`).
    static let screenThreshold: Double = 4.1

    /// The cheap stage: the best sync score over all of stage 2's lattices, measured on a coarse fold (the residual
    /// averaged 2 × 2 when the cells are large enough, 2 bins per cell instead of 4). It costs a fraction of stage 2
    /// and decodes nothing, so it cannot add a false positive; a picture scoring below ``screenThreshold`` skips
    /// stages 2 and 3.
    func screen(_ coarse: CoarseResidual, hypotheses: [(LatticeBasis, Double)]) -> Double {
        let best = coarseScores(coarse, hypotheses: hypotheses).max() ?? 0
        return best.isFinite ? best : 0
    }

    /// How many of stage 2's lattices a ranked search folds and aligns at full resolution (the best by
    /// ``coarseScores(_:hypotheses:)``); decision 0105.
    static let rankedAlignments = 8

    /// The whitened residual as the coarse fold sees it: averaged 2 × 2 when the cells are large enough.
    struct CoarseResidual: Sendable {
        let plane: Plane
        /// The averaging factor (1 or 2).
        let factor: Int

        init(_ residual: Plane, identityPeriod: Double) {
            let pitch = identityPeriod / Double(TileLayout.side)
            factor = pitch >= 2 * WatermarkDetector.screenMinimumPitch ? 2 : 1
            plane = residual.downscaled(by: factor)
        }
    }

    /// The coarse sync score of each hypothesis (the screen's statistic per lattice, in the order given).
    func coarseScores(_ coarse: CoarseResidual, hypotheses: [(LatticeBasis, Double)]) -> [Double] {
        let scale = 1 / Double(coarse.factor)
        return hypotheses.map { basis, _ in
            let fold = TileFold(plane: coarse.plane, basis: LatticeBasis(a: basis.a * scale, b: basis.b * scale), bins: screenSynchronizer.bins)
            return screenSynchronizer.peakScore(fold)
        }
    }

    /// Reads the cells under one alignment and decodes them; nil unless the keyed tag checks.
    fileprivate func decode(_ candidate: Candidate, identityPeriod: Double) -> WatermarkDetection? {
        let soft = layout.softBits(cellValues: synchronizer.cellValues(candidate.alignment))
        let decoded = codec.decode(soft: soft, listSize: Self.listSize)
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
        let radius = max(2, Int((pitch / 2).rounded()))
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
