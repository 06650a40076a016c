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

    /// Whether the provenance keys' C2PA signer is the development chain's.
    public static func isDevelopment(_ keys: ProvenanceKeys) -> Bool {
        guard let leaf = keys.c2pa.chainDER.first, let info = try? CertificateInfo(der: leaf) else { return false }
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
