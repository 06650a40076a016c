extension MediaFormat {
    /// WebP (RIFF): simple lossy, simple lossless or extended (VP8X).
    public static let webp = MediaFormat(id: "webp", displayName: "WebP", kind: .image, mimeTypes: ["image/webp"], extensions: ["webp"])
}

/// WebP: labels in the `XMP ` chunk (a simple file becomes VP8X), C2PA in a RIFF `C2PA` chunk, the essence is the
/// bitstream and animation chunks.
public struct WebPFormat: LabelReading, LabelWriting, XMPPacketLocating, ImageHeaderReading, EssenceLocating, StreamingManifestCarrying,
    MetadataTransplanting
{
    public init() {}
    public var formats: [MediaFormat] { [.webp] }

    public func identify(_ prefix: [UInt8]) -> MediaFormat? {
        RIFFStructure.isRIFF(prefix, form: "WEBP") ? .webp : nil
    }

    public func scanLabels(_ bytes: [UInt8], into scan: inout ContainerScan) {
        WebPLabelReader.scan(bytes, into: &scan)
    }

    public func writeLabel(_ label: LabelAssignment, into bytes: [UInt8]) throws -> [UInt8] {
        try WebPLabelWriter.write(LabelWriter.assignments(label), into: bytes)
    }

    public func firstXMPPacket(in bytes: [UInt8]) -> [UInt8]? {
        guard let s = try? RIFFStructure(bytes), let chunk = s.first("XMP ") else { return nil }
        return Array(bytes[chunk.data])
    }

    public func imageHeader(_ bytes: [UInt8]) throws -> ImageHeader { try ImageHeader.readWebP(bytes) }

    public func essenceRanges(in source: any ByteSource) throws -> [Range<Int>] {
        let structure = try RIFFStructure(source, form: "WEBP", name: "WebP")
        let chunks = structure.chunks.filter { RIFFStructure.imageChunks.contains($0.fourCC) }
        guard !chunks.isEmpty else { throw structure.damage.first ?? SigilError(.malformed, "WebP file has no image chunk", offset: 12) }
        return chunks.map(\.range)
    }

    public func findManifestStores(in bytes: [UInt8]) throws -> [EmbeddedManifestStore] {
        try RIFFManifestCarrier.find(bytes, form: "WEBP", name: "WebP")
    }
    public func manifestRemovalEdits(in source: any ByteSource) throws -> EditPlan {
        try RIFFManifestCarrier.removalEdits(in: source, form: "WEBP", name: "WebP")
    }
    public func manifestEdits(_ store: [UInt8], in source: any ByteSource) throws -> (plan: EditPlan, containerRange: Range<Int>) {
        try RIFFManifestCarrier.edits(store, in: source, form: "WEBP", name: "WebP")
    }

    public func transplantMetadata(from original: [UInt8], into encoded: [UInt8]) throws -> [UInt8] {
        try MetadataTransplant.webp(from: original, into: encoded)
    }
}
