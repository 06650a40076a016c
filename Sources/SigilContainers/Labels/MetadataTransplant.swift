/// Carries a file's metadata over to a re-encoded copy of its pixels.
///
/// When Sigil draws an explicit label, a codec library re-encodes the pixels and drops the metadata. This puts
/// the original ICC profile, EXIF, XMP, IPTC, comments and text chunks back, so only the pixels change.
public enum MetadataTransplant {
    /// After pixels were re-encoded by a codec library: copies the original file's metadata into the freshly
    /// encoded file of the same format, so ICC profile, EXIF, XMP, IPTC, comments and text chunks survive.
    ///
    /// - JPEG: every APPn except APP0 JFIF and APP14 Adobe, and COM segments, in original order, right after SOI
    ///   and one JFIF APP0 at most (the encoder's, else the original's). Encoder segments of the same kind as a
    ///   copied one (same marker and identifier) are dropped.
    /// - PNG: ancillary chunks except those tied to the old pixel format (PLTE, tRNS, sBIT, bKGD, hIST, sPLT, and
    ///   the APNG chunks), right after IHDR and so before the first IDAT. If the original has iCCP or sRGB, the
    ///   encoder's own gAMA/sRGB/cHRM/iCCP are removed first; encoder chunks that may occur once and that the
    ///   original supplies (pHYs, tIME, eXIf, …) are removed too.
    /// - WebP: a VP8X (ICC/EXIF/XMP flags, alpha and canvas from the new bitstream) with ICCP before the image
    ///   chunks and EXIF, XMP after them.
    ///
    /// - Throws: ``SigilError`` `.unsupportedFormat` when either file is not of `format` or the format is TIFF/GIF;
    ///   `.truncated`/`.malformed` when a container is damaged.
    public static func transplant(from original: [UInt8], into encoded: [UInt8], format: MediaFormat, registry: MediaRegistry = .standard) throws
        -> [UInt8]
    {
        guard registry.format(of: original) == format, registry.format(of: encoded) == format else {
            throw SigilError(.unsupportedFormat, "metadata transplant needs two \(format.displayName) files")
        }
        guard let handler = registry.handler(for: format) as? any MetadataTransplanting else {
            throw SigilError(.unsupportedFormat, "Sigil does not carry metadata over to a re-encoded \(format.displayName) file")
        }
        return try handler.transplantMetadata(from: original, into: encoded)
    }

    // MARK: JPEG

    static func jpeg(from original: [UInt8], into encoded: [UInt8]) throws -> [UInt8] {
        let orig = try JPEGStructure(original, headerOnly: true)
        let enc = try JPEGStructure(encoded, headerOnly: true)
        guard let encSOS = enc.segments.firstIndex(where: { $0.marker == 0xDA }) else {
            throw enc.damage.first ?? SigilError(.malformed, "the encoded JPEG has no SOS segment", offset: 2)
        }
        if let damage = orig.damage.first, !orig.segments.contains(where: { $0.marker == 0xDA }) { throw damage }
        let origHeader = orig.segments.prefix { $0.marker != 0xDA }
        let encHeader = enc.segments[..<encSOS]

        func isJFIF(_ s: JPEGStructure.Segment, _ bytes: [UInt8]) -> Bool {
            s.marker == 0xE0 && bytes.matches(ascii: "JFIF\0", at: s.payload.lowerBound)
        }
        func isAdobe(_ s: JPEGStructure.Segment, _ bytes: [UInt8]) -> Bool {
            s.marker == 0xEE && bytes.matches(ascii: "Adobe", at: s.payload.lowerBound)
        }

        let copied = origHeader.filter { ($0.isAPP && !isJFIF($0, original) && !isAdobe($0, original)) || $0.isCOM }
        let copiedKinds = Set(copied.map { kind($0, original) })
        var out: [UInt8] = [0xFF, 0xD8]
        if let jfif = encHeader.first(where: { isJFIF($0, encoded) }) {
            out += encoded[jfif.range]
        } else if let jfif = origHeader.first(where: { isJFIF($0, original) }) {
            out += original[jfif.range]
        }
        for segment in copied { out += original[segment.range] }
        for segment in encHeader where segment.marker != 0xD8 && !isJFIF(segment, encoded) {
            if (segment.isAPP || segment.isCOM) && copiedKinds.contains(kind(segment, encoded)) { continue }
            out += encoded[segment.range]
        }
        out += encoded[enc.segments[encSOS].offset...]
        return out
    }

    /// Marker plus identifier (payload up to the first NUL, at most 40 bytes): segments of one kind.
    private static func kind(_ segment: JPEGStructure.Segment, _ bytes: [UInt8]) -> [UInt8] {
        let window = segment.payload.lowerBound..<min(segment.payload.upperBound, segment.payload.lowerBound + 40)
        let end = bytes.firstIndex(of: [0], in: window) ?? min(window.upperBound, window.lowerBound + 4)
        return [segment.marker] + bytes[window.lowerBound..<end]
    }

    // MARK: PNG

    private static let pixelFormatChunks: Set<String> = [
        "PLTE", "tRNS", "sBIT", "bKGD", "hIST", "sPLT", "acTL", "fcTL", "fdAT", "IHDR", "IDAT", "IEND",
    ]
    private static let colorChunks: Set<String> = ["gAMA", "sRGB", "cHRM", "iCCP"]
    private static let singleChunks: Set<String> = [
        "pHYs", "oFFs", "tIME", "eXIf", "sCAL", "pCAL", "gAMA", "cHRM", "sRGB", "iCCP", "cICP", "mDCv", "cLLi", "sTER",
    ]

    static func png(from original: [UInt8], into encoded: [UInt8]) throws -> [UInt8] {
        let orig = try PNGStructure(original, verifyCRC: false)
        let enc = try PNGStructure(encoded, verifyCRC: false)
        if let damage = enc.damage.first { throw damage }
        guard let ihdr = enc.chunks.first, ihdr.type == "IHDR" else {
            throw SigilError(.malformed, "the encoded PNG does not start with IHDR", offset: 8)
        }
        let copied = orig.chunks.filter { $0.isAncillary && !pixelFormatChunks.contains($0.type) }
        let copiedTypes = Set(copied.map(\.type))
        let originalHasColor = copiedTypes.contains("iCCP") || copiedTypes.contains("sRGB")
        var out = PNGStructure.signature
        out += encoded[ihdr.range]
        for chunk in copied { out += original[chunk.range] }
        for chunk in enc.chunks.dropFirst() {
            if originalHasColor && colorChunks.contains(chunk.type) { continue }
            if singleChunks.contains(chunk.type) && copiedTypes.contains(chunk.type) { continue }
            out += encoded[chunk.range]
        }
        if let end = enc.end { out += encoded[end...] }
        return out
    }

    // MARK: WebP

    static func webp(from original: [UInt8], into encoded: [UInt8]) throws -> [UInt8] {
        let orig = try RIFFStructure(original)
        let enc = try RIFFStructure(encoded)
        if let damage = enc.damage.first { throw damage }
        let iccp = orig.first("ICCP").map { (original, $0) } ?? enc.first("ICCP").map { (encoded, $0) }
        let exif = orig.first("EXIF").map { (original, $0) } ?? enc.first("EXIF").map { (encoded, $0) }
        let xmp = orig.first("XMP ").map { (original, $0) } ?? enc.first("XMP ").map { (encoded, $0) }
        if iccp == nil && exif == nil && xmp == nil { return encoded }

        let imageChunks = enc.chunks.filter { RIFFStructure.imageChunks.contains($0.fourCC) }
        var info: WebPBitstream.Info
        if let vp8x = enc.first("VP8X") {
            info = try WebPBitstream.vp8x(vp8x, in: encoded)
        } else {
            guard let image = imageChunks.first(where: { $0.fourCC == "VP8 " || $0.fourCC == "VP8L" }) else {
                throw SigilError(.malformed, "the encoded WebP has no VP8 or VP8L chunk", offset: 12)
            }
            info = try WebPBitstream.image(image, in: encoded)
            info.hasAlpha = info.hasAlpha || enc.first("ALPH") != nil
        }
        guard info.width > 0, info.height > 0 else {
            throw SigilError(.malformed, "the encoded WebP declares a \(info.width)x\(info.height) canvas", offset: 12)
        }
        var flags: UInt8 = 0
        if iccp != nil { flags |= 0x20 }
        if info.hasAlpha { flags |= 0x10 }
        if exif != nil { flags |= 0x08 }
        if xmp != nil { flags |= 0x04 }
        if info.isAnimated { flags |= 0x02 }
        var body = RIFFChunk.vp8x(flags: flags, width: info.width, height: info.height)
        if let (bytes, chunk) = iccp { body += RIFFChunk.make("ICCP", Array(bytes[chunk.data])) }
        for chunk in imageChunks { body += RIFFChunk.make(chunk.fourCC, Array(encoded[chunk.data])) }
        if let (bytes, chunk) = exif { body += RIFFChunk.make("EXIF", Array(bytes[chunk.data])) }
        if let (bytes, chunk) = xmp { body += RIFFChunk.make("XMP ", Array(bytes[chunk.data])) }
        return Array("RIFF".utf8) + UInt32(body.count + 4).littleEndianBytes(4) + Array("WEBP".utf8) + body
    }
}
