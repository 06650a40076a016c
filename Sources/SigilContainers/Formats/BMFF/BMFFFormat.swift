extension MediaFormat {
    /// MP4 (ISO BMFF): video by default.
    public static let mp4 = MediaFormat(id: "mp4", displayName: "MP4", kind: .video, mimeTypes: ["video/mp4"], extensions: ["mp4", "m4v"])
    /// QuickTime MOV (brand `qt  `).
    public static let mov = MediaFormat(id: "mov", displayName: "MOV", kind: .video, mimeTypes: ["video/quicktime"], extensions: ["mov"])
    /// M4A: MPEG-4 audio (brand `M4A `/`M4B `).
    public static let m4a = MediaFormat(
        id: "m4a", displayName: "M4A", kind: .audio, mimeTypes: ["audio/mp4", "audio/x-m4a"], extensions: ["m4a", "m4b"])
    /// HEIF/HEIC/AVIF images (brands `heic`, `mif1`, `avif`, …).
    public static let heif = MediaFormat(
        id: "heif", displayName: "HEIF", kind: .image, mimeTypes: ["image/heif", "image/heic", "image/avif"], extensions: ["heic", "heif", "avif"])
}

/// ISO BMFF (MP4, MOV, HEIF), told apart by the `ftyp` major brand; M4A has its own handler (``M4AFormat``), which
/// writes labels. C2PA is read from the top-level C2PA `uuid` box; labels are read from `moov/udta/meta` and the
/// other sites ``BMFFLabelReader`` knows; writing them comes with the video work (``BMFFMetadataWriter``).
public struct BMFFFormat: LabelReading, ManifestCarrying {
    public init() {}
    public var formats: [MediaFormat] { [.mp4, .mov, .heif] }
    public var embedsManifests: Bool { false }

    public func identify(_ prefix: [UInt8]) -> MediaFormat? {
        guard prefix.matches(ascii: "ftyp", at: 4), prefix.count >= 12 else { return nil }
        switch String(decoding: prefix[8..<12], as: UTF8.self) {
        case "qt  ": return .mov
        case let brand where M4AFormat.brands.contains(brand): return nil
        case "heic", "heix", "heim", "heis", "hevc", "hevx", "mif1", "msf1", "avif", "avis": return .heif
        default: return .mp4
        }
    }

    public func scanLabels(_ bytes: [UInt8], into scan: inout ContainerScan) {
        BMFFLabelReader.scan(bytes, name: identify(Array(bytes.prefix(12)))?.displayName ?? "BMFF", into: &scan)
    }

    public func findManifestStores(in bytes: [UInt8]) throws -> [EmbeddedManifestStore] { try BMFFManifestCarrier.find(bytes) }
    public func removeManifestStores(from bytes: [UInt8]) throws -> [UInt8] {
        throw SigilError(.unsupportedFormat, "Sigil reads C2PA in ISO BMFF (MP4/MOV) but does not write it yet")
    }
    public func embedManifestStore(_ store: [UInt8], into bytes: [UInt8]) throws -> (bytes: [UInt8], containerRange: Range<Int>) {
        throw SigilError(.unsupportedFormat, "Sigil reads C2PA in ISO BMFF (MP4/MOV) but does not write it yet")
    }
}
