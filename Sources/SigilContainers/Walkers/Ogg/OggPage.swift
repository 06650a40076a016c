/// One Ogg page (RFC 3533 §6): a 27-byte header, a segment table of `lacing` values, and the body they measure.
struct OggPage: Sendable, Hashable {
    /// Header-type flags.
    static let continued: UInt8 = 0x01, beginning: UInt8 = 0x02, end: UInt8 = 0x04
    /// The granule position of a page on which no packet ends.
    static let noGranule = UInt64.max

    var offset: Int
    var headerType: UInt8
    var granule: UInt64
    var serial: UInt32
    var sequence: UInt32
    var storedCRC: UInt32
    var lacing: [UInt8]

    var headerLength: Int { 27 + lacing.count }
    var bodyLength: Int { lacing.reduce(0) { $0 + Int($1) } }
    var body: Range<Int> { (offset + headerLength)..<(offset + headerLength + bodyLength) }
    var range: Range<Int> { offset..<body.upperBound }
    /// Whether the page's last packet goes on to the next page (its last lacing value is 255).
    var endsInsidePacket: Bool { lacing.last == 255 }

    /// Reads the page header at `offset`.
    ///
    /// - Throws: ``SigilError`` `.malformed` without the `OggS` capture pattern or version 0, `.truncated` when the
    ///   page runs past the end.
    static func read(_ source: any ByteSource, at offset: Int) throws -> OggPage {
        let header = try source.require(27, at: offset, for: "Ogg page header")
        guard header.matches(ascii: "OggS", at: 0) else {
            throw SigilError.malformed("Ogg page", at: offset, "does not start with the capture pattern OggS")
        }
        guard header[4] == 0 else { throw SigilError.malformed("Ogg page", at: offset, "has stream structure version \(header[4]), not 0") }
        let lacing = try source.require(Int(header[26]), at: offset + 27, for: "Ogg segment table")
        let page = OggPage(
            offset: offset, headerType: header[5], granule: UInt64(header.u32le(6)) | UInt64(header.u32le(10)) << 32,
            serial: UInt32(header.u32le(14)),
            sequence: UInt32(header.u32le(18)), storedCRC: UInt32(header.u32le(22)), lacing: lacing)
        guard page.body.upperBound <= source.count else {
            throw SigilError.truncated(
                "Ogg page body", at: page.body.lowerBound, needs: page.bodyLength, remaining: source.count - page.body.lowerBound)
        }
        return page
    }

    /// Reads the whole page and checks its CRC.
    ///
    /// - Throws: ``SigilError`` `.malformed` naming the page when the stored CRC is not the page's checksum.
    func verifiedBytes(_ source: any ByteSource) throws -> [UInt8] {
        let bytes = try source.require(range.count, at: offset, for: "Ogg page")
        let computed = OggCRC.checksum(bytes)
        guard computed == storedCRC else {
            throw SigilError.malformed(
                "Ogg page \(sequence)", at: offset,
                "fails its CRC check (stored 0x\(hex(Int(storedCRC), width: 8)), computed 0x\(hex(Int(computed), width: 8)))")
        }
        return bytes
    }

    /// A page's bytes with a correct CRC.
    static func make(headerType: UInt8, granule: UInt64, serial: UInt32, sequence: UInt32, lacing: [UInt8], body: [UInt8]) -> [UInt8] {
        let header =
            Array("OggS".utf8) + [0, headerType] + granule.littleEndianBytes(8) + serial.littleEndianBytes(4) + sequence.littleEndianBytes(4)
            + [0, 0, 0, 0] + [UInt8(lacing.count)] + lacing
        return OggCRC.sealed(header + body)
    }
}
