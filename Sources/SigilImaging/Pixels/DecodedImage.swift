/// A decoded raster together with what the source codec said about the file, so a re-encode can keep
/// the original's character (JPEG quality and subsampling, PNG depth, WebP losslessness).
public struct DecodedImage: Sendable {
    /// The pixels, 8 bits per channel.
    public var pixels: PixelBuffer
    /// Set when the source was a JPEG.
    public var jpeg: JPEGInfo?
    /// Set when the source was a PNG.
    public var png: PNGInfo?
    /// Set when the source was a WebP.
    public var webp: WebPInfo?

    /// Wraps decoded pixels and the codec facts.
    public init(pixels: PixelBuffer, jpeg: JPEGInfo? = nil, png: PNGInfo? = nil, webp: WebPInfo? = nil) {
        self.pixels = pixels
        self.jpeg = jpeg
        self.png = png
        self.webp = webp
    }
}
