/// The parts of an AVI file the label writer needs: the first RIFF form's chunks, its `LIST movi`, whether its
/// `idx1` offsets are relative to `movi`, whether OpenDML indexes (`indx`) point at absolute file offsets, and the
/// `RIFF AVIX` forms that follow.
struct AVILayout {
    /// The RIFF `AVI ` form.
    var structure: RIFFStructure
    /// The `LIST movi` chunk.
    var movi: RIFFStructure.Chunk
    /// The ranges of the `RIFF AVIX` forms after the first form.
    var extensions: [Range<Int>]
    /// Whether the first `idx1` entry points past `movi`'s start, i.e. its offsets are absolute file offsets.
    var absoluteIndex: Bool
    /// Whether a stream header list holds an OpenDML super index (`indx`), whose offsets are absolute.
    var openDMLIndex: Bool

    /// - Throws: ``SigilError`` naming the chunk and offset for a damaged form, no `movi` list, or a trailing form
    ///   that is not a whole `RIFF AVIX`.
    init(_ source: any ByteSource) throws {
        structure = try RIFFStructure(source, form: "AVI ", name: "AVI")
        if let damage = structure.damage.first { throw damage }
        var movi: RIFFStructure.Chunk?
        var openDML = false
        for chunk in structure.chunks where chunk.fourCC == "LIST" && chunk.data.count >= 4 {
            let type = try source.read(chunk.data.lowerBound..<(chunk.data.lowerBound + 4))
            if type.matches(ascii: "movi", at: 0), movi == nil { movi = chunk }
            if type.matches(ascii: "hdrl", at: 0) { openDML = try Self.hasSuperIndex(source, hdrl: chunk) }
        }
        guard let movi else { throw SigilError(.malformed, "the AVI file has no LIST movi chunk; Sigil writes only into complete files", offset: 12) }
        self.movi = movi
        openDMLIndex = openDML
        absoluteIndex = false
        if let idx1 = structure.first("idx1"), idx1.data.count >= 16 {
            let entry = try source.read(idx1.data.lowerBound..<(idx1.data.lowerBound + 16))
            absoluteIndex = entry.u32le(8) >= movi.offset
        }
        extensions = try Self.extensions(source, from: structure.riffEnd)
    }

    /// The `RIFF AVIX` forms from `start` to the end of the file.
    static func extensions(_ source: any ByteSource, from start: Int) throws -> [Range<Int>] {
        var forms: [Range<Int>] = []
        var i = start
        while i < source.count {
            let header = try source.require(12, at: i, for: "AVI OpenDML RIFF header")
            guard header.matches(ascii: "RIFF", at: 0), header.matches(ascii: "AVIX", at: 8) else {
                throw SigilError.malformed("data after the AVI RIFF form", at: i, "is not an OpenDML RIFF AVIX form")
            }
            let size = header.u32le(4)
            guard size >= 4, size <= source.count - i - 8 else {
                throw SigilError(
                    .truncated, "the AVI RIFF AVIX form at offset \(i) declares \(size) bytes but \(source.count - i - 8) remain", offset: i)
            }
            forms.append(i..<(i + 8 + size))
            i += 8 + size + (size & 1)
        }
        return forms
    }

    /// Whether `hdrl`'s stream lists hold an `indx` chunk.
    static func hasSuperIndex(_ source: any ByteSource, hdrl: RIFFStructure.Chunk) throws -> Bool {
        guard hdrl.data.count <= 1 << 20 else {
            throw SigilError(
                .capacity, "the AVI LIST hdrl at offset \(hdrl.offset) is \(hdrl.data.count) bytes, more than Sigil reads", offset: hdrl.offset)
        }
        let bytes = try source.read(hdrl.range)
        let local = RIFFStructure.Chunk(fourCC: "LIST", offset: 0, data: 8..<(8 + hdrl.data.count), end: bytes.count)
        let (_, items, damage) = RIFFStructure.listItems(local, in: bytes)
        if let damage { throw damage }
        for list in items where list.fourCC == "LIST" {
            let (type, streamItems, damage) = RIFFStructure.listItems(list, in: bytes)
            if let damage { throw damage }
            if type == "strl", streamItems.contains(where: { $0.fourCC == "indx" }) { return true }
        }
        return false
    }
}
