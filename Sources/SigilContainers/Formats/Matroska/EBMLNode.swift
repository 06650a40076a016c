/// One EBML element read into memory: a master element's children, or a leaf's data. Used for the small level-1
/// elements a label edits (`Tags`, `SeekHead`, `Cues`), never for Clusters.
struct EBMLNode: Sendable, Hashable {
    var id: UInt32
    /// The leaf's data (empty for a master element).
    var data: [UInt8]
    /// The master element's children, or nil for a leaf.
    var children: [EBMLNode]?
    /// The width of the size as read, kept when the element is written back and its size still fits.
    var sizeWidth: Int
    /// Where the element's data started in the file (for locations and carrier offsets).
    var dataOffset: Int

    init(id: UInt32, data: [UInt8] = [], children: [EBMLNode]? = nil, sizeWidth: Int = 1, dataOffset: Int = 0) {
        self.id = id
        self.data = data
        self.children = children
        self.sizeWidth = sizeWidth
        self.dataOffset = dataOffset
    }

    /// The elements in `bytes[range]`, where `base` is the file offset of `bytes[0]`; `masters` are the IDs whose
    /// data are elements too. Unknown sizes, sizes past the parent's end and nesting deeper than
    /// ``EBML/maximumDepth`` are errors naming the offset.
    static func parse(_ bytes: [UInt8], _ range: Range<Int>, base: Int, masters: Set<UInt32>, depth: Int = 0) throws -> [EBMLNode] {
        guard depth <= EBML.maximumDepth else {
            throw SigilError.malformed("an EBML element", at: base + range.lowerBound, "is nested deeper than \(EBML.maximumDepth) levels")
        }
        var nodes: [EBMLNode] = []
        var at = range.lowerBound
        while at < range.upperBound {
            let limited = Array(bytes[at..<min(range.upperBound, at + 12)])
            guard let id = EBML.vint(limited, at: 0, keepMarker: true), id.width <= 4,
                let size = EBML.vint(limited, at: id.width, keepMarker: false)
            else {
                throw SigilError.malformed("an EBML element header", at: base + at, "is not a valid ID and size, or is cut off by its parent's end")
            }
            let dataStart = at + id.width + size.width
            guard !size.allOnes else {
                throw SigilError.malformed(
                    "the EBML element \(EBML.name(UInt32(id.value)))", at: base + at, "has an unknown size where none is allowed")
            }
            guard size.value <= UInt64(range.upperBound - dataStart) else {
                throw SigilError.truncated(
                    "the EBML element \(EBML.name(UInt32(id.value)))", at: base + at, needs: Int(clamping: size.value),
                    remaining: range.upperBound - dataStart)
            }
            let end = dataStart + Int(size.value)
            let elementID = UInt32(id.value)
            if masters.contains(elementID) {
                let children = try parse(bytes, dataStart..<end, base: base, masters: masters, depth: depth + 1)
                nodes.append(EBMLNode(id: elementID, children: children, sizeWidth: size.width, dataOffset: base + dataStart))
            } else {
                nodes.append(EBMLNode(id: elementID, data: Array(bytes[dataStart..<end]), sizeWidth: size.width, dataOffset: base + dataStart))
            }
            at = end
        }
        return nodes
    }

    /// The element's bytes: its size in its old width when it fits, and a `CRC-32` first child recomputed over the
    /// children after it.
    var bytes: [UInt8] {
        guard let children else { return EBML.element(id, data, sizeWidth: sizeWidth) }
        var body: [UInt8] = []
        for child in children where child.id != EBML.ID.crc32 { body += child.bytes }
        if children.first?.id == EBML.ID.crc32 {
            body = EBML.element(EBML.ID.crc32, Zlib.crc32(body).littleEndianBytes(4)) + body
        }
        return EBML.element(id, body, sizeWidth: sizeWidth)
    }

    /// The first child with `id`.
    func child(_ id: UInt32) -> EBMLNode? { children?.first { $0.id == id } }

    /// The leaf's data as UTF-8 text (a trailing NUL padding removed).
    var text: String {
        var end = data.count
        while end > 0, data[end - 1] == 0 { end -= 1 }
        return TextDecoding.utf8OrLatin1(Array(data[..<end]))
    }
}
