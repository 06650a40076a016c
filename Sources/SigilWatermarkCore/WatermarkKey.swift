import Crypto
import SigilCore

/// The provider's secret watermark key: 32 random bytes. Every keyed choice of the mark (the tile's
/// pseudo-noise, which cells carry sync, the bit interleaving, the payload tag) is derived from it with
/// HMAC-SHA256, so without it nobody can read, verify or forge the mark.
public struct WatermarkKey: Sendable, Hashable {
    /// Length of a key in bytes.
    public static let byteCount = 32
    /// The raw key bytes.
    public let bytes: [UInt8]

    /// Wraps raw key bytes.
    /// - Throws: ``SigilError`` `.usage` when `bytes` is not 32 bytes long.
    public init(bytes: [UInt8]) throws {
        guard bytes.count == Self.byteCount else {
            throw SigilError(.usage, "a watermark key is \(Self.byteCount) bytes, got \(bytes.count)")
        }
        self.bytes = bytes
    }

    /// A fresh random key from the system's secure generator.
    public static func generate() -> WatermarkKey {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<byteCount).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        // 32 bytes always satisfy the initializer.
        return try! WatermarkKey(bytes: bytes)
    }

    /// The 64-bit payload Sigil embeds for a ProduceID: the first 8 bytes (big-endian) of
    /// HMAC-SHA256(key, "sigil-wm/v1/produce-id/" ‖ ProduceID). A verifier holding the key recomputes it
    /// to check that the pixels and the implicit label name the same content.
    public func payload(forProduceID produceID: String) -> UInt64 {
        let mac = Array(HMAC<SHA256>.authenticationCode(for: Array("sigil-wm/v1/produce-id/\(produceID)".utf8), using: symmetric))
        return mac.prefix(8).reduce(0) { ($0 << 8) | UInt64($1) }
    }

    /// A payload as 16 lower-case hex digits, the form the CLI and reports print for both marks.
    public static func hex(_ payload: UInt64) -> String {
        let digits = String(payload, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    package var symmetric: SymmetricKey { SymmetricKey(data: bytes) }

    /// A sub-key for one purpose (domain separation).
    package func derive(_ label: String) -> SymmetricKey {
        SymmetricKey(data: Array(HMAC<SHA256>.authenticationCode(for: Array("sigil-wm/v1/\(label)".utf8), using: symmetric)))
    }

    /// A deterministic generator seeded from the key for one purpose.
    package func generator(_ label: String) -> KeyedGenerator {
        let seed = Array(HMAC<SHA256>.authenticationCode(for: Array("sigil-wm/v1/prng/\(label)".utf8), using: symmetric))
        return KeyedGenerator(seed: seed.prefix(8).reduce(0) { ($0 << 8) | UInt64($1) })
    }
}

/// The watermark's generator: SplitMix64, its seed from HMAC so its output is keyed.
package typealias KeyedGenerator = SplitMix64
