/// The header packets at the start of an Ogg logical stream (Vorbis: identification, comment, setup; Opus:
/// `OpusHead`, `OpusTags`), reassembled from the pages that carry them.
struct OggHeaderPackets: Sendable {
    /// The pages read, in order: every page up to the one the last header packet ends on.
    var pages: [OggPage] = []
    /// The packets, complete ones only.
    var packets: [[UInt8]] = []
    /// The first problem met (a bad CRC when checking, a page of another stream, a cut); pages before it are kept.
    var damage: SigilError?

    /// The largest header packet Sigil reassembles (a comment packet with cover art stays far below it).
    static let maximumPacketLength = 1 << 26

    /// Reads pages from the start of `source` until `count` packets of the first page's stream are complete, or
    /// `count` is nil and the codec tells how many (Vorbis 3, Opus 2, another codec 1). With `verify`, every page's
    /// CRC is checked; a page of another stream among the header pages is damage (Sigil reads one stream).
    init(_ source: any ByteSource, verify: Bool) {
        var wanted = 1
        var partial: [UInt8] = []
        var offset = 0
        do {
            // Each iteration moves `offset` forward by at least a 27-byte page header or stops.
            while packets.count < wanted {
                let page = try OggPage.read(source, at: offset)
                if let first = pages.first {
                    guard page.serial == first.serial else {
                        throw SigilError.malformed(
                            "Ogg page", at: offset, "belongs to stream \(page.serial) while the headers of stream \(first.serial) are incomplete")
                    }
                } else {
                    guard page.headerType & OggPage.beginning != 0 else {
                        throw SigilError.malformed("Ogg page", at: offset, "is the first page but not marked beginning-of-stream")
                    }
                }
                let bytes = verify ? try page.verifiedBytes(source) : try source.require(page.range.count, at: offset, for: "Ogg page")
                pages.append(page)
                var at = page.headerLength
                for value in page.lacing where packets.count < wanted {
                    guard partial.count + Int(value) <= Self.maximumPacketLength else {
                        throw SigilError(
                            .capacity, "an Ogg header packet longer than \(Self.maximumPacketLength) bytes at offset \(offset)", offset: offset)
                    }
                    partial += bytes[at..<(at + Int(value))]
                    at += Int(value)
                    if value < 255 {
                        packets.append(partial)
                        partial = []
                        if packets.count == 1 { wanted = OggCodec(identification: packets[0])?.headerPackets ?? 1 }
                    }
                }
                offset = page.range.upperBound
            }
        } catch let error as SigilError {
            damage = error
        } catch {
            damage = SigilError(.io, "\(error)")
        }
    }

    /// Where the pages after the header pages start.
    var end: Int { pages.last?.range.upperBound ?? 0 }
}

/// The codecs whose comment header Sigil edits.
enum OggCodec: Sendable, Hashable {
    case vorbis, opus

    init?(identification packet: [UInt8]) {
        if packet.matches([0x01] + Array("vorbis".utf8), at: 0) {
            self = .vorbis
        } else if packet.matches(ascii: "OpusHead", at: 0) {
            self = .opus
        } else {
            return nil
        }
    }

    /// How many header packets start a stream.
    var headerPackets: Int { self == .vorbis ? 3 : 2 }
    /// The signature the comment packet starts with.
    var commentSignature: [UInt8] { self == .vorbis ? [0x03] + Array("vorbis".utf8) : Array("OpusTags".utf8) }
    var name: String { self == .vorbis ? "Vorbis" : "Opus" }
}
