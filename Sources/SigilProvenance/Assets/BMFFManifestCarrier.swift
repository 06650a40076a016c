/// The C2PA store in ISO BMFF (MP4, MOV, M4A, HEIF): a top-level `uuid` box with the C2PA UUID
/// `D8FEC3D6-1B0E-483C-9297-5828877EC481`, a FullBox header, the purpose `manifest\0`, a 64-bit Merkle offset and the
/// store. Sigil reads it (and validates `c2pa.hash.bmff.v2/v3`); it does not write BMFF.
enum BMFFManifestCarrier {
    static let c2paUUID: [UInt8] = [0xD8, 0xFE, 0xC3, 0xD6, 0x1B, 0x0E, 0x48, 0x3C, 0x92, 0x97, 0x58, 0x28, 0x87, 0x7E, 0xC4, 0x81]

    struct Box {
        var type: String
        var range: Range<Int>
        var headerSize: Int
        var payload: Range<Int> { (range.lowerBound + headerSize)..<range.upperBound }
    }

    /// The top-level boxes.
    static func boxes(_ bytes: [UInt8]) throws -> [Box] {
        var out: [Box] = []
        var i = 0
        // Each iteration moves `i` forward by at least 8 bytes or stops.
        while i < bytes.count {
            guard bytes.count - i >= 8 else {
                throw SigilError(.truncated, "BMFF box header at offset \(i) needs 8 bytes but only \(bytes.count - i) remain", offset: i)
            }
            var size = UInt64(bytes.u32be(i))
            let type = String(decoding: bytes[(i + 4)..<(i + 8)].map { (0x20...0x7E).contains($0) ? $0 : UInt8(ascii: "?") }, as: UTF8.self)
            var header = 8
            if size == 1 {
                guard bytes.count - i >= 16 else { throw SigilError(.truncated, "BMFF box '\(type)' at offset \(i) is missing its 64-bit size", offset: i) }
                size = bytes[(i + 8)..<(i + 16)].reduce(0) { $0 << 8 | UInt64($1) }
                header = 16
            } else if size == 0 {
                size = UInt64(bytes.count - i)
            }
            if type == "uuid" { header += 16 }
            guard size >= UInt64(header), size <= UInt64(bytes.count - i) else {
                throw SigilError(.truncated, "BMFF box '\(type)' at offset \(i) declares \(size) bytes but \(bytes.count - i) remain", offset: i)
            }
            out.append(Box(type: type, range: i..<(i + Int(size)), headerSize: header))
            i += Int(size)
        }
        return out
    }

    static func uuid(of box: Box, in bytes: [UInt8]) -> [UInt8]? {
        guard box.type == "uuid" else { return nil }
        let start = box.range.lowerBound + box.headerSize - 16
        return Array(bytes[start..<(start + 16)])
    }

    static func find(_ bytes: [UInt8]) throws -> [EmbeddedManifestStore] {
        var stores: [EmbeddedManifestStore] = []
        for box in try boxes(bytes) where uuid(of: box, in: bytes) == c2paUUID {
            let p = box.payload
            // version/flags (4), purpose (NUL-terminated), then for "manifest" a u64 Merkle offset.
            guard p.count > 4, let nul = bytes[(p.lowerBound + 4)..<p.upperBound].firstIndex(of: 0) else { continue }
            let purpose = String(decoding: bytes[(p.lowerBound + 4)..<nul], as: UTF8.self)
            guard purpose == "manifest" else { continue }
            let start = nul + 1 + 8
            guard start <= p.upperBound else { continue }
            stores.append(EmbeddedManifestStore(bytes: Array(bytes[start..<p.upperBound]), containerRange: box.range, location: "BMFF uuid box at offset \(box.range.lowerBound)"))
        }
        return stores
    }
}
