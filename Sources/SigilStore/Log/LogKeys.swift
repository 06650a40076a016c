import Crypto
import SigilKeys

/// The log's keys in the provider's keystore: the Ed25519 checkpoint signing key and the account
/// pseudonymization key, each 32 bytes written as 64 hex digits and a newline.
///
/// Both are created on first use as development keys (the caller shows the ``DevelopmentKeyNotice``); a production
/// deployment provisions them and backs them up — losing the signing key ends the log's ability to sign, losing
/// the pseudonymization key ends the ability to find an account's records.
public enum LogKeys {
    /// The checkpoint signing key's keystore item.
    public static let signingKeyItem = "log/ed25519.key"
    /// The account pseudonymization key's keystore item.
    public static let pseudonymizationKeyItem = "log/account-hmac.key"

    /// The signing key's 32-byte seed, created when absent and `create` is true.
    ///
    /// - Throws: ``SigilError`` `.notFound` when absent and not created, `.invalidKey` when the file is malformed.
    public static func signingKey(in keystore: Keystore, create: Bool = true) throws -> (seed: [UInt8], notice: DevelopmentKeyNotice?) {
        try key(signingKeyItem, in: keystore, create: create) { NoteSigner.generateSeed() }
    }

    /// The account pseudonymizer, its key created when absent.
    public static func pseudonymizer(in keystore: Keystore, create: Bool = true) throws -> (
        pseudonymizer: Pseudonymizer, notice: DevelopmentKeyNotice?
    ) {
        let (bytes, notice) = try key(pseudonymizationKeyItem, in: keystore, create: create) {
            SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }
        }
        return (try Pseudonymizer(key: bytes), notice)
    }

    static func key(_ item: String, in keystore: Keystore, create: Bool, make: () -> [UInt8]) throws -> ([UInt8], DevelopmentKeyNotice?) {
        let raw: [UInt8]
        var notice: DevelopmentKeyNotice?
        if create {
            let (bytes, created) = try keystore.readOrCreate(item) { Array((LowerHex.encode(make()) + "\n").utf8) }
            raw = bytes
            if created { notice = DevelopmentKeyNotice(name: item, path: keystore.path(of: item)) }
        } else {
            guard keystore.contains(item) else {
                throw SigilError(.notFound, "no key \(item) in the keystore \(keystore.directory)")
            }
            raw = try keystore.read(item)
        }
        let text = String(decoding: raw, as: UTF8.self).trimmingWhitespace
        guard let bytes = LowerHex.decode(text), bytes.count == 32 else {
            throw SigilError(.invalidKey, "the key \(item) in \(keystore.directory) is not 64 hex digits", path: keystore.path(of: item))
        }
        return (bytes, notice)
    }
}

extension StringProtocol {
    var trimmingWhitespace: String {
        String(self.drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
    }
}
