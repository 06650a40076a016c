import CSigilDSP

/// A single-channel floating-point image (row-major), the working surface of the DSP.
struct Plane: Sendable {
    let width: Int
    let height: Int
    var values: [Float]

    init(width: Int, height: Int, values: [Float]) {
        precondition(values.count == width * height, "plane size mismatch")
        self.width = width
        self.height = height
        self.values = values
    }

    init(width: Int, height: Int, filling value: Float = 0) {
        self.init(width: width, height: height, values: [Float](repeating: value, count: width * height))
    }

    subscript(x: Int, y: Int) -> Float {
        get { values[y * width + x] }
        set { values[y * width + x] = newValue }
    }

    /// The centred `width`×`height` window (or the whole plane when it is not larger).
    func centreCropped(width w: Int, height h: Int) -> Plane {
        guard w < width || h < height else { return self }
        let cw = min(w, width)
        let ch = min(h, height)
        let x0 = (width - cw) / 2
        let y0 = (height - ch) / 2
        var out = [Float](repeating: 0, count: cw * ch)
        for y in 0..<ch {
            for x in 0..<cw { out[y * cw + x] = values[(y + y0) * width + x + x0] }
        }
        return Plane(width: cw, height: ch, values: out)
    }

    /// Area-average downscale by an integer `factor` (edge blocks average what they cover).
    func downscaled(by factor: Int) -> Plane {
        guard factor > 1 else { return self }
        if factor == 2 { return halved() }
        let w = (width + factor - 1) / factor
        let h = (height + factor - 1) / factor
        var sums = [Float](repeating: 0, count: w * h)
        var counts = [Float](repeating: 0, count: w * h)
        values.withUnsafeBufferPointer { src in
            for y in 0..<height {
                let row = (y / factor) * w
                for x in 0..<width {
                    sums[row + x / factor] += src[y * width + x]
                    counts[row + x / factor] += 1
                }
            }
        }
        for i in 0..<(w * h) { sums[i] /= counts[i] }
        return Plane(width: w, height: h, values: sums)
    }

    /// ``downscaled(by:)`` for a factor of 2, with the same sums in the same order (row by row, left to right), in one
    /// pass without a division per pixel.
    private func halved() -> Plane {
        let w = (width + 1) / 2
        let h = (height + 1) / 2
        var out = [Float](repeating: 0, count: w * h)
        let width = self.width
        let height = self.height
        values.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for oy in 0..<h {
                    let top = 2 * oy * width
                    let hasBottom = 2 * oy + 1 < height
                    for ox in 0..<w {
                        let x = 2 * ox
                        let hasRight = x + 1 < width
                        var sum = src[top + x]
                        var count: Float = 1
                        if hasRight {
                            sum += src[top + x + 1]
                            count += 1
                        }
                        if hasBottom {
                            sum += src[top + width + x]
                            count += 1
                            if hasRight {
                                sum += src[top + width + x + 1]
                                count += 1
                            }
                        }
                        dst[oy * w + ox] = sum / count
                    }
                }
            }
        }
        return Plane(width: w, height: h, values: out)
    }

    /// Box mean over a (2r+1)² window, edges clamped; separable running sums, O(pixels).
    func boxMean(radius r: Int) -> Plane {
        guard r > 0 else { return self }
        let w = width
        let h = height
        // Row sums, four rows at a time (one Double lane each, so every row's running sum takes the same steps as a
        // row on its own; the last group repeats the last row in its spare lanes and does not store them).
        var tmp = [Float](repeating: 0, count: values.count)
        values.withUnsafeBufferPointer { src in
            tmp.withUnsafeMutableBufferPointer { dst in
                let s = src.baseAddress!
                for y0 in stride(from: 0, to: h, by: 4) {
                    let rows = SIMD4<Int>(y0, min(y0 + 1, h - 1), min(y0 + 2, h - 1), min(y0 + 3, h - 1)) &* w
                    let live = min(4, h - y0)
                    @inline(__always) func column(_ x: Int) -> SIMD4<Double> {
                        SIMD4(Double(s[rows[0] + x]), Double(s[rows[1] + x]), Double(s[rows[2] + x]), Double(s[rows[3] + x]))
                    }
                    var sum = SIMD4<Double>.zero
                    for k in -r...r { sum += column(min(max(k, 0), w - 1)) }
                    for x in 0..<w {
                        for j in 0..<live { dst[rows[j] + x] = Float(sum[j]) }
                        sum += column(min(x + r + 1, w - 1)) - column(max(x - r, 0))
                    }
                }
            }
        }
        var out = [Float](repeating: 0, count: values.count)
        let norm = 1 / Float((2 * r + 1) * (2 * r + 1))
        // The vertical pass slides one row of column sums down the plane, so every access runs along a row; each
        // column's sums are added in the same order as a column-by-column pass would, four columns per vector.
        var sums = [Double](repeating: 0, count: w)
        tmp.withUnsafeBufferPointer { t in
            out.withUnsafeMutableBufferPointer { o in
                sums.withUnsafeMutableBufferPointer { s in
                    let tp = UnsafeRawPointer(t.baseAddress!)
                    let sp = UnsafeMutableRawPointer(s.baseAddress!)
                    let op = UnsafeMutableRawPointer(o.baseAddress!)
                    let vectorEnd = w & ~3
                    @inline(__always) func load(_ index: Int) -> SIMD4<Double> {
                        let v = tp.loadUnaligned(fromByteOffset: index * 4, as: SIMD4<Float>.self)
                        return SIMD4(Double(v[0]), Double(v[1]), Double(v[2]), Double(v[3]))
                    }
                    for k in -r...r {
                        let row = min(max(k, 0), h - 1) * w
                        for x in 0..<w { s[x] += Double(t[row + x]) }
                    }
                    for y in 0..<h {
                        let add = min(y + r + 1, h - 1) * w
                        let drop = max(y - r, 0) * w
                        let at = y * w
                        var x = 0
                        while x < vectorEnd {
                            let sum = sp.loadUnaligned(fromByteOffset: x * 8, as: SIMD4<Double>.self)
                            let mean = SIMD4<Float>(Float(sum[0]), Float(sum[1]), Float(sum[2]), Float(sum[3])) * norm
                            op.storeBytes(of: mean, toByteOffset: (at + x) * 4, as: SIMD4<Float>.self)
                            sp.storeBytes(of: sum + (load(add + x) - load(drop + x)), toByteOffset: x * 8, as: SIMD4<Double>.self)
                            x += 4
                        }
                        while x < w {
                            o[at + x] = Float(s[x]) * norm
                            s[x] += Double(t[add + x]) - Double(t[drop + x])
                            x += 1
                        }
                    }
                }
            }
        }
        return Plane(width: w, height: h, values: out)
    }

    /// The plane minus its local mean (the linear part of ``whitenedResidual``).
    func highPassed(meanRadius: Int) -> Plane {
        let mean = boxMean(radius: meanRadius)
        var out = values
        for i in 0..<out.count { out[i] -= mean.values[i] }
        return Plane(width: width, height: height, values: out)
    }

    /// The detector's weighting of a residual sample whose neighbourhood has mean square `localEnergy`:
    /// 4 / (RMS + 1)^1.5. Busy regions count less and flat ones more, but not by the full inverse variance
    /// (RMS⁻²): that is the matched weight only for a mark of constant amplitude, and the embedder's texture mask
    /// gives busy regions more (amplitude ∝ activity^0.75, so amplitude ÷ variance ∝ RMS^−1.25). The exponent
    /// 1.5 was the best of 1, 1.25, 1.5, 1.75, 2 and 2.5 over 330 attacked images (`Benchmarks/WATERMARK.md`).
    static func gain(localEnergy: Float) -> Float {
        let rms = max(0, localEnergy).squareRoot() + 1
        return 4 / (rms * rms.squareRoot())
    }

    /// The per-pixel gains ``whitenedResidual`` applies (``gain(localEnergy:)`` of the residual's local energy).
    func whiteningGains(meanRadius: Int, normRadius: Int) -> Plane {
        var squares = highPassed(meanRadius: meanRadius).values
        for i in 0..<squares.count { squares[i] *= squares[i] }
        var gains = Plane(width: width, height: height, values: squares).boxMean(radius: normRadius).values
        for i in 0..<gains.count { gains[i] = Self.gain(localEnergy: gains[i]) }
        return Plane(width: width, height: height, values: gains)
    }

    /// The whitened residual the detector works on: the plane minus its local mean, weighted by
    /// ``gain(localEnergy:)`` and clipped, so strong edges and textures do not outvote the mark.
    func whitenedResidual(meanRadius: Int, normRadius: Int, smoothRadius: Int = 0, clip: Float = 8) -> Plane {
        let mean = boxMean(radius: meanRadius)
        var residual = smoothRadius > 0 ? boxMean(radius: smoothRadius).values : values
        let count = residual.count
        var squares = [Float](repeating: 0, count: count)
        residual.withUnsafeMutableBufferPointer { r in
            mean.values.withUnsafeBufferPointer { m in
                squares.withUnsafeMutableBufferPointer { sq in
                    for i in 0..<count {
                        let v = r[i] - m[i]
                        r[i] = v
                        sq[i] = v * v
                    }
                }
            }
        }
        let energy = Plane(width: width, height: height, values: squares).boxMean(radius: normRadius)
        // ``gain(localEnergy:)`` and the clip, four samples per vector in C (Swift's square root does not vectorise on
        // Linux); each sample's value is the scalar formula's.
        residual.withUnsafeMutableBufferPointer { r in
            energy.values.withUnsafeBufferPointer { e in sigil_whiten(r.baseAddress!, e.baseAddress!, count, clip) }
        }
        return Plane(width: width, height: height, values: residual)
    }
}
