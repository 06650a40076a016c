/// M4A (MPEG-4 audio in ISO BMFF, brands `M4A `, `M4B `, `M4P `, `F4A `): the label is the `mdta` key `AIGC` in
/// `moov/udta/meta` with its `ilst` item (PG-202510A, as PG-20257A for video), written by
/// ``BMFFMetadataWriter``; iTunes tags (`udta/meta` with handler `mdir`) are kept. Labels are written by rewriting
/// `moov` only (``StreamingLabelWriting``). The essence is the `mdat` payloads. C2PA is read and written as in MP4.
public struct M4AFormat: LabelReading, StreamingLabelWriting, EssenceLocating, ManifestBoxLocating, StreamingManifestCarrying {
    public init() {}
    public var formats: [MediaFormat] { [.m4a] }

    /// The `ftyp` major brands of MPEG-4 audio files.
    static let brands: Set<String> = ["M4A ", "M4B ", "M4P ", "F4A "]

    public func identify(_ prefix: [UInt8]) -> MediaFormat? {
        guard prefix.matches(ascii: "ftyp", at: 4), prefix.count >= 12 else { return nil }
        return Self.brands.contains(String(decoding: prefix[8..<12], as: UTF8.self)) ? .m4a : nil
    }

    public func scanLabels(_ bytes: [UInt8], into scan: inout ContainerScan) {
        BMFFLabelReader.scan(bytes, name: "M4A", into: &scan)
    }

    public func writeLabel(_ label: LabelAssignment, into bytes: [UInt8]) throws -> [UInt8] {
        try labelEdits(label, in: MemoryByteSource(bytes)).apply(to: bytes)
    }

    public func labelEdits(_ label: LabelAssignment, in source: any ByteSource) throws -> EditPlan {
        try BMFFMetadataWriter(source: source, name: "M4A").edits(key: "AIGC", value: label.json)
    }

    public func essenceRanges(in source: any ByteSource) throws -> [Range<Int>] {
        let media = try BMFFWalker.topLevel(source).filter { $0.type == "mdat" }.map(\.payload)
        guard !media.isEmpty else { throw SigilError(.malformed, "the M4A file has no mdat box", offset: 0) }
        return media
    }

    public func findManifestStores(in bytes: [UInt8]) throws -> [EmbeddedManifestStore] { try BMFFManifestCarrier.find(bytes) }
    public func manifestRemovalEdits(in source: any ByteSource) throws -> EditPlan {
        try BMFFManifestCarrier.removalEdits(in: source, name: "M4A")
    }
    public func manifestEdits(_ store: [UInt8], in source: any ByteSource) throws -> (plan: EditPlan, containerRange: Range<Int>) {
        try BMFFManifestCarrier.edits(store, in: source, name: "M4A")
    }
    public func manifestBoxes(in source: any ByteSource) throws -> [BMFFBox] { try BMFFWalker.tree(source) }
}
