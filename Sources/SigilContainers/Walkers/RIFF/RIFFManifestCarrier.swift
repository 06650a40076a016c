/// The C2PA store in RIFF files (WAV, AVI, WebP): a top-level `C2PA` chunk, appended as the last child of the RIFF
/// form with the RIFF size updated. The exclusion covers the chunk header and data; the pad byte stays hashed.
/// Shared by every RIFF format's handler.
enum RIFFManifestCarrier {
    static func structure(_ source: any ByteSource, form: String, name: String) throws -> RIFFStructure {
        let structure = try RIFFStructure(source, form: form, name: name)
        if let damage = structure.damage.first { throw damage }
        return structure
    }

    static func find(_ bytes: [UInt8], form: String, name: String) throws -> [EmbeddedManifestStore] {
        try structure(MemoryByteSource(bytes), form: form, name: name).chunks.filter { $0.fourCC == "C2PA" }.map {
            EmbeddedManifestStore(bytes: Array(bytes[$0.data]), containerRange: $0.unpadded, location: "RIFF C2PA chunk at offset \($0.offset)")
        }
    }

    /// The edits removing every `C2PA` chunk (with its pad byte) and shrinking the RIFF size; empty when there is none.
    static func removalEdits(in source: any ByteSource, form: String, name: String) throws -> EditPlan {
        let structure = try structure(source, form: form, name: name)
        let ranges = structure.chunks.filter { $0.fourCC == "C2PA" }.map(\.range)
        var plan = EditPlan(sourceLength: source.count)
        guard !ranges.isEmpty else { return plan }
        let removed = ranges.reduce(0) { $0 + $1.count }
        plan.replace(4..<8, with: size(structure.declaredSize - removed))
        for range in ranges { plan.remove(range) }
        return plan
    }

    /// The edits appending a `C2PA` chunk holding `store` as the RIFF form's last child and growing the RIFF size.
    static func edits(_ store: [UInt8], in source: any ByteSource, form: String, name: String) throws -> (plan: EditPlan, containerRange: Range<Int>)
    {
        let structure = try structure(source, form: form, name: name)
        guard store.count <= Int(UInt32.max) - 16 else {
            throw SigilError(.capacity, "a manifest store of \(store.count) bytes exceeds a RIFF chunk")
        }
        let chunk = RIFFChunk.make("C2PA", store)
        // A streamed WAV's `data` runs to the end of the form with its size unset: its real size is written, or the
        // chunk appended after it would be read as samples (and its manifest never found).
        var dataSize: (field: Range<Int>, size: Int)?
        if structure.sizesUnset, let data = structure.first("data"), try source.read((data.offset + 4)..<(data.offset + 8)).u32le(0) == 0xFFFF_FFFF {
            guard data.data.count <= Int(UInt32.max) - 1 else { throw SigilError(.capacity, "the WAV data chunk exceeds 4 GiB") }
            dataSize = ((data.offset + 4)..<(data.offset + 8), data.data.count)
        }
        // A RIFF body of odd length (a last chunk without its pad byte) gets the pad first.
        let oddBody = (structure.riffEnd - 12) & 1 == 1
        let bodyPad = oddBody && (structure.riffEnd == source.count || dataSize != nil) ? [UInt8(0)] : []
        let at = structure.riffEnd + bodyPad.count
        guard at - 8 + chunk.count <= Int(UInt32.max) else { throw SigilError(.capacity, "the RIFF file would exceed 4 GiB") }
        var plan = EditPlan(sourceLength: source.count)
        plan.replace(4..<8, with: size(at - 8 + chunk.count))
        if let dataSize { plan.replace(dataSize.field, with: size(dataSize.size)) }
        plan.insert(bodyPad + chunk, at: structure.riffEnd)
        return (plan, at..<(at + 8 + store.count))
    }

    /// A RIFF size field.
    static func size(_ size: Int) -> [UInt8] {
        UInt32(truncatingIfNeeded: size).littleEndianBytes(4)
    }
}
