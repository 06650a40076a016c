/// One image codec: decode a file to pixels, encode pixels back in the same format.
protocol ImageCodec: Sendable {
    func decode(_ bytes: [UInt8], maxPixels: Int) throws -> DecodedImage
    func encode(_ decoded: DecodedImage, policy: LabelPolicy) throws -> [UInt8]
}

/// The image codecs pixel marks use, by format: the only place that maps a ``MediaFormat`` to a codec library.
enum ImageCodecs {
    struct JPEG: ImageCodec {
        func decode(_ bytes: [UInt8], maxPixels: Int) throws -> DecodedImage { try JPEGCodec.decode(bytes, maxPixels: maxPixels) }
        func encode(_ decoded: DecodedImage, policy: LabelPolicy) throws -> [UInt8] {
            let quality = policy.jpegQuality ?? decoded.jpeg?.quality ?? 90
            return try JPEGCodec.encode(decoded.pixels, quality: quality, subsampling: decoded.jpeg?.subsampling ?? JPEGCodec.Subsampling.s420)
        }
    }

    struct PNG: ImageCodec {
        func decode(_ bytes: [UInt8], maxPixels: Int) throws -> DecodedImage { try PNGCodec.decode(bytes, maxPixels: maxPixels) }
        func encode(_ decoded: DecodedImage, policy: LabelPolicy) throws -> [UInt8] { try PNGCodec.encode(decoded.pixels) }
    }

    struct WebP: ImageCodec {
        func decode(_ bytes: [UInt8], maxPixels: Int) throws -> DecodedImage { try WebPCodec.decode(bytes, maxPixels: maxPixels) }
        func encode(_ decoded: DecodedImage, policy: LabelPolicy) throws -> [UInt8] {
            try WebPCodec.encode(decoded.pixels, lossless: decoded.webp?.lossless ?? false, quality: 90)
        }
    }

    static let byFormat: [MediaFormat: any ImageCodec] = [.jpeg: JPEG(), .png: PNG(), .webp: WebP()]

    /// The codec for `format`.
    ///
    /// - Throws: ``SigilError`` `.unsupportedFormat` naming the format when Sigil has no codec for it.
    static func codec(for format: MediaFormat) throws -> any ImageCodec {
        guard let codec = byFormat[format] else {
            throw SigilError(.unsupportedFormat, "Sigil has no codec for \(format.displayName) pixels; label it with --marks implicit")
        }
        return codec
    }
}

extension DecodedImage {
    /// Decodes an image with the codec its format names; nil for a format Sigil has no codec for.
    ///
    /// - Throws: the codec's ``SigilError`` (damaged data, over `maxPixels`).
    static func decode(_ bytes: [UInt8], format: MediaFormat?, maxPixels: Int) throws -> DecodedImage? {
        guard let format, let codec = ImageCodecs.byFormat[format] else { return nil }
        return try codec.decode(bytes, maxPixels: maxPixels)
    }
}
