/// Sets one `mdta` key in `moov/udta/meta` of an ISO BMFF file (the TC260 site for MP4, MOV and M4A), as edits of
/// the file: only `moov` is read and rewritten, the media data is copied as spans.
///
/// - The key goes into the `udta` `meta` box whose handler is `mdta`; an iTunes `meta` box (handler `mdir`) and
///   every other box are kept as they are. Without an `mdta` `meta` box, one is added to `udta` (and `udta` to
///   `moov` when there is none).
/// - Placement: when `free`/`skip` boxes next to `moov` leave room for the new `moov` (exactly, or with 8 bytes or
///   more for a smaller `free` box), `moov` and `free` share their old bytes and nothing else moves. Otherwise
///   `moov` grows in place and every chunk offset (`stco`, `co64`) that points past it moves by the growth, which
///   changes none when `moov` comes after the media data.
struct BMFFMetadataWriter {
    /// The largest `moov` box read into memory.
    static let maximumMoovLength = 1 << 28
    /// The largest XMP `uuid` box read into memory.
    static let maximumXMPLength = 16 << 20

    let source: any ByteSource
    let name: String

    /// The edits that set `key` to `value`.
    ///
    /// - Throws: ``SigilError`` for a damaged box structure, no or several `moov` boxes, a fragmented file that
    ///   would need its offsets moved, or a 32-bit chunk offset that would overflow.
    func edits(key: String, value: String) throws -> EditPlan {
        let top = try BMFFWalker.topLevel(source)
        let moovs = top.indices.filter { top[$0].type == "moov" }
        guard moovs.count == 1, let index = moovs.first else {
            throw SigilError(
                .malformed, "the \(name) file has \(moovs.isEmpty ? "no" : "\(moovs.count)") moov boxes; Sigil labels files with exactly one",
                offset: 0)
        }
        let moov = top[index]
        guard moov.range.count <= Self.maximumMoovLength else {
            throw SigilError(
                .capacity, "the \(name) moov box at offset \(moov.range.lowerBound) is \(moov.range.count) bytes, more than Sigil reads into memory",
                offset: moov.range.lowerBound)
        }
        let old = try source.require(moov.range.count, at: moov.range.lowerBound, for: "\(name) moov box")
        var new = try Self.moov(old, base: moov.range.lowerBound, key: key, value: value)
        var plan = EditPlan(sourceLength: source.count)

        // Room in free boxes next to moov: they and moov share their bytes.
        var first = index
        var last = index
        while first > 0, ["free", "skip"].contains(top[first - 1].type) { first -= 1 }
        while last + 1 < top.count, ["free", "skip"].contains(top[last + 1].type) { last += 1 }
        let region = top[first].range.lowerBound..<top[last].range.upperBound
        // A top-level XMP `uuid` box's AIGC property is a second label: blanked in place, so nothing moves.
        for box in top where box.type == "uuid" && box.payload.count <= Self.maximumXMPLength {
            let userType = try source.read((box.range.lowerBound + box.headerSize)..<(box.range.lowerBound + box.headerSize + 16))
            guard userType == BMFFLabelReader.xmpUUID, let blanked = XMPDocument.blankingLabels(try source.read(box.payload)) else { continue }
            plan.replace(box.payload, with: blanked)
        }
        let leftover = region.count - new.count
        if leftover == 0 || leftover >= 8 {
            plan.replace(region, with: new + (leftover > 0 ? BMFFBoxBytes.make("free", [UInt8](repeating: 0, count: leftover - 8)) : []))
            return plan
        }
        let growth = new.count - old.count
        if growth != 0, top[(index + 1)...].contains(where: { $0.type == "moof" }) {
            throw SigilError(
                .unsupportedFormat, "the \(name) file is fragmented (moof boxes after moov); Sigil does not move its fragments' offsets",
                offset: moov.range.lowerBound)
        }
        try Self.shiftChunkOffsets(in: &new, by: growth, after: moov.range.upperBound, base: moov.range.lowerBound)
        plan.replace(moov.range, with: new)
        return plan
    }

    /// The `moov` box `old` with the key set, and the label sites peers use elsewhere in `moov` removed (GB 45438
    /// 6.1 c): a QuickTime `moov/meta` key, `AIGC` keys of other `meta` boxes, keyless `mdir` items holding label
    /// JSON, and a raw `udta/AIGC` box. A `udta` `meta` box without a handler but with keys (a peer's `mdta` form)
    /// takes the key and gets an `mdta` handler.
    static func moov(_ old: [UInt8], base: Int, key: String, value: String) throws -> [UInt8] {
        let header = old.u32be(0) == 1 ? 16 : 8
        let children = try BMFFBoxBytes.children(old, header..<old.count, base: base)
        var content = Array(old[header...])
        var edits: [(range: Range<Int>, bytes: [UInt8])] = []
        var hasUdta = false
        for child in children {
            if child.type == "meta",
                let stripped = try (try? BMFFKeyedMetadata(content: Array(old[child.payload]), base: base + child.payload.lowerBound))?
                    .removingLabels()
            {
                edits.append((child.range, stripped.box))
            } else if child.type == "udta", !hasUdta {
                hasUdta = true
                edits.append((child.range, try udta(old, child, base: base, key: key, value: value)))
            }
        }
        for edit in edits.sorted(by: { $0.range.lowerBound > $1.range.lowerBound }) {
            content.replaceSubrange((edit.range.lowerBound - header)..<(edit.range.upperBound - header), with: edit.bytes)
        }
        if !hasUdta {
            content += BMFFBoxBytes.make("udta", try BMFFKeyedMetadata.empty.setting(key, to: value).box)
        }
        return BMFFBoxBytes.make("moov", content)
    }

    /// The `udta` box with the key set in its `mdta` `meta` box (made when there is none), other label sites removed.
    static func udta(_ old: [UInt8], _ udta: BMFFBox, base: Int, key: String, value: String) throws -> [UInt8] {
        let udtaChildren = try BMFFBoxBytes.children(old, udta.payload, base: base)
        var metas: [(box: BMFFBox, meta: BMFFKeyedMetadata)] = []
        for box in udtaChildren where box.type == "meta" {
            metas.append((box, try BMFFKeyedMetadata(content: Array(old[box.payload]), base: base + box.payload.lowerBound)))
        }
        let target =
            metas.firstIndex { $0.meta.handlerType == "mdta" }
            ?? metas.firstIndex { entry in entry.meta.handlerType == nil && (try? entry.meta.keys().isEmpty) == false }
        let offset = udta.payload.lowerBound
        var content = Array(old[udta.payload])
        var edits: [(range: Range<Int>, bytes: [UInt8])] = []
        for box in udtaChildren where box.type.uppercased() == "AIGC" { edits.append((box.range, [])) }
        for box in udtaChildren where box.type == "XMP_" {
            if let blanked = XMPDocument.blankingLabels(Array(old[box.payload])) { edits.append((box.payload, blanked)) }
        }
        for (index, entry) in metas.enumerated() {
            if index == target {
                var meta = entry.meta
                if meta.handlerType == nil { meta.children.insert(("hdlr", BMFFKeyedMetadata.handler("mdta")), at: 0) }
                edits.append((entry.box.range, try meta.setting(key, to: value).box))
            } else if let stripped = try entry.meta.removingLabels() {
                edits.append((entry.box.range, stripped.box))
            }
        }
        if target == nil {
            let end = udtaChildren.last?.range.upperBound ?? offset
            edits.append((end..<end, try BMFFKeyedMetadata.empty.setting(key, to: value).box))
        }
        for edit in edits.sorted(by: { $0.range.lowerBound > $1.range.lowerBound }) {
            content.replaceSubrange((edit.range.lowerBound - offset)..<(edit.range.upperBound - offset), with: edit.bytes)
        }
        return BMFFBoxBytes.make("udta", content)
    }

    /// Adds `growth` to every `stco`/`co64` entry of `moov` that points at or past `after` (the old end of `moov`).
    static func shiftChunkOffsets(in moov: inout [UInt8], by growth: Int, after: Int, base: Int) throws {
        guard growth != 0 else { return }
        try mapChunkOffsets(in: &moov, base: base) { $0 >= after ? $0 + growth : $0 }
    }

    /// Replaces every `stco`/`co64` entry of `moov` (which lies at file offset `base`) by `move(entry)`: where the
    /// chunk lands once other boxes were inserted or removed.
    ///
    /// - Throws: ``SigilError`` for a table that declares more entries than it holds, or an `stco` entry that would
    ///   no longer fit 32 bits.
    static func mapChunkOffsets(in moov: inout [UInt8], base: Int, _ move: (Int) -> Int) throws {
        for table in try chunkOffsetTables(moov, base: base) {
            let p = table.payload
            try moov.require(8, at: p.lowerBound, for: "\(table.type) box header")
            let count = moov.u32be(p.lowerBound + 4)
            let width = table.type == "co64" ? 8 : 4
            guard count <= (p.count - 8) / width else {
                throw SigilError.malformed("\(table.type) box", at: base + table.range.lowerBound, "declares \(count) entries in \(p.count) bytes")
            }
            for entry in 0..<count {
                let at = p.lowerBound + 8 + entry * width
                let offset = width == 8 ? moov[at..<(at + 8)].reduce(0) { $0 << 8 | Int($1) } : moov.u32be(at)
                // A 64-bit entry can hold any value; one past 2^60 is past any file and would overflow when moved.
                guard (0...(1 << 60)).contains(offset) else {
                    throw SigilError.malformed(
                        "\(table.type) box", at: base + table.range.lowerBound, "has chunk offset \(UInt64(bitPattern: Int64(offset))), past any file"
                    )
                }
                let moved = move(offset)
                guard moved != offset else { continue }
                guard width == 8 || moved <= Int(UInt32.max) else {
                    throw SigilError(
                        .capacity,
                        "moving the chunk offset \(offset) in stco at offset \(base + table.range.lowerBound) by \(moved - offset) bytes overflows 32 bits"
                    )
                }
                moov.replaceSubrange(at..<(at + width), with: UInt64(moved).bigEndianBytes(width))
            }
        }
    }

    /// The `stco` and `co64` boxes of `moov` (in `trak/mdia/minf/stbl`).
    static func chunkOffsetTables(_ moov: [UInt8], base: Int) throws -> [BMFFBox] {
        var level = [BMFFBox(type: "moov", path: "/moov", range: 0..<moov.count, headerSize: moov.u32be(0) == 1 ? 16 : 8, depth: 0)]
        for type in ["trak", "mdia", "minf", "stbl"] {
            level = try level.flatMap { try BMFFBoxBytes.children(moov, $0.payload, base: base) }.filter { $0.type == type }
        }
        return try level.flatMap { try BMFFBoxBytes.children(moov, $0.payload, base: base) }.filter { $0.type == "stco" || $0.type == "co64" }
    }
}
