/// The file-metadata implicit label of GB 45438-2025 Annex E.
///
/// Seven string fields in a fixed order. ``json`` serialises them exactly as Annex E b) prints them:
/// one JSON object, keys in order, no whitespace, `"` escaped as `\"`.
///
/// ```swift
/// let label = try AIGCLabel.firstWrite(producer: "001191110102MACQD9K64010000", produceID: ProduceID.generate())
/// label.json // {"Label":"1","ContentProducer":"0011…","ProduceID":"…","ReservedCode1":"","ContentPropagator":"0011…",…}
/// ```
public struct AIGCLabel: Sendable, Hashable, Codable {
    /// The seven Annex E keys, in the order the standard prescribes.
    public enum Key: String, CaseIterable, Sendable, Codable {
        case label = "Label"
        case contentProducer = "ContentProducer"
        case produceID = "ProduceID"
        case reservedCode1 = "ReservedCode1"
        case contentPropagator = "ContentPropagator"
        case propagateID = "PropagateID"
        case reservedCode2 = "ReservedCode2"

        /// Keys GB 6.1 a) and AigcTotal require to be non-empty.
        public static let required: [Key] = [.label, .contentProducer, .produceID]
    }

    /// `Label`: "1" is AI-generated, "2" possibly, "3" suspected (Annex E c; Measures Art. 6 tiers).
    public var label: LabelValue
    public var contentProducer: String
    public var produceID: String
    public var reservedCode1: String
    public var contentPropagator: String
    public var propagateID: String
    public var reservedCode2: String

    public init(
        label: LabelValue, contentProducer: String, produceID: String, reservedCode1: String = "",
        contentPropagator: String = "", propagateID: String = "", reservedCode2: String = ""
    ) {
        self.label = label
        self.contentProducer = contentProducer
        self.produceID = produceID
        self.reservedCode1 = reservedCode1
        self.contentPropagator = contentPropagator
        self.propagateID = propagateID
        self.reservedCode2 = reservedCode2
    }

    /// The label a generator writes on first write: Annex E Note 1 mirrors the producer into the
    /// propagation fields (`ContentPropagator = ContentProducer`, `PropagateID = ProduceID`).
    ///
    /// - Throws: ``SigilError`` with code `.invalidLabel` when a value breaks Annex E j).
    public static func firstWrite(
        label: LabelValue = .aiGenerated, producer: String, produceID: String, reservedCode1: String = ""
    ) throws -> AIGCLabel {
        let value = AIGCLabel(
            label: label, contentProducer: producer, produceID: produceID, reservedCode1: reservedCode1,
            contentPropagator: producer, propagateID: produceID, reservedCode2: "")
        try value.validateForWriting()
        return value
    }

    /// The value of one key.
    public subscript(key: Key) -> String {
        get {
            switch key {
            case .label: label.rawValue
            case .contentProducer: contentProducer
            case .produceID: produceID
            case .reservedCode1: reservedCode1
            case .contentPropagator: contentPropagator
            case .propagateID: propagateID
            case .reservedCode2: reservedCode2
            }
        }
    }

    /// The canonical Annex E b) string.
    public var json: String {
        var out = "{"
        for (index, key) in Key.allCases.enumerated() {
            if index > 0 { out += "," }
            out += "\"\(key.rawValue)\":"
            out += JSONValue.quote(self[key])
        }
        out += "}"
        return out
    }

    /// The wrapped form `{"AIGC":{…}}`, for carriers that have no key of their own (EXIF UserComment).
    public var wrappedJSON: String { "{\"AIGC\":\(json)}" }

    /// Checks that Sigil may write this label: required fields present and every value within Annex E j).
    public func validateForWriting() throws {
        for key in Key.required where self[key].isEmpty {
            throw SigilError(.invalidLabel, "the Annex E field \(key.rawValue) must not be empty")
        }
        for key in Key.allCases {
            if let bad = AnnexECharset.firstViolation(in: self[key]) {
                throw SigilError(
                    .invalidLabel,
                    "the Annex E field \(key.rawValue) contains \(bad.description), outside the GB 45438 Annex E j) character set (printable ASCII without space or backslash)"
                )
            }
        }
    }
}

/// The `Label` element: whether content is, possibly is, or is suspected to be AI-generated.
public enum LabelValue: String, Sendable, Hashable, Codable, CaseIterable {
    case aiGenerated = "1"
    case possiblyAIGenerated = "2"
    case suspectedAIGenerated = "3"

    /// The Measures Art. 6 tier this value stands for.
    public var verdict: Verdict {
        switch self {
        case .aiGenerated: .aiGenerated
        case .possiblyAIGenerated: .possiblyAIGenerated
        case .suspectedAIGenerated: .suspectedAIGenerated
        }
    }
}

/// GB 45438-2025 Annex E j): values should consist of the single-byte code points 0x21, 0x23–0x5B and
/// 0x5D–0x7E, with `"` allowed only escaped as `\"`. Decoded, that is printable ASCII without space and
/// without backslash.
public enum AnnexECharset {
    /// Whether `scalar` may appear in a decoded Annex E value.
    public static func allows(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value >= 0x21 && scalar.value <= 0x7E && scalar.value != 0x5C
    }

    /// The first scalar that breaks Annex E j), if any.
    public static func firstViolation(in value: String) -> Violation? {
        for (offset, scalar) in value.unicodeScalars.enumerated() where !allows(scalar) {
            return Violation(scalar: scalar, offset: offset)
        }
        return nil
    }

    /// A character outside the Annex E j) set and where it stands.
    public struct Violation: Sendable, Hashable, CustomStringConvertible {
        public var scalar: Unicode.Scalar
        public var offset: Int
        public var description: String {
            let hex = "U+" + String(scalar.value, radix: 16, uppercase: true).leftPadded(to: 4)
            let shown = scalar.properties.isWhitespace || scalar.value < 0x20 || scalar.value == 0x7F ? "" : " '\(Character(scalar))'"
            return "\(hex)\(shown) at character \(offset)"
        }
    }
}

extension String {
    func leftPadded(to width: Int, with pad: Character = "0") -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
    }
}
