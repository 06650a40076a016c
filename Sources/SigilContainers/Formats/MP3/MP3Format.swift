extension MediaFormat {
    /// MP3 (MPEG-1/2 Layer III), with or without a leading ID3v2 tag.
    public static let mp3 = MediaFormat(id: "mp3", displayName: "MP3", kind: .audio, mimeTypes: ["audio/mpeg", "audio/mp3"], extensions: ["mp3"])
}

/// MP3: the label is an ID3v2 `TXXX` frame described `AIGC` (PG-202510A); C2PA sits in an ID3v2 `GEOB` frame.
/// The label is merged into the tag at the start (``ID3LabelWriter``), or a new ID3v2.4 tag is put before the
/// audio; the MPEG frames (Xing/LAME/VBRI header frame included), and APEv2 and ID3v1 tags at the end, are copied
/// as one span (``StreamingLabelWriting``). The essence is the MPEG frames.
public struct MP3Format: LabelReading, StreamingLabelWriting, EssenceLocating, ManifestCarrying {
    public init() {}
    public var formats: [MediaFormat] { [.mp3] }

    public func identify(_ prefix: [UInt8]) -> MediaFormat? {
        if prefix.matches(ascii: "ID3", at: 0), prefix.count >= 10, (2...4).contains(prefix[3]) { return .mp3 }
        // An MPEG audio frame sync (11 set bits) with a valid layer (III) and bitrate/sample-rate indices.
        guard prefix.count >= 4, prefix[0] == 0xFF, prefix[1] & 0xE0 == 0xE0 else { return nil }
        let layer = (prefix[1] >> 1) & 0x3
        let bitrate = prefix[2] >> 4
        let rate = (prefix[2] >> 2) & 0x3
        return layer == 1 && bitrate != 0xF && rate != 0x3 ? .mp3 : nil
    }

    public func scanLabels(_ bytes: [UInt8], into scan: inout ContainerScan) {
        ID3Labels.scan(bytes, into: &scan)
    }

    public func writeLabel(_ label: LabelAssignment, into bytes: [UInt8]) throws -> [UInt8] {
        try labelEdits(label, in: MemoryByteSource(bytes)).apply(to: bytes)
    }

    public func labelEdits(_ label: LabelAssignment, in source: any ByteSource) throws -> EditPlan {
        let structure = try MP3Structure(source)
        let tag = try ID3LabelWriter.tag(json: label.json, replacing: try structure.tag.map { try source.read($0) })
        var plan = EditPlan(sourceLength: source.count)
        plan.replace(structure.tag ?? 0..<0, with: tag)
        return plan
    }

    public func essenceRanges(in source: any ByteSource) throws -> [Range<Int>] {
        [try MP3Structure(source).audio]
    }

    public func findManifestStores(in bytes: [UInt8]) throws -> [EmbeddedManifestStore] { try ID3ManifestCarrier.find(bytes) }
    public func removeManifestStores(from bytes: [UInt8]) throws -> [UInt8] { try ID3ManifestCarrier.remove(bytes) }
    public func embedManifestStore(_ store: [UInt8], into bytes: [UInt8]) throws -> (bytes: [UInt8], containerRange: Range<Int>) {
        try ID3ManifestCarrier.embed(store, into: bytes)
    }
}
