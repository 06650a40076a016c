/// The keyed g-values of one context: bit `l` of ``word(for:)`` is layer `l`'s g-value for a token.
struct GValues: Sendable {
    /// The context's seed: SipHash-2-4 of the context's token ids under the key.
    let seed: UInt64

    init(key: TextMarkKey, context: UnsafeBufferPointer<Int32>) {
        seed = key.prf.hash(context)
    }

    /// The 64 g-value bits of `token` in this context (SplitMix64's finaliser over the seed and the token id).
    @inline(__always)
    func word(for token: Int32) -> UInt64 {
        var z = seed ^ (UInt64(UInt32(bitPattern: token)) &* 0x9E37_79B9_7F4A_7C15)
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
