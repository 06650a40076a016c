/// One named observation about a label or a container: a defect, a warning or a note.
///
/// Codes are stable, kebab-case strings so that scripts and dashboards can count them.
public struct Finding: Sendable, Hashable, Codable {
    /// How much a finding weighs in the verdict.
    public enum Severity: String, Sendable, Hashable, Codable, Comparable {
        /// Noted; does not affect conformance.
        case info
        /// Suspicious or non-recommended, but the label is still conformant.
        case warning
        /// The label or file breaks GB 45438 (non-conformant), or the structure cannot be trusted.
        case error

        private var rank: Int { self == .info ? 0 : self == .warning ? 1 : 2 }
        public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
    }

    /// A finding's stable identifier.
    public struct Code: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }
        public init(from decoder: any Decoder) throws { rawValue = try decoder.singleValueContainer().decode(String.self) }
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.singleValueContainer()
            try c.encode(rawValue)
        }

        // Payload (Annex E) defects.
        public static let notJSON = Code("not-json")
        public static let notObject = Code("not-an-object")
        public static let doubleEncoded = Code("double-encoded")
        public static let noAnnexEKeys = Code("no-annex-e-keys")
        public static let missingField = Code("missing-field")
        public static let emptyRequiredField = Code("empty-required-field")
        public static let unknownField = Code("unknown-field")
        public static let duplicateKey = Code("duplicate-key")
        public static let nonStringValue = Code("non-string-value")
        public static let labelInvalid = Code("label-invalid")
        public static let charsetViolation = Code("charset-violation")
        public static let keyOrder = Code("key-order")
        public static let whitespace = Code("json-whitespace")
        public static let wrappedForm = Code("wrapped-form")
        public static let propagationNotMirrored = Code("propagation-empty")
        public static let providerCodeInvalid = Code("provider-code-invalid")
        public static let providerName = Code("provider-name-not-code")
        public static let developmentProviderCode = Code("development-provider-code")
        // Site and file defects.
        public static let duplicateLabel = Code("duplicate-label")
        public static let labelsDisagree = Code("labels-disagree")
        public static let emptyLabel = Code("empty-label")
        public static let nonstandardSite = Code("nonstandard-site")
        public static let wrongNamespace = Code("wrong-namespace")
        public static let xmpMalformed = Code("xmp-malformed")
        public static let structureTruncated = Code("structure-truncated")
        public static let structureMalformed = Code("structure-malformed")
        public static let checksumMismatch = Code("checksum-mismatch")
        public static let trailingData = Code("trailing-data")
        public static let labelOutsideContainer = Code("label-outside-container")
        public static let ambiguousFormat = Code("ambiguous-format")
        public static let foreignSchema = Code("foreign-aigc-schema")
    }

    public var code: Code
    public var severity: Severity
    public var message: String
    /// The Annex E key concerned, when there is one.
    public var field: String?
    /// The site or structure concerned (e.g. `PNG tEXt[0] "AIGC"`), when there is one.
    public var location: String?
    /// The byte offset concerned, when known.
    public var offset: Int?

    public init(_ code: Code, _ severity: Severity, _ message: String, field: String? = nil, location: String? = nil, offset: Int? = nil) {
        self.code = code
        self.severity = severity
        self.message = message
        self.field = field
        self.location = location
        self.offset = offset
    }
}
