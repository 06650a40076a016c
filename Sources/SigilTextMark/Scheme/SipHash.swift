/// SipHash-2-4 (Aumasson and Bernstein, 2012) over a short run of 32-bit token ids: a keyed pseudo-random
/// function fast enough to seed every scored position of a text (tens of nanoseconds), where HMAC-SHA256 would cap
/// the detector at about a million positions a second.
struct SipHash24: Sendable, Hashable {
    let k0: UInt64
    let k1: UInt64

    init(k0: UInt64, k1: UInt64) {
        self.k0 = k0
        self.k1 = k1
    }

    /// The 64-bit tag of `words` (each token id as 4 little-endian bytes, the message length in the last byte as
    /// the specification pads it).
    func hash(_ words: UnsafeBufferPointer<Int32>) -> UInt64 {
        var v0 = k0 ^ 0x736f_6d65_7073_6575
        var v1 = k1 ^ 0x646f_7261_6e64_6f6d
        var v2 = k0 ^ 0x6c79_6765_6e65_7261
        var v3 = k1 ^ 0x7465_6462_7974_6573
        let byteCount = words.count * 4
        var index = 0
        // Two 32-bit words make one 64-bit message block.
        while index + 1 < words.count {
            let block = UInt64(UInt32(bitPattern: words[index])) | (UInt64(UInt32(bitPattern: words[index + 1])) << 32)
            Self.compress(block, &v0, &v1, &v2, &v3)
            index += 2
        }
        var last = UInt64(truncatingIfNeeded: byteCount) << 56
        if index < words.count {
            last |= UInt64(UInt32(bitPattern: words[index]))
        }
        Self.compress(last, &v0, &v1, &v2, &v3)
        v2 ^= 0xff
        for _ in 0..<4 { Self.round(&v0, &v1, &v2, &v3) }
        return v0 ^ v1 ^ v2 ^ v3
    }

    @inline(__always)
    private static func compress(_ m: UInt64, _ v0: inout UInt64, _ v1: inout UInt64, _ v2: inout UInt64, _ v3: inout UInt64) {
        v3 ^= m
        round(&v0, &v1, &v2, &v3)
        round(&v0, &v1, &v2, &v3)
        v0 ^= m
    }

    @inline(__always)
    private static func round(_ v0: inout UInt64, _ v1: inout UInt64, _ v2: inout UInt64, _ v3: inout UInt64) {
        v0 &+= v1
        v1 = v1.rotatedLeft(13)
        v1 ^= v0
        v0 = v0.rotatedLeft(32)
        v2 &+= v3
        v3 = v3.rotatedLeft(16)
        v3 ^= v2
        v0 &+= v3
        v3 = v3.rotatedLeft(21)
        v3 ^= v0
        v2 &+= v1
        v1 = v1.rotatedLeft(17)
        v1 ^= v2
        v2 = v2.rotatedLeft(32)
    }
}

extension UInt64 {
    @inline(__always)
    func rotatedLeft(_ count: UInt64) -> UInt64 {
        (self << count) | (self >> (64 - count))
    }
}
