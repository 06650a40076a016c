/// The GB 45438 label in RIFF forms other than WebP (WAV now, AVI next): a top-level `AIGC` chunk holding the
/// Annex E JSON, and the `AIGC` item some writers put in `LIST/INFO`.
enum RIFFLabels {
    static let chunkID = "AIGC"

    /// Every `AIGC` chunk and `LIST/INFO` item, with structural damage as findings. `infoIsStandard` marks the INFO
    /// item as the format's standard site (AVI); OpenDML `RIFF AVIX` forms after an AVI form are not trailing data.
    static func scan(_ bytes: [UInt8], form: String, name: String, infoIsStandard: Bool = false, into scan: inout ContainerScan) {
        let structure: RIFFStructure
        do {
            structure = try RIFFStructure(MemoryByteSource(bytes), form: form, name: name)
        } catch {
            scan.findings.append(Finding(.structureMalformed, .error, "\(error)", location: "\(name) header", offset: 0))
            return
        }
        for damage in structure.damage {
            scan.findings.append(
                Finding(
                    damage.code == .truncated ? .structureTruncated : .structureMalformed, .error, damage.message, location: "\(name) RIFF",
                    offset: damage.offset ?? 0))
        }
        for (index, chunk) in structure.chunks.enumerated() {
            if chunk.fourCC == chunkID {
                scan.carriers.append(carrier(bytes, chunk.data, location: "\(name) RIFF chunk AIGC[\(index)]", kind: .riffChunk, standard: true))
            } else if chunk.fourCC == "LIST" {
                let (type, items, damage) = RIFFStructure.listItems(chunk, in: bytes)
                if let damage {
                    scan.findings.append(
                        Finding(.structureTruncated, .error, damage.message, location: "\(name) LIST/\(type)", offset: damage.offset ?? chunk.offset))
                }
                for item in items where type == "INFO" && item.fourCC == chunkID {
                    scan.carriers.append(carrier(bytes, item.data, location: "\(name) LIST/INFO AIGC", kind: .riffListInfo, standard: infoIsStandard))
                }
            }
        }
        if !(form == "AVI " && bytes.matches(ascii: "RIFF", at: structure.riffEnd) && bytes.matches(ascii: "AVIX", at: structure.riffEnd + 8)) {
            TrailingData.check(bytes, from: structure.riffEnd, after: "RIFF form", into: &scan)
        }
    }

    static func carrier(_ bytes: [UInt8], _ data: Range<Int>, location: String, kind: LabelCarrier.Kind, standard: Bool) -> LabelCarrier {
        // INFO strings are NUL-terminated; an AIGC chunk may be too.
        var end = data.upperBound
        while end > data.lowerBound, bytes[end - 1] == 0 { end -= 1 }
        let text = TextDecoding.utf8OrLatin1(Array(bytes[data.lowerBound..<end]))
        return LabelCarrier(
            kind: kind, location: location, offset: data.lowerBound, length: data.count, keyed: true, standard: standard, payload: .text(text))
    }

    /// The edits that leave exactly one label, in a top-level `AIGC` chunk: the first existing one is replaced in
    /// place, later ones and `LIST/INFO` mirrors are removed; with none, the chunk goes before `before` (the
    /// essence chunk), so players and probes that stop at the essence still see it. The RIFF size is updated.
    static func edits(_ label: LabelAssignment, in source: any ByteSource, form: String, name: String, before essence: String) throws -> EditPlan {
        let structure = try RIFFStructure(source, form: form, name: name)
        if let damage = structure.damage.first { throw damage }
        guard let essenceChunk = structure.first(essence) else {
            throw SigilError(.malformed, "\(name) file has no \(essence) chunk; Sigil writes only into complete files", offset: 12)
        }
        var plan = EditPlan(sourceLength: source.count)
        let chunk = RIFFChunk.make(chunkID, Array(label.json.utf8))
        var placed = false
        for existing in structure.chunks where existing.fourCC == chunkID {
            plan.replace(existing.range, with: placed ? [] : chunk)
            placed = true
        }
        for list in structure.chunks where list.fourCC == "LIST" && list.data.count <= 1 << 20 {
            let bytes = try source.read(list.range)
            let local = RIFFStructure.Chunk(
                fourCC: "LIST", offset: 0, data: (list.data.lowerBound - list.offset)..<(list.data.upperBound - list.offset), end: list.range.count)
            let (type, items, damage) = RIFFStructure.listItems(local, in: bytes)
            guard type == "INFO", damage == nil, items.contains(where: { $0.fourCC == chunkID }) else { continue }
            let kept = items.filter { $0.fourCC != chunkID }.flatMap { Array(bytes[$0.range]) }
            plan.replace(list.range, with: RIFFChunk.make("LIST", Array("INFO".utf8) + kept))
        }
        if !placed {
            plan.insert(chunk, at: essenceChunk.offset)
        }
        let newSize = structure.declaredSize + plan.resultLength - source.count
        if structure.ds64 != nil {
            // RF64/BW64: the header's size stays 0xFFFFFFFF; the ds64 chunk holds the real one.
            plan.replace(RIFFStructure.DS64.riffSizeField, with: UInt64(newSize).littleEndianBytes(8))
            return plan
        }
        // A streamed WAV whose RIFF size is unset keeps it unset.
        if structure.sizesUnset, try source.read(4..<8).u32le(0) == 0xFFFF_FFFF { return plan }
        guard newSize <= Int(UInt32.max) else { throw SigilError(.capacity, "the \(name) file would exceed the 4 GiB RIFF limit") }
        plan.replace(4..<8, with: UInt32(newSize).littleEndianBytes(4))
        return plan
    }
}
