/// ID3v2 unsynchronisation (ID3v2.3 §5, ID3v2.4 structure §6.1): a writer puts `00` after every `FF` so no
/// false MPEG sync appears; a reader takes those `00` bytes out again.
enum ID3Unsynchronisation {
    /// `bytes` with the `00` after each `FF` removed.
    static func decode<C: Collection>(_ bytes: C) -> [UInt8] where C.Element == UInt8 {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var afterFF = false
        for byte in bytes {
            if afterFF && byte == 0 {
                afterFF = false
                continue
            }
            out.append(byte)
            afterFF = byte == 0xFF
        }
        return out
    }

    /// The tag in `tagBytes` (exactly one ID3v2 tag) as a reader sees it: an ID3v2.3 tag with the
    /// unsynchronisation flag is decoded into a tag without it (its frame sizes count decoded bytes); any other
    /// tag is returned as it is.
    ///
    /// - Throws: ``SigilError`` as ``ID3Tag/read(_:)``.
    static func readable(_ tagBytes: [UInt8]) throws -> (bytes: [UInt8], tag: ID3Tag)? {
        guard let tag = try ID3Tag.read(tagBytes) else { return nil }
        guard tag.major == 3, tag.flags & 0x80 != 0 else { return (tagBytes, tag) }
        let body = decode(tagBytes[10..<tag.framesEnd])
        let decoded = Array(tagBytes[0..<5]) + [tag.flags & ~0x80] + ID3Tag.syncsafeBytes(body.count) + body
        guard let plain = try ID3Tag.read(decoded) else { return nil }
        return (decoded, plain)
    }
}
