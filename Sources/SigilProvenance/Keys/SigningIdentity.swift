import Crypto
import Foundation
import SwiftASN1
import X509

/// The C2PA claim signer: a P-256 private key and its certificate chain (leaf first, then intermediates; the root,
/// the trust anchor, is not part of the chain that goes into `x5chain`).
public struct SigningIdentity: Sendable {
    /// The signer's private key (ES256).
    public var privateKey: P256.Signing.PrivateKey
    /// Leaf first, then intermediates.
    public var chain: [Certificate]
    /// The root certificate, when known (the trust anchor verifiers need).
    public var anchor: Certificate?

    /// The leaf certificate.
    public var leaf: Certificate { chain[0] }

    /// An ES256 signature (raw `r || s`, as COSE wants it) of `message`.
    public func sign(_ message: [UInt8]) throws -> [UInt8] {
        Array(try privateKey.signature(for: message).rawRepresentation)
    }

    /// The DER of every certificate in ``chain``, for `x5chain`.
    public var chainDER: [[UInt8]] { chain.map(\.derBytes) }

    /// An identity from parts.
    ///
    /// - Throws: ``SigilError`` `.keys` when the chain is empty, the leaf's key is not `privateKey`'s public key,
    ///   or the leaf fails the C2PA signer profile that c2pa-rs enforces (see ``CertificateProfile``).
    public init(privateKey: P256.Signing.PrivateKey, chain: [Certificate], anchor: Certificate?) throws {
        guard let leaf = chain.first else { throw SigilError(.keys, "the certificate chain is empty") }
        guard leaf.publicKey == Certificate.PublicKey(privateKey.publicKey) else {
            throw SigilError(.keys, "the private key does not belong to the leaf certificate \(leaf.subject)")
        }
        let problems = CertificateProfile.problems(leaf: leaf)
        guard problems.isEmpty else {
            throw SigilError(
                .keys, "the signer certificate \(leaf.subject) does not meet the C2PA signer profile: \(problems.joined(separator: "; "))")
        }
        self.privateKey = privateKey
        self.chain = chain
        self.anchor = anchor
    }
}

extension Certificate {
    /// The DER encoding of the certificate.
    public var derBytes: [UInt8] {
        var serializer = DER.Serializer()
        try? serializer.serialize(self)
        return serializer.serializedBytes
    }

    /// Parses DER, naming the problem in a ``SigilError``.
    static func parse(der: [UInt8], what: String) throws -> Certificate {
        do {
            return try Certificate(derEncoded: der)
        } catch {
            throw SigilError(.keys, "\(what) is not a DER X.509 certificate: \(error)")
        }
    }

    /// The value of the first subject attribute with `oid` (CN, O), when present.
    func subjectAttribute(_ oid: ASN1ObjectIdentifier) -> String? {
        Self.attribute(oid, in: subject)
    }

    static func attribute(_ oid: ASN1ObjectIdentifier, in name: DistinguishedName) -> String? {
        for rdn in name {
            for attribute in rdn where attribute.type == oid {
                let text = String(describing: attribute.value)
                return text
            }
        }
        return nil
    }
}

/// Builds the development CA chain `sigil keys init` writes: root → intermediate → signer, each P-256/ES256,
/// the signer meeting the C2PA profile c2pa-rs enforces (KU digitalSignature, EKU emailProtection +
/// c2pa-kp-claimSigning + documentSigning, AKI, SKI, `O=` in the subject, not a CA).
public enum DevelopmentChain {
    /// `c2pa-kp-claimSigning`, 1.3.6.1.4.1.62558.2.1.
    public static let claimSigningEKU: ASN1ObjectIdentifier = [1, 3, 6, 1, 4, 1, 62558, 2, 1]
    /// `id-kp-documentSigning`, 1.3.6.1.5.5.7.3.36.
    public static let documentSigningEKU: ASN1ObjectIdentifier = [1, 3, 6, 1, 5, 5, 7, 3, 36]

    /// A fresh chain. `organization` goes into every subject's `O=`.
    ///
    /// - Parameters:
    ///   - now: the start of validity (backdated an hour for clock skew).
    ///   - signerValidity: how long the signer certificate is valid; manifests without a timestamp turn
    ///     `signingCredential.expired` after it.
    public static func generate(
        organization: String = "Sigil Development", now: Date = Date(), signerValidity: TimeInterval = 2 * 365 * 86_400
    ) throws -> (identity: SigningIdentity, root: Certificate) {
        let start = now.addingTimeInterval(-3600)
        let rootKey = P256.Signing.PrivateKey()
        let intermediateKey = P256.Signing.PrivateKey()
        let signerKey = P256.Signing.PrivateKey()
        do {
            let rootName = try DistinguishedName {
                CountryName("CN")
                OrganizationName(organization)
                CommonName("\(organization) Root CA")
            }
            let intermediateName = try DistinguishedName {
                CountryName("CN")
                OrganizationName(organization)
                CommonName("\(organization) Intermediate CA")
            }
            let signerName = try DistinguishedName {
                CountryName("CN")
                OrganizationName(organization)
                OrganizationalUnitName("AIGC provenance")
                CommonName("\(organization) C2PA Signer")
            }
            let rootPublic = Certificate.PublicKey(rootKey.publicKey)
            let intermediatePublic = Certificate.PublicKey(intermediateKey.publicKey)
            let signerPublic = Certificate.PublicKey(signerKey.publicKey)
            let rootSKI = SubjectKeyIdentifier(hash: rootPublic)
            let intermediateSKI = SubjectKeyIdentifier(hash: intermediatePublic)
            let root = try Certificate(
                version: .v3, serialNumber: .init(), publicKey: rootPublic,
                notValidBefore: start, notValidAfter: now.addingTimeInterval(20 * 365 * 86_400),
                issuer: rootName, subject: rootName, signatureAlgorithm: .ecdsaWithSHA256,
                extensions: try Certificate.Extensions {
                    Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 1))
                    Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                    rootSKI
                },
                issuerPrivateKey: .init(rootKey))
            let intermediate = try Certificate(
                version: .v3, serialNumber: .init(), publicKey: intermediatePublic,
                notValidBefore: start, notValidAfter: now.addingTimeInterval(10 * 365 * 86_400),
                issuer: rootName, subject: intermediateName, signatureAlgorithm: .ecdsaWithSHA256,
                extensions: try Certificate.Extensions {
                    Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                    Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                    intermediateSKI
                    AuthorityKeyIdentifier(keyIdentifier: rootSKI.keyIdentifier)
                },
                issuerPrivateKey: .init(rootKey))
            let signer = try Certificate(
                version: .v3, serialNumber: .init(), publicKey: signerPublic,
                notValidBefore: start, notValidAfter: now.addingTimeInterval(signerValidity),
                issuer: intermediateName, subject: signerName, signatureAlgorithm: .ecdsaWithSHA256,
                extensions: try Certificate.Extensions {
                    Critical(BasicConstraints.notCertificateAuthority)
                    Critical(KeyUsage(digitalSignature: true))
                    try ExtendedKeyUsage([.emailProtection, .init(oid: claimSigningEKU), .init(oid: documentSigningEKU)])
                    SubjectKeyIdentifier(hash: signerPublic)
                    AuthorityKeyIdentifier(keyIdentifier: intermediateSKI.keyIdentifier)
                },
                issuerPrivateKey: .init(intermediateKey))
            return (try SigningIdentity(privateKey: signerKey, chain: [signer, intermediate], anchor: root), root)
        } catch let error as SigilError {
            throw error
        } catch {
            throw SigilError(.keys, "building the development certificate chain failed: \(error)")
        }
    }
}
