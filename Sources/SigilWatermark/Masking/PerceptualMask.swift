#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where the eye forgives change: a per-block amplitude map from local luma activity (texture masking,
/// in the spirit of Watson's DCT masking and the noise-visibility function of Voloshynovskiy et al.).
/// Busy blocks take up to `ceiling`× the mean amplitude, flat ones down to `floor`×; the map is scaled so
/// the whole mark has a chosen RMS (which fixes the PSNR), and read back bilinearly per pixel.
struct PerceptualMask: Sendable {
    let blockSize: Int
    let columns: Int
    let rows: Int
    /// Amplitude (in 8-bit luma levels) per block.
    var amplitude: [Float]

    static let floor: Float = 0.35
    static let ceiling: Float = 2.4

    /// Headroom (levels) at which a block takes its full amplitude; below it the amplitude falls towards
    /// ``clippedShare`` of it.
    static let fullHeadroom: Float = 16
    static let clippedShare: Float = 0.15

    /// Measures activity on `luma` (a callback giving the 8-bit luma of one row, and each pixel's headroom: how
    /// far its darkest channel is from 0 and its brightest from 255) and scales the map so that
    /// amplitude² × `fieldPower` averages to `targetRMS`².
    ///
    /// Blocks near black or white get less: a change there is clipped in some channel anyway, and it is where
    /// structural similarity notices a change most (its luminance and contrast terms have nothing to hide it in).
    ///
    /// - Parameter rowStep: measure every `rowStep`-th row only (video frames use 2: the blocks' statistics barely
    ///   change, and the measurement costs half); 1 measures every row.
    init(
        width: Int, height: Int, blockSize: Int, targetRMS: Float, fieldPower: Float, rowStep: Int = 1,
        luma: (Int, inout [Float], inout [Float]) -> Void
    ) {
        self.blockSize = blockSize
        columns = (width + blockSize - 1) / blockSize
        rows = (height + blockSize - 1) / blockSize
        var sum = [Double](repeating: 0, count: columns * rows)
        var sumSq = [Double](repeating: 0, count: columns * rows)
        var count = [Double](repeating: 0, count: columns * rows)
        var headroom = [Double](repeating: 0, count: columns * rows)
        var line = [Float](repeating: 0, count: width)
        var room = [Float](repeating: 0, count: width)
        // Activity = std of the detail (luma minus its horizontal 3-tap mean), so smooth gradients count as flat.
        // Each block's sums are added to in pixel order, one block run of a row at a time (no per-pixel division).
        for y in Swift.stride(from: 0, to: height, by: max(1, rowStep)) {
            luma(y, &line, &room)
            let base = (y / blockSize) * columns
            line.withUnsafeBufferPointer { l in
                room.withUnsafeBufferPointer { r in
                    var x = 0
                    var b = base
                    while x < width {
                        let end = min(x + blockSize, width)
                        var s = sum[b]
                        var s2 = sumSq[b]
                        var h = headroom[b]
                        for i in x..<end {
                            h += Double(r[i])
                            let left = l[i > 0 ? i - 1 : 0]
                            let right = l[i + 1 < width ? i + 1 : width - 1]
                            let detail = Double(l[i] - (left + right + l[i]) / 3)
                            s += detail
                            s2 += detail * detail
                        }
                        sum[b] = s
                        sumSq[b] = s2
                        headroom[b] = h
                        count[b] += Double(end - x)
                        x = end
                        b += 1
                    }
                }
            }
        }
        var activity = [Float](repeating: 0, count: columns * rows)
        for i in 0..<activity.count {
            let mean = sum[i] / count[i]
            activity[i] = Float(max(0, sumSq[i] / count[i] - mean * mean).squareRoot())
        }
        // Spread each block's masking to its neighbours (3×3 minimum would be safer near edges; a mean
        // keeps the map smooth).
        var smooth = activity
        for r in 0..<rows {
            for c in 0..<columns {
                var s: Float = 0
                var n: Float = 0
                for dr in -1...1 {
                    for dc in -1...1 {
                        let rr = r + dr
                        let cc = c + dc
                        guard rr >= 0, rr < rows, cc >= 0, cc < columns else { continue }
                        let weight: Float = dr == 0 && dc == 0 ? 2 : 1
                        s += activity[rr * columns + cc] * weight
                        n += weight
                    }
                }
                smooth[r * columns + c] = s / n
            }
        }
        var raw = smooth.map { Float(pow(Double($0) + 1.0, 0.75)) }
        let mean = raw.reduce(0, +) / Float(raw.count)
        for i in 0..<raw.count {
            let room = Float(headroom[i] / count[i])
            let share = min(1, Self.clippedShare + (1 - Self.clippedShare) * room / Self.fullHeadroom)
            raw[i] = min(max(raw[i] / mean, Self.floor), Self.ceiling) * share
        }
        let power = raw.reduce(0) { $0 + $1 * $1 } / Float(raw.count)
        let gain = targetRMS / (power * fieldPower).squareRoot()
        amplitude = raw.map { $0 * gain }
    }

    /// Column lookups for ``fillRow(_:y:columns:)``: left block, right block, weight, per pixel column.
    struct Columns: Sendable {
        var left: [Int32]
        var right: [Int32]
        var weight: [Float]
    }

    func columns(width: Int) -> Columns {
        var c = Columns(left: [], right: [], weight: [])
        c.left.reserveCapacity(width)
        c.right.reserveCapacity(width)
        c.weight.reserveCapacity(width)
        for x in 0..<width {
            let fx = (Float(x) + 0.5) / Float(blockSize) - 0.5
            let x0 = max(0, min(self.columns - 1, Int(fx.rounded(.down))))
            c.left.append(Int32(x0))
            c.right.append(Int32(min(x0 + 1, self.columns - 1)))
            c.weight.append(max(0, min(1, fx - Float(x0))))
        }
        return c
    }

    /// The bilinear amplitudes of row `y` into `line` (same values as ``value(x:y:)``, without per-pixel division).
    func fillRow(_ line: inout [Float], y: Int, columns c: Columns, scratch: inout [Float]) {
        let fy = (Float(y) + 0.5) / Float(blockSize) - 0.5
        let y0 = max(0, min(rows - 1, Int(fy.rounded(.down))))
        let y1 = min(y0 + 1, rows - 1)
        let ty = max(0, min(1, fy - Float(y0)))
        for i in 0..<self.columns {
            scratch[i] = amplitude[y0 * self.columns + i] * (1 - ty) + amplitude[y1 * self.columns + i] * ty
        }
        for x in 0..<line.count {
            let a = scratch[Int(c.left[x])]
            let b = scratch[Int(c.right[x])]
            line[x] = a + (b - a) * c.weight[x]
        }
    }

    /// Bilinear amplitude at pixel (`x`, `y`) between block centres.
    func value(x: Int, y: Int) -> Float {
        let fx = (Float(x) + 0.5) / Float(blockSize) - 0.5
        let fy = (Float(y) + 0.5) / Float(blockSize) - 0.5
        let x0 = max(0, min(columns - 1, Int(fx.rounded(.down))))
        let y0 = max(0, min(rows - 1, Int(fy.rounded(.down))))
        let x1 = min(x0 + 1, columns - 1)
        let y1 = min(y0 + 1, rows - 1)
        let tx = max(0, min(1, fx - Float(x0)))
        let ty = max(0, min(1, fy - Float(y0)))
        let a = amplitude[y0 * columns + x0] * (1 - tx) + amplitude[y0 * columns + x1] * tx
        let b = amplitude[y1 * columns + x0] * (1 - tx) + amplitude[y1 * columns + x1] * tx
        return a * (1 - ty) + b * ty
    }
}
