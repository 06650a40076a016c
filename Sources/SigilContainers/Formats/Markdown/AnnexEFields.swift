/// The seven Annex E members of a label, in order, from the JSON a ``LabelAssignment`` carries: what the
/// front-matter writers spell out key by key.
enum AnnexEFields {
    /// The members of `label.json`.
    ///
    /// - Throws: ``SigilError`` `.invalidLabel` when the JSON is not an object of strings.
    static func of(_ label: LabelAssignment) throws -> [(key: String, value: String)] {
        guard let members = (try? JSONValue.parse(label.json))?.members else {
            throw SigilError(.invalidLabel, "the label to write is not a JSON object")
        }
        return try members.map { member in
            guard let value = member.value.stringValue else {
                throw SigilError(.invalidLabel, "the label's \(member.key) is not a string")
            }
            return (member.key, value)
        }
    }

    /// A JSON object text for loose members read from front matter (nil values become JSON null, which the
    /// payload checks report as non-string).
    static func json(_ members: [(key: String, value: String?)]) -> String {
        "{" + members.map { JSONValue.quote($0.key) + ":" + ($0.value.map(JSONValue.quote) ?? "null") }.joined(separator: ",") + "}"
    }
}
