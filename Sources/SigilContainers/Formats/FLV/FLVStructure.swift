/// An FLV file read from its tag headers (Adobe FLV specification, version 10.1, annex E): the header, then tags,
/// each followed by its `PreviousTagSize`. Tag data are never read here.
struct FLVStructure {
    /// One tag.
    struct Tag: Sendable, Hashable {
        /// 8 audio, 9 video, 18 script data (the filter bit and reserved bits removed).
        var type: UInt8
        var offset: Int
        /// The tag's data.
        var data: Range<Int>
        /// The end of the `PreviousTagSize` that follows the data.
        var end: Int

        /// The tag's 11-byte header, data and `PreviousTagSize`.
        var range: Range<Int> { offset..<end }
        static let script: UInt8 = 18
    }

    /// Where the first tag's `PreviousTagSize` (0) starts: the header's `DataOffset`.
    var dataOffset: Int
    var tags: [Tag]
    /// The first damage met, when read leniently (the tags before it are kept).
    var damage: SigilError?

    /// - Parameter lenient: record the first damage in ``damage`` and keep what came before, instead of throwing.
    /// - Throws: ``SigilError`` naming the tag and offset (when not lenient).
    init(_ source: any ByteSource, lenient: Bool = false) throws {
        let header = try source.require(9, at: 0, for: "the FLV header")
        guard header.matches(ascii: "FLV", at: 0) else { throw SigilError.malformed("the file", at: 0, "does not start with an FLV header") }
        dataOffset = header.u32be(5)
        guard dataOffset >= 9, dataOffset <= source.count - 4 else {
            throw SigilError.malformed("the FLV header", at: 5, "gives the data offset \(dataOffset), outside the \(source.count)-byte file")
        }
        tags = []
        damage = nil
        var reader = WindowReader(source: source)
        var at = dataOffset + 4
        do {
            while at < source.count {
                let head = try reader.bytes(at: at, count: 11)
                guard head.count == 11 else {
                    throw SigilError(.truncated, "the FLV tag header at offset \(at) is cut off: \(head.count) of 11 bytes remain", offset: at)
                }
                let type = head[0] & 0x1F
                let size = Int(head[1]) << 16 | Int(head[2]) << 8 | Int(head[3])
                guard type == 8 || type == 9 || type == Tag.script else {
                    throw SigilError.malformed("the FLV tag", at: at, "has the type \(type), not audio (8), video (9) or script data (18)")
                }
                guard size + 4 <= source.count - at - 11 else {
                    throw SigilError.truncated("the FLV tag", at: at, needs: size + 15, remaining: source.count - at)
                }
                tags.append(Tag(type: type, offset: at, data: (at + 11)..<(at + 11 + size), end: at + 15 + size))
                at += 15 + size
            }
        } catch let error as SigilError {
            guard lenient else { throw error }
            damage = error
        }
    }

    /// A script tag's name (`onMetaData`) and value, and the bytes after the value.
    static func script(_ tag: Tag, in source: any ByteSource) throws -> (name: String, value: AMF0, rest: [UInt8]) {
        let data = try source.read(tag.data)
        let (name, afterName) = try AMF0.parse(data, at: 0, end: data.count, base: tag.data.lowerBound)
        guard afterName < data.count else { return (name.text ?? "", .null, []) }
        let (value, end) = try AMF0.parse(data, at: afterName, end: data.count, base: tag.data.lowerBound)
        return (name.text ?? "", value, Array(data[end...]))
    }

    /// A whole tag: header, `data` and `PreviousTagSize`, at timestamp 0 and stream 0 unless `header` gives the old
    /// header to keep (its size replaced).
    static func tag(type: UInt8, data: [UInt8], header: [UInt8]? = nil) -> [UInt8] {
        var head = header ?? [type, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
        head.replaceSubrange(1..<4, with: UInt32(data.count).bigEndianBytes(3))
        return head + data + UInt32(11 + data.count).bigEndianBytes(4)
    }
}
