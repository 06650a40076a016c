import SigilCore
/// A small, fast JSON reader for `tokenizer.json` files.
///
/// Token texts must arrive byte for byte: swift-corelibs-foundation's `JSONSerialization` drops U+FEFF inside
/// strings, and reading the whole 33 MB Gemma file with this reader and building the tokenizer takes less time
/// than `JSONSerialization` alone needs to parse it. It keeps object members in document order, rejects what
/// RFC 8259 rejects (control characters in strings, lone surrogates, invalid UTF-8, trailing garbage) and reports
/// the byte offset of the problem.
struct JSONReader {
    /// A parsed JSON value.
    enum Value: Sendable {
        case null
        case bool(Bool)
        case number(Double)
        case string(String)
        case array([Value])
        case object([Member])

        /// One object member.
        struct Member: Sendable {
            var key: String
            var value: Value
        }

        /// The value of the first member named `key`, when `self` is an object that has one.
        subscript(key: String) -> Value? {
            guard case .object(let members) = self else { return nil }
            return members.first { $0.key == key }?.value
        }

        /// A short name of the value's JSON type, for error messages.
        var typeName: String {
            switch self {
            case .null: "null"
            case .bool: "boolean"
            case .number: "number"
            case .string: "string"
            case .array: "array"
            case .object: "object"
            }
        }
    }

    /// Nesting deeper than this is refused (a tokenizer.json nests about five levels).
    static let maxDepth = 128

    /// Parses `bytes` as one JSON document.
    ///
    /// - Throws: ``SigilError`` with code `.malformed` (or `.truncated` when the text ends early), naming the offset.
    static func parse(_ bytes: [UInt8]) throws(SigilError) -> Value {
        let result: Result<Value, SigilError> = bytes.withUnsafeBufferPointer { buffer in
            var cursor = Cursor(bytes: buffer)
            do throws(SigilError) {
                cursor.skipSpace()
                let value = try cursor.parseValue(depth: 0)
                cursor.skipSpace()
                if cursor.index != buffer.count {
                    throw cursor.failure("unexpected data after the JSON value")
                }
                return .success(value)
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    private struct Cursor {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0
        var scratch: [UInt8] = []

        init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

        func failure(_ reason: String, at offset: Int? = nil) -> SigilError {
            let where_ = offset ?? index
            if where_ >= bytes.count {
                return SigilError(.truncated, "JSON text ends early: \(reason)", offset: where_)
            }
            return SigilError(.malformed, "invalid JSON at byte \(where_): \(reason)", offset: where_)
        }

        mutating func skipSpace() {
            while index < bytes.count {
                switch bytes[index] {
                case 0x20, 0x09, 0x0A, 0x0D: index += 1
                default: return
                }
            }
        }

        mutating func expectLiteral(_ literal: StaticString, _ value: Value) throws(SigilError) -> Value {
            let count = literal.utf8CodeUnitCount
            guard index + count <= bytes.count else { throw failure("unknown literal", at: bytes.count) }
            let base = literal.utf8Start
            for offset in 0..<count where bytes[index + offset] != base[offset] {
                throw failure("unknown literal")
            }
            index += count
            return value
        }

        mutating func parseValue(depth: Int) throws(SigilError) -> Value {
            guard depth < JSONReader.maxDepth else { throw failure("nesting deeper than \(JSONReader.maxDepth)") }
            guard index < bytes.count else { throw failure("expected a value") }
            switch bytes[index] {
            case UInt8(ascii: "{"): return try parseObject(depth: depth)
            case UInt8(ascii: "["): return try parseArray(depth: depth)
            case UInt8(ascii: "\""): return .string(try parseString())
            case UInt8(ascii: "t"): return try expectLiteral("true", .bool(true))
            case UInt8(ascii: "f"): return try expectLiteral("false", .bool(false))
            case UInt8(ascii: "n"): return try expectLiteral("null", .null)
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
            default: throw failure("unexpected character")
            }
        }

        mutating func parseObject(depth: Int) throws(SigilError) -> Value {
            index += 1
            var members: [Value.Member] = []
            skipSpace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
                index += 1
                return .object(members)
            }
            while true {
                skipSpace()
                guard index < bytes.count else { throw failure("unterminated object") }
                guard bytes[index] == UInt8(ascii: "\"") else { throw failure("expected a member name") }
                let key = try parseString()
                skipSpace()
                guard index < bytes.count else { throw failure("unterminated object") }
                guard bytes[index] == UInt8(ascii: ":") else { throw failure("expected ':'") }
                index += 1
                skipSpace()
                let value = try parseValue(depth: depth + 1)
                members.append(Value.Member(key: key, value: value))
                skipSpace()
                guard index < bytes.count else { throw failure("unterminated object") }
                if bytes[index] == UInt8(ascii: ",") {
                    index += 1
                } else if bytes[index] == UInt8(ascii: "}") {
                    index += 1
                    return .object(members)
                } else {
                    throw failure("expected ',' or '}'")
                }
            }
        }

        mutating func parseArray(depth: Int) throws(SigilError) -> Value {
            index += 1
            var items: [Value] = []
            skipSpace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
                index += 1
                return .array(items)
            }
            while true {
                skipSpace()
                items.append(try parseValue(depth: depth + 1))
                skipSpace()
                guard index < bytes.count else { throw failure("unterminated array") }
                if bytes[index] == UInt8(ascii: ",") {
                    index += 1
                } else if bytes[index] == UInt8(ascii: "]") {
                    index += 1
                    return .array(items)
                } else {
                    throw failure("expected ',' or ']'")
                }
            }
        }

        mutating func parseNumber() throws(SigilError) -> Value {
            let start = index
            var negative = false
            if bytes[index] == UInt8(ascii: "-") {
                negative = true
                index += 1
            }
            let digitsStart = index
            var integer: Int64 = 0
            while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 {
                if index - digitsStart < 18 { integer = integer * 10 + Int64(bytes[index] - 0x30) }
                index += 1
            }
            let digitCount = index - digitsStart
            guard digitCount > 0 else { throw failure("expected digits", at: index) }
            if digitCount > 1, bytes[digitsStart] == 0x30 { throw failure("leading zero in number", at: digitsStart) }
            var isInteger = digitCount <= 18
            if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
                isInteger = false
                index += 1
                let fractionStart = index
                while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 { index += 1 }
                guard index > fractionStart else { throw failure("expected fraction digits") }
            }
            if index < bytes.count, bytes[index] | 0x20 == UInt8(ascii: "e") {
                isInteger = false
                index += 1
                if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
                let exponentStart = index
                while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 { index += 1 }
                guard index > exponentStart else { throw failure("expected exponent digits") }
            }
            if isInteger { return .number(Double(negative ? -integer : integer)) }
            let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
            guard let value = Double(text) else { throw failure("number out of range", at: start) }
            return .number(value)
        }

        /// Parses a string literal starting at the opening quote.
        mutating func parseString() throws(SigilError) -> String {
            index += 1
            let start = index
            // Fast path: no escapes.
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    let slice = UnsafeBufferPointer(rebasing: bytes[start..<index])
                    guard let text = String(validating: slice, as: UTF8.self) else {
                        throw failure("string is not valid UTF-8", at: start)
                    }
                    index += 1
                    return text
                }
                if byte == UInt8(ascii: "\\") { break }
                if byte < 0x20 { throw failure("control character in string") }
                index += 1
            }
            scratch.removeAll(keepingCapacity: true)
            scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<index]))
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    guard let text = String(validating: scratch, as: UTF8.self) else {
                        throw failure("string is not valid UTF-8", at: start)
                    }
                    index += 1
                    return text
                }
                if byte < 0x20 { throw failure("control character in string") }
                if byte != UInt8(ascii: "\\") {
                    scratch.append(byte)
                    index += 1
                    continue
                }
                index += 1
                guard index < bytes.count else { break }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "\""): scratch.append(0x22)
                case UInt8(ascii: "\\"): scratch.append(0x5C)
                case UInt8(ascii: "/"): scratch.append(0x2F)
                case UInt8(ascii: "b"): scratch.append(0x08)
                case UInt8(ascii: "f"): scratch.append(0x0C)
                case UInt8(ascii: "n"): scratch.append(0x0A)
                case UInt8(ascii: "r"): scratch.append(0x0D)
                case UInt8(ascii: "t"): scratch.append(0x09)
                case UInt8(ascii: "u"):
                    var value = try parseHex4()
                    if (0xD800...0xDBFF).contains(value) {
                        guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
                        else { throw failure("lone leading surrogate in \\u escape") }
                        index += 2
                        let low = try parseHex4()
                        guard (0xDC00...0xDFFF).contains(low) else { throw failure("invalid surrogate pair") }
                        value = 0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00...0xDFFF).contains(value) {
                        throw failure("lone trailing surrogate in \\u escape")
                    }
                    guard let scalar = Unicode.Scalar(value) else { throw failure("invalid \\u escape") }
                    scratch.append(contentsOf: UTF8.encode(scalar).map { Array($0) } ?? [])
                default:
                    throw failure("invalid escape", at: index - 1)
                }
            }
            throw failure("unterminated string", at: bytes.count)
        }

        mutating func parseHex4() throws(SigilError) -> UInt32 {
            guard index + 4 <= bytes.count else { throw failure("truncated \\u escape", at: bytes.count) }
            var value: UInt32 = 0
            for _ in 0..<4 {
                let byte = bytes[index]
                let digit: UInt8
                switch byte {
                case 0x30...0x39: digit = byte - 0x30
                case 0x41...0x46: digit = byte - 0x41 + 10
                case 0x61...0x66: digit = byte - 0x61 + 10
                default: throw failure("invalid hex digit in \\u escape")
                }
                value = value << 4 | UInt32(digit)
                index += 1
            }
            return value
        }
    }
}
