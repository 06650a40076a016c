/// HEIF, HEIC and AVIF images (ISO BMFF with an image brand): labels are read from the sites ``BMFFLabelReader``
/// knows and C2PA from the top-level C2PA `uuid` box; Sigil does not write HEIF labels or C2PA yet (an image's XMP
/// item is the label's site, not the video one; a C2PA box would move the `iloc` item offsets, decision 0209).
public struct HEIFFormat: LabelReading, ManifestCarrying {
    public init() {}
    public var formats: [MediaFormat] { [.heif] }
    public var embedsManifests: Bool { false }

    /// The `ftyp` major brands of HEIF images.
    static let brands: Set<String> = ["heic", "heix", "heim", "heis", "hevc", "hevx", "mif1", "msf1", "avif", "avis"]

    public func identify(_ prefix: [UInt8]) -> MediaFormat? {
        guard prefix.matches(ascii: "ftyp", at: 4), prefix.count >= 12 else { return nil }
        return Self.brands.contains(String(decoding: prefix[8..<12], as: UTF8.self)) ? .heif : nil
    }

    public func scanLabels(_ bytes: [UInt8], into scan: inout ContainerScan) {
        BMFFLabelReader.scan(bytes, name: "HEIF", into: &scan)
    }

    public func findManifestStores(in bytes: [UInt8]) throws -> [EmbeddedManifestStore] { try BMFFManifestCarrier.find(bytes) }
    public func removeManifestStores(from bytes: [UInt8]) throws -> [UInt8] {
        throw SigilError(.unsupportedFormat, "Sigil reads C2PA in HEIF but does not write it yet")
    }
    public func embedManifestStore(_ store: [UInt8], into bytes: [UInt8]) throws -> (bytes: [UInt8], containerRange: Range<Int>) {
        throw SigilError(.unsupportedFormat, "Sigil reads C2PA in HEIF but does not write it yet")
    }
}
