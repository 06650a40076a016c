/// A TIFF byte stream: a whole TIFF file, or the EXIF block of a JPEG APP1, PNG eXIf or WebP EXIF chunk.
///
/// Offsets inside TIFF are relative to the TIFF header; ``base`` is where that header sits in the file, so
/// messages and carriers can name absolute offsets.
struct TIFFStructure {
    struct Entry {
        var tag: Int
        var type: Int
        var count: Int
        /// Offset of the value within the TIFF bytes.
        var valueOffset: Int
        /// Size of the value in bytes.
        var byteCount: Int
        /// Offset of the 12-byte entry itself.
        var entryOffset: Int
    }

    struct Directory {
        var offset: Int
        var entries: [Entry]
        var next: Int

        func entry(_ tag: Int) -> Entry? { entries.first { $0.tag == tag } }
    }

    let bytes: [UInt8]
    let bigEndian: Bool
    let base: Int
    let name: String
    /// Offset of IFD0.
    let firstDirectory: Int

    /// Field-type sizes (TIFF 6.0 plus the IFD type 13).
    static func size(ofType type: Int) -> Int? {
        switch type {
        case 1, 2, 6, 7: 1
        case 3, 8: 2
        case 4, 9, 11, 13: 4
        case 5, 10, 12: 8
        default: nil
        }
    }

    /// Parses the 8-byte header.
    init(_ bytes: [UInt8], base: Int, name: String) throws {
        try bytes.require(8, at: 0, for: "\(name) TIFF header")
        if bytes[0] == 0x49 && bytes[1] == 0x49 {
            bigEndian = false
        } else if bytes[0] == 0x4D && bytes[1] == 0x4D {
            bigEndian = true
        } else {
            throw SigilError.malformed(
                "\(name) TIFF header", at: base, "has byte order 0x\(hex(Int(bytes[0]), width: 2))\(hex(Int(bytes[1]), width: 2)) instead of II or MM"
            )
        }
        self.bytes = bytes
        self.base = base
        self.name = name
        let magic = bigEndian ? bytes.u16be(2) : bytes.u16le(2)
        guard magic == 42 else {
            throw SigilError.malformed(
                "\(name) TIFF header", at: base, "has magic \(magic) instead of 42" + (magic == 43 ? " (BigTIFF is not supported)" : ""))
        }
        firstDirectory = bigEndian ? bytes.u32be(4) : bytes.u32le(4)
    }

    func u16(_ i: Int) -> Int { bigEndian ? bytes.u16be(i) : bytes.u16le(i) }
    func u32(_ i: Int) -> Int { bigEndian ? bytes.u32be(i) : bytes.u32le(i) }

    /// Reads the directory at `offset`. Entries whose values lie outside the stream are dropped and reported
    /// through `damage`; a directory cut short keeps the entries that fit.
    func directory(at offset: Int, label: String, damage: inout [SigilError]) throws -> Directory {
        let structure = "\(name) \(label)"
        try bytes.require(2, at: offset, for: structure)
        let count = u16(offset)
        var entries: [Entry] = []
        let available = (bytes.count - offset - 2) / 12
        if count > available {
            damage.append(
                SigilError.truncated(
                    structure + " with \(count) entries", at: base + offset, needs: 2 + count * 12 + 4, remaining: bytes.count - offset))
        }
        let usable = min(count, max(available, 0))
        entries.reserveCapacity(usable)
        for k in 0..<usable {
            let e = offset + 2 + k * 12
            let tag = u16(e)
            let type = u16(e + 2)
            let n = u32(e + 4)
            guard let size = Self.size(ofType: type) else { continue } // unknown type: skip, per TIFF 6.0
            let byteCount = n * size // n < 2^32, size <= 8: no overflow on 64-bit Int
            let valueOffset = byteCount <= 4 ? e + 8 : u32(e + 8)
            guard bytes.has(byteCount, at: valueOffset) else {
                damage.append(
                    SigilError.truncated(
                        "\(structure) tag 0x\(hex(tag)) value", at: base + valueOffset, needs: byteCount,
                        remaining: bytes.remaining(after: valueOffset)))
                continue
            }
            entries.append(Entry(tag: tag, type: type, count: n, valueOffset: valueOffset, byteCount: byteCount, entryOffset: e))
        }
        let nextAt = offset + 2 + count * 12
        let next = bytes.has(4, at: nextAt) ? u32(nextAt) : 0
        return Directory(offset: offset, entries: entries, next: next)
    }

    /// The raw value bytes of an entry (already bounds-checked when the entry was read).
    func value(_ entry: Entry) -> ArraySlice<UInt8> { bytes[entry.valueOffset..<(entry.valueOffset + entry.byteCount)] }

    /// The first value of a SHORT or LONG entry.
    func integer(_ entry: Entry) -> Int? {
        guard entry.count >= 1 else { return nil }
        switch entry.type {
        case 3, 8: return u16(entry.valueOffset)
        case 4, 9, 13: return u32(entry.valueOffset)
        case 1, 6, 7: return Int(bytes[entry.valueOffset])
        default: return nil
        }
    }

    /// All values of a SHORT/LONG entry (capped).
    func integers(_ entry: Entry, limit: Int = 64) -> [Int] {
        let n = min(entry.count, limit)
        switch entry.type {
        case 3, 8: return (0..<n).map { u16(entry.valueOffset + $0 * 2) }
        case 4, 9, 13: return (0..<n).map { u32(entry.valueOffset + $0 * 4) }
        case 1, 6, 7: return (0..<n).map { Int(bytes[entry.valueOffset + $0]) }
        default: return []
        }
    }
}
