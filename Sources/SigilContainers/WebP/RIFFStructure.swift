/// The chunks of a RIFF/WebP file.
struct RIFFStructure {
    struct Chunk {
        /// The FourCC, e.g. `VP8X`, `XMP ` (with its trailing space).
        var fourCC: String
        /// Offset of the chunk header.
        var offset: Int
        var data: Range<Int>
        /// Offset past the data and its pad byte (when present).
        var end: Int
        var range: Range<Int> { offset..<end }
    }

    var chunks: [Chunk] = []
    /// Where the RIFF size says the file ends, clamped to the file.
    var riffEnd: Int
    /// The RIFF size field.
    var declaredSize: Int
    var damage: [SigilError] = []

    /// Image-bitstream and animation chunks: the compressed image payload.
    static let imageChunks: Set<String> = ["VP8 ", "VP8L", "ALPH", "ANIM", "ANMF"]

    /// - Throws: `.unsupportedFormat` when the file is not RIFF/WEBP.
    init(_ bytes: [UInt8]) throws {
        guard bytes.matches(ascii: "RIFF", at: 0), bytes.matches(ascii: "WEBP", at: 8) else {
            throw SigilError(.unsupportedFormat, "not a WebP file: the RIFF/WEBP header is missing", offset: 0)
        }
        let n = bytes.count
        declaredSize = bytes.u32le(4)
        if declaredSize > n - 8 {
            damage.append(SigilError(.truncated, "RIFF header at offset 0 declares \(declaredSize) bytes but only \(n - 8) remain", offset: 0))
        }
        if declaredSize < 4 {
            damage.append(.malformed("RIFF header", at: 0, "declares \(declaredSize) bytes, too few for the WEBP form type"))
        }
        riffEnd = max(12, min(8 + declaredSize, n))
        var i = 12
        // Each iteration moves `i` forward by at least 8 bytes or stops.
        while i < riffEnd {
            guard i + 8 <= riffEnd else {
                damage.append(SigilError(.truncated, "RIFF chunk header at offset \(i) needs 8 bytes but only \(riffEnd - i) remain", offset: i))
                return
            }
            let fourCCBytes = bytes[i..<(i + 4)]
            guard fourCCBytes.allSatisfy({ (0x20...0x7E).contains($0) }) else {
                damage.append(.malformed("RIFF chunk", at: i, "has a FourCC that is not printable ASCII"))
                return
            }
            let fourCC = String(decoding: fourCCBytes, as: UTF8.self)
            let size = bytes.u32le(i + 4)
            let available = riffEnd - (i + 8)
            guard size <= available else {
                damage.append(SigilError(.truncated, "WebP chunk \(fourCC.trimmingSpaces) at offset \(i) declares \(size) bytes but only \(available) remain", offset: i))
                return
            }
            let dataEnd = i + 8 + size
            let end = size % 2 == 1 && dataEnd < riffEnd ? dataEnd + 1 : dataEnd
            chunks.append(Chunk(fourCC: fourCC, offset: i, data: (i + 8)..<dataEnd, end: end))
            i = end
        }
    }

    func first(_ fourCC: String) -> Chunk? { chunks.first { $0.fourCC == fourCC } }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}
