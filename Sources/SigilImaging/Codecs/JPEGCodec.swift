import CTurboJPEG
import SigilCore

/// What a decoded JPEG's header says, kept so a re-encode can match the original.
public struct JPEGInfo: Sendable, Hashable {
    /// Chroma subsampling as a TurboJPEG `TJSAMP` raw value (`TJSAMP_444` = 0 … `TJSAMP_411` = 5).
    public var subsampling: Int32
    /// Quality 1...100 estimated from the luminance quantisation table (see ``JPEGCodec/estimateQuality(_:)``);
    /// 90 when the file carries no usable table.
    public var quality: Int
    /// Whether ``quality`` was estimated from the file (`false` when it is the fallback).
    public var qualityEstimated: Bool

    /// Creates the value.
    public init(subsampling: Int32, quality: Int, qualityEstimated: Bool = true) {
        self.subsampling = subsampling
        self.quality = quality
        self.qualityEstimated = qualityEstimated
    }
}

/// JPEG decoding and encoding through TurboJPEG (libjpeg-turbo 2.x API).
public enum JPEGCodec {
    /// Quality assumed when a JPEG's quantisation tables cannot be read.
    public static let fallbackQuality = 90

    /// TurboJPEG subsampling codes (`TJSAMP` raw values), so callers need not import the C module.
    public enum Subsampling {
        /// 4:4:4, no chroma subsampling.
        public static let s444 = Int32(TJSAMP_444.rawValue)
        /// 4:2:2.
        public static let s422 = Int32(TJSAMP_422.rawValue)
        /// 4:2:0.
        public static let s420 = Int32(TJSAMP_420.rawValue)
        /// Grayscale.
        public static let gray = Int32(TJSAMP_GRAY.rawValue)
        /// 4:4:0.
        public static let s440 = Int32(TJSAMP_440.rawValue)
        /// 4:1:1.
        public static let s411 = Int32(TJSAMP_411.rawValue)
    }

    /// Decodes a JPEG to `.rgb` (or `.gray` for a grayscale JPEG; CMYK/YCCK are converted to `.rgb`).
    ///
    /// The header's `width * height` is checked against `maxPixels` before any pixel memory is allocated.
    /// Warnings are errors: a truncated or corrupt JPEG throws rather than decoding to a grey tail. The one
    /// exception is libjpeg's "extraneous bytes before marker", which many real cameras and editors produce and
    /// which loses no image data.
    ///
    /// - Throws: ``SigilError`` `.tooLarge` over the limit, `.codec` with TurboJPEG's message otherwise.
    public static func decode(_ bytes: [UInt8], maxPixels: Int) throws -> DecodedImage {
        guard bytes.count >= 4, bytes[0] == 0xFF, bytes[1] == 0xD8 else {
            throw SigilError(.codec, "not a JPEG (no SOI marker)")
        }
        guard let handle = tjInitDecompress() else {
            throw SigilError(.codec, "TurboJPEG: cannot create a decompressor")
        }
        defer { tjDestroy(handle) }

        return try bytes.withUnsafeBufferPointer { source in
            let base = source.baseAddress!
            let size = UInt(source.count)
            var width: Int32 = 0
            var height: Int32 = 0
            var subsampling: Int32 = 0
            var colorspace: Int32 = 0
            guard tjDecompressHeader3(handle, base, size, &width, &height, &subsampling, &colorspace) == 0 else {
                throw codecError(handle, "reading the JPEG header")
            }
            guard width > 0, height > 0 else { throw SigilError(.codec, "JPEG header declares an empty image") }
            let pixelCount = Int(width) * Int(height)
            guard pixelCount <= maxPixels else {
                throw SigilError(.tooLarge, "JPEG is \(width)×\(height) = \(pixelCount) pixels, over the limit of \(maxPixels)")
            }

            let flags = TJFLAG_LIMITSCANS
            let isGray = colorspace == Int32(TJCS_GRAY.rawValue)
            let isCMYK = colorspace == Int32(TJCS_CMYK.rawValue) || colorspace == Int32(TJCS_YCCK.rawValue)
            let pixels: PixelBuffer
            if isCMYK {
                let cmyk = try decompress(
                    handle, base, size, width, height, channels: 4,
                    format: Int32(TJPF_CMYK.rawValue), flags: flags)
                pixels = PixelBuffer(width: Int(width), height: Int(height), layout: .rgb, bytes: cmykToRGB(cmyk))
            } else {
                let layout: PixelBuffer.Layout = isGray ? .gray : .rgb
                let format = isGray ? Int32(TJPF_GRAY.rawValue) : Int32(TJPF_RGB.rawValue)
                let data = try decompress(
                    handle, base, size, width, height, channels: layout.channels,
                    format: format, flags: flags)
                pixels = PixelBuffer(width: Int(width), height: Int(height), layout: layout, bytes: data)
            }
            let estimated = estimateQuality(source)
            let info = JPEGInfo(
                subsampling: subsampling, quality: estimated ?? fallbackQuality,
                qualityEstimated: estimated != nil)
            return DecodedImage(pixels: pixels, jpeg: info)
        }
    }

    /// Encodes pixels as a baseline JPEG.
    ///
    /// Gray stays gray (whatever `subsampling` says); alpha is dropped.
    /// - Parameters:
    ///   - quality: 1...100.
    ///   - subsampling: a TurboJPEG `TJSAMP` raw value, e.g. `Int32(TJSAMP_420.rawValue)`; typically the source's.
    /// - Throws: ``SigilError`` `.usage` for an out-of-range argument, `.codec` when TurboJPEG fails.
    public static func encode(_ pixels: PixelBuffer, quality: Int, subsampling: Int32) throws -> [UInt8] {
        guard pixels.isConsistent else { throw SigilError(.usage, "pixel buffer size does not match its byte count") }
        guard (1...100).contains(quality) else { throw SigilError(.usage, "JPEG quality \(quality) is outside 1...100") }
        guard (0..<Int32(TJ_NUMSAMP)).contains(subsampling) else {
            throw SigilError(.usage, "JPEG subsampling \(subsampling) is not a TurboJPEG TJSAMP value")
        }
        guard let handle = tjInitCompress() else { throw SigilError(.codec, "TurboJPEG: cannot create a compressor") }
        defer { tjDestroy(handle) }

        switch pixels.layout {
        case .gray:
            return try compress(
                handle, pixels.bytes, pixels, format: Int32(TJPF_GRAY.rawValue),
                subsampling: Int32(TJSAMP_GRAY.rawValue), quality: quality)
        case .grayAlpha:
            let gray = [UInt8](unsafeUninitializedCapacity: pixels.pixelCount) { buffer, initialized in
                pixels.bytes.withUnsafeBufferPointer { source in
                    for index in 0..<pixels.pixelCount { buffer[index] = source[index * 2] }
                }
                initialized = pixels.pixelCount
            }
            return try compress(
                handle, gray, pixels, format: Int32(TJPF_GRAY.rawValue),
                subsampling: Int32(TJSAMP_GRAY.rawValue), quality: quality)
        case .rgb:
            return try compress(
                handle, pixels.bytes, pixels, format: Int32(TJPF_RGB.rawValue),
                subsampling: subsampling, quality: quality)
        case .rgba:
            // TJPF_RGBX: TurboJPEG ignores the fourth byte when compressing.
            return try compress(
                handle, pixels.bytes, pixels, format: Int32(TJPF_RGBX.rawValue),
                subsampling: subsampling, quality: quality)
        }
    }

    // MARK: - Internals

    private static func decompress(
        _ handle: tjhandle, _ base: UnsafePointer<UInt8>, _ size: UInt, _ width: Int32, _ height: Int32,
        channels: Int, format: Int32, flags: Int32
    ) throws -> [UInt8] {
        let count = Int(width) * Int(height) * channels
        var failure: SigilError?
        let data = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            if tjDecompress2(handle, base, size, buffer.baseAddress, width, 0, height, format, flags) == 0
                || isHarmlessWarning(handle)
            {
                initialized = count
            } else {
                failure = codecError(handle, "decoding the JPEG")
                initialized = 0
            }
        }
        if let failure { throw failure }
        return data
    }

    /// Whether the last TurboJPEG failure was only the harmless "extraneous bytes before marker" warning.
    private static func isHarmlessWarning(_ handle: tjhandle) -> Bool {
        guard tjGetErrorCode(handle) == Int32(TJERR_WARNING.rawValue), let message = tjGetErrorStr2(handle) else { return false }
        return String(cString: message).contains("extraneous bytes before marker")
    }

    private static func compress(
        _ handle: tjhandle, _ data: [UInt8], _ pixels: PixelBuffer, format: Int32, subsampling: Int32, quality: Int
    ) throws -> [UInt8] {
        var output: UnsafeMutablePointer<UInt8>?
        var outputSize: UInt = 0
        defer { if let output { tjFree(output) } }
        let status = data.withUnsafeBufferPointer { source in
            tjCompress2(
                handle, source.baseAddress, Int32(pixels.width), 0, Int32(pixels.height), format,
                &output, &outputSize, subsampling, Int32(quality), 0)
        }
        guard status == 0, let output else { throw codecError(handle, "encoding the JPEG") }
        return Array(UnsafeBufferPointer(start: output, count: Int(outputSize)))
    }

    private static func codecError(_ handle: tjhandle, _ doing: String) -> SigilError {
        let message = tjGetErrorStr2(handle).map { String(cString: $0) } ?? "unknown error"
        let kind = tjGetErrorCode(handle) == Int32(TJERR_WARNING.rawValue) ? "warning treated as error" : "error"
        return SigilError(.codec, "TurboJPEG \(kind) while \(doing): \(message)")
    }

    /// Adobe CMYK JPEGs store inverted inks, so `R = C·K/255` on the stored values.
    private static func cmykToRGB(_ cmyk: [UInt8]) -> [UInt8] {
        let pixelCount = cmyk.count / 4
        return [UInt8](unsafeUninitializedCapacity: pixelCount * 3) { buffer, initialized in
            cmyk.withUnsafeBufferPointer { source in
                for index in 0..<pixelCount {
                    let k = Int(source[index * 4 + 3])
                    for channel in 0..<3 {
                        buffer[index * 3 + channel] = UInt8((Int(source[index * 4 + channel]) * k + 127) / 255)
                    }
                }
            }
            initialized = pixelCount * 3
        }
    }
}
