import SigilContainers
import Crypto
import Foundation
import SigilKeys
import SwiftASN1
import X509

/// The signing keys Sigil uses for provenance: the C2PA signer (P-256 key and certificate chain) and the SM2 key
/// of the signed AIGC label.
public struct ProvenanceKeys: Sendable {
    /// The C2PA signer; nil when only the label key was loaded (``ProvenanceKeystore/load(passphrase:c2pa:)`` with
    /// `c2pa: false`: an implicit-only label signed with SM2 needs no certificate chain, decision 0027).
    public var c2pa: SigningIdentity?
    public var sm2: SM2.PrivateKey
    public var sm2Public: SM2.PublicKey

    public init(c2pa: SigningIdentity?, sm2: SM2.PrivateKey) throws {
        self.c2pa = c2pa
        self.sm2 = sm2
        sm2Public = try sm2.publicKey
    }

    /// The C2PA signer.
    ///
    /// - Throws: ``SigilError`` `.keys` when these keys were loaded without it.
    public func c2paSigner() throws -> SigningIdentity {
        guard let c2pa else { throw SigilError(.keys, "the C2PA signer was not loaded with these keys (the label key alone was)") }
        return c2pa
    }
}

/// The provenance items in a ``Keystore`` (decision 0201):
///
/// ```
/// keys/c2pa/chain.pem     signer certificate, then intermediates (PEM)        0600
/// keys/c2pa/signer.key    signer private key, PKCS#8 PEM (maybe encrypted)      0600
/// keys/c2pa/anchor.pem    the root certificate: the trust anchor for verifiers  0600
/// keys/sm2/signer.key     SM2 private key, PKCS#8 PEM (maybe encrypted)         0600
/// keys/sm2/signer.pub     SM2 public key, SubjectPublicKeyInfo PEM              0600
/// ```
///
/// Encrypted keys are PKCS#8 `ENCRYPTED PRIVATE KEY` (PBES2: PBKDF2-HMAC-SHA256, AES-256-CBC), readable by
/// `openssl pkey`. The CA private keys of a development chain are discarded after issuing.
public struct ProvenanceKeystore: Sendable {
    public let keystore: Keystore

    public static let chainName = "c2pa/chain.pem"
    public static let signerKeyName = "c2pa/signer.key"
    public static let anchorName = "c2pa/anchor.pem"
    public static let sm2KeyName = "sm2/signer.key"
    public static let sm2PublicName = "sm2/signer.pub"

    public init(_ keystore: Keystore) {
        self.keystore = keystore
    }

    /// Whether the C2PA signer and the SM2 key are present.
    public var isInitialized: Bool {
        keystore.contains(Self.chainName) && keystore.contains(Self.signerKeyName) && keystore.contains(Self.sm2KeyName)
    }

    /// Writes a fresh development chain and SM2 key (`sigil keys init`).
    ///
    /// - Parameters:
    ///   - passphrase: encrypts both private keys when set.
    ///   - force: replace existing keys; without it an initialised keystore is an error.
    /// - Returns: the paths written.
    @discardableResult
    public func initialize(organization: String = "Sigil Development", passphrase: String? = nil, force: Bool = false) throws -> [String] {
        if !force && (keystore.contains(Self.chainName) || keystore.contains(Self.sm2KeyName)) {
            throw SigilError(.usage, "the keystore \(keystore.directory) already holds provenance keys; pass --force to replace them")
        }
        let (identity, root) = try DevelopmentChain.generate(organization: organization)
        let sm2 = try SM2.PrivateKey.generate()
        try write(identity: identity, anchor: root, passphrase: passphrase)
        try write(sm2: sm2, passphrase: passphrase)
        return [Self.chainName, Self.signerKeyName, Self.anchorName, Self.sm2KeyName, Self.sm2PublicName].map(keystore.path(of:))
    }

    /// Imports a real C2PA signer: a PEM chain (leaf first; a trailing self-signed root becomes the anchor) and its
    /// P-256 private key (PKCS#8 or SEC1 PEM, maybe encrypted with `keyPassphrase`). Optionally an SM2 key too.
    ///
    /// - Throws: ``SigilError`` `.keys` when the key does not match the leaf or the leaf breaks the C2PA profile.
    public func importSigner(chainPEM: String, keyPEM: String, keyPassphrase: String? = nil, anchorPEM: String? = nil, passphrase: String? = nil)
        throws
    {
        var chain = try PEM.decode(chainPEM, label: "CERTIFICATE").map { try Certificate.parse(der: $0, what: "a certificate in the chain") }
        guard !chain.isEmpty else { throw SigilError(.keys, "the chain file holds no CERTIFICATE block") }
        var anchor: Certificate?
        if let anchorPEM {
            anchor = try PEM.decode(anchorPEM, label: "CERTIFICATE").first.map { try Certificate.parse(der: $0, what: "the anchor certificate") }
        }
        if chain.count > 1, let last = chain.last, last.issuer == last.subject {
            anchor = anchor ?? last
            chain.removeLast()
        }
        let key = try Self.p256(pem: keyPEM, passphrase: keyPassphrase)
        let identity = try SigningIdentity(privateKey: key, chain: chain, anchor: anchor)
        try write(identity: identity, anchor: anchor, passphrase: passphrase)
    }

    /// Imports an SM2 private key (PKCS#8 PEM, maybe encrypted with `keyPassphrase`).
    public func importSM2(keyPEM: String, keyPassphrase: String? = nil, passphrase: String? = nil) throws {
        try write(sm2: try SM2.PrivateKey(pem: keyPEM, passphrase: keyPassphrase), passphrase: passphrase)
    }

    /// The trust anchor (root certificate) as PEM (`sigil keys anchor`).
    public func anchorPEM() throws -> String {
        guard keystore.contains(Self.anchorName) else {
            throw SigilError(
                .keys, "the keystore \(keystore.directory) has no trust anchor (run `sigil keys init`, or import a chain that ends in its root)")
        }
        return String(decoding: try keystore.read(Self.anchorName), as: UTF8.self)
    }

    /// Loads the keys; with `c2pa` false, the SM2 label key alone (``ProvenanceKeys/c2pa`` nil): the certificate chain
    /// is neither read nor parsed.
    ///
    /// - Throws: ``SigilError`` `.io` when a file is missing, `.passphrase` for encrypted keys without the right
    ///   passphrase, `.keys` for anything malformed.
    public func load(passphrase: String? = nil, c2pa: Bool = true) throws -> ProvenanceKeys {
        let sm2 = try SM2.PrivateKey(pem: String(decoding: try keystore.read(Self.sm2KeyName), as: UTF8.self), passphrase: passphrase)
        guard c2pa else { return try ProvenanceKeys(c2pa: nil, sm2: sm2) }
        let chainPEM = String(decoding: try keystore.read(Self.chainName), as: UTF8.self)
        let chain = try PEM.decode(chainPEM, label: "CERTIFICATE").map { try Certificate.parse(der: $0, what: "a certificate in \(Self.chainName)") }
        let key = try Self.p256(pem: String(decoding: try keystore.read(Self.signerKeyName), as: UTF8.self), passphrase: passphrase)
        var anchor: Certificate?
        if keystore.contains(Self.anchorName) {
            let pem = String(decoding: try keystore.read(Self.anchorName), as: UTF8.self)
            anchor = try PEM.decode(pem, label: "CERTIFICATE").first.map { try Certificate.parse(der: $0, what: Self.anchorName) }
        }
        let identity = try SigningIdentity(privateKey: key, chain: chain, anchor: anchor)
        return try ProvenanceKeys(c2pa: identity, sm2: sm2)
    }

    /// Loads the keys, creating a development chain and SM2 key on first use (race-safe across processes: the first
    /// writer wins). Returns a notice for each key created, for the CLI to warn about.
    public func loadOrCreateDevelopment(passphrase: String? = nil, c2pa: Bool = true) throws -> (
        keys: ProvenanceKeys, notices: [DevelopmentKeyNotice]
    ) {
        var notices: [DevelopmentKeyNotice] = []
        if !keystore.contains(Self.chainName) || !keystore.contains(Self.signerKeyName) {
            let (identity, root) = try DevelopmentChain.generate()
            if try createAtomically("c2pa", files: try files(identity: identity, anchor: root, passphrase: passphrase)) {
                notices.append(DevelopmentKeyNotice(name: "c2pa signer (development CA chain)", path: keystore.path(of: "c2pa")))
            }
        }
        if !keystore.contains(Self.sm2KeyName) {
            if try createAtomically("sm2", files: try files(sm2: try SM2.PrivateKey.generate(), passphrase: passphrase)) {
                notices.append(DevelopmentKeyNotice(name: "sm2 label-signing key", path: keystore.path(of: "sm2")))
            }
        }
        return (try load(passphrase: passphrase, c2pa: c2pa), notices)
    }

    // MARK: Files

    func files(identity: SigningIdentity, anchor: Certificate?, passphrase: String?) throws -> [(String, [UInt8])] {
        var out: [(String, [UInt8])] = []
        out.append(("chain.pem", Array(identity.chain.map { PEM.encode($0.derBytes, label: "CERTIFICATE") }.joined().utf8)))
        out.append(("signer.key", Array(try Self.pem(identity.privateKey, passphrase: passphrase).utf8)))
        if let anchor { out.append(("anchor.pem", Array(PEM.encode(anchor.derBytes, label: "CERTIFICATE").utf8))) }
        return out
    }

    func files(sm2: SM2.PrivateKey, passphrase: String?) throws -> [(String, [UInt8])] {
        [
            ("signer.key", Array(try sm2.pemRepresentation(passphrase: passphrase).utf8)),
            ("signer.pub", Array(try sm2.publicKey.pemRepresentation.utf8)),
        ]
    }

    func write(identity: SigningIdentity, anchor: Certificate?, passphrase: String?) throws {
        if keystore.contains(Self.anchorName) && anchor == nil { unlink(keystore.path(of: Self.anchorName)) }
        for (name, bytes) in try files(identity: identity, anchor: anchor, passphrase: passphrase) { try keystore.write("c2pa/" + name, bytes) }
    }

    func write(sm2: SM2.PrivateKey, passphrase: String?) throws {
        for (name, bytes) in try files(sm2: sm2, passphrase: passphrase) { try keystore.write("sm2/" + name, bytes) }
    }

    /// Writes `files` into a fresh folder and renames it to `folder`; false when another process got there first.
    func createAtomically(_ folder: String, files: [(String, [UInt8])]) throws -> Bool {
        let staging = ".\(folder).new-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        for (name, bytes) in files { try keystore.write(staging + "/" + name, bytes) }
        let from = keystore.path(of: staging)
        let to = keystore.path(of: folder)
        if rename(from, to) == 0 { return true }
        let error = errno
        try? FileManager.default.removeItem(atPath: from)
        guard error == EEXIST || error == ENOTEMPTY else {
            throw SigilError(.io, "cannot create \(to): \(String(cString: strerror(error)))", path: to)
        }
        return false
    }

    // MARK: P-256 PEM

    static func pem(_ key: P256.Signing.PrivateKey, passphrase: String?) throws -> String {
        guard let passphrase, !passphrase.isEmpty else { return key.pemRepresentation + "\n" }
        return try OpenSSLKey.privateKey(pkcs8: Array(key.derRepresentation)).pkcs8PEM(passphrase: passphrase)
    }

    static func p256(pem: String, passphrase: String?) throws -> P256.Signing.PrivateKey {
        do {
            if pem.contains("ENCRYPTED") {
                let der = try OpenSSLKey.privateKey(pem: pem, passphrase: passphrase).pkcs8DER()
                return try P256.Signing.PrivateKey(derRepresentation: der)
            }
            return try P256.Signing.PrivateKey(pemRepresentation: pem)
        } catch let error as SigilError {
            throw error
        } catch {
            throw SigilError(.keys, "the C2PA signer key is not a P-256 private key in PKCS#8 or SEC1 PEM: \(error)")
        }
    }
}

extension ProvenanceKeys: Hashable {
    public static func == (a: ProvenanceKeys, b: ProvenanceKeys) -> Bool {
        a.c2pa?.chainDER == b.c2pa?.chainDER && a.c2pa?.privateKey.rawRepresentation == b.c2pa?.privateKey.rawRepresentation && a.sm2 == b.sm2
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(c2pa?.chainDER)
        hasher.combine(sm2)
    }
}

extension ProvenanceKeystore {
    /// The public keys a verifier on this machine knows for signed AIGC labels: the SM2 public point and the C2PA
    /// signer's public key, read from the public files only (no passphrase needed, nothing created).
    public func publicLabelKeys() -> [[UInt8]] {
        var keys: [[UInt8]] = []
        if let bytes = try? keystore.read(Self.sm2PublicName), let key = try? SM2.PublicKey(pem: String(decoding: bytes, as: UTF8.self)) {
            keys.append(key.point)
        }
        if let bytes = try? keystore.read(Self.chainName), let der = PEM.decode(String(decoding: bytes, as: UTF8.self), label: "CERTIFICATE").first,
            let leaf = try? Certificate(derEncoded: der), let p256 = P256.Signing.PublicKey(leaf.publicKey)
        {
            keys.append(Array(p256.x963Representation))
        }
        return keys
    }
}
