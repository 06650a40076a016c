extension MediaFormat {
    /// PNG, including APNG.
    public static let png = MediaFormat(
        id: "png", displayName: "PNG", kind: .image, mimeTypes: ["image/png", "image/apng"], extensions: ["png", "apng"])
}

/// PNG: labels in the XMP `iTXt` chunk (or an `AIGC` text chunk already there), C2PA in `caBX`, the essence is
/// the IDAT data.
public struct PNGFormat: LabelReading, LabelWriting, XMPPacketLocating, ImageHeaderReading, EssenceLocating, ManifestCarrying,
    MetadataTransplanting
{
    public init() {}
    public var formats: [MediaFormat] { [.png] }

    public func identify(_ prefix: [UInt8]) -> MediaFormat? {
        prefix.matches(PNGStructure.signature, at: 0) ? .png : nil
    }

    public func scanLabels(_ bytes: [UInt8], into scan: inout ContainerScan) {
        PNGLabelReader.scan(bytes, into: &scan)
    }

    public func writeLabel(_ label: LabelAssignment, into bytes: [UInt8]) throws -> [UInt8] {
        try PNGLabelWriter.write(LabelWriter.assignments(label), json: label.json, wrappedJSON: label.wrappedJSON, into: bytes)
    }

    public func firstXMPPacket(in bytes: [UInt8]) -> [UInt8]? {
        guard let s = try? PNGStructure(bytes, verifyCRC: false) else { return nil }
        for chunk in s.chunks where ["iTXt", "tEXt", "zTXt"].contains(chunk.type) {
            if let text = try? PNGText(chunk, in: bytes), text.keyword == PNGText.xmpKeyword { return text.textBytes }
        }
        return nil
    }

    public func imageHeader(_ bytes: [UInt8]) throws -> ImageHeader { try ImageHeader.readPNG(bytes) }

    public var locatingReadsWholeFile: Bool { true }

    public func essenceRanges(in source: any ByteSource) throws -> [Range<Int>] {
        let structure = try PNGStructure(try source.read(0..<source.count), verifyCRC: false)
        let idat = structure.chunks.filter { $0.type == "IDAT" }
        guard !idat.isEmpty else { throw structure.damage.first ?? SigilError(.malformed, "PNG file has no IDAT chunk", offset: 8) }
        return idat.map(\.data)
    }

    public func findManifestStores(in bytes: [UInt8]) throws -> [EmbeddedManifestStore] { try PNGManifestCarrier.find(bytes) }
    public func removeManifestStores(from bytes: [UInt8]) throws -> [UInt8] { try PNGManifestCarrier.remove(bytes) }
    public func embedManifestStore(_ store: [UInt8], into bytes: [UInt8]) throws -> (bytes: [UInt8], containerRange: Range<Int>) {
        try PNGManifestCarrier.embed(store, into: bytes)
    }

    public func transplantMetadata(from original: [UInt8], into encoded: [UInt8]) throws -> [UInt8] {
        try MetadataTransplant.png(from: original, into: encoded)
    }
}
