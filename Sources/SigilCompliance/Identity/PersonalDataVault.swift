import Crypto
import Foundation
import SigilCore
import SigilKeys
import SigilStore

/// Encrypts personal data at rest and makes keyed lookup hashes, so the database holds no readable name, phone
/// number or identity number, yet an identity number can still be found.
///
/// One 32-byte master key in the keystore (`compliance/pii.key`, 64 hex digits) is expanded with HKDF-SHA256 into
/// an AES-256-GCM key and an HMAC-SHA256 lookup key. Each ciphertext is bound to its row and field through the
/// associated data, so a value copied into another row or column fails to open.
public struct PersonalDataVault: Sendable {
    /// The keystore item.
    public static let keyItem = "compliance/pii.key"
    private let encryptionKey: SymmetricKey
    private let lookupKey: SymmetricKey
    /// 16 hex digits naming the key (derived one-way from it), for audit events and retired key files.
    public let fingerprint: String

    /// A vault on a 32-byte master key.
    ///
    /// - Throws: ``SigilError`` `.invalidKey` for another length.
    public init(masterKey: [UInt8]) throws {
        guard masterKey.count == 32 else {
            throw SigilError(.invalidKey, "the personal-data key is \(masterKey.count) bytes; it needs 32")
        }
        let master = SymmetricKey(data: masterKey)
        encryptionKey = HKDF<SHA256>.deriveKey(inputKeyMaterial: master, info: Array("sigil/pii/aes-gcm/v1".utf8), outputByteCount: 32)
        lookupKey = HKDF<SHA256>.deriveKey(inputKeyMaterial: master, info: Array("sigil/pii/lookup/v1".utf8), outputByteCount: 32)
        let named = HKDF<SHA256>.deriveKey(inputKeyMaterial: master, info: Array("sigil/pii/fingerprint/v1".utf8), outputByteCount: 8)
        fingerprint = named.withUnsafeBytes { LowerHex.encode(Array($0)) }
    }

    /// A vault on a key file's text (64 hex digits), named `name` in `keystore` for the error.
    ///
    /// - Throws: ``SigilError`` `.invalidKey` naming the file when it is not 64 hex digits.
    public init(keyFile: [UInt8], name: String, keystore: Keystore) throws {
        let text = String(decoding: keyFile, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let bytes = LowerHex.decode(text), bytes.count == 32 else {
            throw SigilError(.invalidKey, "the key \(name) in \(keystore.directory) is not 64 hex digits", path: keystore.path(of: name))
        }
        try self.init(masterKey: bytes)
    }

    /// The vault of a keystore, its key created on first use (the notice says so, as for the other dev keys).
    ///
    /// - Throws: ``SigilError`` `.invalidKey` for a malformed key file, or while a key rotation is unfinished
    ///   (``PersonalDataRotation``): the rows may already be sealed under the next key.
    public static func load(from keystore: Keystore) throws -> (vault: PersonalDataVault, notice: DevelopmentKeyNotice?) {
        guard !keystore.contains(PersonalDataRotation.nextKeyItem) else {
            throw SigilError(
                .invalidKey,
                "a rotation of the personal-data key was interrupted (\(PersonalDataRotation.nextKeyItem) exists); run `sigil pii rotate` to finish it",
                path: keystore.path(of: PersonalDataRotation.nextKeyItem))
        }
        let (raw, created) = try keystore.readOrCreate(keyItem) {
            let key = SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }
            return Array((LowerHex.encode(key) + "\n").utf8)
        }
        return (
            try PersonalDataVault(keyFile: raw, name: keyItem, keystore: keystore),
            created ? DevelopmentKeyNotice(name: keyItem, path: keystore.path(of: keyItem)) : nil
        )
    }

    /// `value` sealed for `context` (for example `accounts/acc_…/phone`): nonce, ciphertext and tag.
    public func seal(_ value: String, context: String) throws -> [UInt8] {
        do {
            let box = try AES.GCM.seal(Array(value.utf8), using: encryptionKey, authenticating: Array(context.utf8))
            guard let combined = box.combined else { throw SigilError(.invalidKey, "AES-GCM gave no combined form") }
            return Array(combined)
        } catch let error as SigilError {
            throw error
        } catch {
            throw SigilError(.invalidKey, "cannot encrypt personal data: \(error)")
        }
    }

    /// Opens what ``seal(_:context:)`` made for the same `context`.
    ///
    /// - Throws: ``SigilError`` `.invalidKey` when the key is wrong or the bytes or their context were changed.
    public func open(_ sealed: [UInt8], context: String) throws -> String {
        do {
            let box = try AES.GCM.SealedBox(combined: sealed)
            let plain = try AES.GCM.open(box, using: encryptionKey, authenticating: Array(context.utf8))
            return String(decoding: plain, as: UTF8.self)
        } catch {
            throw SigilError(.invalidKey, "cannot decrypt the personal data of \(context): wrong key, or the stored bytes were altered")
        }
    }

    /// The keyed lookup hash of `value` in `domain` (`id`, `phone`): 32 hex digits, equal for equal values.
    public func lookup(_ value: String, domain: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Array("sigil/pii/\(domain)\n\(value)".utf8), using: lookupKey)
        return LowerHex.encode(Array(mac).prefix(16))
    }
}
