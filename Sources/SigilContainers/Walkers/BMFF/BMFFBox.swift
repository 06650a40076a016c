/// One ISO BMFF box (ISO/IEC 14496-12 §4.2), as the one BMFF walker reports it. Shared by the MP4/MOV/M4A/HEIF
/// handler and by C2PA's `c2pa.hash.bmff` validation.
public struct BMFFBox: Sendable, Hashable {
    /// The four-character type (`moov`, `uuid`); bytes outside printable ASCII read as `?`.
    public var type: String
    /// The box's path from the top (`/moov/trak/mdia`).
    public var path: String
    /// The whole box, header included.
    public var range: Range<Int>
    /// The size and type fields: 8, or 16 with a 64-bit size. A `uuid` box's 16-byte user type follows them and
    /// is not counted here.
    public var headerSize: Int
    /// 0 for top-level boxes.
    public var depth: Int

    /// Where the box's content starts after any `uuid` user type.
    public var contentStart: Int { range.lowerBound + headerSize + (type == "uuid" ? 16 : 0) }
    /// The content after the header (and user type).
    public var payload: Range<Int> { min(contentStart, range.upperBound)..<range.upperBound }

    /// The user type of the `uuid` box that carries C2PA data (a manifest store or Merkle data):
    /// `D8FEC3D6-1B0E-483C-9297-5828877EC481`.
    public static let c2paUserType: [UInt8] = [0xD8, 0xFE, 0xC3, 0xD6, 0x1B, 0x0E, 0x48, 0x3C, 0x92, 0x97, 0x58, 0x28, 0x87, 0x7E, 0xC4, 0x81]
}

/// Walks ISO BMFF boxes through a ``ByteSource``: headers only, so a multi-gigabyte `mdat` costs one read.
public enum BMFFWalker {
    /// The boxes that hold other boxes and are descended into by ``tree(_:)``.
    public static let containers: Set<String> = [
        "moov", "trak", "mdia", "minf", "stbl", "edts", "mvex", "moof", "traf", "meta", "dinf", "udta", "mfra", "iprp", "ipco", "sinf", "schi",
    ]
    /// Deeper nesting than this is not followed (a hostile file cannot recurse without bound).
    public static let maximumDepth = 16

    /// The top-level boxes.
    ///
    /// - Throws: ``SigilError`` `.truncated` naming the box and offset when a size runs past the end.
    public static func topLevel(_ source: any ByteSource) throws -> [BMFFBox] {
        var out: [BMFFBox] = []
        try walk(source, 0..<source.count, path: "", depth: 0, descend: false, into: &out)
        return out
    }

    /// The top-level boxes of bytes in memory.
    public static func topLevel(_ bytes: [UInt8]) throws -> [BMFFBox] { try topLevel(MemoryByteSource(bytes)) }

    /// Every box, depth first, descending into ``containers`` (a `meta` box's FullBox header skipped).
    public static func tree(_ source: any ByteSource) throws -> [BMFFBox] {
        var out: [BMFFBox] = []
        try walk(source, 0..<source.count, path: "", depth: 0, descend: true, into: &out)
        return out
    }

    /// Every box of bytes in memory.
    public static func tree(_ bytes: [UInt8]) throws -> [BMFFBox] { try tree(MemoryByteSource(bytes)) }

    static func walk(_ source: any ByteSource, _ range: Range<Int>, path: String, depth: Int, descend: Bool, into out: inout [BMFFBox]) throws {
        guard depth < maximumDepth else { return }
        var i = range.lowerBound
        // Each iteration moves `i` forward by at least 8 bytes or stops.
        while i < range.upperBound {
            guard range.upperBound - i >= 8 else {
                // Trailing bytes inside a parent too short for a box header: tolerated inside containers, damage at the top.
                if depth == 0 {
                    throw SigilError(.truncated, "BMFF box header at offset \(i) needs 8 bytes but only \(range.upperBound - i) remain", offset: i)
                }
                return
            }
            let header = try source.read(i..<(i + 8))
            var size = UInt64(header.u32be(0))
            let type = String(decoding: header[4..<8].map { (0x20...0x7E).contains($0) ? $0 : UInt8(ascii: "?") }, as: UTF8.self)
            var headerSize = 8
            if size == 1 {
                guard range.upperBound - i >= 16 else {
                    throw SigilError(.truncated, "BMFF box '\(type)' at offset \(i) is missing its 64-bit size", offset: i)
                }
                size = try source.read((i + 8)..<(i + 16)).reduce(0) { $0 << 8 | UInt64($1) }
                headerSize = 16
            } else if size == 0 {
                size = UInt64(range.upperBound - i)
            }
            let minimum = UInt64(headerSize + (type == "uuid" ? 16 : 0))
            guard size >= minimum, size <= UInt64(range.upperBound - i) else {
                throw SigilError(.truncated, "BMFF box '\(type)' at offset \(i) declares \(size) bytes but \(range.upperBound - i) remain", offset: i)
            }
            let box = BMFFBox(type: type, path: path + "/" + type, range: i..<(i + Int(size)), headerSize: headerSize, depth: depth)
            out.append(box)
            if descend, containers.contains(type) {
                let childStart = i + headerSize + (type == "meta" ? 4 : 0)
                if childStart <= box.range.upperBound {
                    try walk(source, childStart..<box.range.upperBound, path: box.path, depth: depth + 1, descend: true, into: &out)
                }
            }
            i = box.range.upperBound
        }
    }

    /// The 16-byte user type of a `uuid` box, or nil.
    public static func userType(of box: BMFFBox, in source: any ByteSource) -> [UInt8]? {
        guard box.type == "uuid", box.range.count >= box.headerSize + 16 else { return nil }
        let start = box.range.lowerBound + box.headerSize
        return try? source.read(start..<(start + 16))
    }
}
