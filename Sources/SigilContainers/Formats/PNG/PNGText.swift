/// A decoded PNG text chunk (`tEXt`, `zTXt` or `iTXt`).
struct PNGText {
    static let xmpKeyword = "XML:com.adobe.xmp"

    var keyword: String
    /// The text, decompressed and decoded (tEXt/zTXt: Latin-1, or UTF-8 when valid; iTXt: UTF-8).
    var text: String
    /// The text's bytes as decoded from the chunk (after decompression).
    var textBytes: [UInt8]
    /// Where the stored (possibly compressed) text starts in the file, and its stored length.
    var storedOffset: Int
    var storedLength: Int
    var compressed: Bool
    // iTXt only.
    var languageTag: [UInt8] = []
    var translatedKeyword: [UInt8] = []

    /// Decodes a text chunk.
    ///
    /// - Throws: `.malformed` when the layout is wrong or the compressed text does not inflate; `.tooLarge` past 8 MiB.
    init(_ chunk: PNGStructure.Chunk, in bytes: [UInt8]) throws {
        let d = chunk.data
        let structure = "PNG \(chunk.type) chunk"
        guard let nul = bytes.firstIndex(of: [0], in: d.lowerBound..<min(d.upperBound, d.lowerBound + 80)) else {
            throw SigilError.malformed(structure, at: chunk.offset, "has no NUL-terminated keyword of 1-79 bytes")
        }
        keyword = TextDecoding.utf8OrLatin1(bytes[d.lowerBound..<nul])
        var p = nul + 1
        switch chunk.type {
        case "tEXt":
            compressed = false
        case "zTXt":
            guard d.upperBound - p >= 3 else {
                throw SigilError.malformed(
                    structure, at: chunk.offset,
                    "is too short for its compression method and zlib stream (\(d.upperBound - p) bytes after the keyword)")
            }
            guard bytes[p] == 0 else { throw SigilError.malformed(structure, at: chunk.offset, "uses unknown compression method \(bytes[p])") }
            p += 1
            compressed = true
        case "iTXt":
            guard d.upperBound - p >= 2 else {
                throw SigilError.malformed(structure, at: chunk.offset, "is too short for its compression flag and method")
            }
            compressed = bytes[p] != 0
            guard !compressed || bytes[p + 1] == 0 else {
                throw SigilError.malformed(structure, at: chunk.offset, "uses unknown compression method \(bytes[p + 1])")
            }
            p += 2
            guard let langEnd = bytes.firstIndex(of: [0], in: p..<d.upperBound) else {
                throw SigilError.malformed(structure, at: chunk.offset, "has no NUL after its language tag")
            }
            languageTag = Array(bytes[p..<langEnd])
            p = langEnd + 1
            guard let transEnd = bytes.firstIndex(of: [0], in: p..<d.upperBound) else {
                throw SigilError.malformed(structure, at: chunk.offset, "has no NUL after its translated keyword")
            }
            translatedKeyword = Array(bytes[p..<transEnd])
            p = transEnd + 1
            if compressed && d.upperBound - p < 2 {
                throw SigilError.malformed(structure, at: chunk.offset, "is too short for its zlib stream")
            }
        default:
            throw SigilError.malformed(structure, at: chunk.offset, "is not a text chunk")
        }
        storedOffset = p
        storedLength = d.upperBound - p
        let stored = Array(bytes[p..<d.upperBound])
        textBytes = compressed ? try Zlib.inflate(stored, structure: structure, offset: chunk.offset) : stored
        text = chunk.type == "iTXt" ? String(decoding: textBytes, as: UTF8.self) : TextDecoding.utf8OrLatin1(textBytes)
    }

    /// The chunk data for a text chunk of `type` with the given keyword and text (compressing when asked).
    static func chunkData(type: String, keyword: String, text: [UInt8], compressed: Bool, languageTag: [UInt8] = [], translatedKeyword: [UInt8] = [])
        throws -> [UInt8]
    {
        var data = Array(keyword.utf8) + [0]
        switch type {
        case "tEXt":
            data += text
        case "zTXt":
            data += [0] + (try Zlib.deflate(text))
        default:
            data += [compressed ? 1 : 0, 0] + languageTag + [0] + translatedKeyword + [0]
            data += compressed ? try Zlib.deflate(text) : text
        }
        return data
    }

    /// A complete chunk: length, type, data, CRC.
    static func chunk(type: String, data: [UInt8]) -> [UInt8] {
        let typeBytes = Array(type.utf8)
        var out = UInt32(data.count).bigEndianBytes(4) + typeBytes + data
        out += Zlib.crc32(out, 4..<out.count).bigEndianBytes(4)
        return out
    }
}
