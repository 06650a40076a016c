extension DecodedImage {
    /// Decodes a JPEG, PNG or WebP file with the codec its format names; nil for any other format.
    ///
    /// - Throws: the codec's ``SigilError`` (damaged data, over `maxPixels`).
    static func decode(_ bytes: [UInt8], format: ImageFormat?, maxPixels: Int) throws -> DecodedImage? {
        switch format {
        case .jpeg?: try JPEGCodec.decode(bytes, maxPixels: maxPixels)
        case .png?: try PNGCodec.decode(bytes, maxPixels: maxPixels)
        case .webp?: try WebPCodec.decode(bytes, maxPixels: maxPixels)
        default: nil
        }
    }
}
