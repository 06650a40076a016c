/// Sets the `AIGC` item of an AVI file's `LIST/INFO` chunk, as edits of the file.
///
/// - The first top-level `LIST/INFO` before `movi` gets the item (its other items kept, an old `AIGC` replaced); other
///   INFO lists and top-level `AIGC` chunks lose theirs, so the file holds one label. Without an INFO list, one is
///   made before `movi`.
/// - Placement: when the INFO list and the `JUNK` chunks beside it (ffmpeg pads before `movi`) have room, they share
///   their old bytes and nothing else moves. Otherwise `movi` moves by the growth, which is safe only when nothing
///   points at absolute offsets: an `idx1` relative to `movi`, no OpenDML `indx` and no `RIFF AVIX` form. Such a
///   file without room is refused.
struct AVILabelWriter {
    /// The largest INFO list read into memory.
    static let maximumInfoLength = 1 << 20

    let source: any ByteSource

    /// The edits that leave exactly one `LIST/INFO/AIGC` item holding `label`.
    ///
    /// - Throws: ``SigilError`` for a damaged file, no `movi`, or a file whose `movi` cannot move and has no room.
    func edits(_ label: LabelAssignment) throws -> EditPlan {
        let layout = try AVILayout(source)
        let chunks = layout.structure.chunks
        let moviIndex = chunks.firstIndex { $0.offset == layout.movi.offset } ?? chunks.count
        var plan = EditPlan(sourceLength: source.count)
        var target: Int?
        var moviShift = 0
        for (index, chunk) in chunks.enumerated() {
            if chunk.fourCC == RIFFLabels.chunkID {
                plan.replace(chunk.range, with: [])
                if index < moviIndex { moviShift -= chunk.range.count }
                continue
            }
            guard let info = try info(chunk) else { continue }
            if target == nil, index < moviIndex {
                target = index
            } else if info.items.contains(where: { $0.fourCC == RIFFLabels.chunkID }) {
                let kept = Self.list(info)
                plan.replace(chunk.range, with: kept)
                if index < moviIndex { moviShift += kept.count - chunk.range.count }
            }
        }
        let item = RIFFChunk.make(RIFFLabels.chunkID, Array(label.json.utf8) + [0])
        var newList: [UInt8]
        var first: Int
        var last: Int
        if let target, let info = try info(chunks[target]) {
            newList = Self.list(info, adding: item)
            first = target
            last = target
        } else {
            newList = RIFFChunk.make("LIST", Array("INFO".utf8) + item)
            first = moviIndex
            last = moviIndex - 1
        }
        while first > 0, chunks[first - 1].fourCC == "JUNK" { first -= 1 }
        while last + 1 < moviIndex, chunks[last + 1].fourCC == "JUNK" { last += 1 }
        let start = chunks[first].offset
        let region = start..<(last >= first ? chunks[last].end : start)
        let leftover = region.count - newList.count
        if leftover == 0 || leftover >= 8 {
            plan.replace(region, with: newList + (leftover > 0 ? RIFFChunk.make("JUNK", [UInt8](repeating: 0, count: leftover - 8)) : []))
        } else {
            plan.replace(region, with: newList)
            moviShift += newList.count - region.count
        }
        if moviShift != 0 {
            let reason =
                layout.absoluteIndex
                ? "its idx1 index holds absolute offsets"
                : layout.openDMLIndex || !layout.extensions.isEmpty ? "its OpenDML indexes hold absolute offsets" : nil
            if let reason {
                throw SigilError(
                    .unsupportedFormat,
                    "the AVI file has no JUNK room for the label before movi at offset \(layout.movi.offset) and \(reason); Sigil does not move movi",
                    offset: layout.movi.offset)
            }
        }
        let newSize = layout.structure.declaredSize + plan.resultLength - source.count
        guard newSize <= Int(UInt32.max) else { throw SigilError(.capacity, "the AVI RIFF form would exceed 4 GiB") }
        plan.replace(4..<8, with: UInt32(newSize).littleEndianBytes(4))
        return plan
    }

    /// The items of a top-level `LIST/INFO` chunk (offsets within `bytes`, the chunk's bytes), or nil for other chunks.
    func info(_ chunk: RIFFStructure.Chunk) throws -> (items: [RIFFStructure.Chunk], bytes: [UInt8])? {
        guard chunk.fourCC == "LIST", chunk.data.count >= 4 else { return nil }
        let type = try source.read(chunk.data.lowerBound..<(chunk.data.lowerBound + 4))
        guard type.matches(ascii: "INFO", at: 0) else { return nil }
        guard chunk.range.count <= Self.maximumInfoLength else {
            throw SigilError(
                .capacity, "the AVI LIST/INFO chunk at offset \(chunk.offset) is \(chunk.data.count) bytes, more than Sigil reads",
                offset: chunk.offset)
        }
        let bytes = try source.read(chunk.range)
        let local = RIFFStructure.Chunk(fourCC: "LIST", offset: 0, data: 8..<(8 + chunk.data.count), end: bytes.count)
        let (_, items, damage) = RIFFStructure.listItems(local, in: bytes)
        if let damage { throw SigilError(damage.code, "AVI LIST/INFO at offset \(chunk.offset): \(damage.message)", offset: chunk.offset) }
        return (items, bytes)
    }

    /// A `LIST/INFO` chunk of the items of `info` other than `AIGC`, then `extra`.
    static func list(_ info: (items: [RIFFStructure.Chunk], bytes: [UInt8]), adding extra: [UInt8] = []) -> [UInt8] {
        let kept = info.items.filter { $0.fourCC != RIFFLabels.chunkID }.flatMap { Array(info.bytes[$0.range]) }
        return RIFFChunk.make("LIST", Array("INFO".utf8) + kept + extra)
    }
}
