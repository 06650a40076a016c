import Foundation
import SigilImaging
@testable import SigilWatermark

#if canImport(Glibc)
    import Glibc
#endif

/// Images, keys and simple attacks (resample, crop, rotate, JPEG) for the watermark tests.
enum WatermarkTestSupport {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let key = try! WatermarkKey(bytes: (0..<32).map { UInt8(truncatingIfNeeded: $0 * 7 + 3) })
    static let otherKey = try! WatermarkKey(bytes: (0..<32).map { UInt8(truncatingIfNeeded: $0 * 11 + 5) })

    /// A repository example photo, decoded (RGB).
    static func example(_ name: String) throws -> PixelBuffer {
        let bytes = [UInt8](try Data(contentsOf: repository.appendingPathComponent("examples/\(name)")))
        if name.hasSuffix(".jpg") { return try JPEGCodec.decode(bytes, maxPixels: 50_000_000).pixels }
        if name.hasSuffix(".webp") { return try WebPCodec.decode(bytes, maxPixels: 50_000_000).pixels }
        return try PNGCodec.decode(bytes, maxPixels: 50_000_000).pixels
    }

    /// Bilinear sample of channel `c` at a fractional position (edges clamped; outside → black when `fill`).
    static func sample(_ p: PixelBuffer, _ x: Double, _ y: Double, _ c: Int, fill: Bool = false) -> Double {
        if fill && (x < -0.5 || y < -0.5 || x > Double(p.width) - 0.5 || y > Double(p.height) - 0.5) { return 0 }
        let cx = min(max(x, 0), Double(p.width - 1))
        let cy = min(max(y, 0), Double(p.height - 1))
        let x0 = Int(cx)
        let y0 = Int(cy)
        let x1 = min(x0 + 1, p.width - 1)
        let y1 = min(y0 + 1, p.height - 1)
        let fx = cx - Double(x0)
        let fy = cy - Double(y0)
        func v(_ xx: Int, _ yy: Int) -> Double { Double(p.bytes[(yy * p.width + xx) * p.channels + c]) }
        return (v(x0, y0) * (1 - fx) + v(x1, y0) * fx) * (1 - fy) + (v(x0, y1) * (1 - fx) + v(x1, y1) * fx) * fy
    }

    /// Resamples to `width`×`height` (area average when shrinking by ≥ 2, else bilinear).
    static func resized(_ p: PixelBuffer, width: Int, height: Int) -> PixelBuffer {
        var src = p
        // Pre-shrink by 2×2 box averages so bilinear does not alias.
        while src.width >= width * 2 && src.height >= height * 2 {
            let w = src.width / 2
            let h = src.height / 2
            let c = src.channels
            var out = [UInt8](repeating: 0, count: w * h * c)
            for y in 0..<h {
                for x in 0..<w {
                    for k in 0..<c {
                        let s =
                            Int(src.bytes[((2 * y) * src.width + 2 * x) * c + k]) + Int(src.bytes[((2 * y) * src.width + 2 * x + 1) * c + k])
                            + Int(src.bytes[((2 * y + 1) * src.width + 2 * x) * c + k])
                            + Int(src.bytes[((2 * y + 1) * src.width + 2 * x + 1) * c + k])
                        out[(y * w + x) * c + k] = UInt8((s + 2) / 4)
                    }
                }
            }
            src = PixelBuffer(width: w, height: h, layout: src.layout, bytes: out)
        }
        let c = src.channels
        var out = [UInt8](repeating: 0, count: width * height * c)
        let sx = Double(src.width) / Double(width)
        let sy = Double(src.height) / Double(height)
        for y in 0..<height {
            for x in 0..<width {
                for k in 0..<c {
                    let v = sample(src, (Double(x) + 0.5) * sx - 0.5, (Double(y) + 0.5) * sy - 0.5, k)
                    out[(y * width + x) * c + k] = UInt8(max(0, min(255, v.rounded())))
                }
            }
        }
        return PixelBuffer(width: width, height: height, layout: src.layout, bytes: out)
    }

    static func cropped(_ p: PixelBuffer, x: Int, y: Int, width: Int, height: Int) -> PixelBuffer {
        let c = p.channels
        var out = [UInt8](repeating: 0, count: width * height * c)
        for row in 0..<height {
            let src = ((y + row) * p.width + x) * c
            out.replaceSubrange(row * width * c..<(row + 1) * width * c, with: p.bytes[src..<src + width * c])
        }
        return PixelBuffer(width: width, height: height, layout: p.layout, bytes: out)
    }

    /// Rotates by `degrees` about the centre on the same canvas, black corners.
    static func rotated(_ p: PixelBuffer, degrees: Double) -> PixelBuffer {
        let a = degrees * Double.pi / 180
        let ca = cos(a)
        let sa = sin(a)
        let cx = Double(p.width - 1) / 2
        let cy = Double(p.height - 1) / 2
        let c = p.channels
        var out = [UInt8](repeating: 0, count: p.bytes.count)
        for y in 0..<p.height {
            for x in 0..<p.width {
                let dx = Double(x) - cx
                let dy = Double(y) - cy
                let sx = ca * dx - sa * dy + cx
                let sy = sa * dx + ca * dy + cy
                for k in 0..<c {
                    out[(y * p.width + x) * c + k] = UInt8(max(0, min(255, sample(p, sx, sy, k, fill: true).rounded())))
                }
            }
        }
        return PixelBuffer(width: p.width, height: p.height, layout: p.layout, bytes: out)
    }

    static func jpeg(_ p: PixelBuffer, quality: Int) throws -> PixelBuffer {
        try JPEGCodec.decode(try JPEGCodec.encode(p, quality: quality, subsampling: JPEGCodec.Subsampling.s420), maxPixels: 50_000_000).pixels
    }

    static func psnr(_ a: PixelBuffer, _ b: PixelBuffer) -> Double {
        var sum = 0.0
        for i in 0..<a.bytes.count {
            let d = Double(a.bytes[i]) - Double(b.bytes[i])
            sum += d * d
        }
        let mse = sum / Double(a.bytes.count)
        return mse == 0 ? .infinity : 10 * log10(255 * 255 / mse)
    }
}
