extension MediaFormat {
    /// WAV: a RIFF/WAVE form (PCM or any codec WAVE carries).
    public static let wav = MediaFormat(
        id: "wav", displayName: "WAV", kind: .audio, mimeTypes: ["audio/wav", "audio/x-wav", "audio/wave", "audio/vnd.wave"],
        extensions: ["wav", "wave"])
}

/// WAV (RIFF, and RF64/BW64 whose sizes live in a `ds64` chunk): the label is a top-level RIFF chunk `AIGC` holding
/// the Annex E JSON (PG-202510A); some writers mirror it in
/// `LIST/INFO`, which Sigil reads (and reports) but never writes. C2PA sits in a RIFF `C2PA` chunk. The essence is
/// the `data` chunk's payload. Labels and manifests are written by editing chunk headers only
/// (``StreamingLabelWriting``, ``StreamingManifestCarrying``).
public struct WAVFormat: LabelReading, StreamingLabelWriting, EssenceLocating, StreamingManifestCarrying {
    public init() {}
    public var formats: [MediaFormat] { [.wav] }

    public func identify(_ prefix: [UInt8]) -> MediaFormat? {
        RIFFStructure.isRIFF(prefix, form: "WAVE") || RIFFStructure.isRF64(prefix) ? .wav : nil
    }

    public func scanLabels(_ bytes: [UInt8], into scan: inout ContainerScan) {
        RIFFLabels.scan(bytes, form: "WAVE", name: "WAV", into: &scan)
    }

    public func writeLabel(_ label: LabelAssignment, into bytes: [UInt8]) throws -> [UInt8] {
        try labelEdits(label, in: MemoryByteSource(bytes)).apply(to: bytes)
    }

    public func labelEdits(_ label: LabelAssignment, in source: any ByteSource) throws -> EditPlan {
        try RIFFLabels.edits(label, in: source, form: "WAVE", name: "WAV", before: "data")
    }

    public func essenceRanges(in source: any ByteSource) throws -> [Range<Int>] {
        let structure = try RIFFStructure(source, form: "WAVE", name: "WAV")
        guard let data = structure.first("data") else {
            throw structure.damage.first ?? SigilError(.malformed, "WAV file has no data chunk", offset: 12)
        }
        return [data.data]
    }

    public func findManifestStores(in bytes: [UInt8]) throws -> [EmbeddedManifestStore] {
        try RIFFManifestCarrier.find(bytes, form: "WAVE", name: "WAV")
    }
    public func manifestRemovalEdits(in source: any ByteSource) throws -> EditPlan {
        try Self.refuseRF64(source)
        return try RIFFManifestCarrier.removalEdits(in: source, form: "WAVE", name: "WAV")
    }
    public func manifestEdits(_ store: [UInt8], in source: any ByteSource) throws -> (plan: EditPlan, containerRange: Range<Int>) {
        try Self.refuseRF64(source)
        return try RIFFManifestCarrier.edits(store, in: source, form: "WAVE", name: "WAV")
    }

    /// C2PA's RIFF carrier edits the 32-bit RIFF size, which an RF64/BW64 file keeps in its `ds64` chunk.
    static func refuseRF64(_ source: any ByteSource) throws {
        if RIFFStructure.isRF64(try source.read(0..<min(source.count, 12))) {
            throw SigilError(.unsupportedFormat, "Sigil does not write C2PA into RF64/BW64 WAV files yet", offset: 0)
        }
    }
}
