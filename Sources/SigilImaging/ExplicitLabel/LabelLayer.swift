#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The label as two coverage planes over its box: the text, and what sits behind the text (the rounded plate or
/// the dilated outline). Painting and ``ExplicitLabelPainter/presence(of:fontPath:in:orientation:)`` share it.
struct LabelLayer {
    let width: Int
    let height: Int
    /// Where the glyph mask's top-left corner sits inside the box.
    let maskX: Int
    let maskY: Int
    let maskWidth: Int
    let maskHeight: Int
    /// Text coverage 0...255, `width * height`.
    var text: [UInt8]
    /// Plate or outline coverage 0...255, `width * height`.
    var back: [UInt8]

    init(mask: GlyphMask, style: LabelStyle, padding: Int, boxWidth: Int, boxHeight: Int) {
        let maskX = (boxWidth - mask.width) / 2
        let maskY = (boxHeight - mask.height) / 2
        width = boxWidth
        height = boxHeight
        self.maskX = maskX
        self.maskY = maskY
        maskWidth = mask.width
        maskHeight = mask.height
        let count = boxWidth * boxHeight
        var textPlane = [UInt8](repeating: 0, count: count)
        textPlane.withUnsafeMutableBufferPointer { target in
            mask.coverage.withUnsafeBufferPointer { source in
                for row in 0..<mask.height {
                    let y = row + maskY
                    guard y >= 0, y < boxHeight else { continue }
                    for column in 0..<mask.width {
                        let x = column + maskX
                        guard x >= 0, x < boxWidth else { continue }
                        target[y * boxWidth + x] = source[row * mask.width + column]
                    }
                }
            }
        }
        text = textPlane
        switch style {
        case .plate:
            back = LabelLayer.roundedRect(width: boxWidth, height: boxHeight, radius: min(padding, boxHeight / 2, boxWidth / 2))
        case .outline:
            let radius = Float(max(padding - 1, 1))
            let distances = textPlane.withUnsafeBufferPointer { coverage in
                DistanceTransform.squaredDistances(width: boxWidth, height: boxHeight) {
                    coverage[$0] >= GlyphMask.inkThreshold
                }
            }
            back = distances.map { squared in
                let coverage = radius + 0.5 - squared.squareRoot()
                return coverage >= 1 ? 255 : coverage <= 0 ? 0 : UInt8((coverage * 255).rounded())
            }
        }
    }

    /// Whether the pixel belongs to the region the presence check correlates over.
    func isTemplatePixel(_ index: Int, style: LabelStyle) -> Bool {
        switch style {
        case .plate:
            let x = index % width
            let y = index / width
            return x >= maskX && x < maskX + maskWidth && y >= maskY && y < maskY + maskHeight
        case .outline:
            return back[index] > 0 || text[index] > 0
        }
    }

    /// Anti-aliased coverage of a rounded rectangle filling the box.
    private static func roundedRect(width: Int, height: Int, radius: Int) -> [UInt8] {
        var plane = [UInt8](repeating: 255, count: width * height)
        guard radius > 0 else { return plane }
        let r = Double(radius)
        plane.withUnsafeMutableBufferPointer { cells in
            for y in 0..<height {
                let cy = Double(y) + 0.5
                let dy = max(r - cy, cy - (Double(height) - r), 0)
                guard dy > 0 else { continue }
                for x in 0..<width {
                    let cx = Double(x) + 0.5
                    let dx = max(r - cx, cx - (Double(width) - r), 0)
                    guard dx > 0 else { continue }
                    let outside = (dx * dx + dy * dy).squareRoot() - r
                    let coverage = min(max(0.5 - outside, 0), 1)
                    cells[y * width + x] = UInt8((coverage * 255).rounded())
                }
            }
        }
        return plane
    }
}
