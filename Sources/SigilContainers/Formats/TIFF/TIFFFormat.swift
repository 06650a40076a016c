extension MediaFormat {
    /// TIFF, either byte order (not BigTIFF).
    public static let tiff = MediaFormat(id: "tiff", displayName: "TIFF", kind: .image, mimeTypes: ["image/tiff"], extensions: ["tif", "tiff"])
}

/// TIFF: labels read from XMP (tag 700), EXIF UserComment and ImageDescription. Verified, not labeled.
public struct TIFFFormat: LabelReading, XMPPacketLocating, ImageHeaderReading {
    public init() {}
    public var formats: [MediaFormat] { [.tiff] }

    public func identify(_ prefix: [UInt8]) -> MediaFormat? {
        prefix.matches([0x49, 0x49, 0x2A, 0x00], at: 0) || prefix.matches([0x4D, 0x4D, 0x00, 0x2A], at: 0) ? .tiff : nil
    }

    public func scanLabels(_ bytes: [UInt8], into scan: inout ContainerScan) {
        TIFFLabelReader.scan(bytes, into: &scan)
    }

    public func firstXMPPacket(in bytes: [UInt8]) -> [UInt8]? {
        var ignored = ContainerScan(format: .tiff)
        guard let range = EXIFReader.read(bytes, base: 0, site: "TIFF", isTIFFFile: true, collectCarriers: false, into: &ignored).xmp else {
            return nil
        }
        return Array(bytes[range])
    }

    public func imageHeader(_ bytes: [UInt8]) throws -> ImageHeader { try ImageHeader.readTIFF(bytes) }
}
