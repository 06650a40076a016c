/// The chunks of a PNG file with their byte ranges and CRC status.
struct PNGStructure {
    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    struct Chunk {
        /// The four-letter type, e.g. `IHDR`.
        var type: String
        /// Offset of the length field.
        var offset: Int
        /// The chunk data.
        var data: Range<Int>
        /// Offset just past the CRC.
        var end: Int
        /// Whether the stored CRC matches type + data (nil when not verified).
        var crcMatches: Bool?
        var storedCRC: UInt32
        var range: Range<Int> { offset..<end }
        /// Ancillary chunks have a lower-case first letter.
        var isAncillary: Bool { type.utf8.first.map { $0 >= 0x61 } ?? false }
    }

    var chunks: [Chunk] = []
    /// Offset just past IEND, when IEND was found.
    var end: Int?
    var damage: [SigilError] = []

    /// Walks the chunks, verifying CRCs when `verifyCRC` is set.
    ///
    /// - Throws: `.unsupportedFormat` only when the signature is missing.
    init(_ bytes: [UInt8], verifyCRC: Bool = true) throws {
        guard bytes.matches(Self.signature, at: 0) else {
            throw SigilError(.unsupportedFormat, "not a PNG file: the 8-byte PNG signature is missing", offset: 0)
        }
        let n = bytes.count
        var i = 8
        // Each iteration moves `i` forward by at least 12 bytes or stops.
        while i < n {
            guard bytes.has(8, at: i) else {
                damage.append(SigilError(.truncated, "PNG chunk header at offset \(i) needs 8 bytes but only \(n - i) remain", offset: i))
                return
            }
            let length = bytes.u32be(i)
            let typeBytes = bytes[(i + 4)..<(i + 8)]
            guard typeBytes.allSatisfy({ (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) }) else {
                let shown = typeBytes.map { hex(Int($0), width: 2) }.joined(separator: " ")
                damage.append(.malformed("PNG chunk", at: i, "has an invalid type (bytes \(shown))"))
                return
            }
            let type = String(decoding: typeBytes, as: UTF8.self)
            guard length <= 0x7FFF_FFFF else {
                damage.append(.malformed("PNG chunk \(type)", at: i, "declares \(length) bytes, more than the PNG limit of 2^31-1"))
                return
            }
            let available = n - (i + 8)
            guard length <= available else {
                damage.append(
                    SigilError(.truncated, "PNG chunk \(type) at offset \(i) declares \(length) bytes but only \(available) remain", offset: i))
                return
            }
            guard length + 4 <= available else {
                damage.append(
                    SigilError(.truncated, "PNG chunk \(type) at offset \(i) is missing its CRC: \(available - length) of 4 bytes remain", offset: i))
                return
            }
            let data = (i + 8)..<(i + 8 + length)
            let stored = UInt32(truncatingIfNeeded: bytes.u32be(data.upperBound))
            let matches = verifyCRC ? Zlib.crc32(bytes, (i + 4)..<data.upperBound) == stored : nil
            chunks.append(Chunk(type: type, offset: i, data: data, end: data.upperBound + 4, crcMatches: matches, storedCRC: stored))
            i = data.upperBound + 4
            if type == "IEND" {
                end = i
                return
            }
        }
        damage.append(SigilError(.truncated, "PNG file ends at offset \(n) without an IEND chunk", offset: n))
    }

    /// Index of the first chunk of `type`.
    func firstIndex(of type: String) -> Int? { chunks.firstIndex { $0.type == type } }
}
