import Crypto

/// Turns a 64-bit payload into the coded bits the tile carries and back: payload ‖ 24-bit keyed tag,
/// convolutionally encoded (``ConvolutionalCode``). The tag is HMAC-SHA256(tag key, payload) truncated, so
/// a decoded message from an unmarked image (or with another key) passes only with probability 2⁻²⁴.
package struct MessageCodec: Sendable {
    package static let payloadBits = 64
    package static let tagBits = 24
    package static let infoBits = payloadBits + tagBits
    package static let codedBits = ConvolutionalCode.codedLength(infoBits: infoBits)

    package let tagKey: SymmetricKey

    package init(tagKey: SymmetricKey) { self.tagKey = tagKey }

    /// The info bits (MSB first): payload then tag.
    package func infoBits(payload: UInt64) -> [UInt8] {
        let tag = self.tag(payload)
        var bits: [UInt8] = []
        for i in stride(from: 63, through: 0, by: -1) { bits.append(UInt8((payload >> UInt64(i)) & 1)) }
        for i in stride(from: Self.tagBits - 1, through: 0, by: -1) { bits.append(UInt8((tag >> UInt32(i)) & 1)) }
        return bits
    }

    /// The coded bits for `payload`.
    package func encode(payload: UInt64) -> [UInt8] { ConvolutionalCode.encode(infoBits(payload: payload)) }

    /// Decodes soft coded values; returns the payload only when the keyed tag checks.
    ///
    /// - Parameter listSize: how many of the code's most likely sequences are checked against the tag, best
    ///   first. Each extra candidate is one more chance for noise to pass the tag, so the false-positive
    ///   probability of one call is at most `listSize` × 2⁻²⁴.
    package func decode(soft: [Float], listSize: Int = 1) -> (payload: UInt64, tagValid: Bool) {
        var first: UInt64?
        for bits in ConvolutionalCode.decodeList(soft, infoBits: Self.infoBits, listSize: listSize) {
            var payload: UInt64 = 0
            for i in 0..<64 { payload = (payload << 1) | UInt64(bits[i]) }
            var tag: UInt32 = 0
            for i in 64..<Self.infoBits { tag = (tag << 1) | UInt32(bits[i]) }
            if tag == self.tag(payload) { return (payload, true) }
            if first == nil { first = payload }
        }
        return (first ?? 0, false)
    }

    package func tag(_ payload: UInt64) -> UInt32 {
        var bytes: [UInt8] = []
        for i in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8((payload >> UInt64(i)) & 0xFF)) }
        let mac = Array(HMAC<SHA256>.authenticationCode(for: bytes, using: tagKey))
        return (UInt32(mac[0]) << 16) | (UInt32(mac[1]) << 8) | UInt32(mac[2])
    }
}
