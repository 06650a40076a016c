/// The `AIGC` `SimpleTag`s of a Matroska `Tags` element (PG-20257A: `Segment/Tags/Tag/SimpleTag`, `TagName`
/// `AIGC`, `TagString` the Annex E JSON): found for the reader, removed and added for the writer.
enum MatroskaTags {
    /// The key, compared without regard to case.
    static let key = "AIGC"
    /// The largest `Tags` element read into memory.
    static let maximumLength = 16 << 20
    /// The master elements inside `Tags`.
    static let masters: Set<UInt32> = [EBML.ID.tag, EBML.ID.targets, EBML.ID.simpleTag]

    /// The `Tag`s of the `Tags` element `tags`.
    static func read(_ tags: EBMLElement, from source: any ByteSource) throws -> [EBMLNode] {
        guard tags.range.count <= maximumLength else {
            throw SigilError(
                .capacity, "the Matroska Tags element at offset \(tags.offset) is \(tags.data.count) bytes, more than Sigil reads",
                offset: tags.offset)
        }
        let data = try source.read(tags.data)
        return try EBMLNode.parse(data, 0..<data.count, base: tags.dataStart, masters: masters)
    }

    /// Whether `node` is a `SimpleTag` named `AIGC`.
    static func isLabel(_ node: EBMLNode) -> Bool {
        node.id == EBML.ID.simpleTag && node.child(EBML.ID.tagName)?.text.uppercased() == key
    }

    /// The label carriers among `tags` (nested `SimpleTag`s too); `site` names the `Tags` element.
    static func carriers(_ tags: [EBMLNode], site: String) -> [LabelCarrier] {
        var found: [LabelCarrier] = []
        func visit(_ node: EBMLNode, path: String) {
            if isLabel(node), let value = node.child(EBML.ID.tagString) ?? node.child(EBML.ID.tagBinary) {
                found.append(
                    LabelCarrier(
                        kind: .matroskaSimpleTag, location: "\(path)/SimpleTag \"\(node.child(EBML.ID.tagName)?.text ?? key)\"",
                        offset: value.dataOffset, length: value.data.count, keyed: true, standard: true, payload: .text(value.text)))
            }
            for child in node.children ?? [] where child.id == EBML.ID.simpleTag { visit(child, path: "\(path)/SimpleTag") }
        }
        for (index, tag) in tags.enumerated() where tag.id == EBML.ID.tag {
            for child in tag.children ?? [] where child.id == EBML.ID.simpleTag { visit(child, path: "\(site)/Tag[\(index)]") }
        }
        return found
    }

    /// `tags` without their `AIGC` `SimpleTag`s (a `Tag` left without any `SimpleTag` is dropped), and whether any
    /// was removed.
    static func removingLabels(_ tags: [EBMLNode]) -> (tags: [EBMLNode], removed: Bool) {
        var removed = false
        var kept: [EBMLNode] = []
        for var tag in tags {
            guard tag.id == EBML.ID.tag, let children = tag.children, children.contains(where: isLabel) else {
                kept.append(tag)
                continue
            }
            removed = true
            tag.children = children.filter { !isLabel($0) }
            if tag.children?.contains(where: { $0.id == EBML.ID.simpleTag }) == true { kept.append(tag) }
        }
        return (kept, removed)
    }

    /// A `Tag` for the whole Segment (empty `Targets`: TargetTypeValue 50) with one `SimpleTag` `AIGC` = `json`.
    static func labelTag(_ json: String) -> EBMLNode {
        let simple = EBMLNode(
            id: EBML.ID.simpleTag,
            children: [EBMLNode(id: EBML.ID.tagName, data: Array(key.utf8)), EBMLNode(id: EBML.ID.tagString, data: Array(json.utf8))])
        return EBMLNode(id: EBML.ID.tag, children: [EBMLNode(id: EBML.ID.targets, children: []), simple])
    }
}
