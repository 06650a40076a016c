/// A box of ISO/IEC 19566-5 (JUMBF), the container C2PA stores manifests in.
///
/// A box is `LBox:u32 BE | TBox:4cc | payload`; `LBox == 1` adds a 64-bit `XLBox`, `LBox == 0` runs to the end
/// of the enclosing range. Ranges are offsets into the buffer that was parsed.
public struct JUMBFBox: Sendable, Hashable {
    /// The four-character type, e.g. `jumb`, `jumd`, `cbor`.
    public var type: String
    /// The whole box, header included.
    public var range: Range<Int>
    /// The payload after the 8- or 16-byte header.
    public var payload: Range<Int>

    /// Reads the box header at `offset`, which must end by `limit`.
    ///
    /// - Throws: ``SigilError`` `.jumbf` when the header is cut short or the length runs past `limit`.
    public static func header(in bytes: [UInt8], at offset: Int, limit: Int) throws -> JUMBFBox {
        guard offset >= 0, limit <= bytes.count, offset <= limit, limit - offset >= 8 else {
            throw SigilError(.jumbf, "JUMBF box header at offset \(offset) needs 8 bytes but only \(max(0, limit - offset)) remain", offset: offset)
        }
        let lbox = UInt64(bytes[offset]) << 24 | UInt64(bytes[offset + 1]) << 16 | UInt64(bytes[offset + 2]) << 8 | UInt64(bytes[offset + 3])
        let typeBytes = bytes[(offset + 4)..<(offset + 8)]
        let type = String(decoding: typeBytes.map { (0x20...0x7E).contains($0) ? $0 : UInt8(ascii: "?") }, as: UTF8.self)
        var headerSize = 8
        var length: UInt64
        switch lbox {
        case 0:
            length = UInt64(limit - offset)
        case 1:
            guard limit - offset >= 16 else {
                throw SigilError(
                    .jumbf, "JUMBF box '\(type)' at offset \(offset) declares an XLBox but only \(limit - offset) bytes remain", offset: offset)
            }
            length = bytes[(offset + 8)..<(offset + 16)].reduce(0) { $0 << 8 | UInt64($1) }
            headerSize = 16
        default:
            length = lbox
        }
        guard length >= UInt64(headerSize) else {
            throw SigilError(
                .jumbf, "JUMBF box '\(type)' at offset \(offset) declares \(length) bytes, less than its \(headerSize)-byte header", offset: offset)
        }
        guard length <= UInt64(limit - offset) else {
            throw SigilError(
                .jumbf, "JUMBF box '\(type)' at offset \(offset) declares \(length) bytes but only \(limit - offset) remain", offset: offset)
        }
        let end = offset + Int(length)
        return JUMBFBox(type: type, range: offset..<end, payload: (offset + headerSize)..<end)
    }
}

/// A JUMBF superbox (`jumb`): a description box and its content boxes or nested superboxes.
public struct JUMBFSuperbox: Sendable, Hashable {
    /// One child of a superbox.
    public enum Child: Sendable, Hashable {
        case superbox(JUMBFSuperbox)
        case content(JUMBFBox)
    }

    /// The `jumb` box itself.
    public var box: JUMBFBox
    /// The type UUID from the description box (16 bytes).
    public var typeUUID: [UInt8]
    /// The description toggles byte.
    public var toggles: UInt8
    /// The label (toggles bit 0x02), e.g. `c2pa`, `urn:c2pa:…`, `c2pa.claim.v2`.
    public var label: String?
    /// The ID (toggles bit 0x04).
    public var id: UInt32?
    /// The private box (toggles bit 0x10), e.g. a `c2sh` salt.
    public var privateBox: JUMBFBox?
    public var children: [Child]

    /// Deepest nesting of superboxes accepted.
    public static let maximumDepth = 16

    /// The bytes a C2PA hashed URI covers: the superbox without its own header (description box and children).
    public var contentRange: Range<Int> { box.payload }

    /// The four-character code of a C2PA type UUID (`c2pa`, `c2ma`, `cbor`, …), when the UUID is one.
    public var typeCode: String? { JUMBFType.code(of: typeUUID) }

    /// The child superboxes.
    public var superboxes: [JUMBFSuperbox] {
        children.compactMap { if case .superbox(let s) = $0 { s } else { nil } }
    }

    /// The child content boxes.
    public var contentBoxes: [JUMBFBox] {
        children.compactMap { if case .content(let b) = $0 { b } else { nil } }
    }

    /// The first child superbox with `label`.
    public func child(labeled label: String) -> JUMBFSuperbox? {
        superboxes.first { $0.label == label }
    }

    /// Parses the superbox that starts at `offset` and ends by `limit`.
    ///
    /// - Throws: ``SigilError`` `.jumbf` naming the box and offset for anything malformed.
    public static func parse(_ bytes: [UInt8], at offset: Int = 0, limit: Int? = nil) throws -> JUMBFSuperbox {
        try parse(bytes, at: offset, limit: limit ?? bytes.count, depth: 0)
    }

    static func parse(_ bytes: [UInt8], at offset: Int, limit: Int, depth: Int) throws -> JUMBFSuperbox {
        guard depth <= maximumDepth else {
            throw SigilError(.jumbf, "JUMBF superboxes nested deeper than \(maximumDepth) levels at offset \(offset)", offset: offset)
        }
        let box = try JUMBFBox.header(in: bytes, at: offset, limit: limit)
        guard box.type == "jumb" else {
            throw SigilError(.jumbf, "expected a JUMBF superbox 'jumb' at offset \(offset) but found '\(box.type)'", offset: offset)
        }
        let description = try JUMBFBox.header(in: bytes, at: box.payload.lowerBound, limit: box.payload.upperBound)
        guard description.type == "jumd" else {
            throw SigilError(
                .jumbf, "JUMBF superbox at offset \(offset) does not start with a description box 'jumd' (found '\(description.type)')",
                offset: description.range.lowerBound)
        }
        let d = description.payload
        guard d.count >= 17 else {
            throw SigilError(
                .jumbf, "JUMBF description box at offset \(description.range.lowerBound) has \(d.count) bytes, fewer than the 17 of type and toggles",
                offset: description.range.lowerBound)
        }
        var superbox = JUMBFSuperbox(
            box: box, typeUUID: Array(bytes[d.lowerBound..<(d.lowerBound + 16)]), toggles: bytes[d.lowerBound + 16], label: nil, id: nil,
            privateBox: nil, children: [])
        var i = d.lowerBound + 17
        if superbox.toggles & 0x02 != 0 {
            guard let nul = bytes[i..<d.upperBound].firstIndex(of: 0) else {
                throw SigilError(
                    .jumbf, "JUMBF description box at offset \(description.range.lowerBound) has a label without its NUL terminator", offset: i)
            }
            guard let label = String(validating: bytes[i..<nul], as: UTF8.self) else {
                throw SigilError(.jumbf, "JUMBF label at offset \(i) is not valid UTF-8", offset: i)
            }
            superbox.label = label
            i = nul + 1
        }
        if superbox.toggles & 0x04 != 0 {
            guard d.upperBound - i >= 4 else {
                throw SigilError(
                    .jumbf,
                    "JUMBF description box at offset \(description.range.lowerBound) declares an ID but only \(d.upperBound - i) bytes remain",
                    offset: i)
            }
            superbox.id = UInt32(bytes[i]) << 24 | UInt32(bytes[i + 1]) << 16 | UInt32(bytes[i + 2]) << 8 | UInt32(bytes[i + 3])
            i += 4
        }
        if superbox.toggles & 0x08 != 0 {
            guard d.upperBound - i >= 32 else {
                throw SigilError(
                    .jumbf,
                    "JUMBF description box at offset \(description.range.lowerBound) declares a signature but only \(d.upperBound - i) bytes remain",
                    offset: i)
            }
            i += 32
        }
        if superbox.toggles & 0x10 != 0 {
            superbox.privateBox = try JUMBFBox.header(in: bytes, at: i, limit: d.upperBound)
        }
        var j = description.range.upperBound
        // Each iteration moves `j` forward by at least the 8-byte header of the box it reads.
        while j < box.range.upperBound {
            let child = try JUMBFBox.header(in: bytes, at: j, limit: box.range.upperBound)
            if child.type == "jumb" {
                superbox.children.append(.superbox(try parse(bytes, at: j, limit: box.range.upperBound, depth: depth + 1)))
            } else {
                superbox.children.append(.content(child))
            }
            j = child.range.upperBound
        }
        return superbox
    }
}

/// The C2PA JUMBF type UUIDs: `<4cc>-0011-0010-8000-00AA00389B71`.
public enum JUMBFType {
    static let suffix: [UInt8] = [0x00, 0x11, 0x00, 0x10, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71]

    /// The type UUID for a four-character code such as `c2pa`, `c2ma`, `c2as`, `c2cl`, `c2cs`, `cbor`, `json`.
    public static func uuid(_ code: String) -> [UInt8] {
        Array(code.utf8.prefix(4)) + suffix
    }

    /// The code of a C2PA type UUID, or nil for other UUIDs.
    public static func code(of uuid: [UInt8]) -> String? {
        guard uuid.count == 16, Array(uuid[4...]) == suffix, uuid[0..<4].allSatisfy({ (0x20...0x7E).contains($0) }) else { return nil }
        return String(decoding: uuid[0..<4], as: UTF8.self)
    }

    /// The embedded-file superbox type (thumbnails): `40CB0C32-BB8A-489D-A70B-2AD6F47F4369`.
    public static let embeddedFile: [UInt8] = [0x40, 0xCB, 0x0C, 0x32, 0xBB, 0x8A, 0x48, 0x9D, 0xA7, 0x0B, 0x2A, 0xD6, 0xF4, 0x7F, 0x43, 0x69]
}
