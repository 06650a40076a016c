/// An ID3v2 tag at the start of a file (ID3v2.2, 2.3 and 2.4): its frames, by offset. The one ID3 walker, shared by
/// MP3's label and C2PA carriers (and by any format that starts with an ID3 tag).
struct ID3Tag {
    var major: UInt8
    var flags: UInt8
    /// The whole tag, header (and footer) included.
    var range: Range<Int>
    /// Where the frames start (after any extended header).
    var framesStart: Int
    /// Where the frames area ends (before any footer).
    var framesEnd: Int
    var frames: [Frame]

    struct Frame {
        var id: String
        var range: Range<Int>
        var data: Range<Int>
    }

    static func syncsafe(_ bytes: [UInt8], _ i: Int) -> Int {
        Int(bytes[i] & 0x7F) << 21 | Int(bytes[i + 1] & 0x7F) << 14 | Int(bytes[i + 2] & 0x7F) << 7 | Int(bytes[i + 3] & 0x7F)
    }

    static func syncsafeBytes(_ n: Int) -> [UInt8] {
        [UInt8((n >> 21) & 0x7F), UInt8((n >> 14) & 0x7F), UInt8((n >> 7) & 0x7F), UInt8(n & 0x7F)]
    }

    /// The ID3v2 tag at the start of the file, or nil when there is none.
    static func read(_ bytes: [UInt8]) throws -> ID3Tag? {
        guard bytes.count >= 10, bytes[0] == 0x49, bytes[1] == 0x44, bytes[2] == 0x33 else { return nil }
        let major = bytes[3]
        let flags = bytes[5]
        guard (2...4).contains(major) else {
            throw SigilError(.malformed, "ID3v2.\(major) tag at offset 0 is a version Sigil does not read", offset: 0)
        }
        let size = syncsafe(bytes, 6)
        let footer = major == 4 && flags & 0x10 != 0 ? 10 : 0
        guard size + footer <= bytes.count - 10 else {
            throw SigilError(.truncated, "ID3v2 tag at offset 0 declares \(size) bytes but only \(bytes.count - 10) remain", offset: 0)
        }
        let framesEnd = 10 + size
        var i = 10
        if flags & 0x40 != 0 && major >= 3 {
            guard framesEnd - i >= 4 else { throw SigilError(.truncated, "ID3v2 extended header at offset 10 is cut short", offset: 10) }
            let extended = major == 4 ? syncsafe(bytes, i) : Int(bytes.u32be(i)) + 4
            guard extended >= 4, extended <= framesEnd - i else {
                throw SigilError(.malformed, "ID3v2 extended header at offset 10 declares \(extended) bytes", offset: 10)
            }
            i += extended
        }
        let framesStart = i
        var frames: [Frame] = []
        let headerSize = major == 2 ? 6 : 10
        // Each iteration moves `i` forward by at least one frame header or stops.
        while framesEnd - i >= headerSize, bytes[i] != 0 {
            let idLength = major == 2 ? 3 : 4
            let id = String(decoding: bytes[i..<(i + idLength)], as: UTF8.self)
            let size: Int
            switch major {
            case 2: size = Int(bytes[i + 3]) << 16 | Int(bytes[i + 4]) << 8 | Int(bytes[i + 5])
            case 3: size = Int(bytes.u32be(i + 4))
            default: size = syncsafe(bytes, i + 4)
            }
            guard size <= framesEnd - (i + headerSize) else {
                throw SigilError(
                    .truncated, "ID3v2 frame \(id) at offset \(i) declares \(size) bytes but only \(framesEnd - (i + headerSize)) remain", offset: i)
            }
            frames.append(Frame(id: id, range: i..<(i + headerSize + size), data: (i + headerSize)..<(i + headerSize + size)))
            i += headerSize + size
        }
        return ID3Tag(major: major, flags: flags, range: 0..<(framesEnd + footer), framesStart: framesStart, framesEnd: framesEnd, frames: frames)
    }
}
