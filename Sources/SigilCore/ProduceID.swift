#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Content production IDs (`ProduceID`, Annex E e): the provider's unique ID for one piece of content.
public enum ProduceID {
    /// Longest ID Sigil writes or accepts from a caller. Annex E sets no limit; Tencent's 2048 covers a whole label.
    public static let maximumLength = 256

    /// A new ID: 32 lower-case hex digits, a 48-bit millisecond timestamp then 80 random bits (UUIDv7-like),
    /// so IDs sort by creation time and never collide in practice. All characters are within Annex E j).
    public static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        return generate(milliseconds: currentMilliseconds(), using: &generator)
    }

    /// A new ID from a given clock value and random source (deterministic in tests).
    public static func generate(milliseconds: UInt64, using generator: inout some RandomNumberGenerator) -> String {
        let time = String(milliseconds & 0xFFFF_FFFF_FFFF, radix: 16).leftPadded(to: 12)
        let high = String(UInt64.random(in: 0...UInt64.max, using: &generator) & 0xFFFF_FFFF_FFFF_FFFF, radix: 16).leftPadded(to: 16)
        let low = String(UInt16.random(in: 0...UInt16.max, using: &generator), radix: 16).leftPadded(to: 4)
        return time + high + low
    }

    /// Checks an ID supplied by a caller.
    public static func validate(_ id: String) throws {
        guard !id.isEmpty else { throw SigilError(.invalidProduceID, "the ProduceID is empty") }
        guard id.unicodeScalars.count <= maximumLength else {
            throw SigilError(.invalidProduceID, "the ProduceID has \(id.unicodeScalars.count) characters; Sigil accepts at most \(maximumLength)")
        }
        if let bad = AnnexECharset.firstViolation(in: id) {
            throw SigilError(.invalidProduceID, "the ProduceID \"\(id)\" contains \(bad), outside the GB 45438 Annex E j) character set")
        }
    }

    static func currentMilliseconds() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return UInt64(ts.tv_sec) * 1000 + UInt64(ts.tv_nsec) / 1_000_000
    }
}
