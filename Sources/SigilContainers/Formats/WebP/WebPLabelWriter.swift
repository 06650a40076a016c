/// Writes the label into a WebP `XMP ` chunk, converting a simple file to the extended (VP8X) format.
enum WebPLabelWriter {
    static func write(_ assignments: [XMPEditor.Assignment], into bytes: [UInt8]) throws -> [UInt8] {
        let structure = try RIFFStructure(bytes)
        if let damage = structure.damage.first { throw damage }
        var edits: [(range: Range<Int>, bytes: [UInt8])] = []
        let xmpChunks = structure.chunks.filter { $0.fourCC == "XMP " }
        if xmpChunks.isEmpty {
            var chunk = RIFFChunk.make("XMP ", XMPEditor.newPacket(assignments))
            let at = xmpInsertionPoint(structure)
            // A preceding odd-sized chunk that lacks its pad byte gets one, so the new chunk stays aligned.
            if let before = structure.chunks.last(where: { $0.end == at }), before.data.count % 2 == 1, before.end == before.data.upperBound {
                chunk.insert(0, at: 0)
            }
            edits.append((at..<at, chunk))
        } else {
            for (k, chunk) in xmpChunks.enumerated() {
                var list = assignments
                if k > 0 {
                    list = list.map {
                        var a = $0
                        a.addIfMissing = false
                        return a
                    }
                }
                let edited = try XMPEditor.apply(list, to: Array(bytes[chunk.data]), site: "WebP XMP chunk", offset: chunk.offset)
                edits.append((chunk.range, RIFFChunk.make("XMP ", edited)))
            }
        }
        edits += try vp8xEdits(structure, bytes, setFlags: 0x04)
        return RIFFChunk.rebuild(bytes, structure, edits)
    }

    /// After EXIF, else after the last image chunk, else at the end of the RIFF body.
    static func xmpInsertionPoint(_ structure: RIFFStructure) -> Int {
        if let exif = structure.chunks.last(where: { $0.fourCC == "EXIF" }) { return exif.end }
        if let image = structure.chunks.last(where: { RIFFStructure.imageChunks.contains($0.fourCC) }) { return image.end }
        return structure.chunks.last?.end ?? 12
    }

    /// Sets `flags` in an existing VP8X, or inserts a VP8X built from the bitstream (simple format).
    static func vp8xEdits(_ structure: RIFFStructure, _ bytes: [UInt8], setFlags flags: UInt8) throws -> [(range: Range<Int>, bytes: [UInt8])] {
        if let vp8x = structure.first("VP8X") {
            guard vp8x.data.count >= 10 else {
                throw SigilError.malformed("WebP VP8X chunk", at: vp8x.offset, "has \(vp8x.data.count) bytes, fewer than the 10 it needs")
            }
            let d = vp8x.data.lowerBound
            let updated = bytes[d] | flags
            return updated == bytes[d] ? [] : [(d..<(d + 1), [updated])]
        }
        guard let image = structure.chunks.first(where: { $0.fourCC == "VP8 " || $0.fourCC == "VP8L" }) else {
            throw SigilError(.malformed, "WebP file has neither a VP8X nor a VP8/VP8L chunk", offset: 12)
        }
        let info = try WebPBitstream.image(image, in: bytes)
        guard info.width > 0, info.height > 0 else {
            throw SigilError.malformed("WebP \(image.fourCC.trimmingSpaces) chunk", at: image.offset, "declares a \(info.width)x\(info.height) frame")
        }
        var f = flags
        if info.hasAlpha || structure.first("ALPH") != nil { f |= 0x10 }
        if structure.first("ICCP") != nil { f |= 0x20 }
        if structure.first("EXIF") != nil { f |= 0x08 }
        let chunk = RIFFChunk.vp8x(flags: f, width: info.width, height: info.height)
        return [(12..<12, chunk)]
    }
}
