import CSigilDSP

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An in-place radix-2 complex FFT over power-of-two lengths, with precomputed twiddles.
///
/// The twiddles are stored stage by stage (the `half` factors of a stage contiguous), so every butterfly loop walks
/// its data and its twiddles with unit stride and the compiler can vectorise it.
///
/// Pure value type: a plan holds only its tables, so one plan can be shared by concurrent tasks.
struct FFTPlan: Sendable {
    let count: Int
    let log2Count: Int
    /// cos and sin of 2πk / (2·half) for k < half, for half = 1, 2, 4, …, count / 2, the stage of `half` starting at
    /// index `half - 1`.
    private let stageCos: [Float]
    private let stageSin: [Float]
    private let bitReverse: [Int32]

    /// A plan for `count` points. - Precondition: `count` is a power of two ≥ 2.
    init(count: Int) {
        precondition(count >= 2 && count & (count - 1) == 0, "FFT length must be a power of two")
        self.count = count
        log2Count = count.trailingZeroBitCount
        var cosines: [Float] = []
        var sines: [Float] = []
        var half = 1
        while half < count {
            // The same angles as 2π(k·count / 2half) / count, the one table a plain radix-2 FFT strides through.
            let step = count / (half * 2)
            for k in 0..<half {
                let angle = 2 * Double.pi * Double(k * step) / Double(count)
                cosines.append(Float(cos(angle)))
                sines.append(Float(sin(angle)))
            }
            half *= 2
        }
        stageCos = cosines
        stageSin = sines
        let bits = count.trailingZeroBitCount
        bitReverse = (0..<count).map { index in
            var reversed = 0
            var value = index
            for _ in 0..<bits {
                reversed = (reversed << 1) | (value & 1)
                value >>= 1
            }
            return Int32(reversed)
        }
    }

    /// Lines transformed at once by ``transform(_:_:inverse:)`` on lanes: one 8-lane vector per point.
    typealias Lanes = SIMD8<Float>

    /// Transforms `count` points at `re[offset...]`, `im[offset...]` in place.
    /// `inverse` uses the conjugate twiddles and does not scale.
    ///
    /// With ``Lanes`` for points it transforms eight lines at once (point `k` of line `j` is lane `j` of `re[k]`,
    /// `im[k]`): every lane goes through exactly the operations one line of Floats does, in the same order, so each
    /// line's result is bit for bit the one-line transform's.
    func transform<Point: FFTPoint>(_ re: UnsafeMutablePointer<Point>, _ im: UnsafeMutablePointer<Point>, inverse: Bool) {
        let n = count
        bitReverse.withUnsafeBufferPointer { rev in
            for i in 0..<n {
                let j = Int(rev[i])
                if j > i {
                    swap(&re[i], &re[j])
                    swap(&im[i], &im[j])
                }
            }
        }
        // First stage: the only twiddle is 1.
        var start = 0
        while start < n {
            let (ar, ai, br, bi) = (re[start], im[start], re[start + 1], im[start + 1])
            re[start] = ar + br
            im[start] = ai + bi
            re[start + 1] = ar - br
            im[start + 1] = ai - bi
            start += 2
        }
        let sign: Float = inverse ? 1 : -1
        stageCos.withUnsafeBufferPointer { cosT in
            stageSin.withUnsafeBufferPointer { sinT in
                var half = 2
                while half < n {
                    let wr = cosT.baseAddress! + (half - 1)
                    let ws = sinT.baseAddress! + (half - 1)
                    var start = 0
                    while start < n {
                        let ur = re + start
                        let ui = im + start
                        let lr = ur + half
                        let li = ui + half
                        for k in 0..<half {
                            let c = Point.splat(wr[k])
                            let s = Point.splat(sign * ws[k])
                            let tr = lr[k] * c - li[k] * s
                            let ti = lr[k] * s + li[k] * c
                            let xr = ur[k]
                            let xi = ui[k]
                            lr[k] = xr - tr
                            li[k] = xi - ti
                            ur[k] = xr + tr
                            ui[k] = xi + ti
                        }
                        start += half * 2
                    }
                    half *= 2
                }
            }
        }
    }
}

/// A complex 2-D array (row-major) with forward and inverse FFTs over power-of-two sides.
struct ComplexPlane: Sendable {
    let width: Int
    let height: Int
    var re: [Float]
    var im: [Float]

    init(width: Int, height: Int) {
        self.width = width
        self.height = height
        re = [Float](repeating: 0, count: width * height)
        im = [Float](repeating: 0, count: width * height)
    }

    /// 2-D FFT in place: rows, then columns, eight lines at a time (``FFTPlan/transform(_:_:inverse:)`` on ``FFTPlan/Lanes``, gathered
    /// into lane-interleaved scratch and scattered back). Each line gets the one-line transform's arithmetic, so the
    /// result is bit for bit that of transforming every row and then every column one by one. Inverse is unscaled.
    ///
    /// - Parameters:
    ///   - nonzeroRows: rows at and after this index are known to be zero on input (zero padding), so their row
    ///     transforms are skipped; they are zero on output of that pass too.
    ///   - columns: only these columns get the column transform (the caller reads no others, or fills them by a
    ///     symmetry it knows); the rest hold the row pass's output.
    ///   - plan: a plan for the side of a square plane, to reuse across transforms (one is made when nil).
    mutating func fft2D(inverse: Bool, nonzeroRows: Int? = nil, columns: Range<Int>? = nil, plan: FFTPlan? = nil) {
        let rowPlan = plan.flatMap { $0.count == width ? $0 : nil } ?? FFTPlan(count: width)
        let colPlan = height == width ? rowPlan : FFTPlan(count: height)
        let w = width
        let h = height
        let lanes = FFTPlan.Lanes.scalarCount
        var scratchRe = [FFTPlan.Lanes](repeating: .zero, count: max(w, h))
        var scratchIm = [FFTPlan.Lanes](repeating: .zero, count: max(w, h))
        re.withUnsafeMutableBufferPointer { rp in
            im.withUnsafeMutableBufferPointer { ip in
                scratchRe.withUnsafeMutableBufferPointer { sr in
                    scratchIm.withUnsafeMutableBufferPointer { si in
                        let rowEnd = min(h, nonzeroRows ?? h)
                        let laneFloats = w * lanes
                        var y0 = 0
                        while y0 < rowEnd {
                            let count = min(lanes, rowEnd - y0)
                            // Eight rows into lane-interleaved points and back, four columns at a time (CSigilDSP).
                            sr.baseAddress!.withMemoryRebound(to: Float.self, capacity: laneFloats) { srf in
                                si.baseAddress!.withMemoryRebound(to: Float.self, capacity: laneFloats) { sif in
                                    sigil_rows_to_lanes(rp.baseAddress! + y0 * w, w, w, count, srf)
                                    sigil_rows_to_lanes(ip.baseAddress! + y0 * w, w, w, count, sif)
                                }
                            }
                            rowPlan.transform(sr.baseAddress!, si.baseAddress!, inverse: inverse)
                            sr.baseAddress!.withMemoryRebound(to: Float.self, capacity: laneFloats) { srf in
                                si.baseAddress!.withMemoryRebound(to: Float.self, capacity: laneFloats) { sif in
                                    sigil_lanes_to_rows(srf, w, count, rp.baseAddress! + y0 * w, w)
                                    sigil_lanes_to_rows(sif, w, count, ip.baseAddress! + y0 * w, w)
                                }
                            }
                            y0 += count
                        }
                        let wanted = (columns ?? 0..<w).clamped(to: 0..<w)
                        var x0 = wanted.lowerBound
                        while x0 < wanted.upperBound {
                            let count = min(lanes, wanted.upperBound - x0)
                            for y in 0..<h {
                                let row = y * w + x0
                                if count == lanes {
                                    sr[y] = UnsafeRawPointer(rp.baseAddress! + row).loadUnaligned(as: FFTPlan.Lanes.self)
                                    si[y] = UnsafeRawPointer(ip.baseAddress! + row).loadUnaligned(as: FFTPlan.Lanes.self)
                                } else {
                                    var vr = FFTPlan.Lanes.zero
                                    var vi = FFTPlan.Lanes.zero
                                    for c in 0..<count {
                                        vr[c] = rp[row + c]
                                        vi[c] = ip[row + c]
                                    }
                                    sr[y] = vr
                                    si[y] = vi
                                }
                            }
                            colPlan.transform(sr.baseAddress!, si.baseAddress!, inverse: inverse)
                            for y in 0..<h {
                                let row = y * w + x0
                                if count == lanes {
                                    UnsafeMutableRawPointer(rp.baseAddress! + row).storeBytes(of: sr[y], as: FFTPlan.Lanes.self)
                                    UnsafeMutableRawPointer(ip.baseAddress! + row).storeBytes(of: si[y], as: FFTPlan.Lanes.self)
                                } else {
                                    for c in 0..<count {
                                        rp[row + c] = sr[y][c]
                                        ip[row + c] = si[y][c]
                                    }
                                }
                            }
                            x0 += count
                        }
                    }
                }
            }
        }
    }
}

/// The smallest power of two ≥ `value` (and ≥ 2).
func nextPowerOfTwo(_ value: Int) -> Int {
    var n = 2
    while n < value { n <<= 1 }
    return n
}

/// What an FFT point can be: one Float, or a vector of Floats holding the same point of several lines.
protocol FFTPoint {
    static func + (lhs: Self, rhs: Self) -> Self
    static func - (lhs: Self, rhs: Self) -> Self
    static func * (lhs: Self, rhs: Self) -> Self
    /// `value` in every lane.
    static func splat(_ value: Float) -> Self
}

extension Float: FFTPoint {
    static func splat(_ value: Float) -> Float { value }
}

extension SIMD8: FFTPoint where Scalar == Float {
    static func splat(_ value: Float) -> SIMD8<Float> { SIMD8(repeating: value) }
}
