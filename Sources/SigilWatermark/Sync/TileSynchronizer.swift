/// Finds where the tile starts inside a fold, and in which of the eight orientations, by cyclic
/// cross-correlation with the keyed sync pattern (one forward FFT, four inverse ones for the orientation, one for the
/// shift), then reads every cell with a matched (tent) filter.
struct TileSynchronizer: Sendable {
    struct Alignment: Sendable {
        /// Square symmetry applied to the fold.
        var symmetry: Int
        /// Cyclic shift, in bins, of the template's origin inside the fold.
        var shift: (u: Int, v: Int)
        /// Peak height in standard deviations of the correlation surface.
        var score: Double
        /// The oriented fold.
        var fold: TileFold
    }

    let layout: TileLayout
    /// Fold bins per cell side; the folds this synchroniser aligns have `TileLayout.side × oversample` bins a side.
    let oversample: Int
    /// The sync template rendered on the fold grid, and its spectrum (conjugated).
    private let templateRe: [Float]
    private let templateIm: [Float]
    /// The conjugated template spectrum seen through each square symmetry's inverse (see ``peakScore(_:)``).
    private let orientedTemplates: [(re: [Float], im: [Float])]
    /// The FFT plan for the fold grid's side.
    private let plan: FFTPlan

    /// Fold bins per tile side.
    var bins: Int { TileLayout.side * oversample }

    init(layout: TileLayout, oversample: Int = TileFold.oversample) {
        self.layout = layout
        self.oversample = oversample
        let n = TileLayout.side * oversample
        var plane = ComplexPlane(width: n, height: n)
        plane.re = Self.render(layout.syncChips, oversample: oversample)
        plan = FFTPlan(count: n)
        plane.fft2D(inverse: false, plan: plan)
        let re = plane.re
        let im = plane.im.map { -$0 }
        templateRe = re
        templateIm = im
        orientedTemplates = (0..<8).map { (TileFold.unoriented(re, $0, bins: n), TileFold.unoriented(im, $0, bins: n)) }
    }

    /// Chips rendered as the embedder renders them (bilinear between cell centres), on a fold grid of
    /// `oversample` bins per cell.
    static func render(_ chips: [Float], oversample m: Int = TileFold.oversample) -> [Float] {
        let k = TileLayout.side
        let n = k * m
        var out = [Float](repeating: 0, count: n * n)
        for v in 0..<n {
            let cv = v / m
            let fy = Float(v % m) / Float(m)
            for u in 0..<n {
                let cu = u / m
                let fx = Float(u % m) / Float(m)
                let c00 = chips[cv * k + cu]
                let c10 = chips[cv * k + (cu + 1) % k]
                let c01 = chips[((cv + 1) % k) * k + cu]
                let c11 = chips[((cv + 1) % k) * k + (cu + 1) % k]
                out[v * n + u] = (c00 * (1 - fx) + c10 * fx) * (1 - fy) + (c01 * (1 - fx) + c11 * fx) * fy
            }
        }
        return out
    }

    /// The best orientation and shift of `fold`.
    ///
    /// The orientation is chosen by the eight correlation peaks of ``orientationScores(_:)`` (four inverse
    /// transforms); only the chosen orientation's surface is then computed in the fold's own coordinates, for the
    /// shift (one more). Same answer as correlating each oriented fold in turn, in five inverse transforms instead of
    /// eight.
    func align(_ fold: TileFold) -> Alignment {
        let n = bins
        let spectrum = self.spectrum(of: fold)
        let scores = orientationScores(spectrum)
        var index = 0
        for i in 1..<scores.count where scores[i] > scores[index] { index = i }
        // Each orientation's spectrum is the fold's spectrum with its bins permuted the same way (the symmetries are
        // signed permutations of the coordinates).
        var plane = ComplexPlane(width: n, height: n)
        plane.re = TileFold.oriented(spectrum.re, index, bins: n)
        plane.im = TileFold.oriented(spectrum.im, index, bins: n)
        for i in 0..<(n * n) {
            let r = plane.re[i] * templateRe[i] - plane.im[i] * templateIm[i]
            let m = plane.re[i] * templateIm[i] + plane.im[i] * templateRe[i]
            plane.re[i] = r
            plane.im[i] = m
        }
        plane.fft2D(inverse: true, plan: plan)
        let (score, at) = Self.peak(plane.re)
        return Alignment(symmetry: index, shift: (at % n, at / n), score: score, fold: fold.symmetry(index))
    }

    /// The fold's 2-D spectrum. - Precondition: the fold has this synchroniser's grid.
    private func spectrum(of fold: TileFold) -> ComplexPlane {
        precondition(fold.bins == bins, "the fold's grid differs from the template's")
        var spectrum = ComplexPlane(width: bins, height: bins)
        spectrum.re = fold.values
        spectrum.fft2D(inverse: false, plan: plan)
        return spectrum
    }

    /// The height of a correlation surface's peak in standard deviations of the surface, and where it is.
    private static func peak(_ surface: [Float]) -> (score: Double, at: Int) {
        var mean: Double = 0
        var sq: Double = 0
        var peak = -Double.infinity
        var at = 0
        for i in 0..<surface.count {
            let v = Double(surface[i])
            mean += v
            sq += v * v
            if v > peak {
                peak = v
                at = i
            }
        }
        mean /= Double(surface.count)
        let sd = (sq / Double(surface.count) - mean * mean).squareRoot()
        return (sd > 0 ? (peak - mean) / sd : 0, at)
    }

    /// ``align(_:)``'s score alone, for the screen, in half the inverse transforms.
    func peakScore(_ fold: TileFold) -> Double {
        orientationScores(spectrum(of: fold)).max() ?? 0
    }

    /// The correlation peak score of each of the eight orientations (index = square symmetry), from the fold's
    /// spectrum.
    ///
    /// Each orientation's correlation surface is computed with the template turned the other way instead of the
    /// fold: the surface comes out with its coordinates permuted, which leaves its peak, mean and spread, and so the
    /// score, unchanged. The surfaces are real, so two orientations share one inverse transform (the first as the real
    /// part of the result, the second as the imaginary part).
    private func orientationScores(_ spectrum: ComplexPlane) -> [Double] {
        let n = bins
        let count = n * n
        var scores = [Double](repeating: -Double.infinity, count: 8)
        var plane = ComplexPlane(width: n, height: n)
        for pair in 0..<4 {
            let a = orientedTemplates[2 * pair]
            let b = orientedTemplates[2 * pair + 1]
            plane.re.withUnsafeMutableBufferPointer { outRe in
                plane.im.withUnsafeMutableBufferPointer { outIm in
                    spectrum.re.withUnsafeBufferPointer { sRe in
                        spectrum.im.withUnsafeBufferPointer { sIm in
                            a.re.withUnsafeBufferPointer { aRe in
                                a.im.withUnsafeBufferPointer { aIm in
                                    b.re.withUnsafeBufferPointer { bRe in
                                        b.im.withUnsafeBufferPointer { bIm in
                                            for i in 0..<count {
                                                let sr = sRe[i]
                                                let si = sIm[i]
                                                let ar = sr * aRe[i] - si * aIm[i]
                                                let ai = sr * aIm[i] + si * aRe[i]
                                                let br = sr * bRe[i] - si * bIm[i]
                                                let bi = sr * bIm[i] + si * bRe[i]
                                                // A + iB, whose inverse transform is a + ib with both surfaces real.
                                                outRe[i] = ar - bi
                                                outIm[i] = ai + br
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            plane.fft2D(inverse: true, plan: plan)
            scores[2 * pair] = Self.peak(plane.re).score
            scores[2 * pair + 1] = Self.peak(plane.im).score
        }
        return scores
    }

    /// Soft chip value of every cell under `alignment` (tent-weighted sum around each cell centre).
    func cellValues(_ alignment: Alignment) -> [Float] {
        let n = bins
        let k = TileLayout.side
        let m = oversample
        let fold = alignment.fold.values
        var out = [Float](repeating: 0, count: k * k)
        for cv in 0..<k {
            for cu in 0..<k {
                var sum: Float = 0
                for dv in (-m + 1)..<m {
                    let wy = Float(m - abs(dv)) / Float(m)
                    let v = (cv * m + dv + alignment.shift.v + n) & (n - 1)
                    for du in (-m + 1)..<m {
                        let wx = Float(m - abs(du)) / Float(m)
                        let u = (cu * m + du + alignment.shift.u + n) & (n - 1)
                        sum += fold[v * n + u] * wx * wy
                    }
                }
                out[cv * k + cu] = sum
            }
        }
        return out
    }
}
