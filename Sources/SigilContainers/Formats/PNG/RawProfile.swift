/// ImageMagick's "Raw profile type NAME" PNG text chunks: the profile as hex digits after a name line and a
/// length line (`\nexif\n    1234\n4578696600…`). Older ImageMagick stores EXIF and XMP this way.
enum RawProfile {
    static let keywordPrefix = "Raw profile type "

    /// The profile bytes, or nil when the text does not follow the layout or the length disagrees.
    static func decode(_ text: [UInt8], limit: Int = Zlib.maximumInflatedSize) -> [UInt8]? {
        var i = 0
        func skipSpace() { while i < text.count, text[i] == 0x0A || text[i] == 0x0D || text[i] == 0x20 || text[i] == 0x09 { i += 1 } }
        skipSpace()
        while i < text.count, text[i] != 0x0A { i += 1 } // profile name line
        skipSpace()
        var length = 0
        var digits = 0
        while i < text.count, (0x30...0x39).contains(text[i]), digits < 10 {
            length = length * 10 + Int(text[i] - 0x30)
            digits += 1
            i += 1
        }
        guard digits > 0, length <= limit else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(length)
        var high: UInt8?
        while i < text.count, out.count < length {
            let c = text[i]
            i += 1
            let v: UInt8
            switch c {
            case 0x30...0x39: v = c - 0x30
            case 0x61...0x66: v = c - 0x61 + 10
            case 0x41...0x46: v = c - 0x41 + 10
            case 0x0A, 0x0D, 0x20, 0x09: continue
            default: return nil
            }
            if let h = high {
                out.append(h << 4 | v)
                high = nil
            } else {
                high = v
            }
        }
        return out.count == length ? out : nil
    }
}
