// Bounds-checked reads on byte arrays. Every parser in this module goes through these helpers (or checks
// `remaining(after:)` itself) before it indexes, so hostile lengths become `SigilError`s rather than traps.

extension Array where Element == UInt8 {
    /// Bytes left from `offset` to the end (0 when `offset` is past the end or negative).
    @inline(__always)
    func remaining(after offset: Int) -> Int {
        offset >= 0 && offset <= count ? count - offset : 0
    }

    /// Whether `length` bytes are available at `offset`; safe for any `Int` inputs.
    @inline(__always)
    func has(_ length: Int, at offset: Int) -> Bool {
        offset >= 0 && length >= 0 && offset <= count && length <= count - offset
    }

    /// Throws `.truncated` unless `length` bytes are available at `offset`.
    func require(_ length: Int, at offset: Int, for structure: @autoclosure () -> String) throws {
        guard has(length, at: offset) else {
            throw SigilError.truncated(structure(), at: offset, needs: length, remaining: remaining(after: offset))
        }
    }

    // Unchecked readers: callers check with `has`/`require` first.
    @inline(__always) func u16be(_ i: Int) -> Int { Int(self[i]) << 8 | Int(self[i + 1]) }
    @inline(__always) func u16le(_ i: Int) -> Int { Int(self[i]) | Int(self[i + 1]) << 8 }
    @inline(__always) func u24le(_ i: Int) -> Int { Int(self[i]) | Int(self[i + 1]) << 8 | Int(self[i + 2]) << 16 }
    @inline(__always) func u32be(_ i: Int) -> Int {
        Int(self[i]) << 24 | Int(self[i + 1]) << 16 | Int(self[i + 2]) << 8 | Int(self[i + 3])
    }
    @inline(__always) func u32le(_ i: Int) -> Int {
        Int(self[i]) | Int(self[i + 1]) << 8 | Int(self[i + 2]) << 16 | Int(self[i + 3]) << 24
    }

    /// Whether the bytes at `offset` equal `pattern` (false when out of range).
    func matches(_ pattern: [UInt8], at offset: Int) -> Bool {
        guard has(pattern.count, at: offset) else { return false }
        for (k, b) in pattern.enumerated() where self[offset + k] != b { return false }
        return true
    }

    /// Whether the bytes at `offset` spell `ascii`.
    func matches(ascii: String, at offset: Int) -> Bool { matches(Array(ascii.utf8), at: offset) }

    /// A copy of `length` bytes at `offset`, clamped to what exists.
    func bytes(at offset: Int, count length: Int) -> [UInt8] {
        guard offset >= 0, offset < count, length > 0 else { return [] }
        let end = length > count - offset ? count : offset + length
        return Array(self[offset..<end])
    }

    /// The index of the first occurrence of `needle` in `range`, or nil.
    func firstIndex(of needle: [UInt8], in range: Range<Int>? = nil) -> Int? {
        let lower = Swift.max(range?.lowerBound ?? 0, 0)
        let upper = Swift.min(range?.upperBound ?? count, count)
        guard let first = needle.first, upper - lower >= needle.count else { return nil }
        return withUnsafeBufferPointer { p -> Int? in
            var i = lower
            let last = upper - needle.count
            while i <= last {
                if p[i] == first {
                    var k = 1
                    while k < needle.count && p[i + k] == needle[k] { k += 1 }
                    if k == needle.count { return i }
                }
                i += 1
            }
            return nil
        }
    }

    /// Whether the array contains `ascii` in `range`.
    func contains(ascii: String, in range: Range<Int>? = nil) -> Bool { firstIndex(of: Array(ascii.utf8), in: range) != nil }
}

extension FixedWidthInteger {
    /// Big-endian bytes of the value's low `width` bytes.
    func bigEndianBytes(_ width: Int) -> [UInt8] {
        (0..<width).map { UInt8(truncatingIfNeeded: self >> ((width - 1 - $0) * 8)) }
    }

    /// Little-endian bytes of the value's low `width` bytes.
    func littleEndianBytes(_ width: Int) -> [UInt8] {
        (0..<width).map { UInt8(truncatingIfNeeded: self >> ($0 * 8)) }
    }
}

/// `value` as upper-case hexadecimal, zero-padded to `width` digits.
func hex(_ value: Int, width: Int = 4) -> String {
    let s = String(value, radix: 16, uppercase: true)
    return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
}
