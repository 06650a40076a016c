/// Writes the label into a PNG: the existing AIGC text chunk, or the iTXt XMP packet.
enum PNGLabelWriter {
    static func write(_ assignments: [XMPEditor.Assignment], json: String, wrappedJSON: String, into bytes: [UInt8]) throws -> [UInt8] {
        let structure = try PNGStructure(bytes, verifyCRC: false)
        if let damage = structure.damage.first { throw damage }
        var edits: [(range: Range<Int>, bytes: [UInt8])] = []
        var aigcChunks: [(PNGStructure.Chunk, PNGText?)] = []
        var xmpChunks: [(PNGStructure.Chunk, PNGText)] = []
        for chunk in structure.chunks where chunk.type == "tEXt" || chunk.type == "zTXt" || chunk.type == "iTXt" {
            let text = try? PNGText(chunk, in: bytes)
            if let text, text.keyword == PNGText.xmpKeyword {
                xmpChunks.append((chunk, text))
            } else if let text, text.keyword.uppercased() == "AIGC" {
                aigcChunks.append((chunk, text))
            } else if text == nil, chunkKeyword(chunk, bytes)?.uppercased() == "AIGC" {
                aigcChunks.append((chunk, nil)) // damaged AIGC chunk: rewritten as tEXt
            }
        }

        var xmpAssignments = assignments
        if let (chunk, text) = aigcChunks.first {
            // Keep the chunk's type and form; XMP gets the label only where it already has one.
            let wrapped = text.map { LabelPayload.parse($0.text, keyed: true).form == .wrapped } ?? false
            let payload = Array((wrapped ? wrappedJSON : json).utf8)
            let type = text == nil ? "tEXt" : chunk.type
            let keyword = text?.keyword ?? "AIGC"
            let data = try PNGText.chunkData(
                type: type, keyword: keyword, text: payload, compressed: text?.compressed ?? false,
                languageTag: text?.languageTag ?? [], translatedKeyword: text?.translatedKeyword ?? [])
            edits.append((chunk.range, PNGText.chunk(type: type, data: data)))
            for (extra, _) in aigcChunks.dropFirst() { edits.append((extra.range, [])) }
            xmpAssignments[0].addIfMissing = false
        }

        if xmpChunks.isEmpty {
            let toAdd = xmpAssignments.filter(\.addIfMissing)
            if !toAdd.isEmpty {
                let chunk = try xmpChunk(XMPEditor.newPacket(toAdd), languageTag: [], translatedKeyword: [])
                let at = insertionPoint(structure)
                edits.append((at..<at, chunk))
            }
        } else {
            for (k, (chunk, text)) in xmpChunks.enumerated() {
                var list = xmpAssignments
                if k > 0 {
                    list = list.map {
                        var a = $0
                        a.addIfMissing = false
                        return a
                    }
                }
                let edited = try XMPEditor.apply(list, to: text.textBytes, site: "PNG \(chunk.type) XMP", offset: chunk.offset)
                if edited == text.textBytes { continue }
                edits.append((chunk.range, try xmpChunk(edited, languageTag: text.languageTag, translatedKeyword: text.translatedKeyword)))
            }
        }
        return LabelWriter.splice(bytes, edits)
    }

    /// An uncompressed iTXt `XML:com.adobe.xmp` chunk.
    static func xmpChunk(_ packet: [UInt8], languageTag: [UInt8], translatedKeyword: [UInt8]) throws -> [UInt8] {
        let data = try PNGText.chunkData(
            type: "iTXt", keyword: PNGText.xmpKeyword, text: packet, compressed: false, languageTag: languageTag, translatedKeyword: translatedKeyword
        )
        return PNGText.chunk(type: "iTXt", data: data)
    }

    /// Before the first IDAT (or IEND, or the end of the chunks).
    static func insertionPoint(_ structure: PNGStructure) -> Int {
        if let i = structure.firstIndex(of: "IDAT") { return structure.chunks[i].offset }
        if let i = structure.firstIndex(of: "IEND") { return structure.chunks[i].offset }
        return structure.chunks.last?.end ?? 8
    }

    private static func chunkKeyword(_ chunk: PNGStructure.Chunk, _ bytes: [UInt8]) -> String? {
        guard let nul = bytes.firstIndex(of: [0], in: chunk.data.lowerBound..<min(chunk.data.upperBound, chunk.data.lowerBound + 80)) else {
            return nil
        }
        return TextDecoding.utf8OrLatin1(bytes[chunk.data.lowerBound..<nul])
    }
}
