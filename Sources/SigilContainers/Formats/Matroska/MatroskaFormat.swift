extension MediaFormat {
    /// Matroska (EBML DocType `matroska`): video, audio-only `.mka` too.
    public static let matroska = MediaFormat(
        id: "mkv", displayName: "Matroska", kind: .video, mimeTypes: ["video/x-matroska", "audio/x-matroska"], extensions: ["mkv", "mka", "mk3d"])
    /// WebM (EBML DocType `webm`): the Matroska subset browsers play.
    public static let webm = MediaFormat(
        id: "webm", displayName: "WebM", kind: .video, mimeTypes: ["video/webm", "audio/webm"], extensions: ["webm"])
}

/// Matroska and WebM (EBML, RFC 8794 and RFC 9559), told apart by the EBML header's `DocType`. The label is a
/// `SimpleTag` named `AIGC` whose `TagString` is the Annex E JSON, in `Segment/Tags/Tag` (PG-20257A), read from
/// every `Tags` element of the Segment (also after the last Cluster) and written before the first Cluster by
/// ``MatroskaLabelWriter`` as edits of the file. The essence is the Clusters.
public struct MatroskaFormat: LabelReading, StreamingLabelWriting, EssenceLocating {
    public init() {}
    public var formats: [MediaFormat] { [.matroska, .webm] }

    public func identify(_ prefix: [UInt8]) -> MediaFormat? {
        guard prefix.matches([0x1A, 0x45, 0xDF, 0xA3], at: 0) else { return nil }
        // DocType element 0x4282, size 0x84, "webm".
        return prefix.firstIndex(of: [0x42, 0x82, 0x84] + Array("webm".utf8)) != nil ? .webm : .matroska
    }

    public func scanLabels(_ bytes: [UInt8], into scan: inout ContainerScan) {
        let name = displayName(bytes)
        let source = MemoryByteSource(bytes)
        let layout: MatroskaLayout
        do {
            layout = try MatroskaLayout(source, lenient: true)
        } catch let error as SigilError {
            scan.findings.append(.structural(error, site: "\(name) header"))
            return
        } catch {
            return
        }
        if let damage = layout.damage { scan.findings.append(.structural(damage, site: "\(name) Segment")) }
        for (index, element) in layout.elements(EBML.ID.tags).enumerated() {
            do {
                let tags = try MatroskaTags.read(element, from: source)
                scan.carriers += MatroskaTags.carriers(tags, site: "\(name) Segment/Tags[\(index)]")
            } catch let error as SigilError {
                scan.findings.append(.structural(error, site: "\(name) Segment/Tags[\(index)]"))
            } catch {}
        }
        if !layout.segment.unknownSize, layout.damage == nil {
            TrailingData.check(bytes, from: layout.segmentEnd, after: "\(name) Segment", into: &scan)
        }
    }

    public func writeLabel(_ label: LabelAssignment, into bytes: [UInt8]) throws -> [UInt8] {
        try labelEdits(label, in: MemoryByteSource(bytes)).apply(to: bytes)
    }

    public func labelEdits(_ label: LabelAssignment, in source: any ByteSource) throws -> EditPlan {
        let name = displayName(try source.read(0..<min(64, source.count)))
        return try MatroskaLabelWriter(source: source, name: name).edits(json: label.json)
    }

    public func essenceRanges(in source: any ByteSource) throws -> [Range<Int>] {
        let clusters = try MatroskaLayout(source).elements(EBML.ID.cluster).map(\.range)
        guard !clusters.isEmpty else { throw SigilError(.malformed, "the Matroska file has no Cluster", offset: 0) }
        return clusters
    }

    /// `Matroska` or `WebM`, for messages.
    func displayName(_ prefix: [UInt8]) -> String { (identify(prefix) ?? .matroska).displayName }
}
