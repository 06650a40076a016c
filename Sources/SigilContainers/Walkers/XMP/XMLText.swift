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
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for c in text.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"" where quote == UInt8(ascii: "\""): out += "&quot;"
            case "'" where quote == UInt8(ascii: "'"): out += "&apos;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }
}
