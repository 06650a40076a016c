import Foundation
import Testing
@testable import SigilContainers

extension Fixtures {
    /// The shared audio-format corpus (`media/audio-formats`).
    static let audioFormats = shared.appendingPathComponent("media/audio-formats")
    static var audioFormatsAvailable: Bool { FileManager.default.fileExists(atPath: audioFormats.appendingPathComponent("MANIFEST.json").path) }

    /// The corpus files whose names end with `suffix`.
    static func audioFiles(_ suffix: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: audioFormats.path)) ?? []).filter { $0.hasSuffix(suffix) }.sorted()
    }

    static func audio(_ name: String) throws -> [UInt8] {
        try [UInt8](Data(contentsOf: audioFormats.appendingPathComponent(name)))
    }
}

extension Build {
    // MARK: FLAC

    /// A FLAC metadata block.
    static func flacBlock(_ type: UInt8, _ data: [UInt8], last: Bool = false) -> [UInt8] {
        [type | (last ? 0x80 : 0)] + UInt32(data.count).bigEndianBytes(3) + data
    }

    /// A Vorbis comment list.
    static func vorbisComment(vendor: String = "test", _ comments: [String]) -> [UInt8] {
        var out = UInt32(vendor.utf8.count).littleEndianBytes(4) + Array(vendor.utf8) + UInt32(comments.count).littleEndianBytes(4)
        for c in comments { out += UInt32(c.utf8.count).littleEndianBytes(4) + Array(c.utf8) }
        return out
    }

    /// Fake FLAC frames: a frame sync code and some bytes.
    static let flacFrames: [UInt8] = [0xFF, 0xF8, 0x69, 0x08] + (0..<200).map { UInt8(truncatingIfNeeded: $0 &* 29) }

    /// A FLAC file: STREAMINFO, then `blocks` (type, data), then fake frames.
    static func flac(_ blocks: [(UInt8, [UInt8])], frames: [UInt8] = flacFrames) -> [UInt8] {
        var out = Array("fLaC".utf8) + flacBlock(0, [UInt8](repeating: 0x11, count: 34), last: blocks.isEmpty)
        for (index, block) in blocks.enumerated() { out += flacBlock(block.0, block.1, last: index == blocks.count - 1) }
        return out + frames
    }
}

extension Build {
    // MARK: MP3

    /// An ID3v2 frame (`major` 3: plain size, 4: syncsafe).
    static func id3Frame(_ id: String, _ body: [UInt8], major: UInt8 = 4, flags: [UInt8] = [0, 0]) -> [UInt8] {
        Array(id.utf8) + (major == 4 ? ID3Tag.syncsafeBytes(body.count) : UInt32(body.count).bigEndianBytes(4)) + flags + body
    }

    /// A `TXXX` frame in ISO-8859-1.
    static func txxx(_ description: String, _ value: String, major: UInt8 = 4) -> [UInt8] {
        id3Frame("TXXX", [0] + Array(description.utf8) + [0] + Array(value.utf8), major: major)
    }

    /// Fake MPEG-1 Layer III frames: two frame headers and bytes.
    static let mpegFrames: [UInt8] =
        ([0xFF, 0xFB, 0x90, 0x64] + [UInt8](repeating: 0x55, count: 413)) + ([0xFF, 0xFB, 0x90, 0x64] + [UInt8](repeating: 0xAA, count: 413))

    /// An MP3: an ID3v2 tag of `frames` (none when nil), then fake MPEG frames, then `trailer` (ID3v1, APE).
    static func mp3(_ frames: [[UInt8]]?, major: UInt8 = 4, flags: UInt8 = 0, padding: Int = 0, trailer: [UInt8] = []) -> [UInt8] {
        var out: [UInt8] = []
        if let frames {
            let body = frames.flatMap { $0 } + [UInt8](repeating: 0, count: padding)
            out = Array("ID3".utf8) + [major, 0, flags] + ID3Tag.syncsafeBytes(body.count) + body
        }
        return out + mpegFrames + trailer
    }

    /// A 128-byte ID3v1 tag.
    static let id3v1: [UInt8] = Array("TAG".utf8) + Array("v1 title".utf8) + [UInt8](repeating: 0, count: 117)

    /// An APEv2 tag with a header and footer and one item.
    static var apev2: [UInt8] {
        let item = UInt32(5).littleEndianBytes(4) + [0, 0, 0, 0] + Array("Title".utf8) + [0] + Array("apeva".utf8)
        func block(_ header: Bool) -> [UInt8] {
            Array("APETAGEX".utf8) + UInt32(2000).littleEndianBytes(4) + UInt32(item.count + 32).littleEndianBytes(4) + UInt32(1).littleEndianBytes(4)
                + UInt32(0x8000_0000 | (header ? 0x2000_0000 : 0)).littleEndianBytes(4) + [UInt8](repeating: 0, count: 8)
        }
        return block(true) + item + block(false)
    }
}

extension Build {
    // MARK: Ogg

    /// A Vorbis identification header (30 bytes), comment header, and a fake setup header.
    static func vorbisHeaders(_ comments: [String], setupLength: Int = 300) -> [[UInt8]] {
        let identification: [UInt8] = [1] + Array("vorbis".utf8) + [0, 0, 0, 0, 2, 0x44, 0xAC, 0, 0] + [UInt8](repeating: 0, count: 12) + [0xB8, 1]
        let comment: [UInt8] = [3] + Array("vorbis".utf8) + vorbisComment(comments) + [1]
        let setup: [UInt8] = [5] + Array("vorbis".utf8) + (0..<setupLength).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        return [identification, comment, setup]
    }

    /// An OpusHead and an OpusTags packet.
    static func opusHeaders(_ comments: [String]) -> [[UInt8]] {
        let head: [UInt8] = Array("OpusHead".utf8) + [1, 2, 0x38, 1, 0x80, 0xBB, 0, 0, 0, 0, 0]
        return [head, Array("OpusTags".utf8) + vorbisComment(comments)]
    }

    /// Fake audio packets.
    static let oggAudioPackets: [[UInt8]] = (0..<6).map { n in (0..<(100 + n * 97)).map { UInt8(truncatingIfNeeded: $0 &* 13 &+ n) } }

    /// An Ogg stream: the identification packet alone on the first page, the other `headers` on the next page(s)
    /// (`separate`: one page each), then the audio packets two per page with growing granule positions.
    static func ogg(_ headers: [[UInt8]], separate: Bool = false, serial: UInt32 = 0x1234_5678, audio: [[UInt8]] = oggAudioPackets) -> [UInt8] {
        var pages: [(OggPaginator.Page, UInt64)] = OggPaginator.pages([headers[0]], pagePerPacket: true).map { ($0, 0) }
        pages += OggPaginator.pages(Array(headers.dropFirst()), pagePerPacket: separate).map { ($0, 0) }
        for (n, pair) in stride(from: 0, to: audio.count, by: 2).enumerated() {
            pages += OggPaginator.pages(Array(audio[pair..<min(audio.count, pair + 2)]), pagePerPacket: false).map { ($0, UInt64(960 * (n + 1))) }
        }
        var out: [UInt8] = []
        for (index, (page, granule)) in pages.enumerated() {
            var type: UInt8 = page.continued ? OggPage.continued : 0
            if index == 0 { type |= OggPage.beginning }
            if index == pages.count - 1 { type |= OggPage.end }
            out += OggPage.make(headerType: type, granule: granule, serial: serial, sequence: UInt32(index), lacing: page.lacing, body: page.body)
        }
        return out
    }
}

extension Build {
    // MARK: M4A

    static func box(_ type: String, _ content: [UInt8]) -> [UInt8] { BMFFBoxBytes.make(type, content) }

    /// An iTunes `udta/meta` (handler `mdir`) with a `©nam` item.
    static func itunesMeta(_ title: String) -> [UInt8] {
        let name = box("\u{A9}nam", box("data", [0, 0, 0, 1, 0, 0, 0, 0] + Array(title.utf8)))
        return box("meta", [0, 0, 0, 0] + BMFFKeyedMetadata.handler("mdir") + box("ilst", name))
    }

    /// The audio bytes of the M4A builder.
    static let m4aMedia: [UInt8] = (0..<600).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }

    /// An M4A: `ftyp`, `moov` (a track whose `stco` points at three chunks of the media, a `udta` of `udta`
    /// boxes), then `mdat` (or `mdat` first with `moovLast`), and a `free` box of `free` bytes after `moov`.
    static func m4a(udta: [[UInt8]]? = nil, moovLast: Bool = false, free: Int? = nil, co64: Bool = false) -> [UInt8] {
        let ftyp = box("ftyp", Array("M4A ".utf8) + [0, 0, 2, 0] + Array("M4A isommp42".utf8))
        func moov(_ base: Int) -> [UInt8] {
            let offsets = [0, 200, 400].map { base + $0 }
            let table =
                co64
                ? box("co64", [0, 0, 0, 0] + UInt32(3).bigEndianBytes(4) + offsets.flatMap { UInt64($0).bigEndianBytes(8) })
                : box("stco", [0, 0, 0, 0] + UInt32(3).bigEndianBytes(4) + offsets.flatMap { UInt32($0).bigEndianBytes(4) })
            let trak = box(
                "trak",
                box("tkhd", [UInt8](repeating: 0, count: 84)) + box("mdia", box("minf", box("stbl", box("stsd", [0, 0, 0, 0, 0, 0, 0, 0]) + table))))
            return box("moov", box("mvhd", [UInt8](repeating: 0, count: 100)) + trak + (udta.map { box("udta", $0.flatMap { $0 }) } ?? []))
        }
        let mdat = box("mdat", m4aMedia)
        let freeBox = free.map { box("free", [UInt8](repeating: 0, count: $0)) } ?? []
        if moovLast { return ftyp + mdat + moov(ftyp.count + 8) + freeBox }
        let size = moov(0).count
        return ftyp + moov(ftyp.count + size + freeBox.count + 8) + freeBox + mdat
    }

    /// The bytes each chunk offset of an M4A points at (4 of them).
    static func chunks(_ m4a: [UInt8]) throws -> [[UInt8]] {
        let moov = try #require(try BMFFWalker.topLevel(m4a).first { $0.type == "moov" })
        let bytes = Array(m4a[moov.range])
        return try BMFFMetadataWriter.chunkOffsetTables(bytes, base: 0).flatMap { table -> [[UInt8]] in
            let count = bytes.u32be(table.payload.lowerBound + 4)
            let width = table.type == "co64" ? 8 : 4
            return (0..<count).map { entry in
                let at = table.payload.lowerBound + 8 + entry * width
                let offset = bytes[at..<(at + width)].reduce(0) { $0 << 8 | Int($1) }
                return Array(m4a[offset..<(offset + 4)])
            }
        }
    }
}
