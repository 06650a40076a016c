import Testing
@testable import SigilWatermark

#if canImport(Glibc)
    import Glibc
#endif

@Suite("Sync: lattice estimation, folding and alignment")
struct SyncTests {
    /// A plane holding the key's tile (rendered bilinearly like the embedder) under `basis` and `origin`, plus noise.
    static func tiledPlane(width: Int, height: Int, basis: LatticeBasis, origin: SIMD2<Double>, layout: TileLayout, noise: Float, seed: UInt64 = 5)
        -> Plane
    {
        let chips = layout.chips(codedBits: MessageCodec(tagKey: WatermarkTestSupport.key.derive("tag")).encode(payload: 0x1234))
        let k = Double(TileLayout.side)
        let det = basis.determinant
        var rng = KeyedGenerator(seed: seed)
        var plane = Plane(width: width, height: height)
        for y in 0..<height {
            for x in 0..<width {
                let p = SIMD2(Double(x), Double(y)) - origin
                let s = (basis.b.y * p.x - basis.b.x * p.y) / det * k
                let t = (-basis.a.y * p.x + basis.a.x * p.y) / det * k
                let u0 = Int(floor(s))
                let v0 = Int(floor(t))
                let fx = Float(s - floor(s))
                let fy = Float(t - floor(t))
                func chip(_ u: Int, _ v: Int) -> Float {
                    let n = TileLayout.side
                    return chips[((v % n + n) % n) * n + (u % n + n) % n]
                }
                let value =
                    (chip(u0, v0) * (1 - fx) + chip(u0 + 1, v0) * fx) * (1 - fy) + (chip(u0, v0 + 1) * (1 - fx) + chip(u0 + 1, v0 + 1) * fx) * fy
                plane[x, y] = value + noise * (Float(rng.next() % 2001) / 1000 - 1)
            }
        }
        return plane
    }

    @Test("Gauss reduction recovers the short basis")
    func reduction() {
        let basis = LatticeBasis(a: SIMD2(100, 5), b: SIMD2(-5, 100))
        let skewed = LatticeBasis(a: basis.a + basis.b * 2, b: basis.b)
        #expect(skewed.reduced().isClose(to: basis, tolerance: 1e-6))
    }

    @Test("autocorrelation finds a rotated, scaled tile lattice", arguments: [(0.0, 90.0), (3.0, 96.0), (-7.0, 110.0)])
    func lattice(angle: Double, period: Double) {
        let r = angle * Double.pi / 180
        let basis = LatticeBasis(a: SIMD2(cos(r), sin(r)) * period, b: SIMD2(-sin(r), cos(r)) * period)
        let layout = TileLayout(key: WatermarkTestSupport.key)
        let plane = Self.tiledPlane(width: 400, height: 330, basis: basis, origin: SIMD2(13, 29), layout: layout, noise: 2)
        let found = LatticeEstimator(minPeriod: 48, maxPeriod: 240).bases(of: plane)
        // Same lattice: both found vectors are near-integer combinations of the true ones, and the cell area matches.
        func sameLattice(_ candidate: LatticeBasis) -> Bool {
            let det = basis.determinant
            func integral(_ v: SIMD2<Double>) -> Bool {
                let s = (basis.b.y * v.x - basis.b.x * v.y) / det
                let t = (-basis.a.y * v.x + basis.a.x * v.y) / det
                return abs(s - s.rounded()) < 0.03 && abs(t - t.rounded()) < 0.03
            }
            return integral(candidate.a) && integral(candidate.b) && abs(abs(candidate.determinant) / abs(det) - 1) < 0.03
        }
        #expect(found.contains(where: sameLattice), "found \(found)")
    }

    @Test("fold + sync recover shift, symmetry and payload", arguments: 0..<8)
    func alignment(symmetry: Int) {
        let layout = TileLayout(key: WatermarkTestSupport.key)
        let codec = MessageCodec(tagKey: WatermarkTestSupport.key.derive("tag"))
        // Express the true lattice in one of the equivalent (transposed / negated) bases.
        var a = SIMD2<Double>(80, 0)
        var b = SIMD2<Double>(0, 80)
        let truth = LatticeBasis(a: a, b: b)
        if symmetry & 1 != 0 { swap(&a, &b) }
        if symmetry & 2 != 0 { a = -a }
        if symmetry & 4 != 0 { b = -b }
        let plane = Self.tiledPlane(width: 300, height: 260, basis: truth, origin: SIMD2(37, 11), layout: layout, noise: 3)
        let synchronizer = TileSynchronizer(layout: layout)
        let aligned = synchronizer.align(TileFold(plane: plane, basis: LatticeBasis(a: a, b: b)))
        #expect(aligned.score > 5) // peak height is bounded by the data cells' cross-talk, ≈ 6–8 even when clean
        let decoded = codec.decode(soft: layout.softBits(cellValues: synchronizer.cellValues(aligned)))
        #expect(decoded.tagValid && decoded.payload == 0x1234)
    }

    @Test("align picks the orientation, shift and score that correlating each oriented fold in turn picks", arguments: 0..<6)
    func alignMatchesTheOrientedReference(seed: UInt64) {
        let layout = TileLayout(key: WatermarkTestSupport.key)
        let synchronizer = TileSynchronizer(layout: layout)
        let n = synchronizer.bins
        // A marked fold seen through a random symmetry and shift, or (odd seeds) pure noise, whose peaks are close.
        var rng = KeyedGenerator(seed: seed)
        var values = [Float](repeating: 0, count: n * n)
        if seed % 2 == 0 {
            let template = TileSynchronizer.render(layout.syncChips)
            let (du, dv) = (Int(rng.next() % UInt64(n)), Int(rng.next() % UInt64(n)))
            for v in 0..<n { for u in 0..<n { values[v * n + u] = template[((v + dv) % n) * n + (u + du) % n] } }
            values = TileFold.oriented(values, Int(rng.next() % 8), bins: n)
        }
        for i in 0..<values.count { values[i] += Float(Double(rng.next() % 2001) / 1000 - 1) * 3 }
        let fold = TileFold(values: values, samples: 1)

        // The reference: correlate each of the eight oriented folds with the template, one inverse transform each.
        var templateSpectrum = ComplexPlane(width: n, height: n)
        templateSpectrum.re = TileSynchronizer.render(layout.syncChips)
        templateSpectrum.fft2D(inverse: false)
        var best: (symmetry: Int, at: Int, score: Double) = (0, 0, -Double.infinity)
        for index in 0..<8 {
            var plane = ComplexPlane(width: n, height: n)
            plane.re = TileFold.oriented(fold.values, index, bins: n)
            plane.fft2D(inverse: false)
            for i in 0..<(n * n) {
                let (fr, fi) = (plane.re[i], plane.im[i])
                let (tr, ti) = (templateSpectrum.re[i], -templateSpectrum.im[i])
                plane.re[i] = fr * tr - fi * ti
                plane.im[i] = fr * ti + fi * tr
            }
            plane.fft2D(inverse: true)
            let surface = plane.re.map(Double.init)
            let mean = surface.reduce(0, +) / Double(surface.count)
            let sd = (surface.map { $0 * $0 }.reduce(0, +) / Double(surface.count) - mean * mean).squareRoot()
            let at = surface.indices.max { surface[$0] < surface[$1] }!
            let score = (surface[at] - mean) / sd
            if score > best.score { best = (index, at, score) }
        }
        let aligned = synchronizer.align(fold)
        #expect(aligned.symmetry == best.symmetry)
        #expect(aligned.shift.u == best.at % n && aligned.shift.v == best.at / n)
        #expect(abs(aligned.score - best.score) < 1e-3)
        #expect(abs(synchronizer.peakScore(fold) - best.score) < 1e-3)
    }

    @Test(
        "a fold's bins are the Float sums, in raster order, of the pixels the lattice maps there, over their counts",
        arguments: [(3.0, 37.0, 32), (-4.5, 61.3, 64), (0.0, 24.0, 128)])
    func foldEqualsSeparateSumsAndCounts(degrees: Double, period: Double, bins: Int) {
        var rng = KeyedGenerator(seed: UInt64(period * 10))
        var plane = Plane(width: 151, height: 97)
        for i in 0..<plane.values.count { plane.values[i] = Float(rng.next() % 10_000) / 777 - 6 }
        let r = degrees * Double.pi / 180
        let basis = LatticeBasis(a: SIMD2(cos(r), sin(r)) * period, b: SIMD2(-sin(r), cos(r)) * period)
        let fold = TileFold(plane: plane, basis: basis, bins: bins)
        // The reference walks the same fixed-point bin coordinates with one Float sum and one integer count per bin.
        let scale = Double(bins) / basis.determinant
        let one = Double(1 << 32)
        var sums = [Float](repeating: 0, count: bins * bins)
        var counts = [Int](repeating: 0, count: bins * bins)
        for y in 0..<plane.height {
            var u = Int64(((-basis.b.x * scale * Double(y) + Double(bins) * 1_000_000 + 0.5) * one).rounded(.down))
            var v = Int64(((basis.a.x * scale * Double(y) + Double(bins) * 1_000_000 + 0.5) * one).rounded(.down))
            for x in 0..<plane.width {
                let at = Int((v >> 32) & Int64(bins - 1)) * bins + Int((u >> 32) & Int64(bins - 1))
                sums[at] += plane.values[y * plane.width + x]
                counts[at] += 1
                u &+= Int64((basis.b.y * scale * one).rounded())
                v &+= Int64((-basis.a.y * scale * one).rounded())
            }
        }
        let means = (0..<(bins * bins)).map { counts[$0] > 0 ? sums[$0] / Float(counts[$0]) : 0 }
        #expect(fold.values.map(\.bitPattern) == means.map(\.bitPattern))
        #expect(fold.samples == counts.max())
    }

    @Test("the tile layout is keyed and deterministic")
    func layoutKeyed() {
        let a = TileLayout(key: WatermarkTestSupport.key)
        let b = TileLayout(key: WatermarkTestSupport.key)
        let c = TileLayout(key: WatermarkTestSupport.otherKey)
        #expect(a.bitOfCell == b.bitOfCell && a.sign == b.sign)
        #expect(a.sign != c.sign)
        #expect(a.bitOfCell.filter { $0 < 0 }.count == TileLayout.syncCellCount)
        #expect(Set(a.bitOfCell.filter { $0 >= 0 }).count == MessageCodec.codedBits)
    }
}
