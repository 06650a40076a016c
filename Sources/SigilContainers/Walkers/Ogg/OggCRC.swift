/// The Ogg page checksum (RFC 3533 §6): CRC-32 with the polynomial 0x04C11DB7, initial value 0, no bit reflection
/// and no final XOR, computed over the whole page with its CRC field set to zero.
enum OggCRC {
    static let table: [UInt32] = (0..<256).map { index in
        var r = UInt32(index) << 24
        for _ in 0..<8 { r = r & 0x8000_0000 != 0 ? (r << 1) ^ 0x04C1_1DB7 : r << 1 }
        return r
    }

    /// The checksum of `page` (a whole page), its CRC field (bytes 22–25) counted as zero.
    static func checksum(_ page: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0
        for (i, byte) in page.enumerated() {
            let b = (22..<26).contains(i) ? 0 : byte
            crc = (crc << 8) ^ table[Int((crc >> 24) ^ UInt32(b))]
        }
        return crc
    }

    /// `page` with its CRC field set to the page's checksum.
    static func sealed(_ page: [UInt8]) -> [UInt8] {
        var out = page
        out.replaceSubrange(22..<26, with: checksum(page).littleEndianBytes(4))
        return out
    }
}
