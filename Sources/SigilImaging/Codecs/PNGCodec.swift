import CPNG
import SigilCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What a decoded PNG's IHDR says.
public struct PNGInfo: Sendable, Hashable {
    /// The IHDR colour type.
    public enum ColorType: Int, Sendable, Hashable {
        case gray = 0
        case rgb = 2
        case palette = 3
        case grayAlpha = 4
        case rgba = 6
    }

    /// Bits per sample in the file: 1, 2, 4, 8 or 16.
    public var bitDepth: Int
    /// The file's colour type.
    public var colorType: ColorType
    /// Whether the file is Adam7-interlaced.
    public var interlaced: Bool
    /// Whether the decoded pixels carry alpha (an alpha colour type or a tRNS chunk).
    public var hasAlpha: Bool

    /// Creates the value.
    public init(bitDepth: Int, colorType: ColorType, interlaced: Bool, hasAlpha: Bool) {
        self.bitDepth = bitDepth
        self.colorType = colorType
        self.interlaced = interlaced
        self.hasAlpha = hasAlpha
    }
}

/// PNG decoding and encoding through libpng's simplified API (no `setjmp`/`longjmp`).
public enum PNGCodec {
    /// Decodes any PNG (1/2/4/8/16-bit; gray, palette, alpha, tRNS; interlaced) to 8 bits per channel.
    ///
    /// The layout keeps what the source has: `.gray`, `.grayAlpha`, `.rgb` or `.rgba` (a palette becomes `.rgb`, or
    /// `.rgba` with tRNS). 16-bit samples without gAMA/sRGB are taken as sRGB-encoded. The pixel limit is checked
    /// after the header is read and before the pixel memory is allocated.
    ///
    /// - Throws: ``SigilError`` `.tooLarge` over `maxPixels`, `.codec` with libpng's message otherwise.
    public static func decode(_ bytes: [UInt8], maxPixels: Int) throws -> DecodedImage {
        let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        guard bytes.count >= 33, Array(bytes[0..<8]) == signature,
            bytes[12] == 0x49, bytes[13] == 0x48, bytes[14] == 0x44, bytes[15] == 0x52
        else {
            throw SigilError(.codec, "not a PNG (bad signature or no IHDR first)")
        }
        guard let colorType = PNGInfo.ColorType(rawValue: Int(bytes[25])) else {
            throw SigilError(.codec, "PNG colour type \(bytes[25]) is invalid", offset: 25)
        }

        return try bytes.withUnsafeBufferPointer { source in
            var image = png_image()
            image.version = UInt32(PNG_IMAGE_VERSION)
            guard png_image_begin_read_from_memory(&image, source.baseAddress, source.count) != 0 else {
                let error = SigilError(.codec, "libpng: \(message(of: &image))")
                png_image_free(&image)
                throw error
            }
            defer { png_image_free(&image) }

            let width = Int(image.width)
            let height = Int(image.height)
            let pixelCount = width * height
            guard pixelCount <= maxPixels else {
                throw SigilError(.tooLarge, "PNG is \(width)×\(height) = \(pixelCount) pixels, over the limit of \(maxPixels)")
            }
            guard width > 0, height > 0 else { throw SigilError(.codec, "PNG header declares an empty image") }

            let sourceFormat = image.format
            let hasAlpha = sourceFormat & UInt32(PNG_FORMAT_FLAG_ALPHA) != 0
            let hasColor = sourceFormat & UInt32(PNG_FORMAT_FLAG_COLOR) != 0
            let layout: PixelBuffer.Layout =
                switch (hasColor, hasAlpha) {
                case (false, false): .gray
                case (false, true): .grayAlpha
                case (true, false): .rgb
                case (true, true): .rgba
                }
            image.format = (hasColor ? UInt32(PNG_FORMAT_FLAG_COLOR) : 0) | (hasAlpha ? UInt32(PNG_FORMAT_FLAG_ALPHA) : 0)
            image.flags |= UInt32(PNG_IMAGE_FLAG_16BIT_sRGB)

            let count = pixelCount * layout.channels
            var failure: SigilError?
            let data = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
                if png_image_finish_read(&image, nil, buffer.baseAddress, 0, nil) != 0 {
                    initialized = count
                } else {
                    failure = SigilError(.codec, "libpng: \(message(of: &image))")
                    initialized = 0
                }
            }
            if let failure { throw failure }

            let info = PNGInfo(
                bitDepth: Int(source[24]), colorType: colorType, interlaced: source[28] != 0,
                hasAlpha: hasAlpha)
            return DecodedImage(pixels: PixelBuffer(width: width, height: height, layout: layout, bytes: data), png: info)
        }
    }

    /// Encodes pixels as an 8-bit PNG of the matching colour type (gray, gray+alpha, RGB, RGBA).
    ///
    /// - Throws: ``SigilError`` `.codec` with libpng's message.
    public static func encode(_ pixels: PixelBuffer) throws -> [UInt8] {
        guard pixels.isConsistent else { throw SigilError(.usage, "pixel buffer size does not match its byte count") }
        guard pixels.width <= Int(UInt32.max), pixels.height <= Int(UInt32.max) else {
            throw SigilError(.tooLarge, "image is too large for PNG")
        }
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        image.width = UInt32(pixels.width)
        image.height = UInt32(pixels.height)
        image.format =
            (pixels.layout.hasColor ? UInt32(PNG_FORMAT_FLAG_COLOR) : 0)
            | (pixels.layout.hasAlpha ? UInt32(PNG_FORMAT_FLAG_ALPHA) : 0)
        // Speed over the last few percent of compression: re-encoding after an explicit label is on the hot path.
        image.flags |= UInt32(PNG_IMAGE_FLAG_FAST)
        defer { png_image_free(&image) }

        var capacity = cpng_image_png_size_max(&image)
        guard capacity > 0, let memory = malloc(capacity) else {
            throw SigilError(.codec, "cannot allocate \(capacity) bytes for the PNG")
        }
        defer { free(memory) }
        let status = pixels.bytes.withUnsafeBufferPointer { source in
            png_image_write_to_memory(&image, memory, &capacity, 0, source.baseAddress, 0, nil)
        }
        guard status != 0 else { throw SigilError(.codec, "libpng: \(message(of: &image))") }
        return Array(UnsafeBufferPointer(start: memory.assumingMemoryBound(to: UInt8.self), count: capacity))
    }

    private static func message(of image: inout png_image) -> String {
        withUnsafeBytes(of: &image.message) { raw in
            let bytes = raw.prefix { $0 != 0 }
            let text = String(decoding: bytes, as: UTF8.self)
            return text.isEmpty ? "unknown error" : text
        }
    }
}
