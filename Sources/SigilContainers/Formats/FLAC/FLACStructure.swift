/// A FLAC file's metadata blocks (FLAC format §8), read through a ``ByteSource`` header by header: a file of any
/// length costs one read per block plus one for the first frame's sync code.
struct FLACStructure: Sendable {
    /// The block types Sigil names (RFC 9639 §8.1).
    enum BlockType: UInt8 {
        case streamInfo = 0
        case padding = 1
        case application = 2
        case seekTable = 3
        case vorbisComment = 4
        case cueSheet = 5
        case picture = 6
    }

    /// One metadata block: its 4-byte header at `offset`, then `data`.
    struct Block: Sendable, Hashable {
        var type: UInt8
        var isLast: Bool
        var offset: Int
        var data: Range<Int>
        var range: Range<Int> { offset..<data.upperBound }
    }

    /// The blocks read, in file order (up to any damage).
    var blocks: [Block] = []
    /// Where the audio frames start (after the last metadata block); nil when the blocks do not end properly.
    var framesStart: Int?
    /// The first problem found; blocks before it are in ``blocks``.
    var damage: SigilError?

    /// The largest length a block header can declare (24 bits).
    static let maximumBlockLength = (1 << 24) - 1

    static func isFLAC(_ prefix: [UInt8]) -> Bool { prefix.matches(ascii: "fLaC", at: 0) }

    /// Walks the metadata blocks of `source`, which starts with `fLaC`.
    init(_ source: any ByteSource) throws {
        let magic = try source.require(4, at: 0, for: "FLAC signature")
        guard Self.isFLAC(magic) else { throw SigilError.malformed("FLAC signature", at: 0, "is not fLaC") }
        var i = 4
        // Each iteration moves `i` forward by at least the 4-byte block header or stops.
        while true {
            guard source.count - i >= 4 else {
                damage = SigilError.truncated("FLAC metadata block header", at: i, needs: 4, remaining: source.count - i)
                return
            }
            let header = try source.read(i..<(i + 4))
            let type = header[0] & 0x7F
            let length = Int(header[1]) << 16 | Int(header[2]) << 8 | Int(header[3])
            guard type != 127 else {
                damage = SigilError.malformed("FLAC metadata block", at: i, "has the invalid type 127")
                return
            }
            guard length <= source.count - i - 4 else {
                damage = SigilError.truncated("FLAC metadata block of type \(type)", at: i, needs: length, remaining: source.count - i - 4)
                return
            }
            if blocks.isEmpty, type != BlockType.streamInfo.rawValue || length != 34 {
                damage = SigilError.malformed(
                    "FLAC metadata block", at: i, "is not a 34-byte STREAMINFO block, which must come first (type \(type), \(length) bytes)")
                return
            }
            let block = Block(type: type, isLast: header[0] & 0x80 != 0, offset: i, data: (i + 4)..<(i + 4 + length))
            blocks.append(block)
            i = block.data.upperBound
            if block.isLast { break }
        }
        if i < source.count {
            let sync = try source.read(i..<min(source.count, i + 2))
            guard sync.count == 2, sync[0] == 0xFF, sync[1] & 0xFE == 0xF8 else {
                damage = SigilError.malformed(
                    "FLAC audio", at: i, "does not start with a frame sync code (FF F8/F9): a metadata block length is wrong")
                return
            }
        }
        framesStart = i
    }

    /// The blocks of one type.
    func blocks(_ type: BlockType) -> [Block] { blocks.filter { $0.type == type.rawValue } }

    /// A block header: type, last-block flag, 24-bit length.
    static func header(type: UInt8, isLast: Bool, length: Int) -> [UInt8] {
        [type | (isLast ? 0x80 : 0)] + UInt32(length).bigEndianBytes(3)
    }
}
