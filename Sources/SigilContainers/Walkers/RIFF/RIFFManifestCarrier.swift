/// The C2PA store in RIFF files (WAV, AVI, WebP): a top-level `C2PA` chunk, appended as the last child of the RIFF
/// form with the RIFF size updated. The exclusion covers the chunk header and data; the pad byte stays hashed.
/// Shared by every RIFF format's handler.
enum RIFFManifestCarrier {
    static func structure(_ bytes: [UInt8], form: String, name: String) throws -> RIFFStructure {
        let structure = try RIFFStructure(MemoryByteSource(bytes), form: form, name: name)
        if let damage = structure.damage.first { throw damage }
        return structure
    }

    static func find(_ bytes: [UInt8], form: String, name: String) throws -> [EmbeddedManifestStore] {
        try structure(bytes, form: form, name: name).chunks.filter { $0.fourCC == "C2PA" }.map {
            EmbeddedManifestStore(bytes: Array(bytes[$0.data]), containerRange: $0.unpadded, location: "RIFF C2PA chunk at offset \($0.offset)")
        }
    }

    static func remove(_ bytes: [UInt8], form: String, name: String) throws -> [UInt8] {
        let structure = try structure(bytes, form: form, name: name)
        let ranges = structure.chunks.filter { $0.fourCC == "C2PA" }.map(\.range)
        guard !ranges.isEmpty else { return bytes }
        var out = ManifestStoreBytes.cut(bytes, ranges)
        let removed = ranges.reduce(0) { $0 + $1.count }
        setSize(&out, structure.declaredSize - removed)
        return out
    }

    static func embed(_ store: [UInt8], into bytes: [UInt8], form: String, name: String) throws -> (bytes: [UInt8], containerRange: Range<Int>) {
        let structure = try structure(bytes, form: form, name: name)
        guard store.count <= Int(UInt32.max) - 16 else {
            throw SigilError(.capacity, "a manifest store of \(store.count) bytes exceeds a RIFF chunk")
        }
        let chunk = RIFFChunk.make("C2PA", store)
        let headerAndData = 8 + store.count
        // A RIFF body of odd length (a last chunk without its pad byte) gets the pad first.
        let bodyPad = (structure.riffEnd - 12) & 1 == 1 && structure.riffEnd == bytes.count ? [UInt8(0)] : []
        let at = structure.riffEnd + bodyPad.count
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + chunk.count + 1)
        out += bytes[0..<structure.riffEnd]
        out += bodyPad
        out += chunk
        out += bytes[structure.riffEnd...]
        guard at - 8 + chunk.count <= Int(UInt32.max) else { throw SigilError(.capacity, "the RIFF file would exceed 4 GiB") }
        setSize(&out, at - 8 + chunk.count)
        return (out, at..<(at + headerAndData))
    }

    static func setSize(_ bytes: inout [UInt8], _ size: Int) {
        let le = UInt32(truncatingIfNeeded: size).littleEndianBytes(4)
        for k in 0..<4 { bytes[4 + k] = le[k] }
    }
}
