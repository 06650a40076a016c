/// The residual folded onto one tile: every analysis pixel is mapped through the lattice into tile
/// coordinates and averaged into a `side·oversample` square grid of bins, so all repeats of the tile add up
/// (and crops, which only remove repeats, cost SNR but not alignment). What remains unknown is a cyclic
/// shift and one of the eight square symmetries, found by ``TileSynchronizer``.
struct TileFold: Sendable {
    /// Bins per cell side of the full search's fold.
    static let oversample = 4
    /// Bins per tile side of the full search's fold.
    static let bins = TileLayout.side * oversample

    /// Mean residual per bin (row-major, `bins × bins`).
    var values: [Float]
    /// How many pixels fell in the fullest bin (a measure of how much image there was).
    var samples: Int
    /// Bins per tile side (a power of two; ``bins`` for the full search, fewer for the screen).
    let bins: Int

    init(values: [Float], samples: Int, bins: Int = Self.bins) {
        self.values = values
        self.samples = samples
        self.bins = bins
    }

    /// Folds `plane` along `basis` (tile coordinates = basis⁻¹ · pixel position) into `bins × bins` bins.
    init(plane: Plane, basis: LatticeBasis, bins: Int = Self.bins) {
        precondition(bins >= 2 && bins & (bins - 1) == 0, "fold bins must be a power of two")
        self.bins = bins
        let n = bins
        let det = basis.determinant
        precondition(abs(det) > 1e-9, "degenerate lattice")
        // Inverse of [a b] scaled to bin units.
        let scale = Double(n) / det
        let ixx = basis.b.y * scale
        let ixy = -basis.b.x * scale
        let iyx = -basis.a.y * scale
        let iyy = basis.a.x * scale
        // Each bin's sum and count side by side: one load, one vector add and one store per pixel (a count below
        // 2²⁴ is exact in a Float, so the means are those of separate Float sums and integer counts).
        var bins = [SIMD2<Float>](repeating: .zero, count: n * n)
        let w = plane.width
        let bias = Double(n) * 1_000_000
        let height = plane.height
        // Bin coordinates step along a row in 32.32 fixed point: integer adds and a shift instead of a
        // float-to-integer conversion per pixel (the rounding drift over a row is below 10⁻⁶ bin).
        let one = Double(1 << 32)
        let stepU = Int64((ixx * one).rounded())
        let stepV = Int64((iyx * one).rounded())
        let mask = Int64(n - 1)
        plane.values.withUnsafeBufferPointer { src in
            bins.withUnsafeMutableBufferPointer { bin in
                for y in 0..<height {
                    var u = Int64(((ixy * Double(y) + bias + 0.5) * one).rounded(.down))
                    var v = Int64(((iyy * Double(y) + bias + 0.5) * one).rounded(.down))
                    let row = src.baseAddress! + y * w
                    for x in 0..<w {
                        // Both bin coordinates are masked into 0..<n, so the index is always in range.
                        let at = Int(truncatingIfNeeded: ((v >> 32) & mask) &* Int64(n) &+ ((u >> 32) & mask))
                        bin[at] += SIMD2(row[x], 1)
                        u &+= stepU
                        v &+= stepV
                    }
                }
            }
        }
        var sums = [Float](repeating: 0, count: n * n)
        var most: Float = 0
        for i in 0..<(n * n) {
            let count = bins[i].y
            if count > 0 { sums[i] = bins[i].x / count }
            most = max(most, count)
        }
        values = sums
        samples = Int(most)
    }

    /// The fold seen through square symmetry `index` (0..<8): bit 0 transposes, bit 1 negates rows'
    /// coordinate, bit 2 negates columns' coordinate (all modulo the grid).
    func symmetry(_ index: Int) -> TileFold {
        TileFold(values: Self.oriented(values, index, bins: bins), samples: samples, bins: bins)
    }

    /// A bins × bins grid seen through square symmetry `index` (see ``symmetry(_:)``). The symmetries are signed
    /// permutations of the coordinates, so applied to a grid's DFT they give the DFT of the oriented grid.
    static func oriented(_ grid: [Float], _ index: Int, bins n: Int = Self.bins) -> [Float] {
        var out = [Float](repeating: 0, count: n * n)
        for v in 0..<n {
            for u in 0..<n {
                var su = u
                var sv = v
                if index & 1 != 0 { swap(&su, &sv) }
                if index & 2 != 0 { su = (n - su) & (n - 1) }
                if index & 4 != 0 { sv = (n - sv) & (n - 1) }
                out[v * n + u] = grid[sv * n + su]
            }
        }
        return out
    }

    /// The inverse of ``oriented(_:_:bins:)``: `oriented(unoriented(g, i), i) == g`.
    static func unoriented(_ grid: [Float], _ index: Int, bins n: Int = Self.bins) -> [Float] {
        var out = [Float](repeating: 0, count: n * n)
        let forward = oriented((0..<(n * n)).map(Float.init), index, bins: n)
        for (k, source) in forward.enumerated() { out[Int(source)] = grid[k] }
        return out
    }
}
