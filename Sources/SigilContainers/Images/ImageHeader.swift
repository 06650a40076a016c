/// Format, size and orientation of an image, read from its headers without decoding pixels.
///
/// ```swift
/// let header = try ImageHeader.read(bytes)
/// print(header.format, header.width, header.height)  // png 1024 768
/// ```
public struct ImageHeader: Sendable, Hashable {
    /// The container format.
    public var format: MediaFormat
    /// Stored width in pixels (before any EXIF orientation is applied; the WebP canvas for extended files).
    public var width: Int
    /// Stored height in pixels.
    public var height: Int
    /// EXIF orientation 1...8, from JPEG APP1 Exif, PNG eXIf or the WebP EXIF chunk (and TIFF IFD0);
    /// 1 when absent or invalid.
    public var orientation: Int
    /// Animated WebP (ANIM flag), animated PNG (acTL) or GIF with more than one frame.
    public var isAnimated: Bool
    /// Best effort from the header: PNG colour type or tRNS, WebP alpha flag/VP8L bit/ALPH, GIF transparency,
    /// TIFF extra samples. Always false for JPEG.
    public var hasAlpha: Bool

    public init(format: MediaFormat, width: Int, height: Int, orientation: Int = 1, isAnimated: Bool = false, hasAlpha: Bool = false) {
        self.format = format
        self.width = width
        self.height = height
        self.orientation = orientation
        self.isAnimated = isAnimated
        self.hasAlpha = hasAlpha
    }

    /// The image format `registry` recognises in `bytes` (one whose handler reads image headers); nil otherwise.
    public static func sniff(_ bytes: [UInt8], registry: MediaRegistry = .standard) -> MediaFormat? {
        guard let identified = registry.identify(bytes), identified.handler is any ImageHeaderReading else { return nil }
        return identified.format
    }

    /// Reads format and dimensions without decoding pixels (JPEG SOFn, PNG IHDR, WebP VP8/VP8L/VP8X, TIFF, GIF).
    ///
    /// - Throws: ``SigilError`` `.unsupportedFormat` for unknown bytes or a format that is not an image with a
    ///   header Sigil reads, `.truncated` or `.malformed` (naming the structure and offset) when the header cannot
    ///   be read.
    public static func read(_ bytes: [UInt8], registry: MediaRegistry = .standard) throws -> ImageHeader {
        guard let identified = registry.identify(bytes) else { throw registry.unrecognised(bytes) }
        guard let reader = identified.handler as? any ImageHeaderReading else {
            throw SigilError(.unsupportedFormat, "\(identified.format.displayName) is not an image format Sigil reads pixels of", offset: 0)
        }
        return try reader.imageHeader(bytes)
    }

    static func validOrientation(_ value: Int?) -> Int {
        guard let value, (1...8).contains(value) else { return 1 }
        return value
    }

    private static func orientation(fromEXIF tiff: [UInt8], base: Int) -> Int {
        var ignored = ContainerScan(format: nil)
        return validOrientation(EXIFReader.read(tiff, base: base, site: "EXIF", collectCarriers: false, into: &ignored).orientation)
    }

    private static func checkDimensions(_ width: Int, _ height: Int, _ structure: String, at offset: Int) throws {
        guard width > 0, height > 0 else {
            throw SigilError.malformed(structure, at: offset, "declares a \(width)x\(height) image")
        }
    }

    static func readJPEG(_ bytes: [UInt8]) throws -> ImageHeader {
        let structure = try JPEGStructure(bytes, headerOnly: true)
        var orientation = 1
        for segment in structure.segments {
            if JPEGStructure.isExif(segment, in: bytes), orientation == 1 {
                let start = segment.payload.lowerBound + 6
                if start <= segment.payload.upperBound {
                    orientation = Self.orientation(fromEXIF: Array(bytes[start..<segment.payload.upperBound]), base: start)
                }
            }
            if segment.isSOF {
                let p = segment.payload.lowerBound
                guard segment.payload.count >= 6 else {
                    throw SigilError.malformed(
                        "JPEG \(JPEGStructure.name(of: segment.marker)) segment", at: segment.offset,
                        "is \(segment.payload.count) bytes, too short for a frame header")
                }
                let height = bytes.u16be(p + 1)
                let width = bytes.u16be(p + 3)
                // Height 0 means "defined by DNL later"; Sigil does not support that rare form.
                try checkDimensions(width, height, "JPEG \(JPEGStructure.name(of: segment.marker)) segment", at: segment.offset)
                return ImageHeader(format: .jpeg, width: width, height: height, orientation: orientation)
            }
        }
        if let error = structure.damage.first { throw error }
        throw SigilError(.malformed, "JPEG file has no SOF segment before its image data", offset: structure.segments.last?.offset ?? 2)
    }

    static func readPNG(_ bytes: [UInt8]) throws -> ImageHeader {
        let structure = try PNGStructure(bytes, verifyCRC: false)
        guard let first = structure.chunks.first else {
            throw structure.damage.first ?? SigilError(.truncated, "PNG file has no chunks after its signature", offset: 8)
        }
        guard first.type == "IHDR" else {
            throw SigilError.malformed("PNG chunk \(first.type)", at: first.offset, "comes first, but the first chunk must be IHDR")
        }
        guard first.data.count >= 13 else {
            throw SigilError.malformed("PNG IHDR chunk", at: first.offset, "has \(first.data.count) bytes instead of 13")
        }
        let d = first.data.lowerBound
        let width = bytes.u32be(d)
        let height = bytes.u32be(d + 4)
        try checkDimensions(width, height, "PNG IHDR chunk", at: first.offset)
        let colorType = bytes[d + 9]
        var header = ImageHeader(format: .png, width: width, height: height, hasAlpha: colorType == 4 || colorType == 6)
        for chunk in structure.chunks {
            switch chunk.type {
            case "tRNS": header.hasAlpha = true
            case "acTL": header.isAnimated = true
            case "eXIf":
                var start = chunk.data.lowerBound
                if bytes.matches(Array("Exif\0\0".utf8), at: start) { start += 6 }
                if start <= chunk.data.upperBound {
                    header.orientation = orientation(fromEXIF: Array(bytes[start..<chunk.data.upperBound]), base: start)
                }
            default: break
            }
        }
        return header
    }

    static func readWebP(_ bytes: [UInt8]) throws -> ImageHeader {
        let structure = try RIFFStructure(bytes)
        var info: WebPBitstream.Info?
        var orientation = 1
        var hasALPH = false
        var isAnimated = false
        for chunk in structure.chunks {
            switch chunk.fourCC {
            case "VP8X": info = try WebPBitstream.vp8x(chunk, in: bytes)
            case "VP8 ", "VP8L": if info == nil { info = try WebPBitstream.image(chunk, in: bytes) }
            case "ALPH": hasALPH = true
            case "ANIM", "ANMF": isAnimated = true
            case "EXIF":
                var start = chunk.data.lowerBound
                if bytes.matches(Array("Exif\0\0".utf8), at: start) { start += 6 }
                orientation = Self.orientation(fromEXIF: Array(bytes[start..<max(start, chunk.data.upperBound)]), base: start)
            default: break
            }
        }
        guard let info else {
            throw structure.damage.first ?? SigilError(.malformed, "WebP file has no VP8X, VP8 or VP8L chunk", offset: 12)
        }
        try checkDimensions(info.width, info.height, "WebP image header", at: 12)
        return ImageHeader(
            format: .webp, width: info.width, height: info.height, orientation: orientation, isAnimated: info.isAnimated || isAnimated,
            hasAlpha: info.hasAlpha || hasALPH)
    }

    static func readTIFF(_ bytes: [UInt8]) throws -> ImageHeader {
        var scan = ContainerScan(format: .tiff)
        let contents = EXIFReader.read(bytes, base: 0, site: "TIFF", isTIFFFile: true, collectCarriers: false, into: &scan)
        guard let width = contents.width, let height = contents.height else {
            if let damage = scan.findings.first {
                throw SigilError(damage.code == .structureTruncated ? .truncated : .malformed, damage.message, offset: damage.offset)
            }
            throw SigilError(.malformed, "TIFF IFD0 has no ImageWidth/ImageLength tags", offset: 4)
        }
        try checkDimensions(width, height, "TIFF IFD0", at: 4)
        return ImageHeader(
            format: .tiff, width: width, height: height, orientation: validOrientation(contents.orientation),
            hasAlpha: contents.extraSamples.contains { $0 == 1 || $0 == 2 })
    }

    static func readGIF(_ bytes: [UInt8]) throws -> ImageHeader {
        let structure = try GIFStructure(bytes)
        try checkDimensions(structure.width, structure.height, "GIF logical screen descriptor", at: 6)
        return ImageHeader(
            format: .gif, width: structure.width, height: structure.height, isAnimated: structure.frameCount > 1, hasAlpha: structure.hasTransparency)
    }
}
