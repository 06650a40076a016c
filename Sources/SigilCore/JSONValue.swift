/// A JSON value that keeps object members in document order and keeps duplicate keys, which Annex E
/// validation needs (key order, duplicates) and `JSONSerialization` loses.
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([Member])

    /// One object member.
    public struct Member: Sendable, Hashable {
        public var key: String
        public var value: JSONValue
        public init(_ key: String, _ value: JSONValue) {
            self.key = key
            self.value = value
        }
    }

    /// Parses one JSON text. Leading and trailing white space is allowed; anything else after the value is not.
    ///
    /// - Throws: ``JSONValue/ParseError`` naming the offset.
    public static func parse(_ text: String) throws(ParseError) -> JSONValue {
        var parser = Parser(Array(text.utf8))
        let value = try parser.parseDocument()
        return value
    }

    /// Parses the longest JSON object at the start of `bytes` and returns it with the number of bytes used.
    /// Used for blobs such as `AIGC{…}` followed by unrelated bytes.
    public static func parsePrefixObject(_ bytes: some Collection<UInt8>) throws(ParseError) -> (JSONValue, Int) {
        var parser = Parser(Array(bytes))
        parser.skipSpace()
        guard parser.peek == UInt8(ascii: "{") else { throw ParseError(offset: parser.index, reason: "expected '{'") }
        let value = try parser.parseValue(depth: 0)
        return (value, parser.index)
    }

    /// Where and why JSON text did not parse.
    public struct ParseError: Error, Sendable, Hashable, CustomStringConvertible {
        public var offset: Int
        public var reason: String
        public var description: String { "invalid JSON at byte \(offset): \(reason)" }
    }

    /// The JSON string literal for `value`, escaping only what JSON requires (`"`, `\`, controls).
    public static func quote(_ value: String) -> String {
        // Works on the UTF-8 bytes: every byte that needs escaping is ASCII, and a string with none (the common case)
        // is copied whole.
        let utf8 = value.utf8
        guard utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) else {
            return "\"" + value + "\""
        }
        var out: [UInt8] = [UInt8(ascii: "\"")]
        out.reserveCapacity(utf8.count + 16)
        let hex = Array("0123456789abcdef".utf8)
        for byte in utf8 {
            switch byte {
            case UInt8(ascii: "\""): out += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case UInt8(ascii: "\n"): out += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case UInt8(ascii: "\r"): out += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case UInt8(ascii: "\t"): out += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case ..<0x20: out += Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
        return String(decoding: out, as: UTF8.self)
    }

    /// The members, when this is an object.
    public var members: [Member]? {
        if case .object(let members) = self { return members }
        return nil
    }

    /// The string, when this is a string.
    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// The first member named `key`, when this is an object.
    public subscript(key: String) -> JSONValue? {
        members?.first { $0.key == key }?.value
    }

    /// Compact JSON text for this value.
    public var serialized: String {
        switch self {
        case .null: "null"
        case .bool(let b): b ? "true" : "false"
        case .number(let n): n
        case .string(let s): JSONValue.quote(s)
        case .array(let items): "[" + items.map(\.serialized).joined(separator: ",") + "]"
        case .object(let members):
            "{" + members.map { JSONValue.quote($0.key) + ":" + $0.value.serialized }.joined(separator: ",") + "}"
        }
    }
}

private struct Parser {
    let bytes: [UInt8]
    var index = 0
    static let maxDepth = 64

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

    mutating func skipSpace() {
        while let b = peek, b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D { index += 1 }
    }

    func fail(_ reason: String) -> JSONValue.ParseError { .init(offset: index, reason: reason) }

    mutating func parseDocument() throws(JSONValue.ParseError) -> JSONValue {
        // A UTF-8 byte-order mark is tolerated.
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }
        skipSpace()
        let value = try parseValue(depth: 0)
        skipSpace()
        guard index == bytes.count else { throw fail("unexpected data after the JSON value") }
        return value
    }

    mutating func parseValue(depth: Int) throws(JSONValue.ParseError) -> JSONValue {
        guard depth < Parser.maxDepth else { throw fail("nesting deeper than \(Parser.maxDepth)") }
        skipSpace()
        guard let b = peek else { throw fail("unexpected end of input") }
        switch b {
        case UInt8(ascii: "{"): return try parseObject(depth: depth)
        case UInt8(ascii: "["): return try parseArray(depth: depth)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"):
            try expectWord("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try expectWord("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try expectWord("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default: throw fail("unexpected character '\(Character(Unicode.Scalar(b)))'")
        }
    }

    mutating func expectWord(_ word: String) throws(JSONValue.ParseError) {
        let w = Array(word.utf8)
        guard index + w.count <= bytes.count, Array(bytes[index..<index + w.count]) == w else { throw fail("expected \(word)") }
        index += w.count
    }

    mutating func parseNumber() throws(JSONValue.ParseError) -> String {
        let start = index
        if peek == UInt8(ascii: "-") { index += 1 }
        var digits = 0
        while let b = peek, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b) {
            index += 1
            digits += 1
        }
        guard digits > 0 else { throw fail("expected digits") }
        if peek == UInt8(ascii: ".") {
            index += 1
            var frac = 0
            while let b = peek, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b) {
                index += 1
                frac += 1
            }
            guard frac > 0 else { throw fail("expected fraction digits") }
        }
        if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
            index += 1
            if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { index += 1 }
            var exp = 0
            while let b = peek, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b) {
                index += 1
                exp += 1
            }
            guard exp > 0 else { throw fail("expected exponent digits") }
        }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    mutating func parseString() throws(JSONValue.ParseError) -> String {
        index += 1 // opening quote
        var scalars = String.UnicodeScalarView()
        var run: [UInt8] = []
        func flush(_ run: inout [UInt8], into scalars: inout String.UnicodeScalarView) {
            if !run.isEmpty {
                scalars.append(contentsOf: String(decoding: run, as: UTF8.self).unicodeScalars)
                run.removeAll(keepingCapacity: true)
            }
        }
        while true {
            guard let b = peek else { throw fail("unterminated string") }
            switch b {
            case UInt8(ascii: "\""):
                index += 1
                flush(&run, into: &scalars)
                return String(scalars)
            case UInt8(ascii: "\\"):
                flush(&run, into: &scalars)
                index += 1
                guard let e = peek else { throw fail("unterminated escape") }
                index += 1
                switch e {
                case UInt8(ascii: "\""): scalars.append("\"")
                case UInt8(ascii: "\\"): scalars.append("\\")
                case UInt8(ascii: "/"): scalars.append("/")
                case UInt8(ascii: "b"): scalars.append("\u{08}")
                case UInt8(ascii: "f"): scalars.append("\u{0C}")
                case UInt8(ascii: "n"): scalars.append("\n")
                case UInt8(ascii: "r"): scalars.append("\r")
                case UInt8(ascii: "t"): scalars.append("\t")
                case UInt8(ascii: "u"):
                    var code = try hex4()
                    // A high surrogate pairs with a following low one; an unpaired surrogate becomes U+FFFD and the
                    // escape after it is kept as itself.
                    var following: UInt32?
                    if (0xD800...0xDBFF).contains(code), peek == UInt8(ascii: "\\"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "u") {
                        index += 2
                        let low = try hex4()
                        if (0xDC00...0xDFFF).contains(low) { code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00) } else { following = low }
                    }
                    scalars.append(Unicode.Scalar(code) ?? "\u{FFFD}")
                    if let following { scalars.append(Unicode.Scalar(following) ?? "\u{FFFD}") }
                default: throw fail("invalid escape '\\\(Character(Unicode.Scalar(e)))'")
                }
            case 0x00..<0x20:
                throw fail("control character in string")
            default:
                run.append(b)
                index += 1
            }
        }
    }

    mutating func hex4() throws(JSONValue.ParseError) -> UInt32 {
        guard index + 4 <= bytes.count else { throw fail("short \\u escape") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = bytes[index]
            let d: UInt32
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt32(c - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt32(c - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = UInt32(c - UInt8(ascii: "A") + 10)
            default: throw fail("invalid hex digit in \\u escape")
            }
            v = v << 4 | d
            index += 1
        }
        return v
    }

    mutating func parseArray(depth: Int) throws(JSONValue.ParseError) -> JSONValue {
        index += 1
        var items: [JSONValue] = []
        skipSpace()
        if peek == UInt8(ascii: "]") {
            index += 1
            return .array(items)
        }
        while true {
            items.append(try parseValue(depth: depth + 1))
            skipSpace()
            guard let b = peek else { throw fail("unterminated array") }
            index += 1
            if b == UInt8(ascii: "]") { return .array(items) }
            guard b == UInt8(ascii: ",") else {
                index -= 1
                throw fail("expected ',' or ']'")
            }
        }
    }

    mutating func parseObject(depth: Int) throws(JSONValue.ParseError) -> JSONValue {
        index += 1
        var members: [JSONValue.Member] = []
        skipSpace()
        if peek == UInt8(ascii: "}") {
            index += 1
            return .object(members)
        }
        while true {
            skipSpace()
            guard peek == UInt8(ascii: "\"") else { throw fail("expected a string key") }
            let key = try parseString()
            skipSpace()
            guard peek == UInt8(ascii: ":") else { throw fail("expected ':'") }
            index += 1
            let value = try parseValue(depth: depth + 1)
            members.append(.init(key, value))
            skipSpace()
            guard let b = peek else { throw fail("unterminated object") }
            index += 1
            if b == UInt8(ascii: "}") { return .object(members) }
            guard b == UInt8(ascii: ",") else {
                index -= 1
                throw fail("expected ',' or '}'")
            }
        }
    }
}
