#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Two vectors (in analysis pixels) spanning one tile period each: where the repeating tile lies after
/// whatever scaling, rotation, shear or aspect change the image went through.
struct LatticeBasis: Sendable, Hashable {
    var a: SIMD2<Double>
    var b: SIMD2<Double>

    /// The axis-aligned lattice of an unchanged image whose tile period is `period` pixels.
    static func axisAligned(period: Double) -> LatticeBasis {
        LatticeBasis(a: SIMD2(period, 0), b: SIMD2(0, period))
    }

    var determinant: Double { a.x * b.y - a.y * b.x }

    /// Lagrange–Gauss reduction: the shortest, most orthogonal basis of the same lattice.
    func reduced() -> LatticeBasis {
        var u = a
        var v = b
        if length(u) > length(v) { swap(&u, &v) }
        for _ in 0..<32 {
            let mu = ((u * v).sum() / (u * u).sum()).rounded()
            v -= mu * u
            if length(v) >= length(u) { break }
            swap(&u, &v)
        }
        return LatticeBasis(a: u, b: v)
    }

    /// Whether two bases describe nearly the same lattice vectors (up to sign and order).
    func isClose(to other: LatticeBasis, tolerance: Double) -> Bool {
        func near(_ p: SIMD2<Double>, _ q: SIMD2<Double>) -> Bool { length(p - q) < tolerance || length(p + q) < tolerance }
        return (near(a, other.a) && near(b, other.b)) || (near(a, other.b) && near(b, other.a))
    }
}

func length(_ v: SIMD2<Double>) -> Double { (v * v).sum().squareRoot() }
