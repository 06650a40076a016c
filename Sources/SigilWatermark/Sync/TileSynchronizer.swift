/// Finds where the tile starts inside a fold, and in which of the eight orientations, by cyclic
/// cross-correlation with the keyed sync pattern (one forward FFT, one inverse per orientation), then reads every cell
/// with a matched (tent) filter.
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
    /// The sync template rendered on the fold grid, and its spectrum (conjugated).
    private let templateRe: [Float]
    private let templateIm: [Float]

    init(layout: TileLayout) {
        self.layout = layout
        let n = TileFold.bins
        var plane = ComplexPlane(width: n, height: n)
        plane.re = Self.render(layout.syncChips)
        plane.fft2D(inverse: false)
        templateRe = plane.re
        templateIm = plane.im.map { -$0 }
    }

    /// Chips rendered as the embedder renders them (bilinear between cell centres), on the fold grid.
    static func render(_ chips: [Float]) -> [Float] {
        let n = TileFold.bins
        let k = TileLayout.side
        let m = TileFold.oversample
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
    func align(_ fold: TileFold) -> Alignment {
        let n = TileFold.bins
        // One forward transform: each orientation's spectrum is the fold's spectrum with its bins permuted the
        // same way (the symmetries are signed permutations of the coordinates).
        var spectrum = ComplexPlane(width: n, height: n)
        spectrum.re = fold.values
        spectrum.fft2D(inverse: false)
        var best: (symmetry: Int, shift: (u: Int, v: Int), score: Double)?
        for index in 0..<8 {
            var plane = ComplexPlane(width: n, height: n)
            plane.re = TileFold.oriented(spectrum.re, index)
            plane.im = TileFold.oriented(spectrum.im, index)
            for i in 0..<(n * n) {
                let r = plane.re[i] * templateRe[i] - plane.im[i] * templateIm[i]
                let m = plane.re[i] * templateIm[i] + plane.im[i] * templateRe[i]
                plane.re[i] = r
                plane.im[i] = m
            }
            plane.fft2D(inverse: true)
            var mean: Double = 0
            var sq: Double = 0
            var peak = -Double.infinity
            var at = 0
            for i in 0..<(n * n) {
                let v = Double(plane.re[i])
                mean += v
                sq += v * v
                if v > peak {
                    peak = v
                    at = i
                }
            }
            mean /= Double(n * n)
            let sd = (sq / Double(n * n) - mean * mean).squareRoot()
            let score = sd > 0 ? (peak - mean) / sd : 0
            if best == nil || score > best!.score {
                best = (index, (at % n, at / n), score)
            }
        }
        let chosen = best!
        return Alignment(symmetry: chosen.symmetry, shift: chosen.shift, score: chosen.score, fold: fold.symmetry(chosen.symmetry))
    }

    /// Soft chip value of every cell under `alignment` (tent-weighted sum around each cell centre).
    func cellValues(_ alignment: Alignment) -> [Float] {
        let n = TileFold.bins
        let k = TileLayout.side
        let m = TileFold.oversample
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
