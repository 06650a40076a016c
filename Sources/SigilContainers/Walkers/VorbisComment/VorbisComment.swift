/// A Vorbis comment list (Vorbis I spec §5): a vendor string and `KEY=value` comments, each length-prefixed
/// (32-bit little-endian). The one walker for the label site FLAC (`VORBIS_COMMENT` block), Ogg Vorbis (the
/// `\x03vorbis` header) and Ogg Opus (`OpusTags`) share: `AIGC=<Annex E JSON>` (PG-202510A).
///
/// The list is read from the bytes after the packet signature; bytes after the last comment (Vorbis' framing
/// bit, Opus' binary extension data, FLAC's nothing) are kept as ``trailer``.
struct VorbisComment: Sendable, Hashable {
    /// The field name of the label (compared without regard to case, as Vorbis field names are).
    static let labelKey = "AIGC"

    /// One comment: its bytes (`KEY=value`, UTF-8) and where they sit relative to the list's start.
    struct Comment: Sendable, Hashable {
        var bytes: [UInt8]
        var offset: Int

        /// The field name before `=` (the whole comment when there is none).
        var key: String {
            let end = bytes.firstIndex(of: UInt8(ascii: "=")) ?? bytes.count
            return String(decoding: bytes[..<end], as: UTF8.self)
        }

        /// The value after the first `=`, or nil when there is no `=`.
        var value: [UInt8]? {
            bytes.firstIndex(of: UInt8(ascii: "=")).map { Array(bytes[($0 + 1)...]) }
        }

        /// Whether this is the label field (`AIGC`, any case).
        var isLabel: Bool { key.uppercased() == VorbisComment.labelKey }
        /// Whether the field name mentions AIGC at all (variants a reader reports as non-standard carriers).
        var mentionsLabel: Bool { key.uppercased().contains(VorbisComment.labelKey) }
    }

    var vendor: [UInt8]
    var comments: [Comment]
    /// Bytes after the last comment (a framing bit, extension data).
    var trailer: [UInt8]

    init(vendor: [UInt8], comments: [Comment], trailer: [UInt8] = []) {
        self.vendor = vendor
        self.comments = comments
        self.trailer = trailer
    }

    /// Parses a comment list from `bytes` (the list's bytes only, the packet signature already skipped).
    /// Offsets in errors are `base` plus the position in `bytes`.
    ///
    /// - Throws: ``SigilError`` `.truncated` when a length runs past the end.
    init(parsing bytes: [UInt8], base: Int, structure: String) throws {
        // The list's lengths checked against what remains, errors naming the file offset (base + position).
        func require(_ length: Int, at offset: Int, for what: @autoclosure () -> String) throws {
            guard offset <= bytes.count, length <= bytes.count - offset else {
                throw SigilError.truncated(what(), at: base + offset, needs: length, remaining: max(0, bytes.count - offset))
            }
        }
        try require(4, at: 0, for: "\(structure) vendor length")
        let vendorLength = bytes.u32le(0)
        try require(vendorLength, at: 4, for: "\(structure) vendor string")
        vendor = Array(bytes[4..<(4 + vendorLength)])
        var i = 4 + vendorLength
        try require(4, at: i, for: "\(structure) comment count")
        let count = bytes.u32le(i)
        i += 4
        // Each comment takes at least its 4-byte length: a count that cannot fit is a lie, refused before the loop.
        guard count <= bytes.remaining(after: i) / 4 else {
            throw SigilError.malformed(structure, at: base + i - 4, "declares \(count) comments but only \(bytes.remaining(after: i)) bytes remain")
        }
        var comments: [Comment] = []
        comments.reserveCapacity(count)
        for index in 0..<count {
            try require(4, at: i, for: "\(structure) comment \(index) length")
            let length = bytes.u32le(i)
            try require(length, at: i + 4, for: "\(structure) comment \(index)")
            comments.append(Comment(bytes: Array(bytes[(i + 4)..<(i + 4 + length)]), offset: i + 4))
            i += 4 + length
        }
        self.comments = comments
        trailer = Array(bytes[i...])
    }

    /// The list's bytes (vendor, count, comments, trailer).
    var serialized: [UInt8] {
        var out = UInt32(vendor.count).littleEndianBytes(4) + vendor + UInt32(comments.count).littleEndianBytes(4)
        for comment in comments {
            out += UInt32(comment.bytes.count).littleEndianBytes(4)
            out += comment.bytes
        }
        return out + trailer
    }

    /// This list with exactly one label, `AIGC=json`: the first label comment's value replaced in place, later
    /// ones removed, or the comment appended when there was none. Every other comment is kept in order.
    func labeled(json: String) -> VorbisComment {
        let label = Comment(bytes: Array("\(Self.labelKey)=\(json)".utf8), offset: 0)
        var out: [Comment] = []
        var placed = false
        for comment in comments {
            if comment.isLabel {
                if !placed { out.append(label) }
                placed = true
            } else {
                out.append(comment)
            }
        }
        if !placed { out.append(label) }
        return VorbisComment(vendor: vendor, comments: out, trailer: trailer)
    }

    /// The comments that name AIGC, as label carriers: `base` is the file offset of the list's first byte.
    func carriers(base: Int, site: String) -> [LabelCarrier] {
        comments.enumerated().compactMap { index, comment in
            guard comment.mentionsLabel, let value = comment.value else { return nil }
            let keyLength = comment.bytes.count - value.count
            return LabelCarrier(
                kind: .vorbisComment, location: "\(site) comment[\(index)] \"\(comment.key)\"", offset: base + comment.offset + keyLength,
                length: value.count, keyed: true, standard: comment.isLabel, payload: .text(TextDecoding.utf8OrLatin1(value)))
        }
    }
}
