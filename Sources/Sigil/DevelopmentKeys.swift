import SigilKeys
import SigilProvenance

/// What marks a development key: keystore items Sigil created on first use carry a `<name>.development` marker
/// (``Keystore/isDevelopment(_:)``), and the development C2PA chain names its organization ``organization`` in every
/// certificate, so a file signed with it says so to any verifier.
public enum DevelopmentKeys {
    /// The organization of the development C2PA chain's certificates.
    public static let organization = "Sigil Development"

    /// Whether a C2PA signer is the development chain's.
    public static func isDevelopment(_ signer: C2PAReport.Signer) -> Bool { signer.organization == organization }

    /// Whether the provenance keys' C2PA signer is the development chain's (false when it was not loaded).
    public static func isDevelopment(_ keys: ProvenanceKeys) -> Bool {
        isDevelopmentLeaf(keys.c2pa?.chainDER.first)
    }

    /// Whether the C2PA chain in `keystore` is the development chain's, read from its leaf certificate alone (no
    /// X.509 parse of the chain): how a label signed with the SM2 key alone, which loads no chain, tells.
    public static func isDevelopment(_ keystore: ProvenanceKeystore) -> Bool {
        guard let pem = try? keystore.keystore.read(ProvenanceKeystore.chainName) else { return false }
        return isDevelopmentLeaf(PEM.decode(String(decoding: pem, as: UTF8.self), label: "CERTIFICATE").first)
    }

    private static func isDevelopmentLeaf(_ der: [UInt8]?) -> Bool {
        guard let der, let info = try? CertificateInfo(der: der) else { return false }
        return info.organization == organization
    }

    /// The notice a verifier shows for a file signed with the development chain.
    public static let signedNotice = "signed with a development key (O=Sigil Development): not a provisioned provider key"

    /// `{"developmentKey": true, "notice": …}` members for a report whose C2PA signer is the development chain's.
    public static func jsonMembers(_ signer: C2PAReport.Signer?) -> [JSONValue.Member] {
        guard let signer, isDevelopment(signer) else { return [] }
        return [.init("developmentKey", .bool(true)), .init("developmentKeyNotice", .string(signedNotice))]
    }

    /// The development keys among `items` in `keystore`, by name.
    public static func marked(_ items: [String], in keystore: Keystore) -> [String] {
        items.filter(keystore.isDevelopment)
    }
}
