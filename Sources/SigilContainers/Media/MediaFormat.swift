/// What kind of content a file holds, as GB 45438-2025 divides it (text 5.1, image 5.2, audio 5.3, video 5.4).
public enum MediaKind: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    case image
    case audio
    case video
    /// Office documents and PDF: text content in a container with its own metadata.
    case document
    /// Plain text, Markdown and HTML.
    case text

    public var description: String { rawValue }
}

/// One file format Sigil knows: recognised from its bytes (never its name), with its kind, MIME types and
/// extensions. Formats are values, not cases of a closed enum: each format's folder under
/// `Sources/SigilContainers/Formats/` declares its own (`MediaFormat.jpeg` lives in `Formats/JPEG/`), and
/// ``MediaRegistry`` lists the handlers that recognise them.
///
/// Two formats are equal when their ``id`` is.
public struct MediaFormat: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The stable lower-case name used in JSON reports, records and the API (`jpeg`, `wav`, `mp4`).
    public let id: String
    /// The name people use (`JPEG`, `WAV`, `MP4`).
    public let displayName: String
    /// What the file holds.
    public let kind: MediaKind
    /// MIME types, the preferred one first.
    public let mimeTypes: [String]
    /// File-name extensions without the dot, the preferred one first (for output names, never for sniffing).
    public let extensions: [String]

    public init(id: String, displayName: String, kind: MediaKind, mimeTypes: [String], extensions: [String]) {
        precondition(!mimeTypes.isEmpty && !extensions.isEmpty, "a media format needs a MIME type and an extension")
        self.id = id
        self.displayName = displayName
        self.kind = kind
        self.mimeTypes = mimeTypes
        self.extensions = extensions
    }

    /// The preferred MIME type.
    public var mimeType: String { mimeTypes[0] }
    /// The preferred extension.
    public var fileExtension: String { extensions[0] }
    public var description: String { id }

    public static func == (lhs: MediaFormat, rhs: MediaFormat) -> Bool { lhs.id == rhs.id }
    public func hash(into hasher: inout Hasher) { hasher.combine(id) }
}
