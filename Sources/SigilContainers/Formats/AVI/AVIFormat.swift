extension MediaFormat {
    /// AVI: a RIFF `AVI ` form, with OpenDML `RIFF AVIX` extensions past 1 GB.
    public static let avi = MediaFormat(
        id: "avi", displayName: "AVI", kind: .video, mimeTypes: ["video/x-msvideo", "video/avi"], extensions: ["avi"])
}

/// AVI (RIFF `AVI `, and OpenDML files whose later data sits in `RIFF AVIX` forms): the label is the `AIGC` item of
/// the `LIST/INFO` chunk (PG-20257A), written by ``AVILabelWriter``; other INFO items are kept and the `movi` list
/// and `idx1` index are copied unchanged. The essence is the `movi` list of every RIFF form.
public struct AVIFormat: LabelReading, StreamingLabelWriting, EssenceLocating {
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
}
