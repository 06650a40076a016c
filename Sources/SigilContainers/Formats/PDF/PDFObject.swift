/// A PDF object as ``PDFParser`` reads it (ISO 32000-1 §7.3). Dictionaries keep each value's raw bytes, so a
/// writer can copy them unchanged into a new dictionary.
indirect enum PDFObject: Sendable, Hashable {
    case null
    case bool(Bool)
    /// A number as written (`12`, `-3.5`).
    case number(String)
    /// A string's bytes (literal escapes resolved, hex decoded).
    case string([UInt8])
    case name(String)
    case array([PDFObject])
    /// Keys without the slash, in order, each with its value and the value's raw bytes.
    case dictionary([DictionaryEntry])
    /// `n g R`.
    case reference(Int, Int)

    struct DictionaryEntry: Sendable, Hashable {
        var key: String
        var value: PDFObject
        var raw: [UInt8]
    }

    subscript(key: String) -> PDFObject? {
        guard case .dictionary(let entries) = self else { return nil }
        return entries.first { $0.key == key }?.value
    }

    var entries: [DictionaryEntry]? {
        if case .dictionary(let entries) = self { return entries }
        return nil
    }

    var integer: Int? {
        if case .number(let text) = self { return Int(text) }
        return nil
    }

    var reference: (number: Int, generation: Int)? {
        if case .reference(let n, let g) = self { return (n, g) }
        return nil
    }

    var nameValue: String? {
        if case .name(let name) = self { return name }
        return nil
    }

    var array: [PDFObject]? {
        if case .array(let items) = self { return items }
        return nil
    }

    /// A text string's value (PDF 7.9.2.2): UTF-16BE after a BOM, UTF-8 after its BOM, else PDFDocEncoding (read
    /// as Latin-1, which agrees with it on every character a label uses).
    var text: String? {
        guard case .string(let bytes) = self else { return nil }
        if bytes.starts(with: [0xFE, 0xFF]) { return TextDecoding.utf16(bytes.dropFirst(2), bigEndian: true) }
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { return String(decoding: bytes.dropFirst(3), as: UTF8.self) }
        return String(bytes.map { Character(Unicode.Scalar($0)) })
    }

    /// A PDF text string for `text`: a literal string of its ASCII bytes, or UTF-16BE with a BOM as a hex string
    /// when it holds anything else.
    static func textString(_ text: String) -> [UInt8] {
        let bytes = textBytes(text)
        guard bytes.first == 0xFE else {
            var out: [UInt8] = [UInt8(ascii: "(")]
            for b in bytes {
                if b == UInt8(ascii: "(") || b == UInt8(ascii: ")") || b == UInt8(ascii: "\\") { out.append(UInt8(ascii: "\\")) }
                out.append(b)
            }
            return out + [UInt8(ascii: ")")]
        }
        return hexString(bytes)
    }

    /// The bytes of the PDF text string for `text`: its ASCII bytes, or UTF-16BE after a BOM.
    static func textBytes(_ text: String) -> [UInt8] {
        if text.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F }) { return Array(text.utf8) }
        return [0xFE, 0xFF] + text.utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
    }

    /// `bytes` as a hex string, `<…>`.
    static func hexString(_ bytes: [UInt8]) -> [UInt8] {
        let digits = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = [UInt8(ascii: "<")]
        out.reserveCapacity(bytes.count * 2 + 2)
        for b in bytes { out += [digits[Int(b >> 4)], digits[Int(b & 0x0F)]] }
        return out + [UInt8(ascii: ">")]
    }

    /// The object written out again, each string passed through `string` first (to encrypt it for the object that
    /// will hold it) and written in hex.
    func written(strings string: ([UInt8]) -> [UInt8]) -> [UInt8] {
        switch self {
        case .null: return Array("null".utf8)
        case .bool(let value): return Array((value ? "true" : "false").utf8)
        case .number(let text): return Array(text.utf8)
        case .string(let bytes): return Self.hexString(string(bytes))
        case .name(let name): return Array("/\(PDFLabelUpdate.encodeName(name))".utf8)
        case .array(let items):
            return [UInt8(ascii: "[")] + Array(items.map { $0.written(strings: string) }.joined(separator: [0x20])) + [UInt8(ascii: "]")]
        case .dictionary(let entries):
            return Array("<<".utf8) + entries.flatMap { Array("/\(PDFLabelUpdate.encodeName($0.key)) ".utf8) + $0.value.written(strings: string) }
                + Array(">>".utf8)
        case .reference(let number, let generation): return Array("\(number) \(generation) R".utf8)
        }
    }
}

/// Reads PDF objects: tokens, strings, dictionaries, arrays, references; nesting is bounded.
///
/// A parser reads either bytes already in memory or a ``ByteSource`` through a window that starts where the parse
/// starts and grows as the parse reads on (4 KiB, then doubling), never past ``maximumWindow``: a file is read only
/// where its structure is, in pieces of bounded size. A read failure, or a window that would grow past the bound,
/// ends the bytes the parser sees and is kept in ``readError``, which ``PDFDocument`` throws in place of the parse's
/// own error.
struct PDFParser {
    /// The bytes seen so far: the file's from ``windowStart`` on.
    private(set) var window: [UInt8]
    /// Where ``window`` starts: in the file for a source-backed parser, 0 for bytes in memory.
    private(set) var windowStart: Int
    /// The file the window grows from, or nil when ``window`` is everything.
    private let source: (any ByteSource)?
    /// Where the bytes end (the file's length, or the bytes' count).
    let end: Int
    var position: Int
    /// What positions are offset by in messages (for bytes in memory that sit elsewhere in the file).
    let base: Int
    /// A failed read, or the window bound reached: the parse's own error is this one's consequence.
    private(set) var readError: SigilError?
    static let maximumDepth = 64
    /// The most bytes one parse holds: a dictionary, or the part of a cross-reference table not yet taken.
    static let maximumWindow = 16 << 20
    static let initialWindow = 4 << 10

    /// A parser at `position`, clamped to the bytes (an offset read from a hostile file may be negative).
    init(_ bytes: [UInt8], at position: Int = 0, base: Int = 0) {
        self.window = bytes
        self.windowStart = 0
        self.source = nil
        self.end = bytes.count
        self.position = min(max(0, position), bytes.count)
        self.base = base
    }

    /// A parser of the file `source` reads, at `position` (clamped to the file); bytes in memory are parsed in place.
    init(source: any ByteSource, at position: Int) {
        let memory = source as? MemoryByteSource
        self.source = memory == nil ? source : nil
        self.end = source.count
        self.position = min(max(0, position), source.count)
        self.windowStart = memory == nil ? self.position : 0
        self.window = memory?.bytes ?? []
        self.base = 0
    }

    static func isWhitespace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 || b == 0x0C || b == 0x00 }
    static func isDelimiter(_ b: UInt8) -> Bool { "()<>[]{}/%".utf8.contains(b) }

    func error(_ reason: String) -> SigilError {
        SigilError.malformed("the PDF object", at: base + position, reason)
    }

    /// The byte at `offset`, or nil past the end (or where the window cannot grow).
    @inline(__always)
    mutating func byte(at offset: Int) -> UInt8? {
        let k = offset &- windowStart
        if k >= 0 && k < window.count { return window[k] }
        return grow(toInclude: offset)
    }

    /// The byte at the position, or nil at the end.
    @inline(__always)
    mutating func current() -> UInt8? { byte(at: position) }

    /// The window grown to hold `offset`.
    private mutating func grow(toInclude offset: Int) -> UInt8? {
        guard let source, offset < end, offset >= windowStart, readError == nil else { return nil }
        let length = min(end - windowStart, max(offset + 1 - windowStart, window.count * 2, Self.initialWindow))
        guard length <= Self.maximumWindow else {
            readError = SigilError(
                .tooLarge, "the PDF structure at offset \(windowStart) runs past \(Self.maximumWindow >> 20) MiB without ending", offset: windowStart)
            return nil
        }
        do {
            let more = try source.read((windowStart + window.count)..<(windowStart + length))
            guard more.count == length - window.count else {
                throw SigilError.truncated("the PDF", at: windowStart + window.count, needs: length - window.count, remaining: more.count)
            }
            window += more
        } catch let error as SigilError {
            readError = error
            return nil
        } catch {
            readError = SigilError(.io, "reading the PDF at offset \(windowStart + window.count) failed: \(error)", offset: windowStart)
            return nil
        }
        return window[offset - windowStart]
    }

    /// The bytes in `range` (which the parse has read past).
    func bytes(_ range: Range<Int>) -> [UInt8] {
        Array(window[(range.lowerBound - windowStart)..<(range.upperBound - windowStart)])
    }

    /// Drops the bytes before the position from the window, so a long run of small structures (a cross-reference
    /// table's entries) holds only what is still to be read. Nothing before the position may be asked for after.
    mutating func discardConsumed() {
        guard source != nil, position - windowStart >= 1 << 16 else { return }
        window.removeFirst(position - windowStart)
        windowStart = position
    }

    /// Skips white space and comments.
    mutating func skipWhitespace() {
        while let b = current() {
            if Self.isWhitespace(b) {
                position += 1
            } else if b == UInt8(ascii: "%") {
                while let c = current(), c != 0x0A, c != 0x0D { position += 1 }
            } else {
                return
            }
        }
    }

    /// A regular token (a keyword or a number) at the position, without consuming it past its end.
    mutating func keyword() -> String {
        skipWhitespace()
        let start = position
        while let b = current(), !Self.isWhitespace(b), !Self.isDelimiter(b) { position += 1 }
        return String(decoding: bytes(start..<position), as: UTF8.self)
    }

    /// Whether the next token is `word` (consumed when it is).
    mutating func expect(_ word: String) -> Bool {
        let saved = position
        if keyword() == word { return true }
        position = saved
        return false
    }

    /// Skips the end of line after `stream` (CR LF or LF; a lone CR as written by some producers).
    mutating func skipStreamLineEnd() {
        if current() == 0x0D { position += 1 }
        if current() == 0x0A { position += 1 }
    }

    /// The object at the position.
    mutating func object(depth: Int = 0) throws -> PDFObject {
        guard depth < Self.maximumDepth else { throw error("nests deeper than \(Self.maximumDepth) levels") }
        skipWhitespace()
        guard let b = current() else {
            throw SigilError(.truncated, "the PDF ends inside an object at offset \(base + position)", offset: base + position)
        }
        switch b {
        case UInt8(ascii: "/"):
            position += 1
            let start = position
            while let c = current(), !Self.isWhitespace(c), !Self.isDelimiter(c) { position += 1 }
            return .name(Self.decodeName(bytes(start..<position)[...]))
        case UInt8(ascii: "("):
            return .string(try literalString())
        case UInt8(ascii: "<"):
            if byte(at: position + 1) == UInt8(ascii: "<") {
                position += 2
                var entries: [PDFObject.DictionaryEntry] = []
                while true {
                    skipWhitespace()
                    guard let c = current() else {
                        throw SigilError(.truncated, "the PDF ends inside a dictionary at offset \(base + position)", offset: base + position)
                    }
                    if c == UInt8(ascii: ">") {
                        guard byte(at: position + 1) == UInt8(ascii: ">") else {
                            throw error("has a dictionary closed by a single >")
                        }
                        position += 2
                        return .dictionary(entries)
                    }
                    guard case .name(let key) = try object(depth: depth + 1) else { throw error("has a dictionary key that is not a name") }
                    skipWhitespace()
                    let start = position
                    let value = try object(depth: depth + 1)
                    entries.append(.init(key: key, value: value, raw: bytes(start..<position)))
                }
            }
            return .string(try hexString())
        case UInt8(ascii: "["):
            position += 1
            var items: [PDFObject] = []
            while true {
                skipWhitespace()
                guard let c = current() else {
                    throw SigilError(.truncated, "the PDF ends inside an array at offset \(base + position)", offset: base + position)
                }
                if c == UInt8(ascii: "]") {
                    position += 1
                    return .array(items)
                }
                items.append(try object(depth: depth + 1))
            }
        default:
            let word = keyword()
            switch word {
            case "": throw error("has an unexpected '\(Character(Unicode.Scalar(b)))'")
            case "true": return .bool(true)
            case "false": return .bool(false)
            case "null": return .null
            default:
                guard Double(word) != nil else { throw error("has an unexpected keyword '\(word.prefix(20))'") }
                // `n g R`: look ahead for two more tokens.
                if let number = Int(word), number >= 0 {
                    let saved = position
                    let generation = keyword()
                    if let g = Int(generation), g >= 0, keyword() == "R" { return .reference(number, g) }
                    position = saved
                }
                return .number(word)
            }
        }
    }

    static func decodeName(_ raw: ArraySlice<UInt8>) -> String {
        var out: [UInt8] = []
        var i = raw.startIndex
        while i < raw.endIndex {
            if raw[i] == UInt8(ascii: "#"), i + 2 < raw.endIndex, let v = UInt8(String(decoding: raw[(i + 1)...(i + 2)], as: UTF8.self), radix: 16) {
                out.append(v)
                i += 3
            } else {
                out.append(raw[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    mutating func literalString() throws -> [UInt8] {
        let start = position
        position += 1
        var out: [UInt8] = []
        var depth = 1
        while let b = current() {
            position += 1
            switch b {
            case UInt8(ascii: "\\"):
                guard let e = current() else { break }
                position += 1
                switch e {
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case 0x0D:
                    if current() == 0x0A { position += 1 }
                case 0x0A: break
                case UInt8(ascii: "0")...UInt8(ascii: "7"):
                    var value = Int(e - UInt8(ascii: "0"))
                    for _ in 0..<2 {
                        guard let d = current(), (UInt8(ascii: "0")...UInt8(ascii: "7")).contains(d) else { break }
                        value = value * 8 + Int(d - UInt8(ascii: "0"))
                        position += 1
                    }
                    out.append(UInt8(truncatingIfNeeded: value))
                default: out.append(e)
                }
            case UInt8(ascii: "("):
                depth += 1
                out.append(b)
            case UInt8(ascii: ")"):
                depth -= 1
                if depth == 0 { return out }
                out.append(b)
            default:
                out.append(b)
            }
        }
        throw SigilError(.truncated, "the PDF ends inside a string that starts at offset \(base + start)", offset: base + start)
    }

    mutating func hexString() throws -> [UInt8] {
        let start = position
        position += 1
        var digits: [UInt8] = []
        while let b = current(), b != UInt8(ascii: ">") {
            position += 1
            if Self.isWhitespace(b) { continue }
            guard let v = UInt8(String(Character(Unicode.Scalar(b))), radix: 16) else {
                throw error("has a hex string with '\(Character(Unicode.Scalar(b)))'")
            }
            digits.append(v)
        }
        guard current() != nil else {
            throw SigilError(.truncated, "the PDF ends inside a hex string at offset \(base + start)", offset: base + start)
        }
        position += 1
        if digits.count % 2 == 1 { digits.append(0) }
        return stride(from: 0, to: digits.count, by: 2).map { digits[$0] << 4 | digits[$0 + 1] }
    }
}
