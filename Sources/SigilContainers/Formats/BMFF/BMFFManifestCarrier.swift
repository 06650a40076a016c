/// The C2PA store in ISO BMFF (MP4, MOV, M4A, HEIF): a top-level `uuid` box with the C2PA UUID
/// `D8FEC3D6-1B0E-483C-9297-5828877EC481`, a FullBox header (version and flags 0), the purpose `manifest\0`, a 64-bit
/// Merkle offset (0: no Merkle boxes) and the store. Sigil reads it in every BMFF brand and writes it into MP4, MOV and
/// M4A where c2pa-rs does: right after `ftyp`, every `stco`/`co64` chunk offset moved by the box's length (decision
/// 0209). Fragmented files (`moof`, or `mvex` in `moov`) are refused: their binding is a Merkle-tree BMFF hash, which
/// Sigil does not write yet.
enum BMFFManifestCarrier {
    static var c2paUUID: [UInt8] { BMFFBox.c2paUserType }

    static func find(_ bytes: [UInt8]) throws -> [EmbeddedManifestStore] {
        let source = MemoryByteSource(bytes)
        var stores: [EmbeddedManifestStore] = []
        for box in try BMFFWalker.topLevel(source) where BMFFWalker.userType(of: box, in: source) == c2paUUID {
            let p = box.payload
            // version/flags (4), purpose (NUL-terminated), then for "manifest" a u64 Merkle offset.
            guard p.count > 4, let nul = bytes[(p.lowerBound + 4)..<p.upperBound].firstIndex(of: 0) else { continue }
            let purpose = String(decoding: bytes[(p.lowerBound + 4)..<nul], as: UTF8.self)
            guard purpose == "manifest" else { continue }
            let start = nul + 1 + 8
            guard start <= p.upperBound else { continue }
            stores.append(
                EmbeddedManifestStore(
                    bytes: Array(bytes[start..<p.upperBound]), containerRange: box.range, location: "BMFF uuid box at offset \(box.range.lowerBound)")
            )
        }
        return stores
    }

    /// The C2PA `uuid` box holding `store`: FullBox version and flags 0, purpose `manifest`, Merkle offset 0.
    static func box(_ store: [UInt8]) -> [UInt8] {
        let content = c2paUUID + [0, 0, 0, 0] + Array("manifest".utf8) + [0] + [UInt8](repeating: 0, count: 8) + store
        return BMFFBoxBytes.make("uuid", content)
    }

    /// The edits putting `store` in a C2PA box right after `ftyp` of the file `source` reads (which holds no store),
    /// and the box's range in the result. Only box headers and `moov` are read.
    ///
    /// - Throws: ``SigilError`` for a file that does not start with `ftyp`, has no or several `moov` boxes, is
    ///   fragmented, or whose 32-bit chunk offsets would overflow.
    static func edits(_ store: [UInt8], in source: any ByteSource, name: String) throws -> (plan: EditPlan, containerRange: Range<Int>) {
        let top = try BMFFWalker.topLevel(source)
        guard let ftyp = top.first, ftyp.type == "ftyp" else {
            throw SigilError(.malformed, "the \(name) file does not start with an ftyp box, after which its C2PA box goes", offset: 0)
        }
        try refuseFragments(top, in: source, name: name)
        let box = box(store)
        var plan = EditPlan(sourceLength: source.count)
        plan.insert(box, at: ftyp.range.upperBound)
        try moveChunkOffsets(top, in: source, name: name, plan: &plan)
        return (plan, ftyp.range.upperBound..<(ftyp.range.upperBound + box.count))
    }

    /// The edits removing every C2PA `uuid` box (of any purpose) from the file `source` reads, its chunk offsets moved
    /// back; an empty plan when it has none.
    static func removalEdits(in source: any ByteSource, name: String) throws -> EditPlan {
        let top = try BMFFWalker.topLevel(source)
        let stores = top.filter { BMFFWalker.userType(of: $0, in: source) == c2paUUID }
        var plan = EditPlan(sourceLength: source.count)
        guard !stores.isEmpty else { return plan }
        try refuseFragments(top, in: source, name: name)
        for box in stores { plan.remove(box.range) }
        try moveChunkOffsets(top, in: source, name: name, plan: &plan)
        return plan
    }

    /// Adds to `plan` (which inserts or removes whole top-level boxes) the `moov` box with every chunk offset moved to
    /// where its chunk lands.
    static func moveChunkOffsets(_ top: [BMFFBox], in source: any ByteSource, name: String, plan: inout EditPlan) throws {
        let moovs = top.filter { $0.type == "moov" }
        guard moovs.count == 1, let moov = moovs.first else {
            throw SigilError(
                .malformed, "the \(name) file has \(moovs.isEmpty ? "no" : "\(moovs.count)") moov boxes; Sigil signs files with exactly one",
                offset: 0)
        }
        guard moov.range.count <= BMFFMetadataWriter.maximumMoovLength else {
            throw SigilError(
                .capacity, "the \(name) moov box at offset \(moov.range.lowerBound) is \(moov.range.count) bytes, more than Sigil reads into memory",
                offset: moov.range.lowerBound)
        }
        let moves = plan
        let old = try source.require(moov.range.count, at: moov.range.lowerBound, for: "the \(name) moov box")
        var new = old
        try BMFFMetadataWriter.mapChunkOffsets(in: &new, base: moov.range.lowerBound) { moves.newOffset(of: $0) }
        if new != old { plan.replace(moov.range, with: new) }
    }

    /// Throws for a fragmented file: its fragments' data offsets may be absolute and its binding would be a Merkle
    /// tree, neither of which Sigil writes yet.
    static func refuseFragments(_ top: [BMFFBox], in source: any ByteSource, name: String) throws {
        let mvex = try BMFFWalker.tree(source).first { $0.path == "/moov/mvex" }
        guard let fragment = top.first(where: { $0.type == "moof" }) ?? mvex else { return }
        throw SigilError(
            .unsupportedFormat,
            "the \(name) file is fragmented (\(fragment.type) box at offset \(fragment.range.lowerBound)); Sigil does not sign fragmented files yet: their C2PA binding is a Merkle-tree BMFF hash",
            offset: fragment.range.lowerBound)
    }
}
