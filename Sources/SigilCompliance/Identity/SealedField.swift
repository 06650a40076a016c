/// A personal-data column sealed by ``PersonalDataVault``: where it lives, and the associated data that binds each
/// ciphertext to its row. The stores seal and open through these, and ``PersonalDataRotation`` re-seals every one of
/// ``all``, so a field added here is rotated with the rest.
public struct SealedField: Sendable, Hashable {
    public var table: String
    public var column: String
    /// The field's name in the associated data.
    public var name: String

    /// The associated data for the row `id`: `table/id/name`.
    public func context(_ id: String) -> String { "\(table)/\(id)/\(name)" }

    public static let accountName = SealedField(table: "accounts", column: "name_sealed", name: "name")
    public static let accountPhone = SealedField(table: "accounts", column: "phone_sealed", name: "phone")
    public static let accountIdentity = SealedField(table: "accounts", column: "identity_sealed", name: "identity")
    public static let consentSubject = SealedField(table: "consents", column: "subject_sealed", name: "subject")
    public static let generationPrompt = SealedField(table: "generations", column: "prompt_sealed", name: "prompt")
    /// Nullable: a complaint may come without a contact.
    public static let complaintContact = SealedField(table: "complaints", column: "contact_sealed", name: "contact")

    /// Every sealed column.
    public static let all: [SealedField] = [accountName, accountPhone, accountIdentity, consentSubject, generationPrompt, complaintContact]
}
