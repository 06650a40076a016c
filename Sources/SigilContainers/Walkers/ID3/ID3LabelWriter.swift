/// Writes the GB 45438 label into an ID3v2 tag: one `TXXX` frame described `AIGC` (PG-202510A), merged into the
/// tag a file already has.
///
/// Every other frame is kept byte for byte and in order (cover art, comments, other `TXXX`); the first `AIGC`
/// frame is replaced where it stood and later ones removed. The rewritten tag keeps its version (2.3 or 2.4);
/// it loses three things whose content the edit would make false: an ID3v2.3 tag's unsynchronisation (its frames
/// are decoded and written plain), the extended header (its CRC and padding size), and an ID3v2.4 footer (which
/// forbids padding). When the frames fit in the old tag's bytes the rest becomes padding and the tag keeps its
/// size, so the audio after it does not move; otherwise the tag grows by what it needs plus ``growthPadding``.
enum ID3LabelWriter {
    static let description = "AIGC"
    /// The padding a tag gets when it has to grow (or is new): exiftool warns about an ID3v2.4 tag whose last frame
    /// is longer than 127 bytes and ends the tag, and a later label of about the same length then fits in place.
    static let growthPadding = 256

    /// The tag that replaces `existing` (the bytes of the file's ID3v2 tag, or nil when it has none).
    ///
    /// - Throws: ``SigilError`` for an ID3v2.2 tag (whose three-letter frames Sigil does not rewrite) or a damaged one.
    static func tag(json: String, replacing existing: [UInt8]?) throws -> [UInt8] {
        guard let existing, let (bytes, tag) = try ID3Unsynchronisation.readable(existing) else {
            let frame = userTextFrame(json, major: 4, unsynchronised: false)
            return header(major: 4, revision: 0, flags: 0, size: frame.count + growthPadding) + frame + [UInt8](repeating: 0, count: growthPadding)
        }
        guard tag.major >= 3 else {
            throw SigilError(.unsupportedFormat, "the MP3 file has an ID3v2.2 tag; Sigil writes labels into ID3v2.3 and ID3v2.4 tags only", offset: 0)
        }
        // In ID3v2.4 the header's unsynchronisation flag means every frame is unsynchronised; the new frame says so too.
        let unsynchronised = tag.major == 4 && tag.flags & 0x80 != 0
        let label = userTextFrame(json, major: tag.major, unsynchronised: unsynchronised)
        var frames: [UInt8] = []
        var placed = false
        for frame in tag.frames {
            if let (description, _) = ID3Labels.labelText(bytes, frame, major: tag.major, tagFlags: tag.flags),
                description.uppercased() == Self.description
            {
                if !placed { frames += label }
                placed = true
            } else {
                frames += bytes[frame.range]
            }
        }
        if !placed { frames += label }
        let room = existing.count - 10
        let size = frames.count <= room ? room : frames.count + growthPadding
        guard size < 1 << 28 else { throw SigilError(.capacity, "an ID3v2 tag of \(size) bytes exceeds the 256 MiB its header can declare") }
        let flags = tag.flags & ~(0x40 | 0x10)
        return header(major: tag.major, revision: bytes[4], flags: flags, size: size) + frames + [UInt8](repeating: 0, count: size - frames.count)
    }

    static func header(major: UInt8, revision: UInt8, flags: UInt8, size: Int) -> [UInt8] {
        Array("ID3".utf8) + [major, revision, flags] + ID3Tag.syncsafeBytes(size)
    }

    /// A `TXXX` frame `AIGC` = `json`: UTF-8 in ID3v2.4; in ID3v2.3 (which has no UTF-8) ISO-8859-1 for ASCII text,
    /// else UTF-16 with a byte-order mark.
    static func userTextFrame(_ json: String, major: UInt8, unsynchronised: Bool) -> [UInt8] {
        var body: [UInt8]
        if major == 4 || json.utf8.allSatisfy({ $0 < 0x80 }) {
            body = [major == 4 ? 3 : 0] + Array(description.utf8) + [0] + Array(json.utf8)
        } else {
            func utf16(_ s: String) -> [UInt8] { [0xFF, 0xFE] + s.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] } }
            body = [1] + utf16(description) + [0, 0] + utf16(json)
        }
        let size = major == 4 ? ID3Tag.syncsafeBytes(body.count) : UInt32(body.count).bigEndianBytes(4)
        // UTF-8 never holds FF, so an unsynchronised frame's content is its plain content.
        return Array("TXXX".utf8) + size + [0, unsynchronised ? 0x02 : 0] + body
    }
}
