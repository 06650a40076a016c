import _CryptoExtras
import X509

/// The C2PA signer-certificate profile (spec §14.5) as c2pa-rs 0.91 enforces it by default: what makes a leaf
/// certificate `signingCredential.invalid`.
public enum CertificateProfile {
    /// Extended key usages accepted for a claim signer.
    public struct AcceptedEKUs: Sendable, Hashable {
        public var oids: Set<String>
        public init(oids: Set<String>) {
            self.oids = oids
        }

        /// c2pa-rs with default settings: id-kp-emailProtection (plus timeStamping and OCSPSigning).
        public static let c2paRSDefault = AcceptedEKUs(oids: ["1.3.6.1.5.5.7.3.4", "1.3.6.1.5.5.7.3.8", "1.3.6.1.5.5.7.3.9"])
        /// The list in the specification: adds documentSigning, c2pa-kp-claimSigning and the Microsoft C2PA EKU.
        public static let specification = AcceptedEKUs(
            oids: c2paRSDefault.oids.union(["1.3.6.1.5.5.7.3.36", "1.3.6.1.4.1.62558.2.1", "1.3.6.1.4.1.311.76.59.1.9"]))
    }

    /// Every way `leaf` breaks the profile; empty when it meets it.
    public static func problems(leaf: Certificate, algorithm: COSEAlgorithm? = .es256, ekus: AcceptedEKUs = .c2paRSDefault) -> [String] {
        guard let info = try? CertificateInfo(der: leaf.derBytes) else { return ["the certificate does not decode"] }
        return problems(leaf: info, algorithm: algorithm, ekus: ekus)
    }

    /// Every way `leaf` breaks the profile; empty when it meets it.
    ///
    /// - Parameter algorithm: the COSE algorithm the claim was signed with; the key must match it (P-256 for ES256).
    public static func problems(leaf: CertificateInfo, algorithm: COSEAlgorithm? = .es256, ekus: AcceptedEKUs = .c2paRSDefault) -> [String] {
        var problems: [String] = []
        if leaf.version != 2 { problems.append("not an X.509 v3 certificate") }
        let allowedSignatures: Set<String> = [
            "1.2.840.10045.4.3.2", "1.2.840.10045.4.3.3", "1.2.840.10045.4.3.4", "1.2.840.113549.1.1.11", "1.2.840.113549.1.1.12",
            "1.2.840.113549.1.1.13", "1.2.840.113549.1.1.10", "1.3.101.112",
        ]
        if !allowedSignatures.contains(leaf.signatureAlgorithm) { problems.append("signature algorithm \(leaf.signatureAlgorithm) is not allowed") }
        let key = leaf.verificationKey
        if case .rsa(let rsa) = key, rsa.keySizeInBits < 2048 { problems.append("RSA key of \(rsa.keySizeInBits) bits, fewer than 2048") }
        if let algorithm {
            let matches: Bool
            switch (algorithm, key) {
            case (.es256, .p256?), (.es384, .p384?), (.es512, .p521?), (.ps256, .rsa?), (.ps384, .rsa?), (.ps512, .rsa?), (.edDSA, .ed25519?):
                matches = true
            default: matches = false
            }
            if !matches { problems.append("a \(leaf.keyDescription) key cannot sign \(algorithm)") }
        }
        if leaf.isCA { problems.append("it is a CA certificate (basicConstraints cA=true)") }
        if let usage = leaf.keyUsage {
            if !usage.contains(0) && !usage.contains(1) { problems.append("keyUsage lacks digitalSignature") }
            if usage.contains(5) { problems.append("keyUsage has keyCertSign on a leaf") }
        } else {
            problems.append("keyUsage is missing")
        }
        if let oids = leaf.extendedKeyUsage {
            if oids.isEmpty { problems.append("extendedKeyUsage is empty") }
            if oids.contains("2.5.29.37.0") { problems.append("extendedKeyUsage has anyExtendedKeyUsage") }
            if oids.contains("1.3.6.1.5.5.7.3.8") && oids.contains("1.3.6.1.5.5.7.3.9") {
                problems.append("extendedKeyUsage has both timeStamping and OCSPSigning")
            }
            if !oids.contains(where: ekus.oids.contains) {
                problems.append(
                    "extendedKeyUsage (\(oids.joined(separator: ", "))) has none of the accepted signer usages (\(ekus.oids.sorted().joined(separator: ", ")))"
                )
            }
        } else {
            problems.append("extendedKeyUsage is missing")
        }
        if !leaf.hasAuthorityKeyIdentifier { problems.append("authorityKeyIdentifier is missing") }
        return problems
    }
}
