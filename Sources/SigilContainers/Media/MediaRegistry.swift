/// The one list of formats Sigil knows. The CLI, the server's accepted types, the verify page's `accept=` and
/// `openapi.json` all derive from it.
///
/// A registry is a value: ``standard`` is the built-in list, and a program (or a test) that knows another format
/// makes its own with ``adding(_:)``:
///
/// ```swift
/// let registry = MediaRegistry.standard.adding(MyFormat())
/// let identified = registry.identify(bytes)       // handler + format, or nil
/// ```
public struct MediaRegistry: Sendable, Hashable {
    /// The handlers, in the order they are asked.
    public let handlers: [any MediaFormatHandler]

    /// How many leading bytes ``identify(_:)`` reads.
    public static let sniffLength = 64

    public init(_ handlers: [any MediaFormatHandler]) {
        self.handlers = handlers
    }

    /// Two registries are equal when they list the same handler types in the same order.
    public static func == (lhs: MediaRegistry, rhs: MediaRegistry) -> Bool { lhs.handlerNames == rhs.handlerNames }
    public func hash(into hasher: inout Hasher) { hasher.combine(handlerNames) }
    private var handlerNames: [String] { handlers.map { String(reflecting: type(of: $0)) } }

    /// Every format Sigil knows: one line per format folder under `Sources/SigilContainers/Formats/`.
    public static let standard = MediaRegistry([
        JPEGFormat(),
        PNGFormat(),
        WebPFormat(),
        TIFFFormat(),
        GIFFormat(),
        WAVFormat(),
        MP3Format(),
        BMFFFormat(),
        AVIFormat(),
        MatroskaFormat(),
        FLVFormat(),
        HEIFFormat(),
        FLACFormat(),
        OggFormat(),
        M4AFormat(),
        OOXMLFormat(),
        PDFFormat(),
        MarkdownFormat(),
        PlainTextFormat(),
    ])

    /// This registry with `handler` appended.
    public func adding(_ handler: any MediaFormatHandler) -> MediaRegistry {
        MediaRegistry(handlers + [handler])
    }

    /// A recognised file: the handler that recognised it and the format it named.
    public struct Identified: Sendable {
        public var handler: any MediaFormatHandler
        public var format: MediaFormat
        /// Other formats whose signatures the same bytes also carry (a polyglot), in registry order.
        public var alsoMatches: [MediaFormat]
    }

    /// The first handler that recognises `bytes`, or nil.
    public func identify(_ bytes: [UInt8]) -> Identified? {
        let prefix = bytes.count > Self.sniffLength ? Array(bytes[0..<Self.sniffLength]) : bytes
        var found: Identified?
        for handler in handlers where !handler.identifiesAsFallback {
            guard let format = handler.identify(prefix) else { continue }
            if found == nil {
                found = Identified(handler: handler, format: format, alsoMatches: [])
            } else {
                found?.alsoMatches.append(format)
            }
        }
        if found == nil {
            for handler in handlers where handler.identifiesAsFallback {
                if let format = handler.identify(prefix) { return Identified(handler: handler, format: format, alsoMatches: []) }
            }
        }
        return found
    }

    /// The first handler that recognises `bytes`, refined by the file's name where bytes cannot tell: text that
    /// sniffs as ``MediaFormat/plainText`` is taken as the text format that claims `fileExtension` (Markdown
    /// without front matter has no magic number). The name never overrides a format found from bytes.
    public func identify(_ bytes: [UInt8], fileExtension: String?) -> Identified? {
        guard let found = identify(bytes), found.format == .plainText, let ext = fileExtension?.lowercased(),
            let refined = formats.first(where: { $0.kind == .text && $0 != .plainText && $0.extensions.contains(ext) }),
            let handler = handler(for: refined)
        else { return identify(bytes) }
        return Identified(handler: handler, format: refined, alsoMatches: [])
    }

    /// The format of `bytes`, or nil.
    public func format(of bytes: [UInt8]) -> MediaFormat? { identify(bytes)?.format }

    /// The handler for `format`, or nil when no handler of this registry names it.
    public func handler(for format: MediaFormat) -> (any MediaFormatHandler)? {
        handlers.first { $0.formats.contains(format) }
    }

    /// Every format, in registry order.
    public var formats: [MediaFormat] { handlers.flatMap(\.formats) }

    /// The formats whose handlers have the capability `P`, e.g. `registry.formats(with: (any LabelWriting).self)`.
    public func formats<P>(with capability: P.Type) -> [MediaFormat] {
        handlers.filter { $0 is P }.flatMap(\.formats)
    }

    /// The format with this ``MediaFormat/id``, or nil.
    public func format(id: String) -> MediaFormat? { formats.first { $0.id == id } }

    /// The format a MIME type names (parameters such as `; charset=` ignored), or nil.
    public func format(mimeType: String) -> MediaFormat? {
        let bare = String(mimeType.split(separator: ";").first ?? "").filter { $0 != " " && $0 != "\t" }.lowercased()
        return formats.first { $0.mimeTypes.contains(bare) }
    }

    /// Every MIME type, for an HTML `accept=` attribute or an OpenAPI content map.
    public var mimeTypes: [String] { formats.flatMap(\.mimeTypes) }

    /// The error for a recognised format whose handler does not write labels: it names the formats that do.
    public func notLabelable(_ format: MediaFormat) -> SigilError {
        if format.kind == .text, handler(for: format) is any LabelReading {
            return SigilError(
                .unsupportedFormat,
                "\(format.displayName) has no implicit label site (no container for metadata): its label is the explicit text label only")
        }
        let writable = formats(with: (any LabelWriting).self).map(\.displayName).joined(separator: ", ")
        return SigilError(.unsupportedFormat, "\(format.displayName) files can be verified but not labeled; Sigil labels \(writable)")
    }

    /// The error for bytes no handler recognises: what was seen, in hexadecimal and as text.
    public func unrecognised(_ bytes: [UInt8]) -> SigilError {
        if bytes.isEmpty { return SigilError(.unsupportedFormat, "the file is empty", offset: 0) }
        let head = bytes.prefix(12)
        let hexBytes = head.map { b in (b < 16 ? "0" : "") + String(b, radix: 16) }.joined(separator: " ")
        let text = String(decoding: head.map { (0x20...0x7E).contains($0) ? $0 : UInt8(ascii: ".") }, as: UTF8.self)
        let known = formats.map(\.displayName).joined(separator: ", ")
        return SigilError(
            .unsupportedFormat, "unrecognised format: the file starts with \(hexBytes) (\"\(text)\"), which matches no format Sigil reads (\(known))",
            offset: 0)
    }
}
