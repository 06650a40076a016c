import Crypto

/// An Ed25519 key that signs notes (checkpoints) under a key name — for a log, its origin.
public struct NoteSigner: Sendable {
    /// The key name signatures carry.
    public let name: String
    private let key: Curve25519.Signing.PrivateKey
    /// The matching verifier (its vkey is what `sigil log vkey` prints).
    public let verifier: NoteVerifier

    /// A signer from a 32-byte Ed25519 private key (seed).
    ///
    /// - Throws: ``SigilError`` `.invalidKey` when the seed is not 32 bytes, `.invalidNote` for a bad name.
    public init(name: String, seed: [UInt8]) throws {
        guard seed.count == 32, let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: seed) else {
            throw SigilError(.invalidKey, "an Ed25519 private key is 32 bytes, this one has \(seed.count)")
        }
        self.name = name
        self.key = key
        self.verifier = try NoteVerifier(name: name, ed25519PublicKey: Array(key.publicKey.rawRepresentation))
    }

    /// A new random 32-byte Ed25519 private key.
    public static func generateSeed() -> [UInt8] {
        Array(Curve25519.Signing.PrivateKey().rawRepresentation)
    }

    /// The signature line for `text`.
    ///
    /// - Throws: ``SigilError`` `.invalidNote` when `text` is not a note text (empty, no final newline, controls).
    public func sign(_ text: String) throws -> SignedNote.Signature {
        guard text.hasSuffix("\n"), !text.utf8.contains(where: { $0 < 0x20 && $0 != 0x0A || $0 == 0x7F }) else {
            throw SigilError(.invalidNote, "note text must end in a newline and contain no control characters but newlines")
        }
        guard !text.contains("\n\n"), !text.hasPrefix("\n") else {
            throw SigilError(.invalidNote, "note text must not contain blank lines")
        }
        let signature: [UInt8]
        do {
            signature = Array(try key.signature(for: Array(text.utf8)))
        } catch {
            throw SigilError(.invalidKey, "Ed25519 signing failed: \(error)")
        }
        return SignedNote.Signature(name: name, keyID: verifier.keyID, bytes: signature)
    }
}
