import Foundation
import SigilCore

/// How a text file is encoded: what Sigil keeps when it adds a label (the label is written in the same encoding, a
/// byte-order mark stays where it was) and what it decodes before checking one.
public enum TextEncoding: String, Sendable, Hashable, CustomStringConvertible {
    /// UTF-8 without a byte-order mark.
    case utf8 = "UTF-8"
    /// UTF-8 starting with the byte-order mark EF BB BF.
    case utf8BOM = "UTF-8 with BOM"
    /// GB18030 (GB 45438's normative reference for character sets).
    case gb18030 = "GB18030"

    public var description: String { rawValue }

    static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    /// Foundation's GB18030-2000 encoding (CFStringEncoding 0x0632 as an NSStringEncoding).
    static let foundationGB18030 = String.Encoding(rawValue: 0x8000_0632)

    /// The encoding of `bytes`: UTF-8 with a byte-order mark, valid UTF-8, or GB18030.
    ///
    /// - Throws: ``SigilError`` `.malformed` naming the offset of the first byte that is not UTF-8 when the bytes
    ///   are neither UTF-8 nor GB18030 (or start with a UTF-8 byte-order mark and are not UTF-8 after it).
    public static func detect(_ bytes: [UInt8]) throws -> TextEncoding {
        let bom = bytes.starts(with: byteOrderMark)
        guard let invalid = firstInvalidUTF8(bytes) else { return bom ? .utf8BOM : .utf8 }
        if !bom, String(data: Data(bytes), encoding: foundationGB18030) != nil { return .gb18030 }
        throw SigilError(
            .malformed,
            "the text is not UTF-8\(bom ? " after its byte-order mark" : " or GB18030"): invalid byte 0x\(String(bytes[invalid], radix: 16)) at offset \(invalid)",
            offset: invalid)
    }

    /// The offset of the first byte that breaks UTF-8 (overlong forms, surrogates and values past U+10FFFF
    /// included), or nil when all of `bytes` is UTF-8.
    public static func firstInvalidUTF8(_ bytes: [UInt8]) -> Int? {
        bytes.withUnsafeBufferPointer { UTF8Scalars.firstInvalid($0) }
    }

    /// `text` in this encoding (no byte-order mark: one already at the start of the file stays there).
    ///
    /// - Throws: ``SigilError`` `.usage` when GB18030 cannot encode a character of `text`.
    public func encode(_ text: String) throws -> [UInt8] {
        switch self {
        case .utf8, .utf8BOM: return Array(text.utf8)
        case .gb18030:
            guard let data = text.data(using: Self.foundationGB18030) else {
                throw SigilError(.usage, "the text \"\(text)\" cannot be written in GB18030")
            }
            return Array(data)
        }
    }

    /// `bytes` as UTF-8: themselves for UTF-8 (a byte-order mark kept, so offsets are file offsets), the
    /// transcoding for GB18030.
    ///
    /// - Throws: ``SigilError`` `.malformed` when GB18030 bytes do not decode.
    public func utf8(_ bytes: [UInt8]) throws -> [UInt8] {
        switch self {
        case .utf8, .utf8BOM: return bytes
        case .gb18030:
            guard let text = String(data: Data(bytes), encoding: Self.foundationGB18030) else {
                throw SigilError(.malformed, "the text does not decode as GB18030", offset: 0)
            }
            return Array(text.utf8)
        }
    }
}

/// A bounds-checked UTF-8 decoder over a buffer: the one loop the checker and the validator share.
enum UTF8Scalars {
    /// The scalar at `i` and its length in bytes, or nil when the bytes at `i` are not UTF-8.
    @inline(__always)
    static func decode(_ p: UnsafeBufferPointer<UInt8>, at i: Int) -> (UInt32, Int)? {
        let b0 = UInt32(p[i])
        if b0 < 0x80 { return (b0, 1) }
        let n = p.count
        if b0 >= 0xC2 && b0 <= 0xDF {
            guard i + 1 < n else { return nil }
            let b1 = UInt32(p[i + 1])
            guard b1 & 0xC0 == 0x80 else { return nil }
            return ((b0 & 0x1F) << 6 | (b1 & 0x3F), 2)
        }
        if b0 >= 0xE0 && b0 <= 0xEF {
            guard i + 2 < n else { return nil }
            let b1 = UInt32(p[i + 1])
            let b2 = UInt32(p[i + 2])
            guard b1 & 0xC0 == 0x80, b2 & 0xC0 == 0x80 else { return nil }
            let v = (b0 & 0x0F) << 12 | (b1 & 0x3F) << 6 | (b2 & 0x3F)
            guard v >= 0x800, !(0xD800...0xDFFF).contains(v) else { return nil }
            return (v, 3)
        }
        if b0 >= 0xF0 && b0 <= 0xF4 {
            guard i + 3 < n else { return nil }
            let b1 = UInt32(p[i + 1])
            let b2 = UInt32(p[i + 2])
            let b3 = UInt32(p[i + 3])
            guard b1 & 0xC0 == 0x80, b2 & 0xC0 == 0x80, b3 & 0xC0 == 0x80 else { return nil }
            let v = (b0 & 0x07) << 18 | (b1 & 0x3F) << 12 | (b2 & 0x3F) << 6 | (b3 & 0x3F)
            guard v >= 0x10000, v <= 0x10FFFF else { return nil }
            return (v, 4)
        }
        return nil
    }

    /// The offset of the first invalid byte, or nil.
    static func firstInvalid(_ p: UnsafeBufferPointer<UInt8>) -> Int? {
        var i = 0
        let n = p.count
        while i < n {
            if p[i] < 0x80 {
                i += 1
                continue
            }
            guard let (_, length) = decode(p, at: i) else { return i }
            i += length
        }
        return nil
    }
}
