/// The edits that write a label into an OOXML package read through a ``ByteSource``: the three small parts
/// inflated and rewritten, each in its entry's place (a new custom part goes last), the central directory
/// written anew with every copied entry's new offset.
struct OOXMLLabelEdits {
    let source: any ByteSource
    let archive: ZIPArchive
    let contentTypes: (entry: ZIPEntry, bytes: [UInt8], tags: [XMLTag])
    let relationships: (entry: ZIPEntry, bytes: [UInt8], tags: [XMLTag])
    /// The custom-properties part name, from the package relationships or the default.
    let customName: String

    /// Reads the directory and the parts a label touches.
    ///
    /// - Throws: ``SigilError`` for a damaged archive or part, a ZIP that is not an OPC package, or a zip bomb.
    init(_ source: any ByteSource) throws {
        self.source = source
        let archive = try ZIPArchive(source)
        self.archive = archive
        contentTypes = try Self.part(OOXMLParts.contentTypesName, of: archive, in: source)
        relationships = try Self.part(OOXMLParts.relationshipsName, of: archive, in: source)
        customName = OOXMLParts.customPartName(relationships: relationships.tags) ?? OOXMLParts.defaultCustomName
        // The label rewrites these two parts itself; a package naming one of them as its custom-properties part would
        // have the same entry rewritten twice.
        guard customName != OOXMLParts.contentTypesName, customName != OOXMLParts.relationshipsName else {
            throw SigilError.malformed(
                "the OOXML package relationships", at: relationships.entry.localOffset,
                "name \(customName) as the custom-properties part, which is the package's own \(customName)")
        }
    }

    /// A part the label needs: its entry, bytes and tags.
    static func part(_ name: String, of archive: ZIPArchive, in source: any ByteSource) throws -> (entry: ZIPEntry, bytes: [UInt8], tags: [XMLTag]) {
        guard let entry = archive.entry(name) else {
            throw SigilError(
                .unsupportedFormat, "the ZIP archive has no \(name), so it is not an OOXML (OPC) package; Sigil labels Office documents only",
                offset: 0)
        }
        let bytes = try ZIPArchive.contents(of: entry, in: source)
        return (entry, bytes, try XMLTag.scan(bytes, part: name))
    }

    func edits(json: String) throws -> EditPlan {
        var rewritten: [(ZIPEntry, [UInt8])] = []
        var added: [(String, [UInt8])] = []
        if let entry = archive.entry(customName) {
            let old = try ZIPArchive.contents(of: entry, in: source)
            let new = try OOXMLParts.labeledCustomPart(old, json: json)
            if new != old { rewritten.append((entry, new)) }
        } else {
            added.append((customName, OOXMLParts.newCustomPart(json: json)))
        }
        if let types = try OOXMLParts.addingOverride(contentTypes.bytes, tags: contentTypes.tags, partName: customName) {
            rewritten.append((contentTypes.entry, types))
        }
        if let rels = try OOXMLParts.addingRelationship(relationships.bytes, tags: relationships.tags, partName: customName) {
            rewritten.append((relationships.entry, rels))
        }
        var plan = EditPlan(sourceLength: source.count)
        guard !rewritten.isEmpty || !added.isEmpty else { return plan }

        var entries = try ZIPWriter.rewrite(rewritten, of: archive, into: &plan)
        var tail: [UInt8] = []
        let tailStart = plan.newOffset(of: archive.directoryOffset)
        for (name, contents) in added {
            var (entry, compressed) = try ZIPWriter.entry(name, contents: contents, like: contentTypes.entry)
            entry.localOffset = tailStart + tail.count
            tail += ZIPWriter.localRecord(entry, compressed: compressed)
            entries.append(entry)
        }
        tail += ZIPWriter.directory(entries, at: tailStart + tail.count, comment: archive.comment, forceZIP64: archive.isZIP64)
        plan.replace(archive.directoryOffset..<source.count, with: tail)
        return plan
    }
}
