import CWebP
import SigilCore

/// What a decoded WebP's headers say.
public struct WebPInfo: Sendable, Hashable {
    /// Whether the bitstream is VP8L (lossless).
    public var lossless: Bool
    /// Whether the image carries alpha.
    public var hasAlpha: Bool
    /// Whether the file is an animation.
    public var animated: Bool

    /// Creates the value.
    public init(lossless: Bool, hasAlpha: Bool, animated: Bool) {
        self.lossless = lossless
        self.hasAlpha = hasAlpha
        self.animated = animated
    }
}

/// WebP decoding and encoding through libwebp.
public enum WebPCodec {
    /// Decodes a still WebP to `.rgb`, or `.rgba` when it has alpha.
    ///
    /// The pixel limit is checked from the headers before allocation.
    /// - Throws: ``SigilError`` `.tooLarge` over `maxPixels`; `.codec` for an animated WebP
    ///   ("animated WebP is not supported for explicit labeling") or data libwebp refuses.
    public static func decode(_ bytes: [UInt8], maxPixels: Int) throws -> DecodedImage {
        try bytes.withUnsafeBufferPointer { source in
            guard let base = source.baseAddress, source.count > 12 else {
                throw SigilError(.codec, "not a WebP (too short)")
            }
            var features = WebPBitstreamFeatures()
            let status = cwebp_get_features(base, source.count, &features)
            guard status == VP8_STATUS_OK else {
                throw SigilError(.codec, "libwebp cannot read the WebP headers: \(describe(status))")
            }
            if features.has_animation != 0 {
                throw SigilError(.codec, "animated WebP is not supported for explicit labeling")
            }
            let width = Int(features.width)
            let height = Int(features.height)
            guard width > 0, height > 0 else { throw SigilError(.codec, "WebP header declares an empty image") }
            guard width * height <= maxPixels else {
                throw SigilError(.tooLarge, "WebP is \(width)×\(height) = \(width * height) pixels, over the limit of \(maxPixels)")
            }

            let hasAlpha = features.has_alpha != 0
            let layout: PixelBuffer.Layout = hasAlpha ? .rgba : .rgb
            let stride = width * layout.channels
            let count = stride * height
            var decoded = false
            let data = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
                let result =
                    hasAlpha
                    ? WebPDecodeRGBAInto(base, source.count, buffer.baseAddress, count, Int32(stride))
                    : WebPDecodeRGBInto(base, source.count, buffer.baseAddress, count, Int32(stride))
                decoded = result != nil
                initialized = decoded ? count : 0
            }
            guard decoded else { throw SigilError(.codec, "libwebp cannot decode the WebP (corrupt or truncated data)") }
            let info = WebPInfo(lossless: features.format == 2, hasAlpha: hasAlpha, animated: false)
            return DecodedImage(pixels: PixelBuffer(width: width, height: height, layout: layout, bytes: data), webp: info)
        }
    }

    /// Encodes pixels as a still WebP.
    ///
    /// Gray is expanded to RGB (WebP has no gray mode); alpha is kept (exactly, for lossless).
    /// - Parameters:
    ///   - lossless: VP8L instead of VP8.
    ///   - quality: 0...100; for lossless it trades encoding effort against size.
    /// - Throws: ``SigilError`` `.usage` for a bad argument, `.codec` when libwebp fails.
    public static func encode(_ pixels: PixelBuffer, lossless: Bool, quality: Float) throws -> [UInt8] {
        guard pixels.isConsistent else { throw SigilError(.usage, "pixel buffer size does not match its byte count") }
        guard (0...100).contains(quality) else { throw SigilError(.usage, "WebP quality \(quality) is outside 0...100") }
        let maxDimension = Int(WEBP_MAX_DIMENSION)
        guard pixels.width <= maxDimension, pixels.height <= maxDimension else {
            throw SigilError(.tooLarge, "WebP cannot hold \(pixels.width)×\(pixels.height) (limit \(maxDimension) per side)")
        }

        var config = WebPConfig()
        guard cwebp_init_config(&config) != 0 else { throw SigilError(.codec, "libwebp version mismatch") }
        config.lossless = lossless ? 1 : 0
        config.quality = quality
        if lossless { config.exact = 1 }
        guard WebPValidateConfig(&config) != 0 else { throw SigilError(.codec, "libwebp rejects the encoder settings") }

        var picture = WebPPicture()
        guard cwebp_picture_init(&picture) != 0 else { throw SigilError(.codec, "libwebp version mismatch") }
        defer { WebPPictureFree(&picture) }
        picture.use_argb = lossless ? 1 : 0
        picture.width = Int32(pixels.width)
        picture.height = Int32(pixels.height)

        let imported: Int32
        switch pixels.layout {
        case .rgb:
            imported = pixels.bytes.withUnsafeBufferPointer {
                WebPPictureImportRGB(&picture, $0.baseAddress, Int32(pixels.stride))
            }
        case .rgba:
            imported = pixels.bytes.withUnsafeBufferPointer {
                WebPPictureImportRGBA(&picture, $0.baseAddress, Int32(pixels.stride))
            }
        case .gray, .grayAlpha:
            let expanded = expandGray(pixels)
            let stride = pixels.width * (pixels.layout.hasAlpha ? 4 : 3)
            imported = expanded.withUnsafeBufferPointer {
                pixels.layout.hasAlpha
                    ? WebPPictureImportRGBA(&picture, $0.baseAddress, Int32(stride))
                    : WebPPictureImportRGB(&picture, $0.baseAddress, Int32(stride))
            }
        }
        guard imported != 0 else { throw SigilError(.codec, "libwebp cannot import the pixels (out of memory)") }

        var writer = WebPMemoryWriter()
        WebPMemoryWriterInit(&writer)
        defer { WebPMemoryWriterClear(&writer) }
        let status = withUnsafeMutablePointer(to: &writer) { writerPointer in
            picture.writer = WebPMemoryWrite
            picture.custom_ptr = UnsafeMutableRawPointer(writerPointer)
            return WebPEncode(&config, &picture)
        }
        guard status != 0, let memory = writer.mem else {
            throw SigilError(.codec, "libwebp encoding failed (error code \(picture.error_code.rawValue))")
        }
        return Array(UnsafeBufferPointer(start: memory, count: writer.size))
    }

    private static func expandGray(_ pixels: PixelBuffer) -> [UInt8] {
        let alpha = pixels.layout.hasAlpha
        let outChannels = alpha ? 4 : 3
        let count = pixels.pixelCount * outChannels
        return [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            pixels.bytes.withUnsafeBufferPointer { source in
                let inChannels = pixels.channels
                for index in 0..<pixels.pixelCount {
                    let gray = source[index * inChannels]
                    buffer[index * outChannels] = gray
                    buffer[index * outChannels + 1] = gray
                    buffer[index * outChannels + 2] = gray
                    if alpha { buffer[index * outChannels + 3] = source[index * inChannels + 1] }
                }
            }
            initialized = count
        }
    }

    private static func describe(_ status: VP8StatusCode) -> String {
        switch status {
        case VP8_STATUS_OUT_OF_MEMORY: "out of memory"
        case VP8_STATUS_INVALID_PARAM: "invalid parameter"
        case VP8_STATUS_BITSTREAM_ERROR: "bitstream error"
        case VP8_STATUS_UNSUPPORTED_FEATURE: "unsupported feature"
        case VP8_STATUS_SUSPENDED: "suspended"
        case VP8_STATUS_USER_ABORT: "aborted"
        case VP8_STATUS_NOT_ENOUGH_DATA: "not enough data (truncated)"
        default: "status \(status.rawValue)"
        }
    }
}
