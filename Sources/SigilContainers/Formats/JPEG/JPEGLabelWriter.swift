/// Writes the label into a JPEG's APP1 XMP segment.
enum JPEGLabelWriter {
    static func write(_ assignments: [XMPEditor.Assignment], into bytes: [UInt8]) throws -> [UInt8] {
        guard let plan = try headerEdits(assignments, in: bytes, isWholeFile: true) else {
            throw SigilError(.malformed, "JPEG file has no SOS segment; Sigil writes only into complete files", offset: 2)
        }
        try JPEGStructure.requireComplete(bytes)
        return LabelWriter.splice(bytes, plan.edits)
    }

    /// The edits that write the label, all within the header (before the first SOS), and the offset of that SOS
    /// (where the compressed image data begins).
    ///
    /// - Parameters:
    ///   - bytes: the whole file, or its leading bytes when `isWholeFile` is false.
    /// - Returns: nil when `bytes` is a prefix that ends before the first SOS (read more and ask again).
    static func headerEdits(
        _ assignments: [XMPEditor.Assignment], in bytes: [UInt8], isWholeFile: Bool
    ) throws -> (edits: [(range: Range<Int>, bytes: [UInt8])], imageData: Int)? {
        let structure = try JPEGStructure(bytes, headerOnly: true)
        guard let sos = structure.segments.firstIndex(where: { $0.marker == 0xDA }) else {
            guard isWholeFile else { return nil }
            throw structure.damage.first ?? SigilError(.malformed, "JPEG file has no SOS segment; Sigil writes only into complete files", offset: 2)
        }
        let header = structure.segments[..<sos]
        let xmpSegments = header.filter { $0.isXMP(in: bytes) }
        var edits: [(range: Range<Int>, bytes: [UInt8])] = []
        if !xmpSegments.isEmpty {
            for (k, segment) in xmpSegments.enumerated() {
                let start = segment.payload.lowerBound + JPEGStructure.xmpIdentifier.count
                let packet = Array(bytes[start..<segment.payload.upperBound])
                // Later packets (invalid, but seen) only get an existing AIGC value updated.
                var list = assignments
                if k > 0 {
                    list = list.map {
                        var a = $0
                        a.addIfMissing = false
                        return a
                    }
                }
                let edited = try XMPEditor.apply(list, to: packet, site: "JPEG APP1 XMP", offset: segment.offset)
                edits.append((segment.range, try makeSegment(edited, at: segment.offset)))
            }
        } else {
            // After SOI, a JFIF/JFXX APP0 and an Exif APP1, where readers expect XMP.
            var insertAt = 2
            for segment in header {
                guard segment.marker == 0xE0 || JPEGStructure.isExif(segment, in: bytes) else { break }
                insertAt = segment.end
            }
            edits.append((insertAt..<insertAt, try makeSegment(XMPEditor.newPacket(assignments), at: insertAt)))
        }
        return (edits, structure.segments[sos].fillStart)
    }

    /// An APP1 segment holding `packet`.
    static func makeSegment(_ packet: [UInt8], at offset: Int) throws -> [UInt8] {
        let payload = JPEGStructure.xmpIdentifier + packet
        guard payload.count <= JPEGStructure.maximumSegmentPayload else {
            throw SigilError(
                .capacity,
                "the XMP packet for the JPEG APP1 segment at offset \(offset) would need \(payload.count) bytes; a JPEG segment holds at most \(JPEGStructure.maximumSegmentPayload)",
                offset: offset)
        }
        return [0xFF, 0xE1] + UInt16(payload.count + 2).bigEndianBytes(2) + payload
    }
}
