extension MediaFormat {
    /// GIF87a or GIF89a.
    public static let gif = MediaFormat(id: "gif", displayName: "GIF", kind: .image, mimeTypes: ["image/gif"], extensions: ["gif"])
}

/// GIF: labels read from the XMP application extension and comments. Verified, not labeled.
public struct GIFFormat: LabelReading, XMPPacketLocating, ImageHeaderReading {
    public init() {}
    public var formats: [MediaFormat] { [.gif] }

    public func identify(_ prefix: [UInt8]) -> MediaFormat? {
        prefix.matches(ascii: "GIF87a", at: 0) || prefix.matches(ascii: "GIF89a", at: 0) ? .gif : nil
    }

    public func scanLabels(_ bytes: [UInt8], into scan: inout ContainerScan) {
        GIFLabelReader.scan(bytes, into: &scan)
    }

    public func firstXMPPacket(in bytes: [UInt8]) -> [UInt8]? {
        guard let s = try? GIFStructure(bytes) else { return nil }
        guard let ext = s.extensions.first(where: { $0.label == 0xFF && $0.applicationID.starts(with: Array("XMP Data".utf8)) }) else { return nil }
        return GIFLabelReader.xmpPacket(ext, in: bytes).0
    }

    public func imageHeader(_ bytes: [UInt8]) throws -> ImageHeader { try ImageHeader.readGIF(bytes) }
}
