import Crypto
import SigilCore

/// The provider's text-mark key, derived from its 32-byte watermark key (keystore item `watermark.key`) with
/// HMAC-SHA256 under the label `sigil-textmark/v1`, so one secret serves the image, audio and text marks while no
/// mark's key reveals another's.
///
/// Only the key's holder can sample marked text or test text for the mark; ``keyID`` names the key in records and
/// reports without revealing it.
public struct TextMarkKey: Sendable, Hashable {
    /// The keyed pseudo-random function that seeds each position's g-values.
    let prf: SipHash24
    /// 16 hex digits that name the key: the first 8 bytes of SHA-256 over the derived key.
    public let keyID: String

    /// Derives the text-mark key from the provider's 32-byte watermark key.
    ///
    /// - Throws: ``SigilError`` `.usage` when `watermarkKeyBytes` is not 32 bytes long.
    public init(watermarkKeyBytes: [UInt8]) throws {
        guard watermarkKeyBytes.count == 32 else {
            throw SigilError(.usage, "a watermark key is 32 bytes, got \(watermarkKeyBytes.count)")
        }
        let derived = Array(
            HMAC<SHA256>.authenticationCode(for: Array("sigil-textmark/v1".utf8), using: SymmetricKey(data: watermarkKeyBytes))
        )
        self.init(derived: derived)
    }

    /// A key from a passphrase, for benchmarks and demonstrations only (`twbench`'s demo key): SHA-256 of the text
    /// stands in for the watermark key.
    public init(passphrase: String) {
        // 32 bytes always satisfy the designated initializer.
        try! self.init(watermarkKeyBytes: Array(SHA256.hash(data: Array(passphrase.utf8))))
    }

    private init(derived: [UInt8]) {
        func word(_ bytes: ArraySlice<UInt8>) -> UInt64 {
            bytes.reversed().reduce(0) { ($0 << 8) | UInt64($1) }
        }
        prf = SipHash24(k0: word(derived[0..<8]), k1: word(derived[8..<16]))
        keyID = SHA256.hash(data: derived).prefix(8).map { String($0, radix: 16).leftPadded(to: 2) }.joined()
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
