/// An EBML element header in a file: its ID, where it starts, where its data starts and ends.
struct EBMLElement: Sendable, Hashable {
    var id: UInt32
    var offset: Int
    var dataStart: Int
    var end: Int
    /// Whether the size was "unknown" (the end found by walking).
    var unknownSize: Bool
    /// The width of the size field.
    var sizeWidth: Int

    var range: Range<Int> { offset..<end }
    var data: Range<Int> { dataStart..<end }
}

/// The top of a Matroska or WebM file, read from element headers only: the EBML header's DocType, the Segment and
/// its level-1 elements (SeekHead, Info, Tracks, Tags, Clusters, Cues, …) in file order. Cluster data are never
/// read, except the headers of an unknown-size Cluster's children (to find its end) and of its first children
/// (whether it carries a `Position`).
struct MatroskaLayout {
    /// The `DocType` (`matroska`, `webm`), empty when the header has none.
    var docType: String
    var segment: EBMLElement
    /// Where the Segment's data ends (the file's end for an unknown size).
    var segmentEnd: Int
    /// The Segment's level-1 elements, in file order.
    var children: [EBMLElement]
    /// Whether a Cluster carries a `Position` element (a Segment-relative position inside the essence).
    var clusterPositions: Bool
    /// The first damage met, when read leniently (the elements before it are kept).
    var damage: SigilError?

    /// The largest number of level-1 elements read (a Cluster every few seconds makes thousands in an hour).
    static let maximumChildren = 1 << 20

    /// - Parameter lenient: record the first damage in ``damage`` and keep what came before, instead of throwing.
    /// - Throws: ``SigilError`` naming the element and offset (when not lenient).
    init(_ source: any ByteSource, lenient: Bool = false) throws {
        var reader = WindowReader(source: source)
        let header = try reader.element(at: 0, limit: source.count, name: "the EBML header")
        guard header.id == EBML.ID.header, !header.unknownSize else {
            throw SigilError.malformed("the file", at: 0, "does not start with an EBML header of known size")
        }
        guard header.data.count <= 4096 else {
            throw SigilError(.capacity, "the EBML header at offset 0 is \(header.data.count) bytes, more than Sigil reads", offset: 0)
        }
        let headerData = try source.read(header.data)
        let fields = try EBMLNode.parse(headerData, 0..<headerData.count, base: header.dataStart, masters: [])
        docType = fields.first { $0.id == EBML.ID.docType }?.text ?? ""
        var at = header.end
        var found: EBMLElement?
        while at < source.count {
            let element = try reader.element(at: at, limit: source.count, name: "a top-level EBML element")
            if element.id == EBML.ID.segment {
                found = element
                break
            }
            guard element.id == EBML.ID.void || element.id == EBML.ID.crc32, !element.unknownSize else {
                throw SigilError.malformed("the EBML element \(EBML.name(element.id))", at: at, "comes before the Segment")
            }
            at = element.end
        }
        guard let segment = found else { throw SigilError(.malformed, "the Matroska file has no Segment", offset: header.end) }
        self.segment = segment
        segmentEnd = segment.unknownSize ? source.count : segment.end
        children = []
        clusterPositions = false
        damage = nil
        at = segment.dataStart
        do {
            while at < segmentEnd {
                var element = try reader.element(at: at, limit: segmentEnd, name: "a Segment element")
                if element.unknownSize {
                    guard element.id == EBML.ID.cluster else {
                        throw SigilError.malformed(
                            "the Segment element \(EBML.name(element.id))", at: at, "has an unknown size, which only Segment and Cluster may have")
                    }
                    element.end = try Self.clusterEnd(element, reader: &reader, limit: segmentEnd)
                }
                if element.id == EBML.ID.cluster, !clusterPositions {
                    clusterPositions = try Self.hasPosition(element, reader: &reader)
                }
                guard children.count < Self.maximumChildren else {
                    throw SigilError(.capacity, "the Matroska Segment has more than \(Self.maximumChildren) elements", offset: at)
                }
                children.append(element)
                at = element.end
            }
        } catch let error as SigilError {
            guard lenient else { throw error }
            damage = error
        }
    }

    /// Where an unknown-size Cluster ends: at the first element that cannot be its child, or `limit`.
    static func clusterEnd(_ cluster: EBMLElement, reader: inout WindowReader, limit: Int) throws -> Int {
        var at = cluster.dataStart
        while at < limit {
            let child = try reader.element(at: at, limit: limit, name: "a Cluster element")
            if EBML.ID.topLevel.contains(child.id) { return at }
            guard !child.unknownSize else {
                throw SigilError.malformed("the Cluster element \(EBML.name(child.id))", at: at, "has an unknown size inside an unknown-size Cluster")
            }
            at = child.end
        }
        return limit
    }

    /// Whether one of the Cluster's first three children is a `Position` (0xA7).
    static func hasPosition(_ cluster: EBMLElement, reader: inout WindowReader) throws -> Bool {
        var at = cluster.dataStart
        for _ in 0..<3 where at < cluster.end {
            let child = try reader.element(at: at, limit: cluster.end, name: "a Cluster element")
            if child.id == EBML.ID.clusterPosition { return true }
            if child.unknownSize { return false }
            at = child.end
        }
        return false
    }

    /// The level-1 elements with `id`.
    func elements(_ id: UInt32) -> [EBMLElement] { children.filter { $0.id == id } }

    /// The index of the first Cluster in ``children`` (their count when there is none).
    var firstClusterIndex: Int { children.firstIndex { $0.id == EBML.ID.cluster } ?? children.count }
}

extension WindowReader {
    /// The element header at `offset`, whose element must end by `limit`.
    ///
    /// - Throws: ``SigilError`` for an invalid ID or size, or a size past `limit`.
    mutating func element(at offset: Int, limit: Int, name: @autoclosure () -> String) throws -> EBMLElement {
        let head = try bytes(at: offset, count: min(12, max(0, limit - offset)))
        guard let id = EBML.vint(head, at: 0, keepMarker: true), id.width <= 4, let size = EBML.vint(head, at: id.width, keepMarker: false) else {
            if head.count < 12 {
                throw SigilError(.truncated, "\(name()) at offset \(offset) is cut off: \(limit - offset) bytes remain", offset: offset)
            }
            throw SigilError.malformed(name(), at: offset, "is not a valid EBML ID and size")
        }
        let dataStart = offset + id.width + size.width
        if size.allOnes {
            return EBMLElement(id: UInt32(id.value), offset: offset, dataStart: dataStart, end: limit, unknownSize: true, sizeWidth: size.width)
        }
        guard size.value <= UInt64(limit - dataStart) else {
            throw SigilError.truncated(
                "the EBML element \(EBML.name(UInt32(id.value)))", at: offset, needs: Int(clamping: size.value), remaining: limit - dataStart)
        }
        return EBMLElement(
            id: UInt32(id.value), offset: offset, dataStart: dataStart, end: dataStart + Int(size.value), unknownSize: false, sizeWidth: size.width)
    }
}
