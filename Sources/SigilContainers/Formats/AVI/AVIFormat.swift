extension MediaFormat {
    /// AVI: a RIFF `AVI ` form, with OpenDML `RIFF AVIX` extensions past 1 GB.
    public static let avi = MediaFormat(
        id: "avi", displayName: "AVI", kind: .video, mimeTypes: ["video/x-msvideo", "video/avi"], extensions: ["avi"])
}

/// AVI (RIFF `AVI `, and OpenDML files whose later data sits in `RIFF AVIX` forms): the label is the `AIGC` item of
/// the `LIST/INFO` chunk (PG-20257A), written by ``AVILabelWriter``; other INFO items are kept and the `movi` list
/// and `idx1` index are copied unchanged. The essence is the `movi` list of every RIFF form. C2PA sits in a RIFF
/// `C2PA` chunk appended to the `AVI ` form, as in WAV and WebP (decision 0035); an OpenDML file with `RIFF AVIX`
/// forms after it is refused, since growing the first form would move the forms its absolute indexes point into.
public struct AVIFormat: LabelReading, StreamingLabelWriting, EssenceLocating, StreamingManifestCarrying {
    public init() {}
    public var formats: [MediaFormat] { [.avi] }

    public func identify(_ prefix: [UInt8]) -> MediaFormat? {
        RIFFStructure.isRIFF(prefix, form: "AVI ") ? .avi : nil
    }

    public func scanLabels(_ bytes: [UInt8], into scan: inout ContainerScan) {
        RIFFLabels.scan(bytes, form: "AVI ", name: "AVI", infoIsStandard: true, into: &scan)
    }

    public func writeLabel(_ label: LabelAssignment, into bytes: [UInt8]) throws -> [UInt8] {
        try labelEdits(label, in: MemoryByteSource(bytes)).apply(to: bytes)
    }

    public func labelEdits(_ label: LabelAssignment, in source: any ByteSource) throws -> EditPlan {
        try AVILabelWriter(source: source).edits(label)
    }

    public func essenceRanges(in source: any ByteSource) throws -> [Range<Int>] {
        let layout = try AVILayout(source)
        return [layout.movi.data] + layout.extensions
    }

    public func findManifestStores(in bytes: [UInt8]) throws -> [EmbeddedManifestStore] {
        try RIFFManifestCarrier.find(bytes, form: "AVI ", name: "AVI")
    }

    public func manifestRemovalEdits(in source: any ByteSource) throws -> EditPlan {
        try Self.refuseExtensions(source)
        return try RIFFManifestCarrier.removalEdits(in: source, form: "AVI ", name: "AVI")
    }

    public func manifestEdits(_ store: [UInt8], in source: any ByteSource) throws -> (plan: EditPlan, containerRange: Range<Int>) {
        try Self.refuseExtensions(source)
        return try RIFFManifestCarrier.edits(store, in: source, form: "AVI ", name: "AVI")
    }

    /// C2PA's RIFF carrier grows or shrinks the first RIFF form, which would move every `RIFF AVIX` form after it and
    /// break the OpenDML indexes that hold their absolute offsets.
    static func refuseExtensions(_ source: any ByteSource) throws {
        let layout = try AVILayout(source)
        if let first = layout.extensions.first {
            throw SigilError(
                .unsupportedFormat,
                "Sigil does not write C2PA into OpenDML AVI files with RIFF AVIX forms yet (the first at offset \(first.lowerBound)): "
                    + "the manifest chunk would move the forms their indexes point into",
                offset: first.lowerBound)
        }
    }
}
