/// Anti-aliased coverage of a rendered line of text, cropped to the union of its glyph bitmaps.
public struct GlyphMask: Sendable, Hashable {
    /// Coverage at or above which a pixel counts as ink when measuring ``inkHeight`` (half covered).
    public static let inkThreshold: UInt8 = 128

    /// Width in pixels.
    public var width: Int
    /// Height in pixels.
    public var height: Int
    /// `width * height` coverage values 0...255, row-major.
    public var coverage: [UInt8]
    /// Row of the baseline, counted from the top of the mask (may lie outside `0..<height`).
    public var baseline: Int

    /// Number of rows holding ink (some pixel at least ``inkThreshold``): the measured glyph height.
    public var inkHeight: Int
    /// First row holding ink.
    public var inkTop: Int
    /// Last row holding ink.
    public var inkBottom: Int

    /// Wraps coverage values and measures their ink rows.
    public init(width: Int, height: Int, coverage: [UInt8], baseline: Int) {
        precondition(coverage.count == width * height, "coverage count does not match the mask size")
        self.width = width
        self.height = height
        self.coverage = coverage
        self.baseline = baseline
        var rows = 0
        var top = -1
        var bottom = -1
        coverage.withUnsafeBufferPointer { values in
            for row in 0..<height {
                var inked = false
                for column in 0..<width where values[row * width + column] >= GlyphMask.inkThreshold {
                    inked = true
                    break
                }
                if inked {
                    rows += 1
                    if top < 0 { top = row }
                    bottom = row
                }
            }
        }
        self.inkHeight = rows
        self.inkTop = max(top, 0)
        self.inkBottom = max(bottom, 0)
    }

    /// Coverage at (`x`, `y`), 0 outside the mask.
    public subscript(x: Int, y: Int) -> UInt8 {
        guard x >= 0, y >= 0, x < width, y < height else { return 0 }
        return coverage[y * width + x]
    }
}
