/// Text decoding shared by the readers.
enum TextDecoding {
    /// UTF-8 when the bytes are valid UTF-8, otherwise ISO 8859-1 (the PNG tEXt charset).
    static func utf8OrLatin1<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        if let s = String(validating: bytes, as: UTF8.self) { return s }
        var scalars = String.UnicodeScalarView()
        for b in bytes { scalars.append(Unicode.Scalar(b)) }
        return String(scalars)
    }

    /// UTF-16 in the given byte order; a leading byte-order mark overrides it.
    static func utf16<C: Collection>(_ bytes: C, bigEndian: Bool) -> String where C.Element == UInt8 {
        var data = Array(bytes)
        var big = bigEndian
        if data.count >= 2 {
            if data[0] == 0xFE && data[1] == 0xFF {
                big = true
                data.removeFirst(2)
            } else if data[0] == 0xFF && data[1] == 0xFE {
                big = false
                data.removeFirst(2)
            }
        }
        var units: [UInt16] = []
        units.reserveCapacity(data.count / 2)
        var i = 0
        while i + 1 < data.count {
            units.append(big ? UInt16(data[i]) << 8 | UInt16(data[i + 1]) : UInt16(data[i + 1]) << 8 | UInt16(data[i]))
            i += 2
        }
        return String(decoding: units, as: UTF16.self)
    }

    /// Removes trailing NULs, spaces and line breaks.
    static func trimmingTrailingPadding(_ s: String) -> String {
        var t = Substring(s)
        while let l = t.last, l == "\0" || l == " " || l == "\n" || l == "\r" || l == "\t" { t.removeLast() }
        return String(t)
    }
}
