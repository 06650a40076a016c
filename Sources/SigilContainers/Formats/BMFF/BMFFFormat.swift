extension MediaFormat {
    /// MP4 (ISO BMFF): video by default (also M4V and 3GP).
    public static let mp4 = MediaFormat(id: "mp4", displayName: "MP4", kind: .video, mimeTypes: ["video/mp4"], extensions: ["mp4", "m4v", "3gp"])
    /// QuickTime MOV (brand `qt  `).
    public static let mov = MediaFormat(id: "mov", displayName: "MOV", kind: .video, mimeTypes: ["video/quicktime"], extensions: ["mov"])
    /// M4A: MPEG-4 audio (brand `M4A `/`M4B `).
    public static let m4a = MediaFormat(
        id: "m4a", displayName: "M4A", kind: .audio, mimeTypes: ["audio/mp4", "audio/x-m4a"], extensions: ["m4a", "m4b"])
    /// HEIF/HEIC/AVIF images (brands `heic`, `mif1`, `avif`, …).
    public static let heif = MediaFormat(
        id: "heif", displayName: "HEIF", kind: .image, mimeTypes: ["image/heif", "image/heic", "image/avif"], extensions: ["heic", "heif", "avif"])
}

/// ISO BMFF video (MP4, M4V, 3GP and QuickTime MOV), told apart by the `ftyp` major brand; M4A (``M4AFormat``) and
/// HEIF (``HEIFFormat``) have their own handlers. The label is the `mdta` key `AIGC` in `moov/udta/meta`
/// (PG-20257A), written by ``BMFFMetadataWriter`` by rewriting `moov` only (``StreamingLabelWriting``): Apple `©xyz`
/// items, `udta` strings and `meta` boxes under `trak` are kept, and the media data is copied as spans. A
/// fragmented file (`moof`) is labeled only when the new `moov` fits the `free` room beside it. Labels are read
/// from the other sites ``BMFFLabelReader`` knows too. C2PA is read from and written into the top-level C2PA `uuid`
/// box right after `ftyp`, bound by `c2pa.hash.bmff.v3` (``ManifestBoxLocating``, decision 0209), placed by editing
/// `moov` and inserting the box (``StreamingManifestCarrying``: a video is signed without being read into memory);
/// fragmented files are refused. The essence is the `mdat` payloads.
public struct BMFFFormat: LabelReading, StreamingLabelWriting, EssenceLocating, ManifestBoxLocating, StreamingManifestCarrying {
    public init() {}
    public var formats: [MediaFormat] { [.mp4, .mov] }

    public func identify(_ prefix: [UInt8]) -> MediaFormat? {
        guard prefix.matches(ascii: "ftyp", at: 4), prefix.count >= 12 else { return nil }
        switch String(decoding: prefix[8..<12], as: UTF8.self) {
        case "qt  ": return .mov
        case let brand where M4AFormat.brands.contains(brand) || HEIFFormat.brands.contains(brand): return nil
        default: return .mp4
        }
    }

    public func scanLabels(_ bytes: [UInt8], into scan: inout ContainerScan) {
        BMFFLabelReader.scan(bytes, name: name(of: bytes), into: &scan)
    }

    public func writeLabel(_ label: LabelAssignment, into bytes: [UInt8]) throws -> [UInt8] {
        try labelEdits(label, in: MemoryByteSource(bytes)).apply(to: bytes)
    }

    public func labelEdits(_ label: LabelAssignment, in source: any ByteSource) throws -> EditPlan {
        let name = name(of: try source.read(0..<min(12, source.count)))
        return try BMFFMetadataWriter(source: source, name: name).edits(key: "AIGC", value: label.json)
    }

    public func essenceRanges(in source: any ByteSource) throws -> [Range<Int>] {
        let media = try BMFFWalker.topLevel(source).filter { $0.type == "mdat" }.map(\.payload)
        guard !media.isEmpty else { throw SigilError(.malformed, "the MP4/MOV file has no mdat box", offset: 0) }
        return media
    }

    public func findManifestStores(in bytes: [UInt8]) throws -> [EmbeddedManifestStore] { try BMFFManifestCarrier.find(bytes) }
    public func manifestRemovalEdits(in source: any ByteSource) throws -> EditPlan {
        try BMFFManifestCarrier.removalEdits(in: source, name: name(of: try source.read(0..<min(12, source.count))))
    }
    public func manifestEdits(_ store: [UInt8], in source: any ByteSource) throws -> (plan: EditPlan, containerRange: Range<Int>) {
        try BMFFManifestCarrier.edits(store, in: source, name: name(of: try source.read(0..<min(12, source.count))))
    }
    public func manifestBoxes(in source: any ByteSource) throws -> [BMFFBox] { try BMFFWalker.tree(source) }

    /// The display name of the format the first bytes name, for messages.
    func name(of prefix: [UInt8]) -> String {
        identify(Array(prefix.prefix(12)))?.displayName ?? "BMFF"
    }
}
