extension MediaFormat {
    /// FLAC: native FLAC stream (`fLaC` then metadata blocks and frames).
    public static let flac = MediaFormat(
        id: "flac", displayName: "FLAC", kind: .audio, mimeTypes: ["audio/flac", "audio/x-flac"], extensions: ["flac"])
}

/// FLAC: the label is the Vorbis comment `AIGC=<JSON>` in the `VORBIS_COMMENT` block (PG-202510A's Vorbis comment
/// site). The essence is the audio frames after the last metadata block. Labels are written by editing metadata
/// blocks only (``StreamingLabelWriting``): a larger comment block takes its room from an existing `PADDING` block
/// when that is large enough, so the frames stay where they were; otherwise the frames move, copied as one span.
/// `STREAMINFO`, `SEEKTABLE` (whose offsets count from the first frame), `PICTURE` and every other comment are kept.
public struct FLACFormat: LabelReading, StreamingLabelWriting, EssenceLocating {
    public init() {}
    public var formats: [MediaFormat] { [.flac] }

    /// The vendor string of a comment block Sigil has to create (a file without one).
    static let vendor = "Sigil"

    public func identify(_ prefix: [UInt8]) -> MediaFormat? {
        FLACStructure.isFLAC(prefix) ? .flac : nil
    }

    public func scanLabels(_ bytes: [UInt8], into scan: inout ContainerScan) {
        let structure: FLACStructure
        do {
            structure = try FLACStructure(MemoryByteSource(bytes))
        } catch let error as SigilError {
            scan.findings.append(Finding.structural(error, site: "FLAC"))
            return
        } catch {
            return
        }
        for (index, block) in structure.blocks(.vorbisComment).enumerated() {
            do {
                let comment = try VorbisComment(
                    parsing: Array(bytes[block.data]), base: block.data.lowerBound, structure: "FLAC VORBIS_COMMENT block")
                scan.carriers += comment.carriers(base: block.data.lowerBound, site: "FLAC VORBIS_COMMENT[\(index)]")
            } catch let error as SigilError {
                scan.findings.append(Finding.structural(error, site: "FLAC VORBIS_COMMENT[\(index)]"))
            } catch {}
        }
        if let damage = structure.damage { scan.findings.append(Finding.structural(damage, site: "FLAC metadata")) }
    }

    public func writeLabel(_ label: LabelAssignment, into bytes: [UInt8]) throws -> [UInt8] {
        try labelEdits(label, in: MemoryByteSource(bytes)).apply(to: bytes)
    }

    public func labelEdits(_ label: LabelAssignment, in source: any ByteSource) throws -> EditPlan {
        let structure = try FLACStructure(source)
        if let damage = structure.damage { throw damage }
        var plan = EditPlan(sourceLength: source.count)
        var growth = 0
        let commentBlocks = structure.blocks(.vorbisComment)
        if commentBlocks.isEmpty {
            let comment = VorbisComment(vendor: Array(Self.vendor.utf8), comments: []).labeled(json: label.json).serialized
            try Self.checkLength(comment.count)
            let streamInfo = structure.blocks[0]
            let isLast = structure.blocks.count == 1
            if isLast { plan.replace(streamInfo.offset..<(streamInfo.offset + 1), with: [FLACStructure.BlockType.streamInfo.rawValue]) }
            plan.insert(
                FLACStructure.header(type: FLACStructure.BlockType.vorbisComment.rawValue, isLast: isLast, length: comment.count) + comment,
                at: streamInfo.data.upperBound)
            growth = 4 + comment.count
        }
        for (index, block) in commentBlocks.enumerated() {
            let parsed = try VorbisComment(parsing: try source.read(block.data), base: block.data.lowerBound, structure: "FLAC VORBIS_COMMENT block")
            // The first block takes the label; a second block (which the format does not allow) loses any label it has.
            let edited =
                index == 0
                ? parsed.labeled(json: label.json)
                : VorbisComment(vendor: parsed.vendor, comments: parsed.comments.filter { !$0.isLabel }, trailer: parsed.trailer)
            guard index == 0 || edited.comments.count != parsed.comments.count else { continue }
            let bytes = edited.serialized
            try Self.checkLength(bytes.count)
            plan.replace(block.range, with: FLACStructure.header(type: block.type, isLast: block.isLast, length: bytes.count) + bytes)
            growth += bytes.count - block.data.count
        }
        Self.absorb(growth, into: structure.blocks(.padding).first, plan: &plan)
        return plan
    }

    /// Takes `growth` bytes from (or gives them back to) `padding`, so the frames keep their offset, when the padding
    /// is large enough; otherwise leaves the plan as it is and the frames move.
    static func absorb(_ growth: Int, into padding: FLACStructure.Block?, plan: inout EditPlan) {
        guard growth != 0, let padding else { return }
        let newLength = padding.data.count - growth
        guard newLength >= 0, newLength <= FLACStructure.maximumBlockLength else { return }
        plan.replace(
            padding.offset..<padding.data.lowerBound, with: FLACStructure.header(type: padding.type, isLast: padding.isLast, length: newLength))
        if growth > 0 {
            plan.remove((padding.data.upperBound - growth)..<padding.data.upperBound)
        } else {
            plan.insert([UInt8](repeating: 0, count: -growth), at: padding.data.upperBound)
        }
    }

    static func checkLength(_ length: Int) throws {
        guard length <= FLACStructure.maximumBlockLength else {
            throw SigilError(.capacity, "a FLAC VORBIS_COMMENT block of \(length) bytes exceeds the 16 MiB a block header can declare")
        }
    }

    public func essenceRanges(in source: any ByteSource) throws -> [Range<Int>] {
        let structure = try FLACStructure(source)
        if let damage = structure.damage { throw damage }
        guard let start = structure.framesStart, start < source.count else {
            throw SigilError(.malformed, "the FLAC file has no audio frames after its metadata blocks", offset: structure.framesStart ?? 4)
        }
        return [start..<source.count]
    }
}
