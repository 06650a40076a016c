/// An 8-bit-per-channel raster in memory: row-major, no row padding (`stride == width * channels`).
///
/// The codecs decode into it and encode from it; ``ExplicitLabelPainter`` paints on it in place.
public struct PixelBuffer: Sendable {
    /// Channel order of one pixel. Every channel is one byte.
    public enum Layout: Sendable, Hashable {
        /// One luminance byte per pixel.
        case gray
        /// Luminance then alpha (not premultiplied).
        case grayAlpha
        /// Red, green, blue.
        case rgb
        /// Red, green, blue, alpha (not premultiplied).
        case rgba

        /// Bytes per pixel.
        public var channels: Int {
            switch self {
            case .gray: 1
            case .grayAlpha: 2
            case .rgb: 3
            case .rgba: 4
            }
        }

        /// Whether the last channel is alpha.
        public var hasAlpha: Bool { self == .grayAlpha || self == .rgba }

        /// Whether the layout carries colour (three colour channels).
        public var hasColor: Bool { self == .rgb || self == .rgba }
    }

    /// Width in pixels.
    public var width: Int
    /// Height in pixels.
    public var height: Int
    /// Channel layout of every pixel.
    public var layout: Layout
    /// `width * height * channels` bytes, row after row.
    public var bytes: [UInt8]

    /// Wraps existing pixel bytes.
    ///
    /// - Precondition: `bytes.count == width * height * layout.channels` and both sides are positive.
    public init(width: Int, height: Int, layout: Layout, bytes: [UInt8]) {
        precondition(width > 0 && height > 0, "PixelBuffer needs a positive size")
        precondition(bytes.count == width * height * layout.channels, "PixelBuffer byte count does not match its size")
        self.width = width
        self.height = height
        self.layout = layout
        self.bytes = bytes
    }

    /// A buffer where every pixel is `filling` (one value per channel), convenient for tests and plates.
    ///
    /// - Precondition: `filling.count == layout.channels`.
    public init(width: Int, height: Int, layout: Layout, filling: [UInt8]) {
        precondition(width > 0 && height > 0, "PixelBuffer needs a positive size")
        precondition(filling.count == layout.channels, "filling needs one value per channel")
        let channels = layout.channels
        let count = width * height * channels
        let bytes: [UInt8]
        if channels == 1 {
            bytes = [UInt8](repeating: filling[0], count: count)
        } else {
            bytes = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
                var offset = 0
                while offset < count {
                    for channel in 0..<channels { buffer[offset + channel] = filling[channel] }
                    offset += channels
                }
                initialized = count
            }
        }
        self.init(width: width, height: height, layout: layout, bytes: bytes)
    }

    /// Bytes per pixel (1 to 4).
    public var channels: Int { layout.channels }

    /// Bytes per row.
    public var stride: Int { width * layout.channels }

    /// Number of pixels.
    public var pixelCount: Int { width * height }

    /// Whether the stored fields agree with each other (codecs check this before handing bytes to C).
    var isConsistent: Bool {
        width > 0 && height > 0 && bytes.count == width * height * layout.channels
    }

    /// The channel values of the pixel at (`x`, `y`).
    public func pixel(x: Int, y: Int) -> [UInt8] {
        let offset = (y * width + x) * channels
        return Array(bytes[offset..<offset + channels])
    }

    /// The pixel's relative luminance (WCAG 2, from sRGB; alpha ignored), 0...1.
    public func relativeLuminance(x: Int, y: Int) -> Double {
        let offset = (y * width + x) * channels
        if layout.hasColor {
            return Luminance.relative(red: bytes[offset], green: bytes[offset + 1], blue: bytes[offset + 2])
        }
        return Luminance.relative(gray: bytes[offset])
    }
}
