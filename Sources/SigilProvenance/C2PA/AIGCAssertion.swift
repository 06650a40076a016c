/// The assertion that carries the GB 45438-2025 implicit label inside a C2PA manifest, so that the label and its
/// `ProduceID` are covered by the claim signature (decision 0203).
///
/// Label `sigil.aigc`; CBOR map `{"standard": "GB 45438-2025", "AIGC": {the seven Annex E fields in order}}`.
public enum AIGCAssertion {
    /// The assertion label.
    public static let label = "sigil.aigc"
    /// The standard the label follows.
    public static let standard = "GB 45438-2025"

    /// The assertion content for `label`.
    public static func cbor(for label: AIGCLabel) -> CBOR {
        .map([
            .init("standard", .text(standard)),
            .init("AIGC", .map(AIGCLabel.Key.allCases.map { .init($0.rawValue, .text(label[$0])) })),
        ])
    }

    /// The label in an assertion's content, when it has the seven fields and a valid `Label` value.
    public static func label(from value: CBOR) -> AIGCLabel? {
        guard let fields = value["AIGC"], fields.mapValue != nil else { return nil }
        func text(_ key: AIGCLabel.Key) -> String? { fields[key.rawValue]?.textValue }
        guard let raw = text(.label), let tier = LabelValue(rawValue: raw), let producer = text(.contentProducer), let produceID = text(.produceID)
        else {
            return nil
        }
        return AIGCLabel(
            label: tier, contentProducer: producer, produceID: produceID, reservedCode1: text(.reservedCode1) ?? "",
            contentPropagator: text(.contentPropagator) ?? "", propagateID: text(.propagateID) ?? "", reservedCode2: text(.reservedCode2) ?? "")
    }
}
