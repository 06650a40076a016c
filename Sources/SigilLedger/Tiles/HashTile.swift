/// The bytes of a hash tile (`tile/<L>/<N>`): its hashes, 32 bytes each, concatenated — 8,192 bytes when full.
public enum HashTile {
    /// The bytes of a tile of hashes (32 bytes each, concatenated).
    public static func encode(_ hashes: some Sequence<MerkleHash>) -> [UInt8] {
        var out: [UInt8] = []
        for h in hashes { h.withUnsafeBytes { out.append(contentsOf: $0) } }
        return out
    }

    /// The hashes in tile bytes.
    ///
    /// - Throws: ``SigilError`` `.invalidTile` when the length is not a multiple of 32 or over 256 hashes.
    public static func decode(_ bytes: [UInt8]) throws -> [MerkleHash] {
        guard bytes.count % MerkleHash.byteCount == 0, bytes.count <= TileID.fullWidth * MerkleHash.byteCount else {
            throw SigilError(.invalidTile, "a tile is a multiple of 32 bytes up to 8,192; this one is \(bytes.count)")
        }
        return bytes.withUnsafeBytes { raw in
            stride(from: 0, to: bytes.count, by: MerkleHash.byteCount).map {
                MerkleHash(loadingFrom: UnsafeRawBufferPointer(rebasing: raw[$0..<($0 + MerkleHash.byteCount)]))
            }
        }
    }
}
