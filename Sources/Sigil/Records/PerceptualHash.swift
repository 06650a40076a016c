import Foundation

/// A 64-bit DCT perceptual hash (pHash) of an image: similar images have hashes a small Hamming distance apart, so
/// a record can be matched to a re-encoded, resized or lightly edited copy of the content it describes.
///
/// 1. Luma (Rec. 601: 0.299 R + 0.587 G + 0.114 B; gray taken as is; alpha ignored) of the pixels as decoded.
/// 2. Reduced to 32 × 32 by averaging the source pixels that fall in each cell (nearest pixel for tiny images).
/// 3. 2-D DCT-II of the 32 × 32 block.
/// 4. The 64 coefficients of frequencies 1…8 × 1…8 (the lowest ones, without the DC row and column), row by
///    row (vertical frequency first); each bit, most significant first, is 1 when its coefficient is above the
///    median of the 64.
public enum PerceptualHash {
    /// The hash of decoded pixels.
    public static func hash(_ pixels: PixelBuffer) -> UInt64 {
        let size = 32
        let luma = reduced(pixels, to: size)
        // Separable DCT-II: rows first (horizontal frequencies 0…8), then columns.
        let basis: [[Double]] = (0...8).map { u in (0..<size).map { x in cos(Double((2 * x + 1) * u) * Double.pi / Double(2 * size)) } }
        var rows = [[Double]](repeating: [Double](repeating: 0, count: 9), count: size)
        for y in 0..<size {
            for u in 0...8 {
                var sum = 0.0
                for x in 0..<size { sum += luma[y * size + x] * basis[u][x] }
                rows[y][u] = sum
            }
        }
        var coefficients: [Double] = []
        coefficients.reserveCapacity(64)
        for v in 1...8 {
            for u in 1...8 {
                var sum = 0.0
                for y in 0..<size { sum += rows[y][u] * basis[v][y] }
                coefficients.append(sum)
            }
        }
        let sorted = coefficients.sorted()
        let median = (sorted[31] + sorted[32]) / 2
        return coefficients.reduce(UInt64(0)) { $0 << 1 | ($1 > median ? 1 : 0) }
    }

    /// The hash of an encoded JPEG, PNG or WebP file, or nil when it cannot be decoded.
    public static func hash(imageBytes bytes: [UInt8], maxPixels: Int = 100_000_000) -> UInt64? {
        guard let decoded = (try? DecodedImage.decode(bytes, format: ImageHeader.sniff(bytes), maxPixels: maxPixels)) ?? nil else { return nil }
        return hash(decoded.pixels)
    }

    /// The number of differing bits.
    public static func distance(_ a: UInt64, _ b: UInt64) -> Int { (a ^ b).nonzeroBitCount }

    /// Luma averaged over a `size` × `size` grid of cells.
    static func reduced(_ pixels: PixelBuffer, to size: Int) -> [Double] {
        let channels = pixels.layout.channels
        let color = pixels.layout.hasColor
        var out = [Double](repeating: 0, count: size * size)
        pixels.bytes.withUnsafeBufferPointer { bytes in
            for cy in 0..<size {
                let y0 = cy * pixels.height / size
                let y1 = max(y0 + 1, (cy + 1) * pixels.height / size)
                for cx in 0..<size {
                    let x0 = cx * pixels.width / size
                    let x1 = max(x0 + 1, (cx + 1) * pixels.width / size)
                    var sum = 0.0
                    for y in y0..<y1 {
                        var offset = (y * pixels.width + x0) * channels
                        for _ in x0..<x1 {
                            if color {
                                sum += 0.299 * Double(bytes[offset]) + 0.587 * Double(bytes[offset + 1]) + 0.114 * Double(bytes[offset + 2])
                            } else {
                                sum += Double(bytes[offset])
                            }
                            offset += channels
                        }
                    }
                    out[cy * size + cx] = sum / Double((y1 - y0) * (x1 - x0))
                }
            }
        }
        return out
    }
}
