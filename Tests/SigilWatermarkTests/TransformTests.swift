import Foundation
import Testing
@testable import SigilWatermark

@Suite("Transforms: FFT and planes")
struct TransformTests {
    @Test("FFT of an impulse is flat; forward then inverse restores the input")
    func fftRoundTrip() {
        var plane = ComplexPlane(width: 16, height: 8)
        plane.re[0] = 1
        plane.fft2D(inverse: false)
        #expect(plane.re.allSatisfy { abs($0 - 1) < 1e-5 })
        var rng = KeyedGenerator(seed: 3)
        var signal = ComplexPlane(width: 32, height: 16)
        signal.re = (0..<(32 * 16)).map { _ in Float(rng.next() % 1000) / 1000 }
        let original = signal.re
        signal.fft2D(inverse: false)
        signal.fft2D(inverse: true)
        for i in 0..<original.count { #expect(abs(signal.re[i] / Float(32 * 16) - original[i]) < 1e-4) }
    }

    @Test("2-D FFT equals the direct DFT over batches of columns, and skipping zero rows changes nothing")
    func fft2DMatchesDirectDFT() {
        // 40 columns: two full batches of 16 and a partial one of 8 (the plane is 64 wide, 8 high).
        let w = 64
        let h = 8
        let filledRows = 5
        var rng = KeyedGenerator(seed: 11)
        var plane = ComplexPlane(width: w, height: h)
        for y in 0..<filledRows { for x in 0..<40 { plane.re[y * w + x] = Float(rng.next() % 2000) / 1000 - 1 } }
        let input = plane.re
        var skipped = plane
        plane.fft2D(inverse: false)
        skipped.fft2D(inverse: false, nonzeroRows: filledRows)
        #expect(skipped.re == plane.re && skipped.im == plane.im)
        for (u, v) in [(0, 0), (3, 1), (17, 5), (40, 7), (63, 2)] {
            var re = 0.0
            var im = 0.0
            for y in 0..<h {
                for x in 0..<w {
                    let angle = -2 * Double.pi * (Double(u * x) / Double(w) + Double(v * y) / Double(h))
                    re += Double(input[y * w + x]) * cos(angle)
                    im += Double(input[y * w + x]) * sin(angle)
                }
            }
            #expect(abs(Double(plane.re[v * w + u]) - re) < 1e-3 && abs(Double(plane.im[v * w + u]) - im) < 1e-3, "bin (\(u), \(v))")
        }
    }

    @Test("FFT of a cosine puts energy at its frequency")
    func fftFrequency() {
        let n = 64
        var plane = ComplexPlane(width: n, height: 2)
        for x in 0..<n { plane.re[x] = Float(cos(2 * Double.pi * 5 * Double(x) / Double(n))) }
        plane.fft2D(inverse: false)
        // Row 0 and row 1 of a 2-row plane: energy at bins 5 and n − 5.
        let magnitude = (0..<n).map { (plane.re[$0] * plane.re[$0] + plane.im[$0] * plane.im[$0]).squareRoot() }
        let peak = magnitude.indices.max { magnitude[$0] < magnitude[$1] }!
        #expect(peak == 5 || peak == n - 5)
    }

    @Test("box mean of a constant is the constant; whitening removes a ramp")
    func boxAndWhitening() {
        let flat = Plane(width: 20, height: 10, filling: 7)
        #expect(flat.boxMean(radius: 3).values.allSatisfy { abs($0 - 7) < 1e-4 })
        var ramp = Plane(width: 40, height: 40)
        for y in 0..<40 { for x in 0..<40 { ramp[x, y] = Float(x) * 2 } }
        let white = ramp.whitenedResidual(meanRadius: 2, normRadius: 4)
        // Interior residual of a linear ramp is zero.
        #expect(abs(white[20, 20]) < 1e-3)
        #expect(ramp.downscaled(by: 2)[3, 3] == (Float(6) + 7) / 2 * 2)
    }
    /// The 2-D transform line by line with ``FFTPlan/transform(_:_:inverse:)`` (rows, then the wanted columns): what
    /// ``ComplexPlane/fft2D(inverse:nonzeroRows:columns:plan:)`` must equal bit for bit.
    private static func lineByLine(_ plane: ComplexPlane, inverse: Bool, nonzeroRows: Int, columns: Range<Int>) -> ComplexPlane {
        var out = plane
        let (w, h) = (plane.width, plane.height)
        let rowPlan = FFTPlan(count: w)
        let colPlan = FFTPlan(count: h)
        for y in 0..<nonzeroRows {
            var re = Array(out.re[(y * w)..<(y * w + w)])
            var im = Array(out.im[(y * w)..<(y * w + w)])
            re.withUnsafeMutableBufferPointer { r in
                im.withUnsafeMutableBufferPointer { i in rowPlan.transform(r.baseAddress!, i.baseAddress!, inverse: inverse) }
            }
            out.re.replaceSubrange((y * w)..<(y * w + w), with: re)
            out.im.replaceSubrange((y * w)..<(y * w + w), with: im)
        }
        for x in columns {
            var re = (0..<h).map { out.re[$0 * w + x] }
            var im = (0..<h).map { out.im[$0 * w + x] }
            re.withUnsafeMutableBufferPointer { r in
                im.withUnsafeMutableBufferPointer { i in colPlan.transform(r.baseAddress!, i.baseAddress!, inverse: inverse) }
            }
            for y in 0..<h {
                out.re[y * w + x] = re[y]
                out.im[y * w + x] = im[y]
            }
        }
        return out
    }

    @Test(
        "2-D FFT, eight lines at a time, equals transforming each row and column alone, bit for bit",
        arguments: [(64, 4, 3, 0..<64), (32, 32, 32, 0..<32), (16, 64, 40, 3..<12), (128, 16, 9, 0..<65)])
    func fft2DEqualsLineByLine(w: Int, h: Int, nonzeroRows: Int, columns: Range<Int>) {
        var rng = KeyedGenerator(seed: UInt64(w * 1000 + h))
        var plane = ComplexPlane(width: w, height: h)
        for i in 0..<(nonzeroRows * w) {
            plane.re[i] = Float(rng.next() % 20000) / 1000 - 10
            plane.im[i] = Float(rng.next() % 20000) / 1000 - 10
        }
        for inverse in [false, true] {
            let expected = Self.lineByLine(plane, inverse: inverse, nonzeroRows: nonzeroRows, columns: columns)
            var got = plane
            got.fft2D(inverse: inverse, nonzeroRows: nonzeroRows, columns: columns)
            #expect(got.re.map(\.bitPattern) == expected.re.map(\.bitPattern), "re, \(w)×\(h), inverse \(inverse)")
            #expect(got.im.map(\.bitPattern) == expected.im.map(\.bitPattern), "im, \(w)×\(h), inverse \(inverse)")
        }
    }

    @Test(
        "box mean, four rows and four columns at a time, equals one running sum per row and column, bit for bit",
        arguments: [(37, 23, 5), (8, 3, 4), (5, 9, 12), (64, 64, 2)])
    func boxMeanEqualsRunningSums(w: Int, h: Int, r: Int) {
        var rng = KeyedGenerator(seed: UInt64(w * 100 + h * 10 + r))
        var plane = Plane(width: w, height: h)
        for i in 0..<(w * h) { plane.values[i] = Float(rng.next() % 100_000) / 997 }
        // The reference: running sums in Double along each row, then down each column, edges clamped.
        var rows = [Float](repeating: 0, count: w * h)
        for y in 0..<h {
            var sum: Double = 0
            for k in -r...r { sum += Double(plane.values[y * w + min(max(k, 0), w - 1)]) }
            for x in 0..<w {
                rows[y * w + x] = Float(sum)
                sum += Double(plane.values[y * w + min(x + r + 1, w - 1)]) - Double(plane.values[y * w + max(x - r, 0)])
            }
        }
        let norm = 1 / Float((2 * r + 1) * (2 * r + 1))
        var expected = [Float](repeating: 0, count: w * h)
        for x in 0..<w {
            var sum: Double = 0
            for k in -r...r { sum += Double(rows[min(max(k, 0), h - 1) * w + x]) }
            for y in 0..<h {
                expected[y * w + x] = Float(sum) * norm
                sum += Double(rows[min(y + r + 1, h - 1) * w + x]) - Double(rows[max(y - r, 0) * w + x])
            }
        }
        #expect(plane.boxMean(radius: r).values.map(\.bitPattern) == expected.map(\.bitPattern))
        // Whitening: the residual against that mean, weighted by the documented gain and clipped, sample by sample.
        let white = plane.whitenedResidual(meanRadius: r, normRadius: 2 * r, clip: 3)
        let residual = (0..<(w * h)).map { plane.values[$0] - expected[$0] }
        let energy = Plane(width: w, height: h, values: residual.map { $0 * $0 }).boxMean(radius: 2 * r).values
        let reference = (0..<(w * h)).map { min(max(residual[$0] * Plane.gain(localEnergy: energy[$0]), -3), 3) }
        #expect(white.values.map(\.bitPattern) == reference.map(\.bitPattern))
    }
}
