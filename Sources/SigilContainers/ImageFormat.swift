/// The image container formats Sigil reads.
public enum ImageFormat: String, Sendable, Hashable, Codable, CaseIterable {
    /// JPEG (JFIF/Exif), `FF D8 FF`.
    case jpeg
    /// PNG, including APNG.
    case png
    /// WebP (RIFF): simple lossy, simple lossless or extended (VP8X).
    case webp
    /// TIFF, either byte order (not BigTIFF).
    case tiff
    /// GIF87a or GIF89a.
    case gif

    /// The format's magic bytes at the start of `bytes`, or nil when none matches.
    static func sniff(_ bytes: [UInt8]) -> ImageFormat? {
        if bytes.matches([0xFF, 0xD8, 0xFF], at: 0) { return .jpeg }
        if bytes.matches(PNGStructure.signature, at: 0) { return .png }
        if bytes.matches(ascii: "RIFF", at: 0) && bytes.matches(ascii: "WEBP", at: 8) { return .webp }
        if bytes.matches([0x49, 0x49, 0x2A, 0x00], at: 0) || bytes.matches([0x4D, 0x4D, 0x00, 0x2A], at: 0) { return .tiff }
        if bytes.matches(ascii: "GIF87a", at: 0) || bytes.matches(ascii: "GIF89a", at: 0) { return .gif }
        return nil
    }

    /// Another format's signature found where a polyglot would put it, e.g. an ISO-BMFF `ftyp` box at offset 4
    /// of a file that starts like a JPEG. Returns a description of the clash.
    static func polyglotClash(_ bytes: [UInt8], primary: ImageFormat) -> String? {
        if bytes.matches(ascii: "ftyp", at: 4) {
            return "the file starts with \(primary.displayName) magic but also has an ISO-BMFF 'ftyp' box at offset 4"
        }
        return nil
    }

    /// The name people use for the format.
    public var displayName: String {
        switch self {
        case .jpeg: "JPEG"
        case .png: "PNG"
        case .webp: "WebP"
        case .tiff: "TIFF"
        case .gif: "GIF"
        }
    }
}
