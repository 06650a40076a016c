import Crypto
import _CryptoExtras

/// The COSE signature algorithms C2PA allows (spec §13.2), and their verification with swift-crypto.
public enum COSEAlgorithm: Int, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case es256 = -7
    case es384 = -35
    case es512 = -36
    case ps256 = -37
    case ps384 = -38
    case ps512 = -39
    case edDSA = -8

    public var description: String {
        switch self {
        case .es256: "ES256"
        case .es384: "ES384"
        case .es512: "ES512"
        case .ps256: "PS256"
        case .ps384: "PS384"
        case .ps512: "PS512"
        case .edDSA: "Ed25519"
        }
    }

    /// Whether `signature` over `message` verifies with `key`.
    ///
    /// ECDSA signatures are the raw `r || s` form COSE prescribes; a DER signature does not verify, as in c2pa-rs.
    /// A key of another curve or type than the algorithm names does not verify either.
    public func verify(_ signature: [UInt8], over message: [UInt8], with key: VerificationKey) -> Bool {
        switch (self, key) {
        case (.es256, .p256(let k)):
            guard let s = try? P256.Signing.ECDSASignature(rawRepresentation: signature) else { return false }
            return k.isValidSignature(s, for: SHA256.hash(data: message))
        case (.es384, .p384(let k)):
            guard let s = try? P384.Signing.ECDSASignature(rawRepresentation: signature) else { return false }
            return k.isValidSignature(s, for: SHA384.hash(data: message))
        case (.es512, .p521(let k)):
            guard let s = try? P521.Signing.ECDSASignature(rawRepresentation: signature) else { return false }
            return k.isValidSignature(s, for: SHA512.hash(data: message))
        case (.ps256, .rsa(let k)):
            return k.isValidSignature(_RSA.Signing.RSASignature(rawRepresentation: signature), for: SHA256.hash(data: message), padding: .PSS)
        case (.ps384, .rsa(let k)):
            return k.isValidSignature(_RSA.Signing.RSASignature(rawRepresentation: signature), for: SHA384.hash(data: message), padding: .PSS)
        case (.ps512, .rsa(let k)):
            return k.isValidSignature(_RSA.Signing.RSASignature(rawRepresentation: signature), for: SHA512.hash(data: message), padding: .PSS)
        case (.edDSA, .ed25519(let k)):
            return k.isValidSignature(signature, for: message)
        default:
            return false
        }
    }
}
