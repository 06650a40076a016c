/// The GB 45438 label in an ID3v2 tag: `TXXX` frames whose description is `AIGC` (PG-202510A).
enum ID3Labels {
    static func scan(_ bytes: [UInt8], into scan: inout ContainerScan) {
        let readable: (bytes: [UInt8], tag: ID3Tag)?
        do {
            readable = try ID3Tag.read(bytes).flatMap { try ID3Unsynchronisation.readable(Array(bytes[$0.range])) }
        } catch let error as SigilError {
            scan.findings.append(
                Finding(
                    error.code == .truncated ? .structureTruncated : .structureMalformed, .error, error.message, location: "ID3v2 tag",
                    offset: error.offset ?? 0))
            return
        } catch {
            return
        }
        guard let (tagBytes, tag) = readable else { return }
        for (index, frame) in tag.frames.enumerated() {
            guard let (description, value) = labelText(tagBytes, frame, major: tag.major, tagFlags: tag.flags),
                description.uppercased().contains("AIGC")
            else { continue }
            scan.carriers.append(
                LabelCarrier(
                    kind: .id3UserText, location: "ID3v2.\(tag.major) TXXX[\(index)] \"\(description)\"", offset: frame.data.lowerBound,
                    length: frame.data.count,
                    keyed: true, standard: description == "AIGC", payload: .text(value)))
        }
    }

    /// A `TXXX` frame's description and value, undoing an ID3v2.4 frame's unsynchronisation and data length
    /// indicator; nil for other frames and for compressed or encrypted ones.
    static func labelText(_ bytes: [UInt8], _ frame: ID3Tag.Frame, major: UInt8, tagFlags: UInt8) -> (String, String)? {
        guard frame.id == "TXXX" || frame.id == "TXX" else { return nil }
        guard major == 4 else { return userText(bytes, frame.data) }
        let format = bytes[frame.range.lowerBound + 9]
        guard format & 0x0C == 0 else { return nil }
        var content = Array(bytes[frame.data])
        if format & 0x01 != 0 { content = Array(content.dropFirst(4)) }
        if format & 0x02 != 0 || tagFlags & 0x80 != 0 { content = ID3Unsynchronisation.decode(content) }
        return userText(content, 0..<content.count)
    }

    /// A `TXXX` frame's description and value (ID3v2.3/2.4 §4.2.6): an encoding byte, then two strings.
    static func userText(_ bytes: [UInt8], _ data: Range<Int>) -> (String, String)? {
        guard data.count >= 2 else { return nil }
        let encoding = bytes[data.lowerBound]
        let body = Array(bytes[(data.lowerBound + 1)..<data.upperBound])
        let wide = encoding == 1 || encoding == 2
        var split: Int?
        if wide {
            var i = 0
            while i + 1 < body.count {
                if body[i] == 0 && body[i + 1] == 0 {
                    split = i
                    break
                }
                i += 2
            }
        } else {
            split = body.firstIndex(of: 0)
        }
        guard let split else { return nil }
        let first = Array(body[..<split])
        let second = Array(body[(split + (wide ? 2 : 1))...])
        func decode(_ b: [UInt8]) -> String {
            switch encoding {
            case 1:
                if b.starts(with: [0xFE, 0xFF]) { return TextDecoding.utf16(b.dropFirst(2), bigEndian: true) }
                if b.starts(with: [0xFF, 0xFE]) { return TextDecoding.utf16(b.dropFirst(2), bigEndian: false) }
                return TextDecoding.utf16(b, bigEndian: false)
            case 2: return TextDecoding.utf16(b, bigEndian: true)
            default:
                var trimmed = b
                while trimmed.last == 0 { trimmed.removeLast() }
                return TextDecoding.utf8OrLatin1(trimmed)
            }
        }
        return (decode(first), TextDecoding.trimmingTrailingPadding(decode(second)))
    }
}
