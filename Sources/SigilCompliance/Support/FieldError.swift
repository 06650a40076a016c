import SigilCore

/// A request field that breaks its rule: the API answers 422 and names ``field``.
public struct FieldError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The field's name as the API spells it (`idNumber`, `phone`, `validUntil`, …).
    public var field: String
    /// What is wrong with it.
    public var message: String

    public init(_ field: String, _ message: String) {
        self.field = field
        self.message = message
    }

    public var description: String { "\(field): \(message)" }
}

extension SigilError.Code {
    /// The request is well-formed but a duty refuses it (an unverified account, a missing consent, a blocked prompt).
    public static let refused = SigilError.Code("refused")
    /// The request conflicts with the current state (a decided account reviewed again, a closed complaint moved).
    public static let conflict = SigilError.Code("conflict")
}
