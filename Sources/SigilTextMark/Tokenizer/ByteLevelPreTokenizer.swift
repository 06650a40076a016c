/// The pre-tokenizers a GPT-2 style `tokenizer.json` uses: an optional `Digits` step followed by an optional
/// `ByteLevel` step (with or without its GPT-2 regex), working on UTF-8 bytes.
///
/// The regex `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+` is implemented by hand;
/// `\p{L}`, `\p{N}` and `\s` come from the Unicode general category and `White_Space` property of each scalar.
struct ByteLevelPreTokenizer: Sendable {
    /// How the `Digits` pre-tokenizer splits numbers.
    enum DigitsMode: Sendable, Equatable {
        /// No `Digits` step.
        case none
        /// `individual_digits: true`: every numeric character is its own piece.
        case individual
        /// `individual_digits: false`: runs of numeric characters form one piece.
        case contiguous
    }

    /// The `Digits` step.
    var digits: DigitsMode
    /// Whether a `ByteLevel` step follows (bytes are then mapped to printable characters before the model).
    var byteLevel: Bool
    /// `ByteLevel.use_regex`.
    var useRegex: Bool
    /// Character classes of the Basic Multilingual Plane, one byte per scalar (see ``letter`` etc.).
    private let bmpClasses: [UInt8]

    /// `\p{L}` in the regex.
    static let letter: UInt8 = 1
    /// `\p{N}` in the regex.
    static let number: UInt8 = 2
    /// `\s` in the regex.
    static let space: UInt8 = 4
    /// What `Digits` calls numeric (Rust's `char::is_numeric`).
    static let digit: UInt8 = 8
    /// The three regex classes (a scalar has at most one).
    static let regexClasses: UInt8 = 7

    /// The Unicode version of the regex engine's tables in `tokenizers` 0.23 (Oniguruma): scalars assigned
    /// later are neither letters nor numbers to the regex, although Swift's tables (and Rust's, which `Digits`
    /// uses) know them.
    static let regexUnicodeVersion = (major: 16, minor: 0)

    init(digits: DigitsMode, byteLevel: Bool, useRegex: Bool) {
        self.digits = digits
        self.byteLevel = byteLevel
        self.useRegex = useRegex
        var table = [UInt8](repeating: 0, count: 0x10000)
        for value in 0..<UInt32(0x10000) {
            table[Int(value)] = Self.computeClass(value)
        }
        bmpClasses = table
    }

    /// Whether `apply` would return the whole text as one word.
    var isIdentity: Bool { digits == .none && !(byteLevel && useRegex) }

    /// The class bits of a scalar: one of ``letter`` (`\p{L}`), ``number`` (`\p{N}`), ``space`` (`\s`) or none
    /// for the regex, plus ``digit`` when `Digits` treats it as numeric.
    static func computeClass(_ value: UInt32) -> UInt8 {
        guard let scalar = Unicode.Scalar(value) else { return 0 }
        let properties = scalar.properties
        var regexKnows = true
        if let age = properties.age {
            regexKnows = (age.major, age.minor) <= (regexUnicodeVersion.major, regexUnicodeVersion.minor)
        }
        switch properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter:
            return regexKnows ? letter : 0
        case .decimalNumber, .letterNumber, .otherNumber:
            return (regexKnows ? number : 0) | digit
        default:
            return properties.isWhitespace ? space : 0
        }
    }

    /// The regex class of a scalar (``letter``, ``number``, ``space`` or 0).
    @inline(__always)
    func scalarClass(_ value: UInt32) -> UInt8 {
        allClasses(value) & Self.regexClasses
    }

    @inline(__always)
    private func allClasses(_ value: UInt32) -> UInt8 {
        if value < 0x10000 { return bmpClasses[Int(value)] }
        return Self.computeClass(value)
    }

    /// Calls `body` with the start and end of every word of `text`, in order; the ranges tile the input.
    @inline(__always)
    func forEachWord(in text: UnsafeBufferPointer<UInt8>, _ body: (Int, Int) -> Void) {
        let end = text.count
        if digits == .none {
            splitRegex(text, 0, end, body)
            return
        }
        var index = 0
        var segmentStart = 0
        while index < end {
            let (value, length) = decodeScalar(text, index)
            guard allClasses(value) & Self.digit != 0 else {
                index += length
                continue
            }
            if segmentStart < index { splitRegex(text, segmentStart, index, body) }
            var runEnd = index + length
            if digits == .contiguous {
                while runEnd < end {
                    let (next, nextLength) = decodeScalar(text, runEnd)
                    guard allClasses(next) & Self.digit != 0 else { break }
                    runEnd += nextLength
                }
            }
            splitRegex(text, index, runEnd, body)
            index = runEnd
            segmentStart = runEnd
        }
        if segmentStart < end { splitRegex(text, segmentStart, end, body) }
    }

    @inline(__always)
    private func splitRegex(_ text: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, _ body: (Int, Int) -> Void) {
        guard byteLevel, useRegex else {
            if start < end { body(start, end) }
            return
        }
        var index = start
        while index < end {
            let matchEnd = regexMatchEnd(text, index, end)
            body(index, matchEnd)
            index = matchEnd
        }
    }

    /// The end of the GPT-2 regex match that starts at `start` within `text[..<end]` (there always is one).
    private func regexMatchEnd(_ text: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Int {
        let first = text[start]
        if first == UInt8(ascii: "'"), start + 1 < end {
            switch text[start + 1] {
            case UInt8(ascii: "s"), UInt8(ascii: "t"), UInt8(ascii: "m"), UInt8(ascii: "d"):
                return start + 2
            case UInt8(ascii: "r"), UInt8(ascii: "v"):
                if start + 2 < end, text[start + 2] == UInt8(ascii: "e") { return start + 3 }
            case UInt8(ascii: "l"):
                if start + 2 < end, text[start + 2] == UInt8(ascii: "l") { return start + 3 }
            default:
                break
            }
        }
        var position = start
        var (value, length) = decodeScalar(text, start)
        var kind = scalarClass(value)
        if first == 0x20, start + 1 < end {
            let (next, nextLength) = decodeScalar(text, start + 1)
            let nextKind = scalarClass(next)
            if nextKind != Self.space {
                position = start + 1
                value = next
                length = nextLength
                kind = nextKind
            }
        }
        if kind != Self.space {
            // ` ?\p{L}+`, ` ?\p{N}+` or ` ?[^\s\p{L}\p{N}]+`: a run of the same class.
            var index = position + length
            while index < end {
                let (next, nextLength) = decodeScalar(text, index)
                guard scalarClass(next) == kind else { break }
                index += nextLength
            }
            return index
        }
        // `\s+(?!\S)` backs off one character before a non-space; `\s+` takes a single space character.
        var index = start
        var lastStart = start
        var count = 0
        while index < end {
            let (next, nextLength) = decodeScalar(text, index)
            guard scalarClass(next) == Self.space else { break }
            lastStart = index
            index += nextLength
            count += 1
        }
        if index == end || count == 1 { return index }
        return lastStart
    }
}

/// Decodes the scalar whose UTF-8 encoding starts at `index` of valid UTF-8 `text`; returns it and its length.
@inline(__always)
func decodeScalar(_ text: UnsafeBufferPointer<UInt8>, _ index: Int) -> (UInt32, Int) {
    let lead = UInt32(text[index])
    if lead < 0x80 { return (lead, 1) }
    let count = text.count
    if lead < 0xE0, index + 1 < count {
        return ((lead & 0x1F) << 6 | UInt32(text[index + 1] & 0x3F), 2)
    }
    if lead < 0xF0, index + 2 < count {
        return ((lead & 0x0F) << 12 | UInt32(text[index + 1] & 0x3F) << 6 | UInt32(text[index + 2] & 0x3F), 3)
    }
    if index + 3 < count {
        let value =
            (lead & 0x07) << 18 | UInt32(text[index + 1] & 0x3F) << 12
            | UInt32(text[index + 2] & 0x3F) << 6 | UInt32(text[index + 3] & 0x3F)
        return (value, 4)
    }
    return (0xFFFD, 1)
}

/// GPT-2's reversible map from bytes to printable characters (`ByteLevel`): printable Latin-1 bytes map to
/// themselves, the other 68 bytes to U+0100 upwards in byte order.
enum ByteLevelAlphabet {
    /// The scalar each byte maps to.
    static let scalarOfByte: [UInt32] = {
        var table = [UInt32](repeating: 0, count: 256)
        var next: UInt32 = 256
        for byte in 0..<256 {
            if (0x21...0x7E).contains(byte) || (0xA1...0xAC).contains(byte) || (0xAE...0xFF).contains(byte) {
                table[byte] = UInt32(byte)
            } else {
                table[byte] = next
                next += 1
            }
        }
        return table
    }()

    /// The byte a scalar stands for, or -1 when it is not in the alphabet; indexed by scalar value below 0x144.
    static let byteOfScalar: [Int16] = {
        var table = [Int16](repeating: -1, count: 0x144)
        for byte in 0..<256 { table[Int(scalarOfByte[byte])] = Int16(byte) }
        return table
    }()
}
