import Crypto

/// Turns the provider's account references into pseudonymous tags for the log, so no personal data — not even a
/// stable internal user ID — is readable in a log that regulators, auditors or the public may copy.
///
/// `tag = "acct-" || hex(HMAC-SHA256(key, "sigil/account/v1\n" || reference)[0..<16])`. The key stays in the
/// provider's keystore (`log/account-hmac.key`): the provider can still answer "what was generated for account
/// X?" by computing X's tag, while anyone else sees unlinkable values.
public struct Pseudonymizer: Sendable {
    /// The tag prefix.
    public static let prefix = "acct-"
    /// Longest reference accepted.
    public static let maximumReferenceLength = 256
    private let key: SymmetricKey

    /// A pseudonymizer with a secret key of at least 32 bytes.
    ///
    /// - Throws: ``SigilError`` `.invalidKey` when the key is shorter.
    public init(key: [UInt8]) throws {
        guard key.count >= 32 else { throw SigilError(.invalidKey, "the account pseudonymization key is \(key.count) bytes; it needs 32") }
        self.key = SymmetricKey(data: key)
    }

    /// The tag of `reference`.
    ///
    /// - Throws: ``SigilError`` `.invalidRecord` when the reference is empty, too long, has control characters,
    ///   or already looks like a tag.
    public func tag(_ reference: String, field: String = "account") throws -> String {
        guard !reference.isEmpty else { throw SigilError(.invalidRecord, "\(field): the account reference is empty") }
        guard reference.unicodeScalars.count <= Self.maximumReferenceLength else {
            throw SigilError(.invalidRecord, "\(field): the account reference is over \(Self.maximumReferenceLength) characters")
        }
        guard !reference.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            throw SigilError(.invalidRecord, "\(field): the account reference contains control characters")
        }
        let mac = HMAC<SHA256>.authenticationCode(for: Array("sigil/account/v1\n".utf8) + Array(reference.utf8), using: key)
        return Self.prefix + LowerHex.encode(Array(mac).prefix(16))
    }

    /// Checks that `text` is a tag (`acct-` and 32 lower-case hex digits).
    ///
    /// - Throws: ``SigilError`` `.invalidRecord` naming the field.
    public static func checkTag(_ text: String, field: String) throws {
        let hex = text.dropFirst(prefix.count)
        guard text.hasPrefix(prefix), hex.count == 32, hex.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) else {
            throw SigilError(
                .invalidRecord,
                "\(field): \"\(text.prefix(40))\" is not a pseudonymous tag (acct- and 32 hex digits); raw account references never enter the log")
        }
    }
}
