/// The C2PA store in ISO BMFF (MP4, MOV, M4A, HEIF): a top-level `uuid` box with the C2PA UUID
/// `D8FEC3D6-1B0E-483C-9297-5828877EC481`, a FullBox header, the purpose `manifest\0`, a 64-bit Merkle offset and the
/// store. Sigil reads it (and validates `c2pa.hash.bmff.v2/v3`); it does not write BMFF yet.
enum BMFFManifestCarrier {
    static let c2paUUID: [UInt8] = [0xD8, 0xFE, 0xC3, 0xD6, 0x1B, 0x0E, 0x48, 0x3C, 0x92, 0x97, 0x58, 0x28, 0x87, 0x7E, 0xC4, 0x81]

    static func find(_ bytes: [UInt8]) throws -> [EmbeddedManifestStore] {
        let source = MemoryByteSource(bytes)
        var stores: [EmbeddedManifestStore] = []
        for box in try BMFFWalker.topLevel(source) where BMFFWalker.userType(of: box, in: source) == c2paUUID {
            let p = box.payload
            // version/flags (4), purpose (NUL-terminated), then for "manifest" a u64 Merkle offset.
            guard p.count > 4, let nul = bytes[(p.lowerBound + 4)..<p.upperBound].firstIndex(of: 0) else { continue }
            let purpose = String(decoding: bytes[(p.lowerBound + 4)..<nul], as: UTF8.self)
            guard purpose == "manifest" else { continue }
            let start = nul + 1 + 8
            guard start <= p.upperBound else { continue }
            stores.append(
                EmbeddedManifestStore(
                    bytes: Array(bytes[start..<p.upperBound]), containerRange: box.range, location: "BMFF uuid box at offset \(box.range.lowerBound)")
            )
        }
        return stores
    }
}
