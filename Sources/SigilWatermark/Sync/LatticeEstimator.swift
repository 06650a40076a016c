#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Finds the period lattice of the repeated tile from the autocorrelation of the whitened residual
/// (the self-reference synchronisation of Kutter 1998): a tiled mark makes the autocorrelation peak at
/// every lattice vector, so the two shortest independent peaks give scale, rotation and aspect at once.
struct LatticeEstimator: Sendable {
    /// Shortest and longest tile period (analysis pixels) searched.
    var minPeriod: Double
    var maxPeriod: Double
    /// Half-width (frequency bins) of the local average the power spectrum is divided by.
    static let spectralRadius = 3
    /// Largest FFT side used for the autocorrelation.
    static let maxTransform = 1024
    /// How many bases to return.
    var maxBases = 3

    struct Peak: Sendable {
        var lag: SIMD2<Double>
        var value: Double
    }

    /// The autocorrelation of `plane` (unbiased: divided by the overlap count), as a lookup over lags
    /// `-maxLag...maxLag` in both directions.
    struct Autocorrelation: Sendable {
        let maxLag: Int
        let side: Int
        let values: [Float]

        func value(_ dx: Int, _ dy: Int) -> Float {
            guard abs(dx) <= maxLag, abs(dy) <= maxLag else { return 0 }
            return values[(dy + maxLag) * side + dx + maxLag]
        }

        /// Bilinear value at a fractional lag.
        func value(at lag: SIMD2<Double>) -> Double {
            let x0 = Int(floor(lag.x))
            let y0 = Int(floor(lag.y))
            let fx = lag.x - Double(x0)
            let fy = lag.y - Double(y0)
            let v00 = Double(value(x0, y0))
            let v10 = Double(value(x0 + 1, y0))
            let v01 = Double(value(x0, y0 + 1))
            let v11 = Double(value(x0 + 1, y0 + 1))
            return (v00 * (1 - fx) + v10 * fx) * (1 - fy) + (v01 * (1 - fx) + v11 * fx) * fy
        }
    }

    static func autocorrelation(of plane: Plane, maxLag: Int) -> Autocorrelation {
        let w = nextPowerOfTwo(plane.width + maxLag)
        let h = nextPowerOfTwo(plane.height + maxLag)
        var spectrum = ComplexPlane(width: w, height: h)
        spectrum.re.withUnsafeMutableBufferPointer { re in
            plane.values.withUnsafeBufferPointer { src in
                for y in 0..<plane.height {
                    (re.baseAddress! + y * w).update(from: src.baseAddress! + y * plane.width, count: plane.width)
                }
            }
        }
        // The input is real, so its spectrum is Hermitian: F(−k) = conj F(k). Columns beyond w/2 are not
        // transformed; their power is read from the mirrored bin.
        let half = w / 2
        spectrum.fft2D(inverse: false, nonzeroRows: plane.height, columns: 0..<(half + 1))
        var power = Plane(width: w, height: h)
        power.values.withUnsafeMutableBufferPointer { p in
            spectrum.re.withUnsafeBufferPointer { re in
                spectrum.im.withUnsafeBufferPointer { im in
                    for y in 0..<h {
                        for i in (y * w)...(y * w + half) { p[i] = re[i] * re[i] + im[i] * im[i] }
                    }
                }
            }
            for y in 0..<h {
                let mirrorRow = ((h - y) % h) * w
                for x in (half + 1)..<w { p[y * w + x] = p[mirrorRow + (w - x)] }
            }
        }
        spectrum.im.withUnsafeMutableBufferPointer { im in im.update(repeating: 0) }
        // Spectral whitening: divide the power by its local average, so the tile's sharp lattice of spectral
        // lines stands out against the host's smooth spectrum (the ACF then peaks at the lattice, not at the
        // picture's own structure).
        let whitenRadius = LatticeEstimator.spectralRadius
        if whitenRadius > 0 {
            let local = power.boxMean(radius: whitenRadius)
            spectrum.re.withUnsafeMutableBufferPointer { re in
                power.values.withUnsafeBufferPointer { p in
                    local.values.withUnsafeBufferPointer { l in
                        for i in 0..<(w * h) { re[i] = p[i] / (l[i] + 1e-12) }
                    }
                }
            }
            spectrum.re[0] = 0
        } else {
            spectrum.re = power.values
        }
        // The autocorrelation is point-symmetric (r(−d) = r(d)), so only lags with dx ≥ 0 are transformed and the
        // others are read from their mirror.
        spectrum.fft2D(inverse: true, columns: 0..<(maxLag + 1))
        let side = 2 * maxLag + 1
        var values = [Float](repeating: 0, count: side * side)
        let zero = spectrum.re[0]
        guard zero > 0 else { return Autocorrelation(maxLag: maxLag, side: side, values: values) }
        let full = Float(plane.width * plane.height)
        for dy in -maxLag...maxLag {
            for dx in -maxLag...maxLag {
                let overlap = Float((plane.width - abs(dx)) * (plane.height - abs(dy)))
                guard overlap > full * 0.15 else { continue }
                let (mx, my) = dx < 0 ? (-dx, -dy) : (dx, dy)
                let raw = spectrum.re[((my + h) % h) * w + mx]
                values[(dy + maxLag) * side + dx + maxLag] = raw / zero * full / overlap
            }
        }
        return Autocorrelation(maxLag: maxLag, side: side, values: values)
    }

    /// Candidate lattice bases, best first.
    func bases(of fullPlane: Plane) -> [LatticeBasis] {
        scoredBases(of: fullPlane).bases.map(\.basis)
    }

    /// Candidate lattice bases from the autocorrelation of `plane` averaged 2 × 2 (a quarter of the transform
    /// ``bases(of:)`` takes), in `plane`'s pixels and less precise than those of ``bases(of:)``, and how strongly that
    /// autocorrelation shows a lattice: the best candidate's score (the autocorrelation summed over its four shortest
    /// lattice vectors) over twice the autocorrelation's spread in the lag annulus searched. Nil when the plane is too
    /// small to halve. Decision 0105.
    ///
    /// - Parameter halved: `plane.downscaled(by: 2)`, when the caller has it.
    func halfResolutionBases(of plane: Plane, halved: Plane? = nil) -> (bases: [LatticeBasis], periodicity: Double)? {
        guard min(plane.width, plane.height) >= 128, minPeriod >= 32 else { return nil }
        let half = LatticeEstimator(minPeriod: minPeriod / 2, maxPeriod: maxPeriod / 2, maxBases: maxBases)
        let scored = half.scoredBases(of: halved ?? plane.downscaled(by: 2))
        let best = scored.bases.map(\.score).max() ?? 0
        let periodicity = scored.noise > 0 ? max(0, best) / (2 * scored.noise) : 0
        return (scored.bases.map { LatticeBasis(a: $0.basis.a * 2, b: $0.basis.b * 2) }, periodicity)
    }

    /// Candidate lattice bases with their scores, best first, and the spread (standard deviation) of the
    /// autocorrelation over the lag annulus.
    func scoredBases(of fullPlane: Plane) -> (bases: [(basis: LatticeBasis, score: Double)], noise: Double) {
        let maxLag = Int(min(maxPeriod * 1.05, Double(min(fullPlane.width, fullPlane.height)) * 0.8))
        guard maxLag > Int(minPeriod) + 2 else { return ([], 0) }
        // Bound the transform at 1024² (about 0.1 s): a larger analysis image is centre-cropped for this step.
        let plane = fullPlane.centreCropped(
            width: min(fullPlane.width, Self.maxTransform - maxLag), height: min(fullPlane.height, Self.maxTransform - maxLag))
        let acf = Self.autocorrelation(of: plane, maxLag: maxLag)
        let peaks = self.peaks(acf, maxLag: maxLag)
        var scored: [(LatticeBasis, Double)] = []
        let top = Array(peaks.prefix(10))
        for i in 0..<top.count {
            for j in (i + 1)..<max(top.count, i + 1) {
                let p = top[i].lag
                let q = top[j].lag
                let cross = abs(p.x * q.y - p.y * q.x)
                guard cross > 0.4 * length(p) * length(q) else { continue }
                var basis = halved(LatticeBasis(a: p, b: q).reduced(), acf)
                guard length(basis.a) >= minPeriod * 0.9, length(basis.b) <= maxPeriod * 1.1 else { continue }
                basis = refine(basis, acf)
                guard !scored.contains(where: { $0.0.isClose(to: basis, tolerance: 2) }) else { continue }
                let lattice = [basis.a, basis.b, basis.a + basis.b, basis.a - basis.b]
                let score = lattice.map { acf.value(at: $0) }.reduce(0, +)
                scored.append((basis, score))
            }
        }
        // A sublattice (every other peak) scores as well as the lattice itself; among bases scoring within half of
        // the best, prefer the finest (smallest cell).
        let bestScore = scored.map(\.1).max() ?? 0
        let ranked = scored.sorted { lhs, rhs in
            let lStrong = lhs.1 >= 0.5 * bestScore
            let rStrong = rhs.1 >= 0.5 * bestScore
            if lStrong != rStrong { return lStrong }
            if lStrong { return abs(lhs.0.determinant) < abs(rhs.0.determinant) }
            return lhs.1 > rhs.1
        }.prefix(maxBases).map { (basis: $0.0, score: $0.1) }
        return (Array(ranked), annulusSpread(acf, maxLag: maxLag))
    }

    /// The standard deviation of the autocorrelation over the half-plane lag annulus ``peaks(_:maxLag:)`` searches.
    func annulusSpread(_ acf: Autocorrelation, maxLag: Int) -> Double {
        let minSq = minPeriod * minPeriod * 0.8
        let maxSq = maxPeriod * maxPeriod * 1.1
        var (sum, squares, count) = (0.0, 0.0, 0)
        for dy in 0...maxLag {
            for dx in -maxLag...maxLag where dy > 0 || dx > 0 {
                let r2 = Double(dx * dx + dy * dy)
                guard r2 >= minSq, r2 <= maxSq else { continue }
                let v = Double(acf.value(dx, dy))
                sum += v
                squares += v * v
                count += 1
            }
        }
        guard count > 1 else { return 0 }
        let mean = sum / Double(count)
        return max(0, squares / Double(count) - mean * mean).squareRoot()
    }

    /// Local maxima of the autocorrelation in the lag annulus, strongest first (one half-plane).
    func peaks(_ acf: Autocorrelation, maxLag: Int) -> [Peak] {
        var peaks: [Peak] = []
        let minSq = minPeriod * minPeriod * 0.8
        let maxSq = maxPeriod * maxPeriod * 1.1
        for dy in 0...maxLag {
            for dx in -maxLag...maxLag {
                if dy == 0 && dx <= 0 { continue }
                let r2 = Double(dx * dx + dy * dy)
                guard r2 >= minSq, r2 <= maxSq else { continue }
                let v = acf.value(dx, dy)
                guard v > 0 else { continue }
                var isMax = true
                outer: for ny in -2...2 {
                    for nx in -2...2 where nx != 0 || ny != 0 {
                        if acf.value(dx + nx, dy + ny) > v {
                            isMax = false
                            break outer
                        }
                    }
                }
                if isMax { peaks.append(Peak(lag: subpixel(acf, dx, dy), value: Double(v))) }
            }
        }
        return peaks.sorted { $0.value > $1.value }
    }

    func subpixel(_ acf: Autocorrelation, _ dx: Int, _ dy: Int) -> SIMD2<Double> {
        func offset(_ m: Float, _ c: Float, _ p: Float) -> Double {
            let denominator = m - 2 * c + p
            guard denominator < 0 else { return 0 }
            return Double(max(-0.5, min(0.5, 0.5 * (m - p) / denominator)))
        }
        let c = acf.value(dx, dy)
        return SIMD2(
            Double(dx) + offset(acf.value(dx - 1, dy), c, acf.value(dx + 1, dy)),
            Double(dy) + offset(acf.value(dx, dy - 1), c, acf.value(dx, dy + 1)))
    }

    /// Replaces basis vectors by their halves or thirds while those are lattice peaks too: spectral whitening
    /// can make the peak at twice the period the stronger one, and a pair of such peaks spans a sublattice.
    func halved(_ basis: LatticeBasis, _ acf: Autocorrelation) -> LatticeBasis {
        func shortest(_ v: SIMD2<Double>) -> SIMD2<Double> {
            var v = v
            var changed = true
            while changed {
                changed = false
                for divisor in [2.0, 3.0] {
                    let part = v / divisor
                    guard length(part) >= minPeriod * 0.9 else { continue }
                    let here = nearbyMaximum(acf, v)
                    let there = nearbyMaximum(acf, part)
                    if there > 0.3 * here && there > 0 {
                        v = part
                        changed = true
                        break
                    }
                }
            }
            return v
        }
        var current = basis
        for _ in 0..<3 {
            let next = LatticeBasis(a: shortest(current.a), b: shortest(current.b)).reduced()
            if next.isClose(to: current, tolerance: 0.5) { return next }
            current = next
        }
        return current
    }

    /// The largest autocorrelation value within ±1 lag of `lag` (peaks can be one pixel wide).
    func nearbyMaximum(_ acf: Autocorrelation, _ lag: SIMD2<Double>) -> Double {
        let x = Int(lag.x.rounded())
        let y = Int(lag.y.rounded())
        var best = -Double.infinity
        for dy in -1...1 { for dx in -1...1 { best = max(best, Double(acf.value(x + dx, y + dy))) } }
        return best
    }

    /// Sharpens each basis vector with the peaks at its multiples, which pin the period more finely.
    func refine(_ basis: LatticeBasis, _ acf: Autocorrelation) -> LatticeBasis {
        func sharpen(_ v: SIMD2<Double>) -> SIMD2<Double> {
            var best = v
            for k in 2...3 {
                let target = v * Double(k)
                guard abs(target.x) < Double(acf.maxLag - 3), abs(target.y) < Double(acf.maxLag - 3) else { break }
                var bx = Int(target.x.rounded())
                var by = Int(target.y.rounded())
                var bestValue = acf.value(bx, by)
                for ny in -2...2 {
                    for nx in -2...2 {
                        let x = Int(target.x.rounded()) + nx
                        let y = Int(target.y.rounded()) + ny
                        if acf.value(x, y) > bestValue {
                            bestValue = acf.value(x, y)
                            bx = x
                            by = y
                        }
                    }
                }
                guard bestValue > 0 else { break }
                best = subpixel(acf, bx, by) / Double(k)
            }
            return best
        }
        return LatticeBasis(a: sharpen(basis.a), b: sharpen(basis.b))
    }
}
