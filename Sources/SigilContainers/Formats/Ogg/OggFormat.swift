extension MediaFormat {
    /// Ogg (Vorbis audio, or another codec Sigil reads but does not label).
    public static let ogg = MediaFormat(
        id: "ogg", displayName: "Ogg Vorbis", kind: .audio, mimeTypes: ["audio/ogg", "audio/vorbis"], extensions: ["ogg", "oga"])
    /// Opus audio in Ogg.
    public static let opus = MediaFormat(id: "opus", displayName: "Ogg Opus", kind: .audio, mimeTypes: ["audio/opus"], extensions: ["opus"])
}

/// Ogg Vorbis and Ogg Opus: the label is the comment `AIGC=<JSON>` in the comment header packet (`\x03vorbis` or
/// `OpusTags`). Writing rebuilds that packet and lays the header packets after the identification page out on
/// pages again (``OggHeaderEditor``); the audio pages are copied as one span when their sequence numbers stay,
/// otherwise only their sequence number and CRC change. The essence is the audio pages' bodies (the packets).
public struct OggFormat: LabelReading, StreamingLabelWriting, EssenceLocating {
    public init() {}
    public var formats: [MediaFormat] { [.ogg, .opus] }

    public func identify(_ prefix: [UInt8]) -> MediaFormat? {
        guard prefix.matches(ascii: "OggS", at: 0) else { return nil }
        // The first packet starts after the 27-byte header and the segment table.
        guard prefix.count > 27 else { return .ogg }
        return prefix.matches(ascii: "OpusHead", at: 27 + Int(prefix[26])) ? .opus : .ogg
    }

    public func scanLabels(_ bytes: [UInt8], into scan: inout ContainerScan) {
        let headers = OggHeaderPackets(MemoryByteSource(bytes), verify: false)
        if let damage = headers.damage { scan.findings.append(Finding.structural(damage, site: "Ogg headers")) }
        for page in headers.pages where OggCRC.checksum(Array(bytes[page.range])) != page.storedCRC {
            scan.findings.append(
                Finding(
                    .checksumMismatch, .warning, "Ogg page \(page.sequence) at offset \(page.offset) fails its CRC check",
                    location: "Ogg page \(page.sequence)", offset: page.offset))
        }
        guard let first = headers.packets.first, let codec = OggCodec(identification: first), headers.packets.count >= 2 else { return }
        let packet = headers.packets[1]
        guard packet.matches(codec.commentSignature, at: 0) else {
            scan.findings.append(
                Finding(
                    .structureMalformed, .error, "the second \(codec.name) header packet is not a comment header",
                    location: "Ogg \(codec.name) comment header", offset: headers.pages.first?.range.upperBound ?? 0))
            return
        }
        let base = OggHeaderEditor.packetOffset(1, in: headers) ?? 0
        do {
            let comment = try VorbisComment(
                parsing: Array(packet[codec.commentSignature.count...]), base: base + codec.commentSignature.count,
                structure: "\(codec.name) comment header")
            scan.carriers += comment.carriers(base: base + codec.commentSignature.count, site: "Ogg \(codec.name) comment header")
        } catch let error as SigilError {
            scan.findings.append(Finding.structural(error, site: "Ogg \(codec.name) comment header"))
        } catch {}
    }

    public func writeLabel(_ label: LabelAssignment, into bytes: [UInt8]) throws -> [UInt8] {
        try labelEdits(label, in: MemoryByteSource(bytes)).apply(to: bytes)
    }

    public func labelEdits(_ label: LabelAssignment, in source: any ByteSource) throws -> EditPlan {
        try OggHeaderEditor(source).edits(json: label.json)
    }

    public func essenceRanges(in source: any ByteSource) throws -> [Range<Int>] {
        let editor = try OggHeaderEditor(source)
        let bodies = try editor.audioPages().map(\.body).filter { !$0.isEmpty }
        guard !bodies.isEmpty else { throw SigilError(.malformed, "the Ogg file has no audio pages after its headers", offset: editor.headers.end) }
        return bodies
    }
}
