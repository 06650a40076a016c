/// One entry of a ZIP archive as its central directory (or, without one, its local header) describes it.
struct ZIPEntry: Sendable, Hashable {
    /// The name as stored (UTF-8 when flag bit 11 is set, CP437 otherwise; OOXML part names are ASCII).
    var nameBytes: [UInt8]
    var versionMadeBy: UInt16
    var versionNeeded: UInt16
    /// The general-purpose flags: bit 3 a data descriptor follows the data, bit 11 the name is UTF-8.
    var flags: UInt16
    /// The compression method: 0 stored, 8 deflated. Never read from ``flags`` (AigcTotal's bug).
    var method: UInt16
    var modifiedTime: UInt16
    var modifiedDate: UInt16
    var crc32: UInt32
    var compressedSize: Int
    var uncompressedSize: Int
    /// The central-directory extra field without its ZIP64 record (regenerated when the entry is written).
    var extra: [UInt8]
    var comment: [UInt8]
    var internalAttributes: UInt16
    var externalAttributes: UInt32
    /// Where the local header starts.
    var localOffset: Int
    /// Where the compressed data starts (after the local header, name and extra field).
    var dataOffset: Int
    /// The whole local record: header, data and data descriptor; what a copy keeps byte for byte.
    var record: Range<Int>
    /// Whether the entry used ZIP64 fields.
    var isZIP64: Bool
    /// Where the entry's central-directory record starts (0 for an entry read from its local header or not yet written).
    var centralOffset = 0

    var name: String { String(decoding: nameBytes, as: UTF8.self) }
    /// The compressed bytes.
    var data: Range<Int> { dataOffset..<(dataOffset + compressedSize) }
    var hasDataDescriptor: Bool { flags & 0x0008 != 0 }
}
