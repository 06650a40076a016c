/// An MP3 file's layout, read through a ``ByteSource``: an ID3v2 tag at the start, the MPEG audio frames, and the
/// APEv2 and ID3v1 tags some files end with. The frames (the first one may be a Xing/LAME/VBRI header frame) are
/// the essence; only the tag at the start is ever rewritten.
struct MP3Structure: Sendable {
    /// The ID3v2 tag at the start (header, extended header, frames, padding, footer), or nil.
    var tag: Range<Int>?
    /// The MPEG audio frames.
    var audio: Range<Int>

    /// How many zero bytes after the ID3v2 tag are taken as padding that the tag size left out.
    static let maximumZeroRun = 1 << 16

    /// Reads the layout of `source`.
    ///
    /// - Throws: ``SigilError`` `.truncated` for a tag that runs past the end, `.malformed` when no MPEG frame sync
    ///   follows the tag (its size is wrong, or the file is not MPEG audio).
    init(_ source: any ByteSource) throws {
        var start = 0
        let head = try source.read(0..<min(source.count, 10))
        if head.count == 10, head.matches(ascii: "ID3", at: 0) {
            guard head[6..<10].allSatisfy({ $0 < 0x80 }) else {
                throw SigilError.malformed("ID3v2 tag header", at: 0, "has a size that is not syncsafe")
            }
            let size = ID3Tag.syncsafe(head, 6)
            let footer = head[3] == 4 && head[5] & 0x10 != 0 ? 10 : 0
            guard size + footer <= source.count - 10 else {
                throw SigilError.truncated("ID3v2 tag", at: 0, needs: size + footer, remaining: source.count - 10)
            }
            start = 10 + size + footer
            tag = 0..<start
        }
        let window = try source.read(start..<min(source.count, start + Self.maximumZeroRun + 2))
        guard let first = window.firstIndex(where: { $0 != 0 }), first + 1 < window.count, window[first] == 0xFF, window[first + 1] & 0xE0 == 0xE0
        else {
            throw SigilError.malformed(
                "MP3 audio", at: start, "does not start with an MPEG frame sync (FF Ex)\(tag == nil ? "" : ": the ID3v2 tag's size may be wrong")")
        }
        let frames = start + first
        var end = source.count
        if end - frames >= 128, try source.read((end - 128)..<(end - 125)).matches(ascii: "TAG", at: 0) { end -= 128 }
        if end - frames >= 32 {
            let footer = try source.read((end - 32)..<end)
            if footer.matches(ascii: "APETAGEX", at: 0) {
                let length = footer.u32le(12) + (footer.u32le(20) & 0x8000_0000 != 0 ? 32 : 0)
                guard length >= 32, length <= end - frames else {
                    throw SigilError.malformed("APEv2 tag footer", at: end - 32, "declares \(length) bytes, more than the file holds before it")
                }
                end -= length
            }
        }
        audio = frames..<end
    }
}
