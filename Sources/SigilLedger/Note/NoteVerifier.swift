import Crypto

/// A public key that verifies signed-note signatures, with the name and key ID that select it.
///
/// Its text form (a "vkey") is `<name>+<hex key ID>+<base64(type byte || public key)>`; Sigil's logs use
/// Ed25519 (type 0x01), whose key ID is `SHA-256(name || 0x0A || 0x01 || public key)[:4]`.
public struct NoteVerifier: Sendable, Hashable, CustomStringConvertible {
    /// Signature type byte of plain Ed25519 note signatures.
    public static let ed25519Type: UInt8 = 0x01

    /// The key name (a log's origin, or a witness's name).
    public let name: String
    /// The 4-byte key ID signatures carry.
    public let keyID: UInt32
    /// The 32-byte Ed25519 public key.
    public let publicKey: [UInt8]

    /// A verifier for an Ed25519 public key under `name`.
    ///
    /// - Throws: ``SigilError`` `.invalidNote` for a bad name, `.invalidKey` for a key that is not 32 bytes.
    public init(name: String, ed25519PublicKey: [UInt8]) throws {
        try SignedNote.checkKeyName(name)
        guard ed25519PublicKey.count == 32, (try? Curve25519.Signing.PublicKey(rawRepresentation: ed25519PublicKey)) != nil else {
            throw SigilError(.invalidKey, "an Ed25519 public key is 32 bytes, this one has \(ed25519PublicKey.count)")
        }
        self.name = name
        self.publicKey = ed25519PublicKey
        self.keyID = Self.keyID(name: name, type: Self.ed25519Type, key: ed25519PublicKey)
    }

    /// Parses a vkey.
    ///
    /// - Throws: ``SigilError`` `.invalidKey` naming what is wrong (layout, key type, a key ID that does not match).
    public init(vkey: String) throws {
        let text = vkey.trimmingWhitespace
        let parts = text.split(separator: "+", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3 else {
            throw SigilError(.invalidKey, "\"\(text.prefix(80))\" is not a verifier key <name>+<key ID>+<base64 key>")
        }
        guard parts[1].count == 8, let id = UInt32(parts[1], radix: 16), parts[1].allSatisfy({ $0.isHexDigit }) else {
            throw SigilError(.invalidKey, "the verifier key's ID \"\(parts[1])\" is not 8 hex digits")
        }
        guard let key = StrictBase64.decode(parts[2]), let type = key.first else {
            throw SigilError(.invalidKey, "the verifier key's key part is not base64")
        }
        guard type == Self.ed25519Type else {
            throw SigilError(.invalidKey, "the verifier key has signature type 0x\(LowerHex.encode([type])); Sigil verifies Ed25519 (0x01) log keys")
        }
        do {
            try self.init(name: String(parts[0]), ed25519PublicKey: Array(key.dropFirst()))
        } catch let error as SigilError {
            throw SigilError(.invalidKey, "the verifier key is malformed: \(error.message)")
        }
        guard keyID == id else {
            throw SigilError(.invalidKey, "the verifier key says key ID \(parts[1]) but its name and key give \(String(format8: keyID))")
        }
    }

    /// The vkey text.
    public var vkey: String {
        name + "+" + String(format8: keyID) + "+" + StrictBase64.encode([Self.ed25519Type] + publicKey)
    }

    public var description: String { vkey }

    /// Whether `signature` is this key's signature of `text`.
    public func verify(text: String, signature: [UInt8]) -> Bool {
        guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey) else { return false }
        return key.isValidSignature(signature, for: Array(text.utf8))
    }

    /// The recommended key ID: the first four bytes, big-endian, of SHA-256(name || 0x0A || type || key).
    public static func keyID(name: String, type: UInt8, key: [UInt8]) -> UInt32 {
        let digest = Array(SHA256.hash(data: Array(name.utf8) + [0x0A, type] + key))
        return UInt32(digest[0]) << 24 | UInt32(digest[1]) << 16 | UInt32(digest[2]) << 8 | UInt32(digest[3])
    }
}

extension StringProtocol {
    var trimmingWhitespace: String {
        String(self.drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
    }
}
