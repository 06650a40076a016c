/// Whether leading bytes look like text: what identifies formats that have no magic number (plain text, Markdown
/// without front matter). Text is UTF-8 (with or without a byte-order mark) or GB18030, with no NUL and no C0
/// control other than tab, line breaks, form feed and escape. A multi-byte sequence cut by the end of the prefix
/// counts as text.
enum TextSniffing {
    /// Whether `prefix` is text.
    static func isText(_ prefix: [UInt8]) -> Bool {
        guard !prefix.isEmpty, !prefix.contains(where: isBinaryControl) else { return false }
        return isUTF8(prefix) || isGB18030(prefix)
    }

    /// The encoding of text bytes, for reports.
    static func encodingName(_ bytes: [UInt8]) -> String {
        if bytes.starts(with: FrontMatter.byteOrderMark) { return "UTF-8 with BOM" }
        return isUTF8(bytes) ? "UTF-8" : "GB18030"
    }

    static func isBinaryControl(_ b: UInt8) -> Bool {
        b < 0x20 && b != 0x09 && b != 0x0A && b != 0x0C && b != 0x0D && b != 0x1B || b == 0x7F
    }

    /// UTF-8, allowing a sequence cut at the end.
    static func isUTF8(_ bytes: [UInt8]) -> Bool {
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            let length: Int
            switch b {
            case 0x00...0x7F: length = 1
            case 0xC2...0xDF: length = 2
            case 0xE0...0xEF: length = 3
            case 0xF0...0xF4: length = 4
            default: return false
            }
            for k in 1..<length {
                guard i + k < bytes.count else { return true }
                guard bytes[i + k] & 0xC0 == 0x80 else { return false }
            }
            i += length
        }
        return true
    }

    /// GB18030 (one, two or four bytes), allowing a sequence cut at the end.
    static func isGB18030(_ bytes: [UInt8]) -> Bool {
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if b < 0x80 {
                i += 1
                continue
            }
            guard (0x81...0xFE).contains(b) else { return false }
            guard i + 1 < bytes.count else { return true }
            let second = bytes[i + 1]
            if (0x40...0x7E).contains(second) || (0x80...0xFE).contains(second) {
                i += 2
            } else if (0x30...0x39).contains(second) {
                guard i + 3 < bytes.count else { return true }
                guard (0x81...0xFE).contains(bytes[i + 2]), (0x30...0x39).contains(bytes[i + 3]) else { return false }
                i += 4
            } else {
                return false
            }
        }
        return true
    }
}

extension TextSniffing {
    /// The offset of the first byte that is not (strict, complete) UTF-8, or nil.
    static func firstInvalidUTF8(_ bytes: [UInt8]) -> Int? {
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var offset = 0
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let scalar): offset += scalar.count
            case .emptyInput: return nil
            case .error: return offset
            }
        }
    }

    /// Throws unless `bytes` are UTF-8: C2PA's text embeddings are defined over UTF-8 only.
    ///
    /// - Throws: ``SigilError`` `.unsupportedFormat` naming the offset of the first byte that is not UTF-8.
    static func requireUTF8(_ bytes: [UInt8], for what: String) throws {
        guard let invalid = firstInvalidUTF8(bytes) else { return }
        throw SigilError(
            .unsupportedFormat,
            "\(what) needs UTF-8 text; byte 0x\(String(bytes[invalid], radix: 16)) at offset \(invalid) is not UTF-8 (GB18030 text carries no C2PA manifest: convert it to UTF-8)",
            offset: invalid)
    }
}
