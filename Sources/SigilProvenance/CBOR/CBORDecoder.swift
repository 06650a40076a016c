/// Reads CBOR (RFC 8949) from untrusted bytes.
///
/// Every declared length is checked against the bytes that remain before anything is allocated, container
/// nesting is bounded by ``maximumDepth``, and every loop consumes input, so hostile input ends in a
/// ``SigilError`` (code `.cbor`, naming the offset) rather than a crash, a huge allocation or a hang.
public struct CBORDecoder {
    /// Deepest nesting of arrays, maps and tags accepted.
    public static let maximumDepth = 64

    let bytes: [UInt8]
    /// Where the next item starts.
    public private(set) var offset: Int

    /// A decoder over `bytes`, starting at `offset`.
    public init(_ bytes: [UInt8], offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
    }

    /// Decodes exactly one item that fills `bytes`.
    ///
    /// - Throws: ``SigilError`` `.cbor` for malformed input or bytes left after the item.
    public static func decode(_ bytes: [UInt8]) throws -> CBOR {
        var decoder = CBORDecoder(bytes)
        let item = try decoder.decodeItem()
        guard decoder.offset == bytes.count else {
            throw SigilError(
                .cbor, "CBOR item ends at offset \(decoder.offset) but \(bytes.count - decoder.offset) more bytes follow", offset: decoder.offset)
        }
        return item
    }

    /// Decodes the next item and moves past it.
    public mutating func decodeItem() throws -> CBOR {
        try item(depth: 0)
    }

    private func fail(_ message: String, at position: Int) -> SigilError {
        SigilError(.cbor, "CBOR \(message) at offset \(position)", offset: position)
    }

    private mutating func byte() throws -> UInt8 {
        guard offset < bytes.count else { throw fail("data ends early: expected one more byte", at: offset) }
        defer { offset += 1 }
        return bytes[offset]
    }

    private mutating func take(_ count: UInt64, what: String, from start: Int) throws -> ArraySlice<UInt8> {
        let remaining = bytes.count - offset
        guard count <= UInt64(remaining) else {
            throw fail("\(what) declares \(count) bytes but only \(remaining) remain", at: start)
        }
        let n = Int(count)
        defer { offset += n }
        return bytes[offset..<(offset + n)]
    }

    /// The argument of a head with additional information `info`; nil for indefinite length (31).
    private mutating func argument(_ info: UInt8, at start: Int) throws -> UInt64? {
        switch info {
        case 0..<24: return UInt64(info)
        case 24...27:
            let width = 1 << Int(info - 24)
            let raw = try take(UInt64(width), what: "integer argument", from: start)
            return raw.reduce(0) { $0 << 8 | UInt64($1) }
        case 31: return nil
        default: throw fail("head uses reserved additional information \(info)", at: start)
        }
    }

    private mutating func item(depth: Int) throws -> CBOR {
        let start = offset
        guard depth <= Self.maximumDepth else { throw fail("nesting deeper than \(Self.maximumDepth) levels", at: start) }
        let initial = try byte()
        let major = initial >> 5
        let info = initial & 0x1F
        if major == 7 { return try simpleOrFloat(info, at: start) }
        let arg = try argument(info, at: start)
        switch major {
        case 0:
            guard let arg else { throw fail("unsigned integer with indefinite length", at: start) }
            return .unsigned(arg)
        case 1:
            guard let arg else { throw fail("negative integer with indefinite length", at: start) }
            return .negative(arg)
        case 2, 3:
            var data: [UInt8] = []
            if let arg {
                data = Array(try take(arg, what: major == 2 ? "byte string" : "text string", from: start))
            } else {
                // Indefinite: definite chunks of the same major type until the break byte.
                while true {
                    guard offset < bytes.count else { throw fail("indefinite string has no break byte", at: start) }
                    if bytes[offset] == 0xFF {
                        offset += 1
                        break
                    }
                    let chunkStart = offset
                    let head = try byte()
                    guard head >> 5 == major, let length = try argument(head & 0x1F, at: chunkStart) else {
                        throw fail("indefinite string holds a chunk of another type", at: chunkStart)
                    }
                    data += try take(length, what: "string chunk", from: chunkStart)
                }
            }
            if major == 2 { return .bytes(data) }
            guard let text = String(validating: data, as: UTF8.self) else { throw fail("text string is not valid UTF-8", at: start) }
            return .text(text)
        case 4:
            var items: [CBOR] = []
            if let arg {
                // Every item takes at least one byte: a count above what remains is a lie, not an allocation.
                guard arg <= UInt64(bytes.count - offset) else {
                    throw fail("array declares \(arg) items but only \(bytes.count - offset) bytes remain", at: start)
                }
                items.reserveCapacity(Int(arg))
                for _ in 0..<arg { items.append(try item(depth: depth + 1)) }
            } else {
                while true {
                    guard offset < bytes.count else { throw fail("indefinite array has no break byte", at: start) }
                    if bytes[offset] == 0xFF {
                        offset += 1
                        break
                    }
                    items.append(try item(depth: depth + 1))
                }
            }
            return .array(items)
        case 5:
            var pairs: [CBOR.Pair] = []
            if let arg {
                guard arg <= UInt64(bytes.count - offset) / 2 else {
                    throw fail("map declares \(arg) members but only \(bytes.count - offset) bytes remain", at: start)
                }
                pairs.reserveCapacity(Int(arg))
                for _ in 0..<arg {
                    let key = try item(depth: depth + 1)
                    pairs.append(CBOR.Pair(key, try item(depth: depth + 1)))
                }
            } else {
                while true {
                    guard offset < bytes.count else { throw fail("indefinite map has no break byte", at: start) }
                    if bytes[offset] == 0xFF {
                        offset += 1
                        break
                    }
                    let key = try item(depth: depth + 1)
                    pairs.append(CBOR.Pair(key, try item(depth: depth + 1)))
                }
            }
            return .map(pairs)
        default: // 6
            guard let arg else { throw fail("tag with indefinite length", at: start) }
            return .tagged(arg, try item(depth: depth + 1))
        }
    }

    private mutating func simpleOrFloat(_ info: UInt8, at start: Int) throws -> CBOR {
        switch info {
        case 20: return .bool(false)
        case 21: return .bool(true)
        case 22: return .null
        case 23: return .undefined
        case 0..<20: return .simple(info)
        case 24:
            let v = try byte()
            guard v >= 32 else { throw fail("two-byte simple value \(v) below 32", at: start) }
            return .simple(v)
        case 25:
            let raw = try take(2, what: "half float", from: start)
            return .float(Self.half(UInt16(raw[raw.startIndex]) << 8 | UInt16(raw[raw.startIndex + 1])))
        case 26:
            let raw = try take(4, what: "single float", from: start)
            return .float(Double(Float(bitPattern: raw.reduce(0) { $0 << 8 | UInt32($1) })))
        case 27:
            let raw = try take(8, what: "double float", from: start)
            return .float(Double(bitPattern: raw.reduce(0) { $0 << 8 | UInt64($1) }))
        case 31: throw fail("break byte outside an indefinite-length item", at: start)
        default: throw fail("reserved simple value encoding \(info)", at: start)
        }
    }

    static func half(_ h: UInt16) -> Double {
        let exponent = Int(h >> 10) & 0x1F
        let mantissa = Double(h & 0x3FF)
        let value: Double
        if exponent == 0 {
            value = mantissa * 0x1p-24
        } else if exponent == 31 {
            value = mantissa == 0 ? .infinity : .nan
        } else {
            value = (1 + mantissa / 1024) * Double(sign: .plus, exponent: exponent - 15, significand: 1)
        }
        return h & 0x8000 != 0 ? -value : value
    }
}

extension CBOR {
    /// Decodes exactly one item that fills `bytes` (see ``CBORDecoder``).
    public static func decode(_ bytes: [UInt8]) throws -> CBOR { try CBORDecoder.decode(bytes) }
}
