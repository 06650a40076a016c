/// RIFF chunk building.
enum RIFFChunk {
    /// FourCC, little-endian size, data and a pad byte when the size is odd.
    static func make(_ fourCC: String, _ data: [UInt8]) -> [UInt8] {
        var out = Array(fourCC.utf8) + UInt32(data.count).littleEndianBytes(4) + data
        if data.count % 2 == 1 { out.append(0) }
        return out
    }

    /// A VP8X chunk for a canvas of `width` x `height`.
    static func vp8x(flags: UInt8, width: Int, height: Int) -> [UInt8] {
        make("VP8X", [flags, 0, 0, 0] + (width - 1).littleEndianBytes(3) + (height - 1).littleEndianBytes(3))
    }

    /// Applies edits to the RIFF body and fixes the RIFF size; bytes after the RIFF container are kept.
    static func rebuild(_ bytes: [UInt8], _ structure: RIFFStructure, _ edits: [(range: Range<Int>, bytes: [UInt8])]) -> [UInt8] {
        let body = LabelWriter.splice(
            Array(bytes[12..<structure.riffEnd]), edits.map { (($0.range.lowerBound - 12)..<($0.range.upperBound - 12), $0.bytes) })
        var out = Array("RIFF".utf8) + UInt32(body.count + 4).littleEndianBytes(4) + Array("WEBP".utf8)
        out += body
        out += bytes[structure.riffEnd...]
        return out
    }
}
