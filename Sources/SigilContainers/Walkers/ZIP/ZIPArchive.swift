/// A ZIP archive's directory, read through a ``ByteSource`` without inflating anything: the end-of-central-
/// directory record (ZIP64 when the archive needs it), the central directory, and each entry's local record
/// checked against it. Entries' bytes are not read: a writer copies their records unchanged.
///
/// Every length is checked against the file before it is used; an entry that lies about its sizes or lies past the
/// central directory is a ``SigilError`` naming the entry and offset.
struct ZIPArchive: Sendable {
    static let localSignature: [UInt8] = [0x50, 0x4B, 0x03, 0x04]
    static let centralSignature: [UInt8] = [0x50, 0x4B, 0x01, 0x02]
    static let endSignature: [UInt8] = [0x50, 0x4B, 0x05, 0x06]
    static let zip64EndSignature: [UInt8] = [0x50, 0x4B, 0x06, 0x06]
    static let zip64LocatorSignature: [UInt8] = [0x50, 0x4B, 0x06, 0x07]
    static let descriptorSignature: [UInt8] = [0x50, 0x4B, 0x07, 0x08]

    /// The most entries and central-directory bytes Sigil reads (an OOXML package has tens to thousands).
    static let maximumEntries = 100_000
    static let maximumDirectorySize = 64 << 20

    /// The entries in central-directory order.
    var entries: [ZIPEntry]
    /// Where the central directory starts: everything from here to the end is directory and end records.
    var directoryOffset: Int
    /// The archive comment.
    var comment: [UInt8]
    /// Whether the archive has ZIP64 end records.
    var isZIP64: Bool

    /// The first entry named `name`.
    func entry(_ name: String) -> ZIPEntry? { entries.first { $0.name == name } }

    /// Reads the directory of the archive `source` holds.
    ///
    /// - Throws: ``SigilError`` `.malformed`/`.truncated` naming the record and offset.
    init(_ source: any ByteSource) throws {
        let (endOffset, end) = try Self.findEnd(source)
        comment = Array(end[22...])
        var count = end.u16le(10)
        var size = end.u32le(12)
        var offset = end.u32le(16)
        isZIP64 = false
        if count == 0xFFFF || size == 0xFFFF_FFFF || offset == 0xFFFF_FFFF || end.u16le(4) == 0xFFFF {
            guard endOffset >= 20 else {
                throw SigilError.malformed("the ZIP end record", at: endOffset, "marks ZIP64 fields but has no ZIP64 locator before it")
            }
            let locator = try source.require(20, at: endOffset - 20, for: "the ZIP64 end locator")
            guard locator.matches(Self.zip64LocatorSignature, at: 0) else {
                throw SigilError.malformed("the ZIP end record", at: endOffset, "marks ZIP64 fields but has no ZIP64 locator before it")
            }
            let recordOffset = try Self.int(locator, 8, 8, "the ZIP64 end locator", endOffset - 20)
            guard recordOffset < endOffset - 20 else {
                throw SigilError.malformed("the ZIP64 end locator", at: endOffset - 20, "points at offset \(recordOffset), past itself")
            }
            let record = try source.require(56, at: recordOffset, for: "the ZIP64 end record")
            guard record.matches(Self.zip64EndSignature, at: 0) else {
                throw SigilError.malformed("the ZIP64 end record", at: recordOffset, "has no PK\\6\\6 signature")
            }
            count = try Self.int(record, 32, 8, "the ZIP64 end record", recordOffset)
            size = try Self.int(record, 40, 8, "the ZIP64 end record", recordOffset)
            offset = try Self.int(record, 48, 8, "the ZIP64 end record", recordOffset)
            isZIP64 = true
        }
        guard count <= Self.maximumEntries, size <= Self.maximumDirectorySize else {
            throw SigilError(
                .tooLarge,
                "the ZIP central directory declares \(count) entries in \(size) bytes, over Sigil's limits (\(Self.maximumEntries) entries, \(Self.maximumDirectorySize) bytes)",
                offset: endOffset)
        }
        guard offset <= endOffset, size <= endOffset - offset else {
            throw SigilError.malformed(
                "the ZIP central directory", at: offset, "declares \(size) bytes that run past the end record at offset \(endOffset)")
        }
        directoryOffset = offset
        let directory = try source.require(size, at: offset, for: "the ZIP central directory")
        entries = []
        var at = 0
        for index in 0..<count {
            entries.append(try Self.centralEntry(directory, at: &at, base: offset, index: index))
        }
        try resolveLocalRecords(source)
    }

    /// The end-of-central-directory record: its offset and bytes (with the comment).
    static func findEnd(_ source: any ByteSource) throws -> (Int, [UInt8]) {
        guard source.count >= 22 else {
            throw SigilError(.truncated, "the ZIP archive is \(source.count) bytes, too short for its end record (22 bytes)", offset: 0)
        }
        let tailStart = max(0, source.count - 22 - 0xFFFF)
        let tail = try source.read(tailStart..<source.count)
        var i = tail.count - 22
        while i >= 0 {
            if tail.matches(endSignature, at: i), i + 22 + tail.u16le(i + 20) == tail.count {
                return (tailStart + i, Array(tail[i...]))
            }
            i -= 1
        }
        throw SigilError.malformed(
            "the ZIP archive", at: source.count, "has no end-of-central-directory record (PK\\5\\6) ending the file: it is cut short or not a ZIP")
    }

    /// A little-endian field as an Int, refusing values past `Int.max`.
    static func int(_ bytes: [UInt8], _ at: Int, _ width: Int, _ structure: String, _ offset: Int) throws -> Int {
        var value: UInt64 = 0
        for k in (0..<width).reversed() { value = value << 8 | UInt64(bytes[at + k]) }
        guard value <= UInt64(Int.max >> 1) else { throw SigilError.malformed(structure, at: offset, "declares a size or offset of \(value) bytes") }
        return Int(value)
    }

    /// One central-directory record at `at` in `directory` (which starts at `base` in the file).
    static func centralEntry(_ directory: [UInt8], at: inout Int, base: Int, index: Int) throws -> ZIPEntry {
        let structure = "ZIP central directory entry \(index)"
        try directory.require(46, at: at, for: structure)
        guard directory.matches(centralSignature, at: at) else { throw SigilError.malformed(structure, at: base + at, "has no PK\\1\\2 signature") }
        let nameLength = directory.u16le(at + 28)
        let extraLength = directory.u16le(at + 30)
        let commentLength = directory.u16le(at + 32)
        try directory.require(46 + nameLength + extraLength + commentLength, at: at, for: structure)
        let name = Array(directory[(at + 46)..<(at + 46 + nameLength)])
        let extraRange = (at + 46 + nameLength)..<(at + 46 + nameLength + extraLength)
        var entry = ZIPEntry(
            nameBytes: name, versionMadeBy: UInt16(directory.u16le(at + 4)), versionNeeded: UInt16(directory.u16le(at + 6)),
            flags: UInt16(directory.u16le(at + 8)), method: UInt16(directory.u16le(at + 10)), modifiedTime: UInt16(directory.u16le(at + 12)),
            modifiedDate: UInt16(directory.u16le(at + 14)), crc32: UInt32(directory.u32le(at + 16)), compressedSize: directory.u32le(at + 20),
            uncompressedSize: directory.u32le(at + 24), extra: [],
            comment: Array(directory[extraRange.upperBound..<(extraRange.upperBound + commentLength)]),
            internalAttributes: UInt16(directory.u16le(at + 36)), externalAttributes: UInt32(directory.u32le(at + 38)),
            localOffset: directory.u32le(at + 42), dataOffset: 0, record: 0..<0, isZIP64: false, centralOffset: base + at)
        // Extra fields: the ZIP64 one (0x0001) supplies, in order, the sizes and offset whose 32-bit fields are all ones.
        var e = extraRange.lowerBound
        while e + 4 <= extraRange.upperBound {
            let id = directory.u16le(e)
            let length = directory.u16le(e + 2)
            guard e + 4 + length <= extraRange.upperBound else {
                throw SigilError.malformed(structure, at: base + e, "has an extra field of \(length) bytes that runs past its record")
            }
            if id == 0x0001 {
                entry.isZIP64 = true
                var f = e + 4
                func next() throws -> Int {
                    guard f + 8 <= e + 4 + length else {
                        throw SigilError.malformed(structure, at: base + e, "has a ZIP64 extra field too short for the fields it must supply")
                    }
                    defer { f += 8 }
                    return try int(directory, f, 8, structure, base + f)
                }
                if entry.uncompressedSize == 0xFFFF_FFFF { entry.uncompressedSize = try next() }
                if entry.compressedSize == 0xFFFF_FFFF { entry.compressedSize = try next() }
                if entry.localOffset == 0xFFFF_FFFF { entry.localOffset = try next() }
            } else {
                entry.extra += directory[e..<(e + 4 + length)]
            }
            e += 4 + length
        }
        at = extraRange.upperBound + commentLength
        return entry
    }

    /// Checks each entry's local header against its central record and finds its data and record ranges.
    mutating func resolveLocalRecords(_ source: any ByteSource) throws {
        for index in entries.indices {
            var entry = entries[index]
            let structure = "ZIP entry \"\(entry.name)\""
            let header = try source.require(30, at: entry.localOffset, for: "the local header of \(structure)")
            guard header.matches(Self.localSignature, at: 0) else {
                throw SigilError.malformed("the local header of \(structure)", at: entry.localOffset, "has no PK\\3\\4 signature")
            }
            let nameLength = header.u16le(26)
            let extraLength = header.u16le(28)
            let localName = try source.require(nameLength, at: entry.localOffset + 30, for: "the name of \(structure)")
            guard localName == entry.nameBytes else {
                throw SigilError.malformed(
                    "the local header of \(structure)", at: entry.localOffset,
                    "names \"\(String(decoding: localName, as: UTF8.self))\", not the central directory's name")
            }
            entry.dataOffset = entry.localOffset + 30 + nameLength + extraLength
            var end = entry.dataOffset + entry.compressedSize
            guard end <= directoryOffset else {
                throw SigilError.malformed(
                    structure, at: entry.localOffset,
                    "declares \(entry.compressedSize) compressed bytes that run past the central directory at offset \(directoryOffset)")
            }
            if entry.hasDataDescriptor {
                let sizeWidth = entry.isZIP64 ? 8 : 4
                let probe = try source.read(end..<min(directoryOffset, end + 4))
                end += (probe == Self.descriptorSignature ? 4 : 0) + 4 + 2 * sizeWidth
                guard end <= directoryOffset else {
                    throw SigilError.malformed(structure, at: entry.dataOffset, "has a data descriptor that runs past the central directory")
                }
            }
            entry.record = entry.localOffset..<end
            entries[index] = entry
        }
        let sorted = entries.map(\.record).sorted { $0.lowerBound < $1.lowerBound }
        for (a, b) in zip(sorted, sorted.dropFirst()) where a.overlaps(b) {
            throw SigilError.malformed(
                "the ZIP archive", at: b.lowerBound, "has entries whose records overlap (at offsets \(a.lowerBound) and \(b.lowerBound))")
        }
    }

    /// The uncompressed bytes of `entry` (stored or deflated), at most `limit` bytes, checked against its size
    /// and (unless the caller reports it itself) its CRC-32.
    ///
    /// - Throws: ``SigilError`` `.tooLarge` past `limit` (a zip bomb), `.malformed` for lying sizes, a CRC
    ///   mismatch or a method other than stored and deflated.
    static func contents(of entry: ZIPEntry, in source: any ByteSource, limit: Int = 16 << 20, checkingCRC: Bool = true) throws -> [UInt8] {
        let structure = "ZIP entry \"\(entry.name)\""
        guard entry.uncompressedSize <= limit else {
            throw SigilError(
                .tooLarge, "\(structure) declares \(entry.uncompressedSize) bytes, over the \(limit)-byte limit for a metadata part",
                offset: entry.localOffset)
        }
        let compressed = try source.require(entry.compressedSize, at: entry.dataOffset, for: structure)
        let bytes: [UInt8]
        switch entry.method {
        case 0: bytes = compressed
        case 8:
            bytes = compressed.isEmpty ? [] : try Zlib.inflate(compressed, limit: limit, raw: true, structure: structure, offset: entry.dataOffset)
        default:
            throw SigilError(
                .unsupportedFormat, "\(structure) uses compression method \(entry.method); Sigil reads stored (0) and deflated (8) parts",
                offset: entry.localOffset)
        }
        guard bytes.count == entry.uncompressedSize else {
            throw SigilError.malformed(
                structure, at: entry.localOffset, "declares \(entry.uncompressedSize) uncompressed bytes but holds \(bytes.count)")
        }
        if checkingCRC { try checkCRC(of: entry, bytes) }
        return bytes
    }

    /// Throws when `bytes` (the entry's uncompressed contents) do not match its CRC-32.
    static func checkCRC(of entry: ZIPEntry, _ bytes: [UInt8]) throws {
        guard Zlib.crc32(bytes) == entry.crc32 else {
            throw SigilError.malformed("ZIP entry \"\(entry.name)\"", at: entry.localOffset, "fails its CRC-32 check")
        }
    }
}

extension ZIPArchive {
    /// The entries of an archive that has no central directory, read from its local headers in order (what a
    /// reader can still do with a damaged or hand-made file); stops at the first record it cannot follow.
    static func localEntries(_ bytes: [UInt8]) -> [ZIPEntry] {
        var entries: [ZIPEntry] = []
        var at = 0
        while bytes.has(30, at: at), bytes.matches(localSignature, at: at), entries.count < maximumEntries {
            let flags = UInt16(bytes.u16le(at + 6))
            let size = bytes.u32le(at + 18)
            let nameLength = bytes.u16le(at + 26)
            let extraLength = bytes.u16le(at + 28)
            let dataOffset = at + 30 + nameLength + extraLength
            guard flags & 0x0008 == 0 || size > 0, bytes.has(size, at: dataOffset) else { break }
            entries.append(
                ZIPEntry(
                    nameBytes: Array(bytes[(at + 30)..<(at + 30 + nameLength)]), versionMadeBy: 20, versionNeeded: UInt16(bytes.u16le(at + 4)),
                    flags: flags,
                    method: UInt16(bytes.u16le(at + 8)), modifiedTime: UInt16(bytes.u16le(at + 10)), modifiedDate: UInt16(bytes.u16le(at + 12)),
                    crc32: UInt32(bytes.u32le(at + 14)), compressedSize: size, uncompressedSize: bytes.u32le(at + 22), extra: [], comment: [],
                    internalAttributes: 0, externalAttributes: 0, localOffset: at, dataOffset: dataOffset, record: at..<(dataOffset + size),
                    isZIP64: false))
            at = dataOffset + size
        }
        return entries
    }
}
