/// One AMF0 value (the script data of FLV, Adobe's "Action Message Format AMF0" specification), kept so that
/// writing it back gives the same bytes: numbers as their raw IEEE 754 bits, strings as bytes, an ECMA array's
/// declared count as declared.
indirect enum AMF0: Sendable, Hashable {
    /// A key and its value in an object or ECMA array.
    struct Entry: Sendable, Hashable {
        var key: [UInt8]
        var value: AMF0
    }

    case number(UInt64)
    case boolean(UInt8)
    case string([UInt8])
    case longString([UInt8])
    case object([Entry])
    case null
    case undefined
    case reference(UInt16)
    case ecmaArray(count: UInt32, [Entry])
    case strictArray([AMF0])
    /// A date: 8 bytes of milliseconds (a double) and a 2-byte time zone, as stored.
    case date([UInt8])

    /// The deepest nesting read (objects in arrays in objects …).
    static let maximumDepth = 32

    /// The value at `offset` of `bytes` (up to `end`), and where it ends; `base` is the file offset of `bytes[0]`.
    ///
    /// - Throws: ``SigilError`` naming the offset for an unknown type marker, a length past `end`, or nesting deeper
    ///   than ``maximumDepth``.
    static func parse(_ bytes: [UInt8], at offset: Int, end: Int, base: Int, depth: Int = 0) throws -> (value: AMF0, end: Int) {
        guard depth <= maximumDepth else {
            throw SigilError.malformed("an AMF0 value", at: base + offset, "is nested deeper than \(maximumDepth) levels")
        }
        func need(_ count: Int, at i: Int, _ what: String) throws {
            guard i >= 0, count >= 0, i <= end, count <= end - i else {
                throw SigilError.truncated("the AMF0 \(what)", at: base + i, needs: count, remaining: max(0, end - i))
            }
        }
        try need(1, at: offset, "type marker")
        var i = offset + 1
        func u16() throws -> Int {
            try need(2, at: i, "length")
            defer { i += 2 }
            return bytes.u16be(i)
        }
        func u32() throws -> Int {
            try need(4, at: i, "length")
            defer { i += 4 }
            return bytes.u32be(i)
        }
        func take(_ count: Int, _ what: String) throws -> [UInt8] {
            try need(count, at: i, what)
            defer { i += count }
            return Array(bytes[i..<(i + count)])
        }
        func entries(_ limit: Int?) throws -> [Entry] {
            var list: [Entry] = []
            while true {
                if i == end, limit != nil { return list } // an ECMA array whose end marker is missing at the end of the data
                let length = try u16()
                if length == 0, i < end, bytes[i] == 9 {
                    i += 1
                    return list
                }
                let key = try take(length, "key")
                let (value, next) = try parse(bytes, at: i, end: end, base: base, depth: depth + 1)
                i = next
                list.append(Entry(key: key, value: value))
            }
        }
        switch bytes[offset] {
        case 0: return (.number(UInt64(try take(8, "number").reduce(0) { $0 << 8 | UInt64($1) })), i)
        case 1: return (.boolean(try take(1, "boolean")[0]), i)
        case 2: return (.string(try take(try u16(), "string")), i)
        case 3: return (.object(try entries(nil)), i)
        case 5: return (.null, i)
        case 6: return (.undefined, i)
        case 7: return (.reference(UInt16(try u16())), i)
        case 8:
            let count = UInt32(try u32())
            return (.ecmaArray(count: count, try entries(Int(count))), i)
        case 10:
            let count = try u32()
            // Every value takes at least one byte: a count past the data is a lie, not an allocation.
            try need(count, at: i, "strict array")
            var values: [AMF0] = []
            for _ in 0..<count {
                let (value, next) = try parse(bytes, at: i, end: end, base: base, depth: depth + 1)
                values.append(value)
                i = next
            }
            return (.strictArray(values), i)
        case 11: return (.date(try take(10, "date")), i)
        case 12: return (.longString(try take(try u32(), "long string")), i)
        default:
            throw SigilError.malformed("the AMF0 value", at: base + offset, "has the type marker \(bytes[offset]), which Sigil does not read")
        }
    }

    /// The value's bytes.
    var bytes: [UInt8] {
        func entries(_ list: [Entry]) -> [UInt8] {
            list.flatMap { UInt16($0.key.count).bigEndianBytes(2) + $0.key + $0.value.bytes } + [0, 0, 9]
        }
        switch self {
        case .number(let bits): return [0] + bits.bigEndianBytes(8)
        case .boolean(let b): return [1, b]
        case .string(let s): return [2] + UInt16(s.count).bigEndianBytes(2) + s
        case .longString(let s): return [12] + UInt32(s.count).bigEndianBytes(4) + s
        case .object(let list): return [3] + entries(list)
        case .null: return [5]
        case .undefined: return [6]
        case .reference(let r): return [7] + r.bigEndianBytes(2)
        case .ecmaArray(let count, let list): return [8] + count.bigEndianBytes(4) + entries(list)
        case .strictArray(let values): return [10] + UInt32(values.count).bigEndianBytes(4) + values.flatMap(\.bytes)
        case .date(let raw): return [11] + raw
        }
    }

    /// A string value: short or long as its length needs.
    static func text(_ value: String) -> AMF0 {
        let utf8 = Array(value.utf8)
        return utf8.count <= Int(UInt16.max) ? .string(utf8) : .longString(utf8)
    }

    /// The text of a string value, or nil.
    var text: String? {
        switch self {
        case .string(let s), .longString(let s): TextDecoding.utf8OrLatin1(s)
        default: nil
        }
    }

    /// The entries of an object or ECMA array, or nil.
    var entries: [Entry]? {
        switch self {
        case .object(let list), .ecmaArray(_, let list): list
        default: nil
        }
    }

    /// This object or ECMA array with `entries` (an ECMA array's count moved by as many entries as were added).
    func with(entries list: [Entry]) -> AMF0 {
        switch self {
        case .object: return .object(list)
        case .ecmaArray(let count, let old):
            return .ecmaArray(count: UInt32(clamping: max(0, Int(count) + list.count - old.count)), list)
        default: return self
        }
    }
}
