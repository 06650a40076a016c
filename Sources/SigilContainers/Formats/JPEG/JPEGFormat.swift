extension MediaFormat {
    /// JPEG (JFIF/Exif), `FF D8 FF`.
    public static let jpeg = MediaFormat(id: "jpeg", displayName: "JPEG", kind: .image, mimeTypes: ["image/jpeg"], extensions: ["jpg", "jpeg"])
}

/// JPEG: labels in APP1 XMP (`TC260:AIGC`, PG-20259A), read also from EXIF, APPn blobs and COM; C2PA in APP11
/// JPEG-XT segments; the essence is every segment but SOI, APPn and COM.
public struct JPEGFormat: LabelReading, StreamingLabelWriting, XMPPacketLocating, ImageHeaderReading, EssenceLocating, ManifestCarrying,
    MetadataTransplanting
{
    public init() {}
    public var formats: [MediaFormat] { [.jpeg] }

    public func identify(_ prefix: [UInt8]) -> MediaFormat? {
        prefix.matches([0xFF, 0xD8, 0xFF], at: 0) ? .jpeg : nil
    }

    public func scanLabels(_ bytes: [UInt8], into scan: inout ContainerScan) {
        JPEGLabelReader.scan(bytes, into: &scan)
    }

    public func writeLabel(_ label: LabelAssignment, into bytes: [UInt8]) throws -> [UInt8] {
        try JPEGLabelWriter.write(LabelWriter.assignments(label), into: bytes)
    }

    /// The header edits, from the header alone when the file ends with EOI; a file with data after its EOI (an
    /// MPF or gain-map image) is read whole to find where its first image ends.
    public func labelEdits(_ label: LabelAssignment, in source: any ByteSource) throws -> EditPlan {
        let tail = try source.read(max(0, source.count - 2)..<source.count)
        var edits = EditPlan(sourceLength: source.count)
        guard tail == [0xFF, 0xD9] else {
            let whole = try source.read(0..<source.count)
            guard let plan = try JPEGLabelWriter.headerEdits(LabelWriter.assignments(label), in: whole, isWholeFile: true) else {
                throw SigilError(.malformed, "JPEG file has no SOS segment; Sigil writes only into complete files", offset: 2)
            }
            try JPEGStructure.requireComplete(whole)
            for edit in plan.edits { edits.replace(edit.range, with: edit.bytes) }
            return edits
        }
        var leading = try source.read(0..<min(source.count, 1 << 16))
        // Longer APP segments: read on from where the last read ended, four times as much.
        while true {
            if let plan = try JPEGLabelWriter.headerEdits(LabelWriter.assignments(label), in: leading, isWholeFile: leading.count == source.count) {
                for edit in plan.edits { edits.replace(edit.range, with: edit.bytes) }
                return edits
            }
            leading += try source.read(leading.count..<min(source.count, leading.count * 4))
        }
    }

    public func firstXMPPacket(in bytes: [UInt8]) -> [UInt8]? {
        guard let s = try? JPEGStructure(bytes, headerOnly: true), let seg = s.xmpSegment(in: bytes) else { return nil }
        return Array(bytes[(seg.payload.lowerBound + JPEGStructure.xmpIdentifier.count)..<seg.payload.upperBound])
    }

    public func imageHeader(_ bytes: [UInt8]) throws -> ImageHeader { try ImageHeader.readJPEG(bytes) }

    public var locatingReadsWholeFile: Bool { true }

    public func essenceRanges(in source: any ByteSource) throws -> [Range<Int>] {
        let file = try source.read(0..<source.count)
        let structure = try JPEGStructure(file)
        guard structure.segments.contains(where: { $0.marker == 0xDA }) else {
            throw structure.damage.first ?? SigilError(.malformed, "JPEG file has no SOS segment", offset: 2)
        }
        return structure.segments.filter { !$0.isAPP && !$0.isCOM && $0.marker != 0xD8 }.map(\.range)
    }

    public func findManifestStores(in bytes: [UInt8]) throws -> [EmbeddedManifestStore] { try JPEGManifestCarrier.find(bytes) }
    public func removeManifestStores(from bytes: [UInt8]) throws -> [UInt8] { try JPEGManifestCarrier.remove(bytes) }
    public func embedManifestStore(_ store: [UInt8], into bytes: [UInt8]) throws -> (bytes: [UInt8], containerRange: Range<Int>) {
        try JPEGManifestCarrier.embed(store, into: bytes)
    }

    public func transplantMetadata(from original: [UInt8], into encoded: [UInt8]) throws -> [UInt8] {
        try MetadataTransplant.jpeg(from: original, into: encoded)
    }
}
