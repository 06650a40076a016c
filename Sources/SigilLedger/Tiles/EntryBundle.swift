/// An entry bundle of c2sp.org/tlog-tiles (`tile/entries/<N>`): up to 256 entries, each a big-endian uint16
/// length followed by that many bytes. One entry is therefore at most 65,535 bytes.
public enum EntryBundle {
    /// Largest entry a bundle can hold.
    public static let maximumEntrySize = 65_535

    /// The bundle bytes of `entries`.
    ///
    /// - Throws: ``SigilError`` `.invalidTile` when an entry is longer than 65,535 bytes or there are over 256.
    public static func encode(_ entries: [[UInt8]]) throws -> [UInt8] {
        guard entries.count <= TileID.fullWidth else {
            throw SigilError(.invalidTile, "an entry bundle holds at most 256 entries, not \(entries.count)")
        }
        var out: [UInt8] = []
        out.reserveCapacity(entries.reduce(0) { $0 + 2 + $1.count })
        for (i, entry) in entries.enumerated() {
            guard entry.count <= maximumEntrySize else {
                throw SigilError(.invalidTile, "entry \(i) of the bundle is \(entry.count) bytes, over tlog-tiles' 65,535")
            }
            out.append(UInt8(entry.count >> 8))
            out.append(UInt8(entry.count & 0xFF))
            out += entry
        }
        return out
    }

    /// The entries in a bundle.
    ///
    /// - Throws: ``SigilError`` `.invalidTile` naming the offset where a length runs past the end.
    public static func decode(_ bytes: [UInt8]) throws -> [[UInt8]] {
        var entries: [[UInt8]] = []
        var offset = 0
        while offset < bytes.count {
            guard offset + 2 <= bytes.count else {
                throw SigilError(.invalidTile, "the entry bundle ends inside a length prefix", offset: offset)
            }
            let length = Int(bytes[offset]) << 8 | Int(bytes[offset + 1])
            guard offset + 2 + length <= bytes.count else {
                throw SigilError(
                    .invalidTile, "entry \(entries.count) of the bundle declares \(length) bytes but only \(bytes.count - offset - 2) remain",
                    offset: offset)
            }
            entries.append(Array(bytes[(offset + 2)..<(offset + 2 + length)]))
            offset += 2 + length
            guard entries.count <= TileID.fullWidth else {
                throw SigilError(.invalidTile, "the entry bundle holds more than 256 entries", offset: offset)
            }
        }
        return entries
    }
}
