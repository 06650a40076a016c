/// One place in a file that carries (or claims to carry) a GB 45438-2025 file-metadata label.
///
/// A carrier says where the label sits and hands over its payload text already decoded from the container
/// (XML entities resolved, EXIF charset prefix removed); parse it with ``LabelPayload/parse(_:keyed:location:)``
/// or, for ``Kind/xmpProperties``, ``LabelPayload/fromProperties(_:location:)``.
public struct LabelCarrier: Sendable, Hashable {
    /// The kind of site.
    public enum Kind: String, Sendable, Hashable, Codable {
        /// `<TC260:AIGC>{…}</TC260:AIGC>` in an XMP packet.
        case xmpElement
        /// `TC260:AIGC="{…}"` on an XMP element.
        case xmpAttribute
        /// Loose `Label`/`ContentProducer`/`ProduceID` XMP attributes or elements (no JSON), as AigcTotal accepts.
        case xmpProperties
        /// PNG `tEXt`/`zTXt`/`iTXt` with the keyword `AIGC`.
        case textChunk
        /// EXIF UserComment (0x9286) in the Exif IFD or directly in IFD0.
        case exifUserComment
        /// EXIF ImageDescription (0x010E) holding `{"AIGC":…}` (Tencent Cloud variant, non-standard).
        case exifImageDescription
        /// A JPEG APPn segment (not APP1 XMP) whose payload starts `AIGC{` (APP9/APP11 seen in the wild).
        case segmentBlob
        /// Another text field (PNG `tEXt` "Description", JPEG COM, …) containing `{"AIGC":…}`: non-standard site.
        case foreignText
        /// A top-level RIFF chunk `AIGC` (WAV, PG-202510A; AVI).
        case riffChunk
        /// An `AIGC` item in a RIFF `LIST/INFO` chunk (a mirror some WAV writers add; AVI's site in PG-20257A).
        case riffListInfo
        /// An ID3v2 `TXXX` frame with the description `AIGC` (MP3, PG-202510A).
        case id3UserText
        /// A Vorbis comment `AIGC=` (FLAC `VORBIS_COMMENT`, Ogg Vorbis and Opus comment headers; PG-202510A).
        case vorbisComment
        /// An `ilst` item of an ISO BMFF `meta` box: the `mdta` key `AIGC` in `moov/udta/meta` (PG-20257A,
        /// PG-202510A), or non-standard variants (QuickTime `moov/meta`, keyless iTunes items, a raw `udta` box).
        case bmffMetadataItem
        /// The `AIGC` entry of a Markdown file's front matter (YAML mapping, inline JSON, or TOML; PG-20258A).
        case frontMatter
        /// The custom property `AIGC` in an OOXML package's `docProps/custom.xml` (PG-20258A).
        case ooxmlCustomProperty
        /// The `/AIGC` entry of a PDF's Info dictionary (the last trailer's; PG-20258A).
        case pdfInfo
        /// A Matroska/WebM `Segment/Tags/Tag/SimpleTag` with `TagName` `AIGC` (PG-20257A).
        case matroskaSimpleTag
        /// The `AIGC` key of an FLV `onMetaData` script tag (PG-20257A).
        case flvScriptData
    }

    /// The carried value: one text, or loose properties.
    public enum Payload: Sendable, Hashable {
        /// One text (JSON, wrapped JSON, `AIGC{…}` blob …) as the carrier holds it.
        case text(String)
        /// Loose Annex E properties, in document order.
        case properties([Property])
    }

    /// One loose property of an ``Kind/xmpProperties`` carrier.
    public struct Property: Sendable, Hashable {
        /// The property's local name, e.g. `Label`.
        public var key: String
        /// The value with XML entities resolved.
        public var value: String
        public init(key: String, value: String) {
            self.key = key
            self.value = value
        }
    }

    /// What kind of site carries the label.
    public var kind: Kind
    /// Human-readable site, e.g. `JPEG APP1[0] XMP TC260:AIGC (element)` or `PNG tEXt[1] "AIGC"`.
    public var location: String
    /// Byte offset of the payload (or of the carrying structure) in the file.
    public var offset: Int
    /// Length in bytes of the payload as stored (before decoding).
    public var length: Int
    /// Whether the carrier itself names the AIGC key (XMP `TC260:AIGC`, PNG keyword `AIGC`), so bare JSON is expected.
    public var keyed: Bool
    /// Whether this is a site the TC260 image guide PG-20259A defines.
    public var standard: Bool
    /// For XMP: the namespace URI bound to the prefix used (nil when unbound or not XMP).
    public var namespaceURI: String?
    /// The payload, decoded from the container.
    public var payload: Payload

    public init(
        kind: Kind, location: String, offset: Int, length: Int, keyed: Bool, standard: Bool,
        namespaceURI: String? = nil, payload: Payload
    ) {
        self.kind = kind
        self.location = location
        self.offset = offset
        self.length = length
        self.keyed = keyed
        self.standard = standard
        self.namespaceURI = namespaceURI
        self.payload = payload
    }

    /// The payload parsed against Annex E.
    public var parsedPayload: LabelPayload {
        switch payload {
        case .text(let text): LabelPayload.parse(text, keyed: keyed, location: location)
        case .properties(let props): LabelPayload.fromProperties(props.map { ($0.key, $0.value) }, location: location)
        }
    }
}
