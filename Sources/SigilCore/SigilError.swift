/// The error every Sigil module throws: a stable ``Code`` to branch on and a message that names the file,
/// the structure and the offset where the problem sits.
///
/// Equality compares codes only, as `CertificateError` does in swift-certificates.
public struct SigilError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, as a value a caller can switch on. Extensible without breaking API: Sigil's modules add
    /// codes (`package` access), callers only compare against them.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        public let rawValue: String
        package init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// A label value breaks Annex E (empty required field, charset).
        public static let invalidLabel = Code("invalid-label")
        /// A provider code breaks PG-20252A.
        public static let invalidProviderCode = Code("invalid-provider-code")
        /// A ProduceID is empty, too long or outside Annex E j).
        public static let invalidProduceID = Code("invalid-produce-id")
        /// The bytes are not a format Sigil reads.
        public static let unsupportedFormat = Code("unsupported-format")
        /// A container structure is cut short.
        public static let truncated = Code("truncated")
        /// A container structure lies about itself (length, count, marker).
        public static let malformed = Code("malformed")
        /// The declared pixel count is over the configured limit (decompression bomb guard).
        public static let tooLarge = Code("too-large")
        /// A codec library refused the data.
        public static let codec = Code("codec")
        /// The explicit-label text or placement breaks GB 45438 5.2.
        public static let invalidExplicitLabel = Code("invalid-explicit-label")
        /// A font could not be found or loaded.
        public static let font = Code("font")
        /// Reading or writing a file failed.
        public static let io = Code("io")
        /// A caller passed an option Sigil does not know or cannot honour.
        public static let usage = Code("usage")
        /// The label would not fit its carrier (e.g. a JPEG segment's 64 KiB).
        public static let capacity = Code("capacity")
        /// The content cannot take a mark at all: a video container with no video stream (sound only, a cover
        /// picture), a codec with no encoder here. A labeler leaves that mark off and says why; the input is not damaged.
        public static let cannotMark = Code("cannot-mark")
    }

    public var code: Code
    public var message: String
    /// The file concerned, when known; the CLI sets it.
    public var path: String?
    /// The byte offset of the offending structure, when known.
    public var offset: Int?

    public init(_ code: Code, _ message: String, path: String? = nil, offset: Int? = nil) {
        self.code = code
        self.message = message
        self.path = path
        self.offset = offset
    }

    public var description: String {
        var text = ""
        if let path { text += "\(path): " }
        text += message
        if let offset, !message.contains("offset") { text += " (at offset \(offset))" }
        return text
    }

    /// The same error, naming `path`.
    public func at(path: String) -> SigilError {
        var copy = self
        copy.path = path
        return copy
    }

    public static func == (lhs: SigilError, rhs: SigilError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}
