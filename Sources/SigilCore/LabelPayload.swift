/// One implicit-label payload as found in a file, parsed and checked against GB 45438-2025 Annex E.
///
/// Readers accept every form seen in the wild (RULES.md §2.6–2.7) and report how a payload deviates
/// from the canonical form as ``Finding``s; they never reject a payload they can make sense of.
public struct LabelPayload: Sendable, Hashable {
    /// How the JSON was shaped.
    public enum Form: String, Sendable, Hashable, Codable {
        /// The Annex E object itself: `{"Label":…}`.
        case bare
        /// The object under an `AIGC` key: `{"AIGC":{…}}` (image guide Annex B, EXIF UserComment).
        case wrapped
        /// A JSON string whose content is the object (seen on Wikimedia Commons).
        case doubleEncoded = "double-encoded"
        /// `AIGC{…}`: the key glued to the object, as some generators write into JPEG APP segments.
        case prefixedBlob = "prefixed-blob"
        /// Loose XMP properties (`Label="1" ContentProducer=…`) rather than one JSON value.
        case properties
        /// Not JSON at all.
        case unreadable
    }

    /// The members in document order; a value is nil when it is not a JSON string.
    public var fields: [(key: String, value: String?)]
    public var form: Form
    public var findings: [Finding]

    /// The label, when every Annex E key that is present holds a string and Label is 1, 2 or 3.
    /// Missing optional keys read as empty strings.
    public var label: AIGCLabel? {
        guard let raw = value(of: .label), let tier = LabelValue(rawValue: raw) else { return nil }
        return AIGCLabel(
            label: tier, contentProducer: value(of: .contentProducer) ?? "", produceID: value(of: .produceID) ?? "",
            reservedCode1: value(of: .reservedCode1) ?? "", contentPropagator: value(of: .contentPropagator) ?? "",
            propagateID: value(of: .propagateID) ?? "", reservedCode2: value(of: .reservedCode2) ?? "")
    }

    /// Whether any Annex E key is present: a payload without one is not a TC260 label.
    public var hasAnnexEKeys: Bool { fields.contains { AIGCLabel.Key(rawValue: $0.key) != nil } }

    /// The first value for `key`.
    public func value(of key: AIGCLabel.Key) -> String? {
        fields.first { $0.key == key.rawValue }?.value ?? nil
    }

    public static func == (a: LabelPayload, b: LabelPayload) -> Bool {
        a.form == b.form && a.findings == b.findings && a.fields.elementsEqual(b.fields) { $0.key == $1.key && $0.value == $1.value }
    }
    public func hash(into hasher: inout Hasher) {
        hasher.combine(form)
        for f in fields {
            hasher.combine(f.key)
            hasher.combine(f.value)
        }
    }

    /// Parses a payload string from a carrier.
    ///
    /// - Parameters:
    ///   - text: the payload, already decoded from its carrier (XML entities resolved, charset prefix removed).
    ///   - keyed: whether the carrier names the field `AIGC` itself (XMP `TC260:AIGC`, PNG `tEXt` AIGC), in which
    ///     case the bare object is the recommended form and a wrapper is noted.
    ///   - location: the site, used in findings.
    public static func parse(_ text: String, keyed: Bool, location: String? = nil) -> LabelPayload {
        var findings: [Finding] = []
        var form = Form.bare
        var trimmed = Substring(text)
        while let f = trimmed.first, f.isWhitespace || f == "\0" { trimmed.removeFirst() }
        while let l = trimmed.last, l.isWhitespace || l == "\0" { trimmed.removeLast() }

        var value: JSONValue
        if trimmed.hasPrefix("AIGC{") {
            form = .prefixedBlob
            guard let (parsed, _) = try? JSONValue.parsePrefixObject(Array(trimmed.dropFirst(4).utf8)) else {
                return unreadable("the AIGC blob does not hold a JSON object", location: location)
            }
            value = parsed
        } else {
            do {
                value = try JSONValue.parse(String(trimmed))
            } catch {
                return unreadable("the AIGC value is not JSON: \(error)", location: location)
            }
        }
        if case .string(let inner) = value {
            guard let parsed = try? JSONValue.parse(inner), parsed.members != nil else {
                return unreadable("the AIGC value is a JSON string, not an object", location: location)
            }
            findings.append(Finding(.doubleEncoded, .error, "the label object is double-encoded as a JSON string", location: location))
            form = .doubleEncoded
            value = parsed
        }
        guard var members = value.members else {
            return unreadable("the AIGC value is JSON but not an object", location: location, code: .notObject)
        }
        if members.count == 1, members[0].key == "AIGC", let inner = members[0].value.members {
            if form == .bare { form = .wrapped }
            members = inner
            if keyed {
                findings.append(
                    Finding(
                        .wrappedForm, .info, "the object is wrapped in {\"AIGC\":…} although the carrier's key already names it", location: location))
            }
        } else if case .string(let s) = members.first(where: { $0.key == "AIGC" })?.value, members.count == 1,
            let inner = (try? JSONValue.parse(s))?.members
        {
            findings.append(Finding(.doubleEncoded, .error, "the wrapped label object is double-encoded as a JSON string", location: location))
            form = .doubleEncoded
            members = inner
        }
        let fields: [(key: String, value: String?)] = members.map { ($0.key, $0.value.stringValue) }
        findings += validate(fields: fields, location: location)
        if form != .prefixedBlob, trimmed.contains(where: { $0 == " " || $0 == "\n" || $0 == "\t" }),
            !fields.contains(where: { $0.value?.contains(" ") ?? false })
        {
            findings.append(Finding(.whitespace, .info, "the JSON has white space between tokens; Annex E b) prints it compact", location: location))
        }
        return LabelPayload(fields: fields, form: form, findings: findings)
    }

    /// Builds a payload from loose properties (XMP attributes or elements named after the Annex E keys).
    public static func fromProperties(_ fields: [(key: String, value: String)], location: String? = nil) -> LabelPayload {
        let f: [(key: String, value: String?)] = fields.map { ($0.key, Optional($0.value)) }
        var findings = validate(fields: f, location: location)
        findings.append(
            Finding(.nonstandardSite, .info, "Annex E keys stand as separate XMP properties, not as one TC260:AIGC JSON value", location: location))
        return LabelPayload(fields: f, form: .properties, findings: findings)
    }

    private static func unreadable(_ message: String, location: String?, code: Finding.Code = .notJSON) -> LabelPayload {
        LabelPayload(fields: [], form: .unreadable, findings: [Finding(code, .error, message, location: location)])
    }

    /// Annex E checks on a list of members.
    public static func validate(fields: [(key: String, value: String?)], location: String?) -> [Finding] {
        var findings: [Finding] = []
        let known = fields.filter { AIGCLabel.Key(rawValue: $0.key) != nil }
        if known.isEmpty {
            findings.append(
                Finding(.noAnnexEKeys, .error, "the object has none of the Annex E keys (Label, ContentProducer, ProduceID, …)", location: location))
            return findings
        }
        var seen: Set<String> = []
        for field in fields {
            if !seen.insert(field.key).inserted {
                findings.append(Finding(.duplicateKey, .error, "the key \(field.key) appears more than once", field: field.key, location: location))
            }
            guard AIGCLabel.Key(rawValue: field.key) != nil else {
                findings.append(
                    Finding(.unknownField, .error, "\(field.key) is not one of the seven Annex E keys", field: field.key, location: location))
                continue
            }
            guard let value = field.value else {
                findings.append(
                    Finding(
                        .nonStringValue, .error, "\(field.key) is not a JSON string; Annex E values are strings", field: field.key, location: location
                    ))
                continue
            }
            if let bad = AnnexECharset.firstViolation(in: value) {
                findings.append(
                    Finding(
                        .charsetViolation, .error, "\(field.key) contains \(bad), outside the Annex E j) character set", field: field.key,
                        location: location))
            }
        }
        for key in AIGCLabel.Key.allCases where !seen.contains(key.rawValue) {
            let required = AIGCLabel.Key.required.contains(key)
            findings.append(
                Finding(
                    .missingField, required ? .error : .warning,
                    "the Annex E key \(key.rawValue) is missing" + (required ? "" : "; GB 6.1 a) expects all elements, written empty when unused"),
                    field: key.rawValue, location: location))
        }
        for key in AIGCLabel.Key.required {
            if let f = fields.first(where: { $0.key == key.rawValue }), let v = f.value, v.isEmpty {
                findings.append(Finding(.emptyRequiredField, .error, "\(key.rawValue) is empty", field: key.rawValue, location: location))
            }
        }
        if let f = fields.first(where: { $0.key == "Label" }), let v = f.value, !v.isEmpty, LabelValue(rawValue: v) == nil {
            findings.append(
                Finding(.labelInvalid, .error, "Label is \"\(v)\"; Annex E allows \"1\", \"2\" or \"3\"", field: "Label", location: location))
        }
        let order = known.map(\.key)
        let canonical = AIGCLabel.Key.allCases.map(\.rawValue).filter { order.contains($0) }
        if Array(order.uniqued()) != canonical {
            findings.append(
                Finding(
                    .keyOrder, .warning,
                    "keys are not in the Annex E order (Label, ContentProducer, ProduceID, ReservedCode1, ContentPropagator, PropagateID, ReservedCode2)",
                    location: location))
        }
        for key in [AIGCLabel.Key.contentProducer, .contentPropagator] {
            guard let v = fields.first(where: { $0.key == key.rawValue })?.value ?? nil, !v.isEmpty else { continue }
            findings += providerCodeFindings(v, field: key.rawValue, location: location)
        }
        let propagator = fields.first { $0.key == "ContentPropagator" }?.value ?? nil
        if propagator == nil || propagator == "" {
            findings.append(
                Finding(
                    .propagationNotMirrored, .warning, "ContentPropagator is empty; Annex E Note 1 mirrors the producer into it on first write",
                    field: "ContentPropagator", location: location))
        }
        return findings
    }

    static func providerCodeFindings(_ value: String, field: String, location: String?) -> [Finding] {
        let looksLikeCode = value.count == 27 && value.hasPrefix("00")
        do {
            let code = try ProviderCode(value)
            if code == .development {
                return [
                    Finding(
                        .developmentProviderCode, .warning, "\(field) is Sigil's development provider code, not a real provider's", field: field,
                        location: location)
                ]
            }
            return []
        } catch let error as SigilError {
            if looksLikeCode {
                return [
                    Finding(
                        .providerCodeInvalid, .warning, "\(field) looks like a PG-20252A code but is invalid: \(error.message)", field: field,
                        location: location)
                ]
            }
            return [
                Finding(
                    .providerName, .info, "\(field) \"\(value)\" is a name, not a PG-20252A provider code; platforms expect codes", field: field,
                    location: location)
            ]
        } catch {
            return []
        }
    }
}

extension Sequence where Element: Hashable {
    func uniqued() -> [Element] {
        var seen: Set<Element> = []
        return filter { seen.insert($0).inserted }
    }
}
