/// The records a ZIP writer emits: a local record for a new or rewritten part (deflated, sizes in its header,
/// no data descriptor), and a central directory with its end records, ZIP64 where a size, an offset or the entry
/// count needs it. Copied entries keep their local records; only their central records are written anew.
enum ZIPWriter {
    /// A new entry named like `model` (its time, attributes and name encoding kept), holding `contents` deflated, or
    /// stored when `model` is stored (a package of stored parts stays one: c2pa-rs 0.91 hashes only stored ones).
    /// Its ``ZIPEntry/localOffset`` and ``ZIPEntry/record`` are left for the caller to place.
    static func entry(_ name: String, contents: [UInt8], like model: ZIPEntry?) throws -> (entry: ZIPEntry, compressed: [UInt8]) {
        let stored = model?.method == 0
        let compressed = stored ? contents : try Zlib.deflateRaw(contents)
        let entry = ZIPEntry(
            nameBytes: Array(name.utf8), versionMadeBy: model?.versionMadeBy ?? 20, versionNeeded: 20, flags: (model?.flags ?? 0) & 0x0800,
            method: stored ? 0 : 8, modifiedTime: model?.modifiedTime ?? 0, modifiedDate: model?.modifiedDate ?? 0x0021, crc32: Zlib.crc32(contents),
            compressedSize: compressed.count, uncompressedSize: contents.count, extra: [], comment: model?.comment ?? [],
            internalAttributes: model?.internalAttributes ?? 0, externalAttributes: model?.externalAttributes ?? 0,
            localOffset: 0, dataOffset: 0, record: 0..<0, isZIP64: false)
        return (entry, compressed)
    }

    /// Plans `rewritten` parts (each an entry of `archive` and its new contents, deflated like the old entry) into
    /// `plan`, each in its entry's place, and returns every entry of `archive` as the new directory must list it: the
    /// rewritten ones anew, all at their offsets after the plan.
    static func rewrite(_ rewritten: [(ZIPEntry, [UInt8])], of archive: ZIPArchive, into plan: inout EditPlan) throws -> [ZIPEntry] {
        var replaced: [Int: ZIPEntry] = [:]
        for (old, contents) in rewritten {
            let (entry, compressed) = try entry(old.name, contents: contents, like: old)
            plan.replace(old.record, with: localRecord(entry, compressed: compressed))
            replaced[old.localOffset] = entry
        }
        let edits = plan
        return archive.entries.map { old -> ZIPEntry in
            var entry = replaced[old.localOffset] ?? old
            entry.localOffset = edits.newOffset(of: old.localOffset)
            return entry
        }
    }

    /// A new entry named `name` holding `contents` stored (method 0), dated at the DOS epoch (1980-01-01 00:00) so that
    /// the same contents always give the same record; its offsets are left for the caller to place.
    static func storedEntry(_ name: String, contents: [UInt8]) -> ZIPEntry {
        ZIPEntry(
            nameBytes: Array(name.utf8), versionMadeBy: 20, versionNeeded: 10, flags: 0, method: 0, modifiedTime: 0, modifiedDate: 0x0021,
            crc32: Zlib.crc32(contents), compressedSize: contents.count, uncompressedSize: contents.count, extra: [], comment: [],
            internalAttributes: 0, externalAttributes: 0, localOffset: 0, dataOffset: 0, record: 0..<0, isZIP64: false)
    }

    /// The local record of a new entry: header, name, data.
    static func localRecord(_ entry: ZIPEntry, compressed: [UInt8]) -> [UInt8] {
        var out = ZIPArchive.localSignature
        out += le(entry.versionNeeded, 2) + le(entry.flags, 2) + le(entry.method, 2) + le(entry.modifiedTime, 2) + le(entry.modifiedDate, 2)
        out += le(entry.crc32, 4) + le(compressed.count, 4) + le(entry.uncompressedSize, 4)
        out += le(entry.nameBytes.count, 2) + le(0, 2) + entry.nameBytes
        return out + compressed
    }

    /// The central directory for `entries` (with their final local offsets), starting at `offset`, and the end
    /// records after it; ZIP64 records when any value needs them or `forceZIP64`.
    static func directory(_ entries: [ZIPEntry], at offset: Int, comment: [UInt8], forceZIP64: Bool) -> [UInt8] {
        var out: [UInt8] = []
        for entry in entries {
            var zip64: [UInt8] = []
            let bigUncompressed = entry.uncompressedSize >= 0xFFFF_FFFF
            let bigCompressed = entry.compressedSize >= 0xFFFF_FFFF
            let bigOffset = entry.localOffset >= 0xFFFF_FFFF
            if bigUncompressed { zip64 += le(entry.uncompressedSize, 8) }
            if bigCompressed { zip64 += le(entry.compressedSize, 8) }
            if bigOffset { zip64 += le(entry.localOffset, 8) }
            let extra = (zip64.isEmpty ? [] : le(1, 2) + le(zip64.count, 2) + zip64) + entry.extra
            out += ZIPArchive.centralSignature
            out += le(entry.versionMadeBy, 2) + le(zip64.isEmpty ? entry.versionNeeded : max(entry.versionNeeded, 45), 2)
            out += le(entry.flags, 2) + le(entry.method, 2) + le(entry.modifiedTime, 2) + le(entry.modifiedDate, 2) + le(entry.crc32, 4)
            out += le(bigCompressed ? 0xFFFF_FFFF : entry.compressedSize, 4) + le(bigUncompressed ? 0xFFFF_FFFF : entry.uncompressedSize, 4)
            out += le(entry.nameBytes.count, 2) + le(extra.count, 2) + le(entry.comment.count, 2) + le(0, 2)
            out += le(entry.internalAttributes, 2) + le(entry.externalAttributes, 4) + le(bigOffset ? 0xFFFF_FFFF : entry.localOffset, 4)
            out += entry.nameBytes + extra + entry.comment
        }
        let size = out.count
        let count = entries.count
        let needsZIP64 = forceZIP64 || count >= 0xFFFF || size >= 0xFFFF_FFFF || offset >= 0xFFFF_FFFF
        if needsZIP64 {
            let recordOffset = offset + size
            out += ZIPArchive.zip64EndSignature + le(44, 8) + le(45, 2) + le(45, 2) + le(0, 4) + le(0, 4)
            out += le(count, 8) + le(count, 8) + le(size, 8) + le(offset, 8)
            out += ZIPArchive.zip64LocatorSignature + le(0, 4) + le(recordOffset, 8) + le(1, 4)
        }
        out += ZIPArchive.endSignature + le(0, 2) + le(0, 2)
        out += le(needsZIP64 ? 0xFFFF : count, 2) + le(needsZIP64 ? 0xFFFF : count, 2)
        out += le(needsZIP64 ? 0xFFFF_FFFF : size, 4) + le(needsZIP64 ? 0xFFFF_FFFF : offset, 4)
        out += le(comment.count, 2) + comment
        return out
    }

    static func le(_ value: some BinaryInteger, _ width: Int) -> [UInt8] {
        let v = UInt64(truncatingIfNeeded: value)
        return (0..<width).map { UInt8(truncatingIfNeeded: v >> (8 * UInt64($0))) }
    }
}
