/// Rewrites the comment header of an Ogg Vorbis or Opus stream: the identification page is kept byte for byte,
/// the other header packets (the new comment packet, and Vorbis' setup packet unchanged) are laid out on pages again
/// with the stream's serial number, and the audio pages follow. When the header takes as many pages as before,
/// the audio pages are one span copied unchanged; otherwise each audio page's sequence number moves by the
/// difference and its CRC is recomputed, its granule position and body untouched.
struct OggHeaderEditor {
    let source: any ByteSource
    let headers: OggHeaderPackets
    let codec: OggCodec

    /// Reads and checks the header pages of `source` (CRCs included).
    ///
    /// - Throws: ``SigilError`` for a damaged page, a bad CRC, a codec other than Vorbis and Opus, or header pages
    ///   laid out against the codec's rules (the identification packet alone on the first page, the audio starting
    ///   on a fresh page).
    init(_ source: any ByteSource) throws {
        self.source = source
        headers = OggHeaderPackets(source, verify: true)
        if let damage = headers.damage { throw damage }
        guard let first = headers.pages.first, let codec = OggCodec(identification: headers.packets[0]) else {
            throw SigilError(.unsupportedFormat, "the Ogg stream is neither Vorbis nor Opus; Sigil labels Ogg Vorbis and Ogg Opus files", offset: 0)
        }
        self.codec = codec
        func packetsEnding(_ page: OggPage) -> Int { page.lacing.filter { $0 < 255 }.count }
        guard packetsEnding(first) == 1, !first.endsInsidePacket else {
            throw SigilError.malformed("Ogg \(codec.name) first page", at: 0, "must carry the identification header alone")
        }
        guard headers.pages.reduce(0, { $0 + packetsEnding($1) }) == codec.headerPackets, headers.pages.last?.endsInsidePacket == false else {
            throw SigilError.malformed(
                "Ogg \(codec.name) header pages", at: first.range.upperBound,
                "do not end with the last header packet: the first audio packet must start a new page")
        }
        guard headers.packets[1].matches(codec.commentSignature, at: 0) else {
            throw SigilError.malformed("Ogg \(codec.name) header", at: first.range.upperBound, "has no comment header as its second packet")
        }
    }

    /// The file offset of header packet `index`'s first byte, when it starts on a page the headers read.
    static func packetOffset(_ index: Int, in headers: OggHeaderPackets) -> Int? {
        var packet = 0
        for page in headers.pages {
            var at = page.body.lowerBound
            var starting = page.headerType & OggPage.continued == 0
            for value in page.lacing {
                if starting && packet == index { return at }
                at += Int(value)
                if value < 255 {
                    packet += 1
                    starting = true
                } else {
                    starting = false
                }
            }
        }
        return nil
    }

    /// The edits that make `AIGC=json` the stream's one label.
    func edits(json: String) throws -> EditPlan {
        let signature = codec.commentSignature
        let packet = headers.packets[1]
        let base = Self.packetOffset(1, in: headers) ?? 0
        var comment = try VorbisComment(
            parsing: Array(packet[signature.count...]), base: base + signature.count, structure: "\(codec.name) comment header"
        )
        .labeled(json: json)
        // Vorbis requires the framing bit after the comments; a peer that left it out gets it back.
        if codec == .vorbis && comment.trailer.isEmpty { comment.trailer = [1] }
        let packets = [signature + comment.serialized] + headers.packets.dropFirst(2)
        let oldPages = headers.pages.count - 1
        var layout = OggPaginator.pages(packets, pagePerPacket: false)
        if layout.count < oldPages {
            let separate = OggPaginator.pages(packets, pagePerPacket: true)
            if separate.count == oldPages { layout = separate }
        }
        let first = headers.pages[0]
        var written: [UInt8] = []
        for (index, page) in layout.enumerated() {
            written += OggPage.make(
                headerType: page.continued ? OggPage.continued : 0, granule: page.packetEnds ? 0 : OggPage.noGranule, serial: first.serial,
                sequence: first.sequence &+ UInt32(index + 1), lacing: page.lacing, body: page.body)
        }
        var plan = EditPlan(sourceLength: source.count)
        plan.replace(first.range.upperBound..<headers.end, with: written)
        // The audio pages' headers are walked even when they are copied as a span: a cut or lying page is refused.
        let audio = try audioPages()
        let shift = layout.count - oldPages
        if shift != 0 {
            for page in audio {
                var bytes = try page.verifiedBytes(source)
                bytes.replaceSubrange(18..<22, with: (page.sequence &+ UInt32(truncatingIfNeeded: shift)).littleEndianBytes(4))
                bytes = OggCRC.sealed(bytes)
                plan.append((page.offset + 18)..<(page.offset + 26), with: Array(bytes[18..<26]))
            }
        }
        return plan
    }

    /// The pages after the header pages, their headers read (not their bodies).
    ///
    /// - Throws: ``SigilError`` for a damaged page or a page of another logical stream.
    func audioPages() throws -> [OggPage] {
        var pages: [OggPage] = []
        var offset = headers.end
        let serial = headers.pages[0].serial
        // Each iteration moves `offset` forward by at least a 27-byte page header or throws.
        while offset < source.count {
            let page = try OggPage.read(source, at: offset)
            guard page.serial == serial else {
                throw SigilError(
                    .unsupportedFormat,
                    "the Ogg file holds more than one logical stream (page at offset \(offset) belongs to stream \(page.serial)); Sigil labels single-stream Ogg files",
                    offset: offset)
            }
            pages.append(page)
            offset = page.range.upperBound
        }
        return pages
    }
}
