import X509

/// The certificates a verifier trusts as roots for C2PA signers (and, optionally, trusted end-entity certificates).
/// C2PA has no built-in list in Sigil, as in c2pa-rs: without anchors every signer is `signingCredential.untrusted`.
public struct TrustAnchors: Sendable, Hashable {
    public var certificates: [CertificateInfo]

    /// No anchors: every signer is untrusted.
    public static let none = TrustAnchors(certificates: [CertificateInfo]())

    public init(certificates: [CertificateInfo]) {
        self.certificates = certificates
    }

    /// Anchors from swift-certificates values.
    public init(certificates: [Certificate]) {
        self.certificates = certificates.compactMap { try? CertificateInfo(der: $0.derBytes) }
    }

    /// Every `CERTIFICATE` block of a PEM file.
    ///
    /// - Throws: ``SigilError`` `.keys` when a block is not a certificate or the text holds none.
    public init(pem: String) throws {
        certificates = try PEM.decode(pem, label: "CERTIFICATE").map { try CertificateInfo(der: $0) }
        guard !certificates.isEmpty else { throw SigilError(.keys, "the trust-anchor file holds no CERTIFICATE block") }
    }

    /// Whether `chain` (leaf first, as in `x5chain`) is issued, certificate by certificate, up to one of the anchors:
    /// each certificate signed by the next, the last one signed by an anchor or itself an anchor.
    public func trusts(_ chain: [CertificateInfo]) -> Bool {
        guard !certificates.isEmpty, !chain.isEmpty else { return false }
        for (index, certificate) in chain.enumerated() {
            if certificates.contains(certificate) { return true }
            if certificates.contains(where: { certificate.isSigned(by: $0) }) { return true }
            guard index + 1 < chain.count, certificate.isSigned(by: chain[index + 1]) else { return false }
        }
        return false
    }

    /// ``trusts(_:)`` for swift-certificates values.
    public func trusts(_ chain: [Certificate]) -> Bool {
        trusts(chain.compactMap { try? CertificateInfo(der: $0.derBytes) })
    }
}
