import Foundation

/// Radix-2 complex ComplexFFT with precomputed twiddles, plus a real-input ComplexFFT of length `2n`
/// computed through one complex ComplexFFT of length `n`.
struct ComplexFFT: Sendable {
    /// Complex transform length (power of two).
    let n: Int
    let logN: Int
    let bitrev: [Int32]
    let cosT: [Float] // cos(2πk/n), k < n/2
    let sinT: [Float] // sin(2πk/n)
    let stageCos: [Float] // for stage half-size h: entries [h, 2h) = cos(2πk/(2h)), k < h
    let stageSin: [Float]

    /// Creates a complex ComplexFFT of length `n` (a power of two ≥ 2).
    init(size n: Int) {
        precondition(n >= 2 && n & (n - 1) == 0, "ComplexFFT size must be a power of two")
        self.n = n
        var l = 0
        while (1 << l) < n { l += 1 }
        logN = l
        var br = [Int32](repeating: 0, count: n)
        for i in 0..<n {
            var r = 0
            var x = i
            for _ in 0..<l {
                r = (r << 1) | (x & 1)
                x >>= 1
            }
            br[i] = Int32(r)
        }
        bitrev = br
        var c = [Float](repeating: 0, count: max(1, n / 2))
        var s = c
        for k in 0..<n / 2 {
            let a = 2.0 * Double.pi * Double(k) / Double(n)
            c[k] = Float(cos(a))
            s[k] = Float(sin(a))
        }
        cosT = c
        sinT = s
        var sc = [Float](repeating: 0, count: n)
        var ss = sc
        var h = 1
        while h < n {
            for k in 0..<h {
                let a = Double.pi * Double(k) / Double(h)
                sc[h + k] = Float(cos(a))
                ss[h + k] = Float(sin(a))
            }
            h <<= 1
        }
        stageCos = sc
        stageSin = ss
    }

    /// In-place forward (sign −1) or inverse (sign +1, unscaled) transform.
    func transform(re: inout [Float], im: inout [Float], inverse: Bool = false) {
        re.withUnsafeMutableBufferPointer { r in
            im.withUnsafeMutableBufferPointer { i in
                transform(re: r.baseAddress!, im: i.baseAddress!, inverse: inverse)
            }
        }
    }

    @inline(__always)
    func transform(re: UnsafeMutablePointer<Float>, im: UnsafeMutablePointer<Float>, inverse: Bool) {
        bitrev.withUnsafeBufferPointer { br in
            for i in 0..<n {
                let j = Int(br[i])
                if j > i {
                    let tr = re[i]
                    re[i] = re[j]
                    re[j] = tr
                    let ti = im[i]
                    im[i] = im[j]
                    im[j] = ti
                }
            }
        }
        let sgn: Float = inverse ? 1 : -1
        cosT.withUnsafeBufferPointer { ct in
            sinT.withUnsafeBufferPointer { st in
                // first stage (size 2) without twiddles
                var i = 0
                while i < n {
                    let ar = re[i]
                    let ai = im[i]
                    let br = re[i + 1]
                    let bi = im[i + 1]
                    re[i] = ar + br
                    im[i] = ai + bi
                    re[i + 1] = ar - br
                    im[i + 1] = ai - bi
                    i += 2
                }
                var size = 4
                stageCos.withUnsafeBufferPointer { scb in
                    stageSin.withUnsafeBufferPointer { ssb in
                        while size <= n {
                            let half = size / 2
                            if half >= 4 {
                                let rr = UnsafeMutableRawPointer(re)
                                let ri = UnsafeMutableRawPointer(im)
                                let cr = UnsafeRawPointer(scb.baseAddress! + half)
                                let sr = UnsafeRawPointer(ssb.baseAddress! + half)
                                let sg = SIMD4<Float>(repeating: sgn)
                                var start = 0
                                while start < n {
                                    var k = 0
                                    while k < half {
                                        let wr = cr.loadUnaligned(fromByteOffset: 4 * k, as: SIMD4<Float>.self)
                                        let wi = sr.loadUnaligned(fromByteOffset: 4 * k, as: SIMD4<Float>.self) * sg
                                        let jo = 4 * (start + k)
                                        let lo = 4 * (start + k + half)
                                        let ar = rr.loadUnaligned(fromByteOffset: jo, as: SIMD4<Float>.self)
                                        let ai = ri.loadUnaligned(fromByteOffset: jo, as: SIMD4<Float>.self)
                                        let br = rr.loadUnaligned(fromByteOffset: lo, as: SIMD4<Float>.self)
                                        let bi = ri.loadUnaligned(fromByteOffset: lo, as: SIMD4<Float>.self)
                                        let xr = br * wr - bi * wi
                                        let xi = br * wi + bi * wr
                                        rr.storeBytes(of: ar + xr, toByteOffset: jo, as: SIMD4<Float>.self)
                                        ri.storeBytes(of: ai + xi, toByteOffset: jo, as: SIMD4<Float>.self)
                                        rr.storeBytes(of: ar - xr, toByteOffset: lo, as: SIMD4<Float>.self)
                                        ri.storeBytes(of: ai - xi, toByteOffset: lo, as: SIMD4<Float>.self)
                                        k += 4
                                    }
                                    start += size
                                }
                            } else {
                                let step = n / size
                                var start = 0
                                while start < n {
                                    var k = 0
                                    for j in start..<(start + half) {
                                        let wr = ct[k]
                                        let wi = sgn * st[k]
                                        let l = j + half
                                        let xr = re[l] * wr - im[l] * wi
                                        let xi = re[l] * wi + im[l] * wr
                                        re[l] = re[j] - xr
                                        im[l] = im[j] - xi
                                        re[j] += xr
                                        im[j] += xi
                                        k += step
                                    }
                                    start += size
                                }
                            }
                            size <<= 1
                        }
                    }
                }
            }
        }
    }
}

/// Real-input ComplexFFT of length `size` (power of two ≥ 4) via a complex ComplexFFT of half length.
/// Spectrum layout: `size/2 + 1` complex bins in separate real/imaginary arrays.
struct RealFFT: Sendable {
    /// Real transform length.
    let size: Int
    let half: ComplexFFT
    let wr: [Float] // cos(2πk/size), k <= size/2
    let wi: [Float] // sin(2πk/size)

    /// Creates a real ComplexFFT of length `size`.
    init(size: Int) {
        precondition(size >= 4 && size & (size - 1) == 0)
        self.size = size
        half = ComplexFFT(size: size / 2)
        var c = [Float](repeating: 0, count: size / 2 + 1)
        var s = c
        for k in 0...size / 2 {
            let a = 2.0 * Double.pi * Double(k) / Double(size)
            c[k] = Float(cos(a))
            s[k] = Float(sin(a))
        }
        wr = c
        wi = s
    }

    /// Work buffers for one transform; reuse between calls to avoid allocation.
    struct Buffers: Sendable {
        var zr: [Float], zi: [Float]
        init(size: Int) {
            zr = [Float](repeating: 0, count: size / 2)
            zi = zr
        }
    }

    /// Forward transform of `input` (count == size) into `outRe/outIm` (count == size/2+1).
    func forward(_ input: UnsafePointer<Float>, outRe: UnsafeMutablePointer<Float>, outIm: UnsafeMutablePointer<Float>, buffers b: inout Buffers) {
        let m = size / 2
        b.zr.withUnsafeMutableBufferPointer { zrb in
            b.zi.withUnsafeMutableBufferPointer { zib in
                let zr = zrb.baseAddress!
                let zi = zib.baseAddress!
                for i in 0..<m {
                    zr[i] = input[2 * i]
                    zi[i] = input[2 * i + 1]
                }
                half.transform(re: zr, im: zi, inverse: false)
                wr.withUnsafeBufferPointer { cw in
                    wi.withUnsafeBufferPointer { sw in
                        for k in 0...m {
                            let a = k == m ? 0 : k
                            let bidx = k == 0 ? 0 : m - k
                            let zkr = zr[a]
                            let zki = zi[a]
                            let zcr = zr[bidx]
                            let zci = -zi[bidx] // conj(Z[m-k])
                            let er = 0.5 * (zkr + zcr)
                            let ei = 0.5 * (zki + zci)
                            // Xo = (Z[k] - conj(Z[m-k])) / (2i)
                            let dr = zkr - zcr
                            let di = zki - zci
                            let or_ = 0.5 * di
                            let oi = -0.5 * dr
                            // W = e^{-2πik/size}
                            let c = cw[k]
                            let s = -sw[k]
                            outRe[k] = er + (or_ * c - oi * s)
                            outIm[k] = ei + (or_ * s + oi * c)
                        }
                    }
                }
            }
        }
    }

    /// Inverse transform (scaled by 1/size) of `size/2+1` bins into `output` (count == size).
    func inverse(re inRe: UnsafePointer<Float>, im inIm: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, buffers b: inout Buffers) {
        let m = size / 2
        b.zr.withUnsafeMutableBufferPointer { zrb in
            b.zi.withUnsafeMutableBufferPointer { zib in
                let zr = zrb.baseAddress!
                let zi = zib.baseAddress!
                wr.withUnsafeBufferPointer { cw in
                    wi.withUnsafeBufferPointer { sw in
                        for k in 0..<m {
                            let xr = inRe[k]
                            let xi = inIm[k]
                            let yr = inRe[m - k]
                            let yi = -inIm[m - k] // conj(X[m-k])
                            let er = 0.5 * (xr + yr)
                            let ei = 0.5 * (xi + yi)
                            let dr = 0.5 * (xr - yr)
                            let di = 0.5 * (xi - yi)
                            // Xo = D * e^{+2πik/size}
                            let c = cw[k]
                            let s = sw[k]
                            let or_ = dr * c - di * s
                            let oi = dr * s + di * c
                            // Z = Xe + i Xo
                            zr[k] = er - oi
                            zi[k] = ei + or_
                        }
                    }
                }
                half.transform(re: zr, im: zi, inverse: true)
                let scale = 1 / Float(m)
                for i in 0..<m {
                    output[2 * i] = zr[i] * scale
                    output[2 * i + 1] = zi[i] * scale
                }
            }
        }
    }
}
