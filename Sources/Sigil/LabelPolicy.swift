/// Everything that decides how ``Labeler`` labels a file: which marks, who produced it, how the visible
/// label looks, and the limits that protect the process. One place decides policy; the rest obeys it.
public struct LabelPolicy: Sendable, Hashable {
    /// The marks to apply.
    public var marks: Set<Mark> = Set(Mark.supported)
    /// `ContentProducer`: the provider's PG-20252A code.
    public var producer: ProviderCode
    /// `ProduceID`; nil generates a fresh one per file.
    public var produceID: String?
    /// `ReservedCode1`, opaque; empty by default.
    public var reservedCode1: String = ""
    /// The visible label.
    public var explicit = ExplicitLabelSpec()
    /// The audio explicit label (GB 45438 5.3): the Morse "AI" rhythm label, where it goes and how loud.
    public var rhythm = RhythmLabelInserter()
    /// The explicit text label (GB 45438 5.1) for text, Markdown and HTML: its wording, language and position.
    public var textLabel = TextLabelInserter()
    /// Refuse images whose header declares more pixels than this, before decoding (decompression bombs).
    public var maxPixels: Int = 100_000_000
    /// JPEG quality when the pixels are re-encoded; nil keeps the quality estimated from the source.
    public var jpegQuality: Int?
    /// The provider's watermark key, required by the `watermark` mark (``WatermarkKeys/load(dataDirectory:keysDirectory:)``
    /// reads it from a keystore; ``Labeler`` reads none).
    public var watermarkKey: WatermarkKey?
    /// The provenance keys (C2PA signer chain, SM2 label key), required by the `c2pa` mark and the signed
    /// `ReservedCode1` (``ProvenanceKeyLoader`` reads them from a keystore; ``Labeler`` reads none).
    public var provenanceKeys: ProvenanceKeys?
    /// How `ReservedCode1` is signed when it is empty (decision 0200): SM3withSM2 by default, ES256, or nil to
    /// leave it unsigned.
    public var labelSignature: LabelSigner.Algorithm? = .sm2
    /// The digest that binds the signed `ReservedCode1` to the content: SHA-256 by default, SM3 on request
    /// (decision 0206).
    public var labelBinding: LabelSigner.BindingDigest = .sha256
    /// The C2PA `softwareAgent` of `c2pa.created`: the model or service that generated the content.
    public var softwareAgent = GeneratorInfo(name: "Sigil", version: SigilProvenanceVersion.current)
    /// The formats Sigil reads and writes; a program that adds its own format passes an extended registry.
    public var registry: MediaRegistry = .standard

    public init(producer: ProviderCode) {
        self.producer = producer
    }
}

/// What ``Labeler`` did to one file.
public struct LabelOutcome: Sendable {
    /// The labeled file.
    public var bytes: [UInt8]
    public var format: MediaFormat
    /// The implicit label written, when the `implicit` mark was applied.
    public var label: AIGCLabel
    /// The visible label, when the `explicit` mark was applied.
    public var explicit: PaintedLabel?
    /// The marks applied.
    public var marks: Set<Mark>
    /// The image's stored size; 0 for content that is not an image.
    public var width: Int
    public var height: Int
    /// The label of the C2PA manifest embedded, when the `c2pa` mark was applied.
    public var c2paManifest: String? = nil
    /// SHA-256 of the embedded manifest store's JUMBF bytes, when the file was labeled as a stream (``bytes`` is
    /// empty then; a record takes the hash from here).
    public var c2paStoreSHA256: [UInt8]? = nil
    /// SHA-256 of the whole labeled file, when labeling computed it on the way (a streamed manifest at the end of the
    /// file, decision 0036); a record takes it from here instead of reading the file again.
    public var fileSHA256: [UInt8]? = nil
    /// Where the audio rhythm label went and how loud, when the `explicit` mark was applied to audio.
    public var rhythm: RhythmLabelInserter.Outcome? = nil
    /// How compressed audio was encoded again around its rhythm label (`libmp3lame 128 kb/s`); nil when the
    /// samples were spliced without a re-encode (PCM WAV) or no rhythm label was added.
    public var audioReencoding: String? = nil
    /// The explicit text label written, read back, when the `explicit` mark was applied to text.
    public var textLabel: TextLabelReport? = nil
    /// Where the explicit text label was asked to go.
    public var textLabelPosition: TextLabel.Position? = nil
    /// Marks the policy asked for that this file could not take, each with the reason (the CLI prints them as
    /// warnings; ``marks`` lists only what was applied).
    public var notices: [String] = []
    /// The opening-frames label of a video (GB 45438 5.4), when the `explicit` mark was applied to one.
    public var opening: OpeningLabelOutcome? = nil
    /// How a video's frames took the watermark (decision 0106), when the `watermark` mark was applied to one.
    public var videoMark: VideoMarkOutcome? = nil
}

extension LabelOutcome {
    /// The outcome of labeling text that is not a file (a chat answer): the labeled text as UTF-8, the first-write
    /// label that names its producer and ProduceID, and the marks applied; what ``RecordKeeper`` records.
    public static func text(_ content: String, label: AIGCLabel, marks: Set<Mark>) -> LabelOutcome {
        LabelOutcome(bytes: Array(content.utf8), format: .plainText, label: label, explicit: nil, marks: marks, width: 0, height: 0)
    }

    /// The outcome of labeling a stream (audio sent as it was synthesised): no bytes are kept, so its record takes
    /// the SHA-256 of what was sent (``RecordKeeper/record(for:context:contentSHA256:time:)``).
    public static func stream(format: MediaFormat, label: AIGCLabel, marks: Set<Mark>) -> LabelOutcome {
        LabelOutcome(bytes: [], format: format, label: label, explicit: nil, marks: marks, width: 0, height: 0)
    }
}
