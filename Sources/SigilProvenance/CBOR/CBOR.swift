/// One CBOR data item (RFC 8949), as C2PA claims, assertions and COSE structures use them.
///
/// Maps keep their members in the order they were decoded or built, because C2PA validators hash and verify
/// the bytes as stored and c2pa-rs emits maps in struct order, not in the sorted order of RFC 8949 §4.2.1.
///
/// ```swift
/// let value: CBOR = .map([.init("alg", "sha256"), .init("pad", .bytes([]))])
/// let bytes = value.encoded()          // A2 63 61 6C 67 66 73 68 61 32 35 36 63 70 61 64 40
/// let back = try CBOR.decode(bytes)     // == value
/// ```
public indirect enum CBOR: Sendable, Hashable {
    /// Major type 0: an unsigned integer.
    case unsigned(UInt64)
    /// Major type 1: the integer `-1 - n`.
    case negative(UInt64)
    /// Major type 2: a byte string.
    case bytes([UInt8])
    /// Major type 3: a UTF-8 text string.
    case text(String)
    /// Major type 4: an array.
    case array([CBOR])
    /// Major type 5: a map, members in order.
    case map([Pair])
    /// Major type 6: a tagged item (tag 0 date, 18 COSE_Sign1, 37 UUID, …).
    case tagged(UInt64, CBOR)
    /// `false` and `true`.
    case bool(Bool)
    /// `null`.
    case null
    /// `undefined`.
    case undefined
    /// Another simple value.
    case simple(UInt8)
    /// A half, single or double float (encoded as a double).
    case float(Double)

    /// One map member.
    public struct Pair: Sendable, Hashable {
        public var key: CBOR
        public var value: CBOR
        public init(_ key: CBOR, _ value: CBOR) {
            self.key = key
            self.value = value
        }
        /// A member with a text key.
        public init(_ key: String, _ value: CBOR) {
            self.init(.text(key), value)
        }
    }

    /// An integer, as major type 0 or 1.
    public static func int(_ value: Int) -> CBOR {
        value >= 0 ? .unsigned(UInt64(value)) : .negative(UInt64(-(value + 1)))
    }

    /// The integer value, when this is major type 0 or 1 and fits an `Int`.
    public var intValue: Int? {
        switch self {
        case .unsigned(let n): return n <= UInt64(Int.max) ? Int(n) : nil
        case .negative(let n): return n <= UInt64(Int.max) ? -Int(n) - 1 : nil
        default: return nil
        }
    }

    /// The text, when this is a text string.
    public var textValue: String? {
        if case .text(let s) = self { return s }
        return nil
    }

    /// The bytes, when this is a byte string.
    public var bytesValue: [UInt8]? {
        if case .bytes(let b) = self { return b }
        return nil
    }

    /// The elements, when this is an array.
    public var arrayValue: [CBOR]? {
        if case .array(let a) = self { return a }
        return nil
    }

    /// The members, when this is a map.
    public var mapValue: [Pair]? {
        if case .map(let m) = self { return m }
        return nil
    }

    /// The boolean, when this is `true` or `false`.
    public var boolValue: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    /// This item without any tags around it.
    public var untagged: CBOR {
        var item = self
        while case .tagged(_, let inner) = item { item = inner }
        return item
    }

    /// The first member whose key is the text `key`, when this is a map.
    public subscript(key: String) -> CBOR? {
        mapValue?.first { $0.key == .text(key) }?.value
    }

    /// The first member whose key is the integer `key`, when this is a map.
    public subscript(intKey key: Int) -> CBOR? {
        mapValue?.first { $0.key == .int(key) }?.value
    }
}

extension CBOR: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral {
    public init(stringLiteral value: String) { self = .text(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: CBOR...) { self = .array(elements) }
}
