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
}
