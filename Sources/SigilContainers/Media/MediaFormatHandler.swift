/// A format's handler: how Sigil recognises one container format. Everything else a format can do is a separate,
/// optional capability protocol below; a handler adopts the ones its format supports, and ``MediaRegistry`` finds
/// them with a cast (`registry.handler(for: bytes) as? any LabelReading`).
///
/// One handler lives in one folder under `Sources/SigilContainers/Formats/<Format>/` and is listed once in
/// ``MediaRegistry/standard``. The article "Adding a format" in the `Sigil` documentation walks through it.
public protocol MediaFormatHandler: Sendable {
    /// The formats this handler recognises: usually one; ISO BMFF tells MP4, MOV, M4A and HEIF apart by brand.
    var formats: [MediaFormat] { get }

    /// The format of a file whose first bytes are `prefix` (up to ``MediaRegistry/sniffLength`` bytes, fewer for
    /// a short file), or nil when they are not this handler's. Reads magic numbers only: never allocates in
    /// proportion to a declared length.
    func identify(_ prefix: [UInt8]) -> MediaFormat?

    /// Whether this handler is asked only after every other has declined (``FallbackIdentifying``). Answered by the
    /// protocols' extensions, never implemented by a handler: a requirement, not a cast, because the first cast of a
    /// type to a protocol scans every conformance in the program (about a millisecond per handler at start-up).
    var identifiesAsFallback: Bool { get }
}

extension MediaFormatHandler {
    public var identifiesAsFallback: Bool { false }
}

/// A handler that recognises what no other handler claims (plain text has no magic number): ``MediaRegistry``
/// asks it only when every other handler has declined, and never reports it as a polyglot's second format.
public protocol FallbackIdentifying: MediaFormatHandler {}

extension FallbackIdentifying {
    public var identifiesAsFallback: Bool { true }
}

/// A format whose files can hold GB 45438-2025 file-metadata labels that Sigil reads: every site, including
/// the non-standard ones real generators use.
public protocol LabelReading: MediaFormatHandler {
    /// Appends every AIGC carrier in `bytes` and every structural finding (damage, trailing data) to `scan`.
    /// Never throws: damage becomes findings, and carriers found before it are kept.
    func scanLabels(_ bytes: [UInt8], into scan: inout ContainerScan)
}

/// A format Sigil writes the one file-metadata label into, in the site its TC260 guide names, replacing any
/// label already there (GB 45438 6.1 c) and leaving the essence byte-identical.
public protocol LabelWriting: MediaFormatHandler {
    /// `bytes` with `label` written.
    ///
    /// - Throws: ``SigilError`` for a damaged container or a label that does not fit the site.
    func writeLabel(_ label: LabelAssignment, into bytes: [UInt8]) throws -> [UInt8]
}

/// A format whose label can be written by reading only its structure: the handler returns the edits and the
/// caller copies every untouched span with the kernel, so labeling a file costs memory in proportion to its
/// metadata, never to its length.
public protocol StreamingLabelWriting: LabelWriting {
    /// The edits that write `label` into the file `source` reads.
    ///
    /// - Throws: ``SigilError`` for a damaged container (naming the structure and offset).
    func labelEdits(_ label: LabelAssignment, in source: any ByteSource) throws -> EditPlan
}

/// A format with a first XMP packet Sigil can read back (its own `sigil:` properties).
public protocol XMPPacketLocating: MediaFormatHandler {
    /// The bytes of the first XMP packet, or nil.
    func firstXMPPacket(in bytes: [UInt8]) -> [UInt8]?
}

/// A format with a header that tells an image's size and orientation without decoding pixels.
public protocol ImageHeaderReading: MediaFormatHandler {
    /// The header of `bytes`.
    ///
    /// - Throws: ``SigilError`` `.truncated`/`.malformed` naming the structure and offset.
    func imageHeader(_ bytes: [UInt8]) throws -> ImageHeader
}

/// A format whose essence (compressed image data, audio frames, video samples) Sigil can single out: what a
/// metadata-only label must leave byte-identical and what a signed label binds to.
public protocol EssenceLocating: MediaFormatHandler {
    /// The byte ranges of the essence, in file order.
    ///
    /// - Throws: ``SigilError`` when the container holds no essence or is too damaged to walk.
    func essenceRanges(in source: any ByteSource) throws -> [Range<Int>]

    /// Whether ``essenceRanges(in:)`` reads the whole file to find the ranges (a JPEG's markers after its scans). A
    /// digest of such a format then reads the file once and hashes from those bytes, instead of reading it twice.
    var locatingReadsWholeFile: Bool { get }
}

extension EssenceLocating {
    /// By default a format finds its essence from its headers and index, without reading the essence.
    public var locatingReadsWholeFile: Bool { false }
}

/// A format that carries a C2PA manifest store (C2PA 2.x, "Embedding manifests into assets").
public protocol ManifestCarrying: MediaFormatHandler {
    /// Every manifest store in `bytes`.
    func findManifestStores(in bytes: [UInt8]) throws -> [EmbeddedManifestStore]
    /// Whether Sigil can embed a store in this format (HEIF is read-only for now).
    var embedsManifests: Bool { get }
    /// `bytes` without any manifest store.
    func removeManifestStores(from bytes: [UInt8]) throws -> [UInt8]
    /// `bytes` with `store` embedded where c2pa-rs puts it, and the container bytes a data hash must exclude.
    /// `bytes` holds no store already.
    func embedManifestStore(_ store: [UInt8], into bytes: [UInt8]) throws -> (bytes: [UInt8], containerRange: Range<Int>)
}

extension ManifestCarrying {
    public var embedsManifests: Bool { true }
}

/// A manifest-carrying format whose manifests bind to its content with a `c2pa.hash.collection.data` assertion
/// (C2PA 2.x, "Embedding manifests into ZIP-based formats") instead of a data hash: the format is a collection of
/// named parts (a ZIP archive), each hashed on its own, and its directory hashed beside them. A format that adopts
/// this protocol is signed and validated with the collection hash; every other ``ManifestCarrying`` format with the
/// data hash.
public protocol ManifestCollectionLocating: ManifestCarrying {
    /// The parts and directory bytes a collection hash covers in `bytes`, which may hold a manifest store.
    ///
    /// - Throws: ``SigilError`` for a damaged container, or a part name that is not a relative URI, or two parts with
    ///   one name (a hash per name could not tell them apart).
    func manifestCollection(in bytes: [UInt8]) throws -> ManifestCollection
}

/// A manifest-carrying ISO BMFF format (MP4, MOV, M4A) whose manifests bind to its content with a
/// `c2pa.hash.bmff.v3` assertion (C2PA 2.x, "BMFF-based hash") instead of a data hash: the hash covers every
/// top-level box but the excluded ones (the C2PA `uuid` box, `ftyp`, `mfra`), each prefixed with its file offset, so
/// the store's box may move the boxes after it. A format that adopts this protocol is signed with the BMFF hash;
/// validation picks the hash by the assertion's label, as for every binding (decision 0209).
public protocol ManifestBoxLocating: ManifestCarrying {
    /// Every box of the file `source` reads (which may hold a manifest store), depth first, as the BMFF hash's
    /// exclusions name them. Only box headers are read: a video's `mdat` payload is not.
    ///
    /// - Throws: ``SigilError`` for a damaged box structure.
    func manifestBoxes(in source: any ByteSource) throws -> [BMFFBox]
}

extension ManifestBoxLocating {
    /// Every box of `bytes`, depth first (``manifestBoxes(in:)-(any ByteSource)``).
    public func manifestBoxes(in bytes: [UInt8]) throws -> [BMFFBox] { try manifestBoxes(in: MemoryByteSource(bytes)) }
}

/// A manifest-carrying format whose store is placed and removed by reading only the file's structure: the handler
/// returns edits and the caller copies every untouched span with the kernel, so signing a file with a C2PA manifest
/// costs memory in proportion to its metadata, never to its length (WAV, MP4/MOV, M4A). Its
/// ``ManifestCarrying/embedManifestStore(_:into:)`` and ``ManifestCarrying/removeManifestStores(from:)`` are these
/// edits applied to bytes, so the in-memory and the streaming signer write the same file.
public protocol StreamingManifestCarrying: ManifestCarrying {
    /// The edits that remove every manifest store from the file `source` reads (an empty plan when it holds none).
    ///
    /// - Throws: ``SigilError`` for a damaged container (naming the structure and offset).
    func manifestRemovalEdits(in source: any ByteSource) throws -> EditPlan

    /// The edits that embed `store` in the file `source` reads (which holds no store), and the container bytes a
    /// data hash must exclude, as offsets in the edited file.
    ///
    /// - Throws: ``SigilError`` for a damaged container or a store the container cannot hold.
    func manifestEdits(_ store: [UInt8], in source: any ByteSource) throws -> (plan: EditPlan, containerRange: Range<Int>)
}

extension StreamingManifestCarrying {
    public func removeManifestStores(from bytes: [UInt8]) throws -> [UInt8] {
        let plan = try manifestRemovalEdits(in: MemoryByteSource(bytes))
        return plan.isEmpty ? bytes : plan.apply(to: bytes)
    }

    public func embedManifestStore(_ store: [UInt8], into bytes: [UInt8]) throws -> (bytes: [UInt8], containerRange: Range<Int>) {
        let placed = try manifestEdits(store, in: MemoryByteSource(bytes))
        return (placed.plan.apply(to: bytes), placed.containerRange)
    }
}

/// What a label writer writes: the Annex E JSON (bare, for keyed sites), the wrapped `{"AIGC":{…}}` form (for
/// sites without a key), and extra XMP properties where the format carries XMP (Sigil's record of the visible
/// label).
public struct LabelAssignment: Sendable, Hashable {
    public var json: String
    public var wrappedJSON: String
    public var extra: [XMPProperty]

    public init(json: String, wrappedJSON: String, extra: [XMPProperty] = []) {
        self.json = json
        self.wrappedJSON = wrappedJSON
        self.extra = extra
    }

    /// The assignment for `label`.
    public init(_ label: AIGCLabel, extra: [XMPProperty] = []) {
        self.init(json: label.json, wrappedJSON: label.wrappedJSON, extra: extra)
    }
}

/// An image format whose metadata Sigil carries over to a re-encoded copy of the pixels (after the visible label
/// or the watermark changed them), so only the pixels change.
public protocol MetadataTransplanting: MediaFormatHandler {
    /// `encoded` (a fresh encode of the same format) with `original`'s metadata.
    func transplantMetadata(from original: [UInt8], into encoded: [UInt8]) throws -> [UInt8]
}
