/// Writes the `AIGC` `SimpleTag` of a Matroska/WebM file as edits of the file.
///
/// - The label goes into the first `Tags` element before the first Cluster (made there when there is none), as a
///   `Tag` of its own; every other `AIGC` `SimpleTag` in any `Tags` element (also after the last Cluster, where
///   mkvpropedit puts them) is removed, other tags are kept. A `Tags` element that shrinks keeps its length with a
///   `Void`, so nothing after it moves.
/// - Placement: the `Tags` element and the `Void`s beside it share their old bytes when the new `Tags` fits (nothing
///   moves); a new `Tags` element takes a `Void` that fits. Otherwise the Clusters after it move, and every
///   Segment-relative position that points past it is rewritten: `SeekHead` `SeekPosition`s and `Cues`
///   `CueClusterPosition`/`CueCodecState`/`CueRefCluster` (a rewritten position may need a wider integer, so the
///   layout is recomputed until it settles). Clusters carrying a `Position` element are refused when they would
///   move: that position sits inside the essence.
/// - The Segment's size is updated (an unknown size stays unknown); Block and SimpleBlock bytes are copied.
struct MatroskaLabelWriter {
    let source: any ByteSource
    let name: String

    /// The largest `SeekHead` or `Cues` element read into memory.
    static let maximumIndexLength = 64 << 20
    static let seekMasters: Set<UInt32> = [EBML.ID.seek]
    static let cueMasters: Set<UInt32> = [EBML.ID.cuePoint, EBML.ID.cueTrackPositions, EBML.ID.cueReference]

    /// The edits that leave exactly one `AIGC` `SimpleTag` holding `json`.
    ///
    /// - Throws: ``SigilError`` for a damaged file, or clusters with `Position` elements that would have to move.
    func edits(json: String) throws -> EditPlan {
        let layout = try MatroskaLayout(source)
        let children = layout.children
        let firstCluster = layout.firstClusterIndex
        var tags: [Int: (tags: [EBMLNode], removed: Bool)] = [:]
        for (index, element) in children.enumerated() where element.id == EBML.ID.tags {
            tags[index] = MatroskaTags.removingLabels(try MatroskaTags.read(element, from: source))
        }
        // The Tags before the first Cluster that holds a label (ours, from an earlier run), else the first one there.
        let before = tags.keys.filter { $0 < firstCluster }.sorted()
        let target = before.first { tags[$0]!.removed } ?? before.first
        let label = MatroskaTags.labelTag(json)

        func voidRun(around index: Int) -> Range<Int> {
            var first = index
            var last = index
            while first > 0, children[first - 1].id == EBML.ID.void { first -= 1 }
            while last + 1 < firstCluster, children[last + 1].id == EBML.ID.void { last += 1 }
            return children[first].offset..<children[last].end
        }
        // Where the label goes: the target Tags and the Voids beside it when the new Tags fits there; else a new
        // Tags in a run of Voids that fits it; else the target Tags grows (or a new Tags goes before the first Cluster).
        var region: Range<Int>
        var placed: [UInt8]
        var merged = false
        if let target,
            let fit = EBML.element(
                EBML.ID.tags, (tags[target]!.tags + [label]).flatMap(\.bytes), filling: voidRun(around: target).count,
                preferredWidth: children[target].sizeWidth)
        {
            region = voidRun(around: target)
            placed = fit
            merged = true
        } else if let room = children[..<firstCluster].indices.lazy.filter({ children[$0].id == EBML.ID.void }).compactMap({ index in
            EBML.element(EBML.ID.tags, label.bytes, filling: voidRun(around: index).count, preferredWidth: 4).map { (voidRun(around: index), $0) }
        }).first {
            (region, placed) = room
        } else if let target {
            region = voidRun(around: target)
            placed = EBML.element(EBML.ID.tags, (tags[target]!.tags + [label]).flatMap(\.bytes), sizeWidth: children[target].sizeWidth)
            merged = true
        } else {
            let at = firstCluster < children.count ? children[firstCluster].offset : (children.last?.end ?? layout.segment.dataStart)
            var first = firstCluster
            while first > 0, children[first - 1].id == EBML.ID.void { first -= 1 }
            region = (first < firstCluster ? children[first].offset : at)..<at
            placed = EBML.element(EBML.ID.tags, label.bytes, filling: region.count, preferredWidth: 4) ?? EBML.element(EBML.ID.tags, label.bytes)
        }
        var fixed: [(Range<Int>, [UInt8])] = [(region, placed)]
        // Every other Tags element that held a label keeps its length, padded with a Void, so nothing after it moves.
        for (index, entry) in tags where entry.removed && !(merged && index == target) {
            let element = children[index]
            let replacement =
                entry.tags.isEmpty
                ? EBML.void(element.range.count)
                : EBML.element(EBML.ID.tags, entry.tags.flatMap(\.bytes), filling: element.range.count, preferredWidth: element.sizeWidth)
            guard let replacement else {
                throw SigilError(
                    .malformed, "the \(name) Tags element at offset \(element.offset) cannot be rewritten in place", offset: element.offset)
            }
            fixed.append((element.range, replacement))
        }

        // The indexes, rewritten until their lengths settle.
        var indexes: [(element: EBMLElement, nodes: [EBMLNode])] = []
        for element in children where element.id == EBML.ID.seekHead || element.id == EBML.ID.cues {
            guard element.range.count <= Self.maximumIndexLength else {
                throw SigilError(
                    .capacity,
                    "the \(name) \(element.id == EBML.ID.cues ? "Cues" : "SeekHead") element at offset \(element.offset) is larger than Sigil reads",
                    offset: element.offset)
            }
            let data = try source.read(element.data)
            let masters = element.id == EBML.ID.cues ? Self.cueMasters : Self.seekMasters
            let nodes = try EBMLNode.parse(data, 0..<data.count, base: element.dataStart, masters: masters)
            indexes.append((element, nodes))
        }
        var rewritten = indexes.map { EBMLNode(id: $0.element.id, children: $0.nodes, sizeWidth: $0.element.sizeWidth).bytes }
        var plan = EditPlan(sourceLength: source.count)
        for _ in 0..<8 {
            plan = EditPlan(sourceLength: source.count)
            for (range, bytes) in fixed { plan.replace(range, with: bytes) }
            for (index, entry) in indexes.enumerated() { plan.replace(entry.element.range, with: rewritten[index]) }
            let segmentStart = layout.segment.dataStart
            let newStart = plan.newOffset(of: segmentStart)
            let current = plan
            let mapped: (UInt64) -> UInt64 = { position in
                guard position <= UInt64(source.count - segmentStart) else { return position }
                let absolute = segmentStart + Int(position)
                let anchor = region.contains(absolute) ? region.lowerBound : absolute
                return UInt64(max(0, current.newOffset(of: anchor) - newStart))
            }
            let next = indexes.map { entry in
                EBMLNode(id: entry.element.id, children: entry.nodes.map { Self.mapPositions($0, mapped) }, sizeWidth: entry.element.sizeWidth).bytes
            }
            if next.map(\.count) == rewritten.map(\.count) {
                rewritten = next
                plan = EditPlan(sourceLength: source.count)
                for (range, bytes) in fixed { plan.replace(range, with: bytes) }
                for (index, entry) in indexes.enumerated() { plan.replace(entry.element.range, with: rewritten[index]) }
                return try finish(plan, layout: layout)
            }
            rewritten = next
        }
        throw SigilError(.malformed, "the \(name) index positions did not settle after 8 passes", offset: layout.segment.offset)
    }

    /// `plan` with the Segment's size updated, after checking that no Cluster carrying a `Position` moved.
    func finish(_ plan: EditPlan, layout: MatroskaLayout) throws -> EditPlan {
        var plan = plan
        let growth = plan.resultLength - source.count
        if layout.clusterPositions, let cluster = layout.elements(EBML.ID.cluster).first,
            plan.newOffset(of: cluster.offset) - plan.newOffset(of: layout.segment.dataStart) != cluster.offset - layout.segment.dataStart
        {
            throw SigilError(
                .unsupportedFormat,
                "the \(name) file has no room for the label before its first Cluster at offset \(cluster.offset), and its Clusters carry Position elements; Sigil does not rewrite Clusters",
                offset: cluster.offset)
        }
        guard !layout.segment.unknownSize, growth != 0 else { return plan }
        let newSize = layout.segment.data.count + growth
        let sizeField = (layout.segment.dataStart - layout.segment.sizeWidth)..<layout.segment.dataStart
        guard let size = EBML.encodeSize(newSize, width: layout.segment.sizeWidth) ?? EBML.encodeSize(newSize, width: EBML.sizeWidth(newSize)) else {
            throw SigilError(.capacity, "the \(name) Segment would be too large", offset: layout.segment.offset)
        }
        plan.replace(sizeField, with: size)
        return plan
    }

    /// `node` with its Segment-relative positions mapped.
    static func mapPositions(_ node: EBMLNode, _ map: (UInt64) -> UInt64) -> EBMLNode {
        var node = node
        if let children = node.children {
            node.children = children.map { mapPositions($0, map) }
            return node
        }
        let positional: Set<UInt32> = [
            EBML.ID.seekPosition, EBML.ID.cueClusterPosition, EBML.ID.cueCodecState, EBML.ID.cueRefCluster, EBML.ID.cueRefCodecState,
        ]
        guard positional.contains(node.id), let value = EBML.uint(node.data) else { return node }
        if (node.id == EBML.ID.cueCodecState || node.id == EBML.ID.cueRefCodecState) && value == 0 { return node }
        node.data = EBML.uint(map(value), minimumWidth: node.data.count)
        return node
    }
}
