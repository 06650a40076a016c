/// XML character references and escaping, as XMP needs them.
package enum XMLText {
    /// Resolves the five predefined entities and numeric references (`&#NN;`, `&#xHH;`). Unknown or broken
    /// references are kept literally; invalid UTF-8 becomes U+FFFD.
    static func decode(_ bytes: ArraySlice<UInt8>) -> String {
        guard bytes.contains(UInt8(ascii: "&")) else { return String(decoding: bytes, as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = bytes.startIndex
        let end = bytes.endIndex
        while i < end {
            let b = bytes[i]
            guard b == UInt8(ascii: "&") else {
                out.append(b)
                i += 1
                continue
            }
            // Look for ';' within a short window.
            var j = i + 1
            while j < end && j - i <= 12 && bytes[j] != UInt8(ascii: ";") { j += 1 }
            guard j < end && bytes[j] == UInt8(ascii: ";") else {
                out.append(b)
                i += 1
                continue
            }
            let name = String(decoding: bytes[(i + 1)..<j], as: UTF8.self)
            if let replacement = resolve(name) {
                out.append(contentsOf: Array(replacement.utf8))
                i = j + 1
            } else {
                out.append(b)
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func decode(_ bytes: [UInt8]) -> String { decode(bytes[...]) }

    private static func resolve(_ name: String) -> String? {
        switch name {
        case "quot": return "\""
        case "amp": return "&"
        case "lt": return "<"
        case "gt": return ">"
        case "apos": return "'"
        default: break
        }
        guard name.hasPrefix("#") else { return nil }
        var digits = name.dropFirst()
        var radix = 10
        if digits.first == "x" || digits.first == "X" {
            radix = 16
            digits = digits.dropFirst()
        }
        guard !digits.isEmpty, let value = UInt32(digits, radix: radix), let scalar = Unicode.Scalar(value) else { return nil }
        return String(Character(scalar))
    }

    /// Escapes text for element content: `&`, `<`, `>`.
    package static func escapeContent(_ text: String) -> String {
        escape(text, quote: nil)
    }

    /// Escapes text for an attribute value delimited by `quote` (`"` or `'`).
    static func escapeAttribute(_ text: String, quote: UInt8 = UInt8(ascii: "\"")) -> String {
        escape(text, quote: quote)
    }

    /// `&`, `<`, `>` escaped, and the delimiting `quote` when there is one.
    private static func escape(_ text: String, quote: UInt8?) -> String {
        // Every byte that needs escaping is ASCII, so the UTF-8 bytes are scanned; text with none is returned as is.
        let utf8 = text.utf8
        func needsEscape(_ byte: UInt8) -> Bool {
            byte == UInt8(ascii: "&") || byte == UInt8(ascii: "<") || byte == UInt8(ascii: ">") || byte == quote
        }
        guard utf8.contains(where: needsEscape) else { return text }
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count + 16)
        for byte in utf8 {
            switch byte {
            case UInt8(ascii: "&"): out += Array("&amp;".utf8)
            case UInt8(ascii: "<"): out += Array("&lt;".utf8)
            case UInt8(ascii: ">"): out += Array("&gt;".utf8)
            case UInt8(ascii: "\"") where quote == byte: out += Array("&quot;".utf8)
            case UInt8(ascii: "'") where quote == byte: out += Array("&apos;".utf8)
            default: out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
