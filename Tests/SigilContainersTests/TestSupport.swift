import Foundation
@testable import SigilContainers

/// Paths to shared fixtures, found relative to this file so tests run from any working directory.
enum Fixtures {
    /// /work/shared (the repository's sibling `shared` directory).
    static let shared: URL = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        .deletingLastPathComponent() // SigilContainersTests
        .deletingLastPathComponent() // Tests
        .deletingLastPathComponent() // main
        .deletingLastPathComponent() // work
        .appendingPathComponent("shared")
    static let peers = shared.appendingPathComponent("fixtures/aigc-peers")
    static let media = shared.appendingPathComponent("media/images")
    static let resources = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath().deletingLastPathComponent().appendingPathComponent("Resources")

    static var peersAvailable: Bool { FileManager.default.fileExists(atPath: peers.appendingPathComponent("INDEX.json").path) }
    static var mediaAvailable: Bool { FileManager.default.fileExists(atPath: media.path) }

    static func peer(_ relative: String) throws -> [UInt8] {
        try [UInt8](Data(contentsOf: peers.appendingPathComponent(relative)))
    }
}

/// Builders for small, structurally valid files.
enum Build {
    static let tc260 = "http://www.tc260.org.cn/ns/AIGC/1.0/"
    static let sampleJSON =
        #"{"Label":"1","ContentProducer":"001191110102MACQD9K64010000","ProduceID":"abc123","ReservedCode1":"","ContentPropagator":"001191110102MACQD9K64010000","PropagateID":"abc123","ReservedCode2":""}"#
    static var sampleWrapped: String { "{\"AIGC\":\(sampleJSON)}" }

    static func xmlEscaped(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "\"", with: "&quot;")
            .replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }

    /// An XMP packet whose rdf:Description holds `inner` (attributes in `attributes`).
    static func xmp(attributes: String = "", inner: String = "", pi: String = #"<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>"#) -> [UInt8] {
        Array(
            """
            \(pi)<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about=""\(attributes)>\(inner)</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>
            """.utf8)
    }

    static func elementXMP(_ json: String = sampleJSON, prefix: String = "TC260", uri: String = tc260) -> [UInt8] {
        xmp(attributes: " xmlns:\(prefix)=\"\(uri)\"", inner: "<\(prefix):AIGC>\(xmlEscaped(json))</\(prefix):AIGC>")
    }

    static func attributeXMP(_ json: String = sampleJSON, prefix: String = "TC260", uri: String = tc260) -> [UInt8] {
        xmp(attributes: " xmlns:\(prefix)=\"\(uri)\" \(prefix):AIGC=\"\(xmlEscaped(json))\"")
    }

    // MARK: PNG

    static func pngChunk(_ type: String, _ data: [UInt8]) -> [UInt8] { PNGText.chunk(type: type, data: data) }

    static func ihdr(width: Int = 1, height: Int = 1, colorType: UInt8 = 2) -> [UInt8] {
        pngChunk("IHDR", UInt32(width).bigEndianBytes(4) + UInt32(height).bigEndianBytes(4) + [8, colorType, 0, 0, 0])
    }

    static func idat() -> [UInt8] {
        // One row: filter byte 0 + one RGB pixel.
        pngChunk("IDAT", try! Zlib.deflate([0, 0x80, 0x40, 0x20]))
    }

    static func png(_ chunks: [[UInt8]], trailing: [UInt8] = []) -> [UInt8] {
        PNGStructure.signature + ihdr() + chunks.flatMap { $0 } + idat() + pngChunk("IEND", []) + trailing
    }

    static func tEXt(_ keyword: String, _ text: String) -> [UInt8] { pngChunk("tEXt", Array(keyword.utf8) + [0] + Array(text.utf8)) }
    static func zTXt(_ keyword: String, _ text: String) -> [UInt8] {
        pngChunk("zTXt", Array(keyword.utf8) + [0, 0] + (try! Zlib.deflate(Array(text.utf8))))
    }
    static func iTXt(_ keyword: String, _ text: [UInt8], compressed: Bool = false) -> [UInt8] {
        pngChunk("iTXt", try! PNGText.chunkData(type: "iTXt", keyword: keyword, text: text, compressed: compressed))
    }

    // MARK: EXIF / TIFF

    struct Tag {
        var tag: Int
        var type: Int
        var count: Int
        var value: [UInt8] // raw value bytes in the stream's byte order
    }

    /// A TIFF stream: IFD0 entries plus an optional Exif IFD.
    static func tiff(bigEndian: Bool, ifd0: [Tag], exif: [Tag] = []) -> [UInt8] {
        func u16(_ v: Int) -> [UInt8] { bigEndian ? UInt16(v).bigEndianBytes(2) : UInt16(v).littleEndianBytes(2) }
        func u32(_ v: Int) -> [UInt8] { bigEndian ? UInt32(v).bigEndianBytes(4) : UInt32(v).littleEndianBytes(4) }
        var ifd0 = ifd0
        let exifCount = exif.count
        if exifCount > 0 { ifd0.append(Tag(tag: 0x8769, type: 4, count: 1, value: [0, 0, 0, 0])) } // patched below
        ifd0.sort { $0.tag < $1.tag }
        let ifd0Size = 2 + ifd0.count * 12 + 4
        let exifSize = exifCount > 0 ? 2 + exif.count * 12 + 4 : 0
        var dataOffset = 8 + ifd0Size + exifSize
        var data: [UInt8] = []
        func directory(_ tags: [Tag], exifPointer: Int?) -> [UInt8] {
            var out = u16(tags.count)
            for t in tags {
                out += u16(t.tag) + u16(t.type) + u32(t.count)
                var value = t.value
                if t.tag == 0x8769, let exifPointer { value = u32(exifPointer) }
                if value.count <= 4 {
                    out += value + [UInt8](repeating: 0, count: 4 - value.count)
                } else {
                    out += u32(dataOffset)
                    data += value
                    if value.count % 2 == 1 { data.append(0) }
                    dataOffset += value.count + value.count % 2
                }
            }
            return out + u32(0)
        }
        let header = (bigEndian ? Array("MM".utf8) : Array("II".utf8)) + u16(42) + u32(8)
        let d0 = directory(ifd0, exifPointer: exifCount > 0 ? 8 + ifd0Size : nil)
        let d1 = exifCount > 0 ? directory(exif.sorted { $0.tag < $1.tag }, exifPointer: nil) : []
        return header + d0 + d1 + data
    }

    static func short(_ tag: Int, _ v: Int, bigEndian: Bool) -> Tag {
        Tag(tag: tag, type: 3, count: 1, value: bigEndian ? UInt16(v).bigEndianBytes(2) : UInt16(v).littleEndianBytes(2))
    }

    static func undefined(_ tag: Int, _ bytes: [UInt8]) -> Tag { Tag(tag: tag, type: 7, count: bytes.count, value: bytes) }
    static func ascii(_ tag: Int, _ s: String) -> Tag { Tag(tag: tag, type: 2, count: s.utf8.count + 1, value: Array(s.utf8) + [0]) }

    // MARK: JPEG

    static func segment(_ marker: UInt8, _ payload: [UInt8]) -> [UInt8] {
        [0xFF, marker] + UInt16(payload.count + 2).bigEndianBytes(2) + payload
    }

    static func xmpSegment(_ packet: [UInt8]) -> [UInt8] { segment(0xE1, JPEGStructure.xmpIdentifier + packet) }
    static func exifSegment(_ tiff: [UInt8]) -> [UInt8] { segment(0xE1, Array("Exif\0\0".utf8) + tiff) }
    static let jfif = segment(0xE0, Array("JFIF\0".utf8) + [1, 1, 0, 0, 1, 0, 1, 0, 0])

    /// A structurally valid JPEG (not decodable) of `width` x `height` with `segments` after SOI.
    static func jpeg(_ segments: [[UInt8]], width: Int = 16, height: Int = 8, trailing: [UInt8] = []) -> [UInt8] {
        var out: [UInt8] = [0xFF, 0xD8]
        out += segments.flatMap { $0 }
        out += segment(0xDB, [0] + [UInt8](repeating: 1, count: 64))
        out += segment(0xC0, [8] + UInt16(height).bigEndianBytes(2) + UInt16(width).bigEndianBytes(2) + [1, 1, 0x11, 0])
        out += segment(0xC4, [0] + [UInt8](repeating: 0, count: 15) + [1] + [0])
        out += segment(0xDA, [1, 1, 0, 0, 63, 0])
        out += [0x12, 0x34, 0xFF, 0x00, 0x56, 0xFF, 0xD0, 0x78] // entropy data with a stuffed byte and RST0
        out += [0xFF, 0xD9]
        return out + trailing
    }

    // MARK: WebP

    /// A real 32x32 lossless VP8L bitstream (from the ai-mark-lint fixture).
    static let vp8l: [UInt8] = [0x2F, 0x1F, 0xC0, 0x07, 0x00, 0x07, 0x50, 0xE4, 0x22, 0x97, 0xA2, 0xFF, 0x81, 0x88, 0xE8, 0x7F, 0x00]

    static func riffChunk(_ fourCC: String, _ data: [UInt8]) -> [UInt8] { RIFFChunk.make(fourCC, data) }

    static func webp(_ chunks: [[UInt8]]) -> [UInt8] {
        let body = chunks.flatMap { $0 }
        return Array("RIFF".utf8) + UInt32(body.count + 4).littleEndianBytes(4) + Array("WEBP".utf8) + body
    }

    /// A simple lossy header: key frame, start code, 20x10.
    static let vp8: [UInt8] = [0x10, 0x02, 0x00, 0x9D, 0x01, 0x2A, 20, 0, 10, 0, 0, 0, 0, 0]

    // MARK: GIF

    static func gif(extensions: [[UInt8]], frames: Int = 1, transparent: Bool = false) -> [UInt8] {
        var out = Array("GIF89a".utf8) + [2, 0, 3, 0, 0x80, 0, 0] + [0, 0, 0, 255, 255, 255]
        out += extensions.flatMap { $0 }
        for _ in 0..<frames {
            if transparent { out += [0x21, 0xF9, 4, 0x01, 0, 0, 0, 0] }
            out += [0x2C, 0, 0, 0, 0, 2, 0, 3, 0, 0] + [2, 2, 0x4C, 0x01, 0]
        }
        return out + [0x3B]
    }

    /// An `XMP DataXMP` extension written the Adobe way: raw packet plus the 258-byte magic trailer.
    static func gifRawXMP(_ packet: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x21, 0xFF, 11] + Array("XMP DataXMP".utf8) + packet
        out.append(0x01)
        for v in stride(from: 255, through: 0, by: -1) { out.append(UInt8(v)) }
        out.append(0)
        return out
    }

    /// An `XMP DataXMP` extension with ordinary sub-blocks.
    static func gifBlockXMP(_ packet: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x21, 0xFF, 11] + Array("XMP DataXMP".utf8)
        var i = 0
        while i < packet.count {
            let n = min(255, packet.count - i)
            out.append(UInt8(n))
            out += packet[i..<(i + n)]
            i += n
        }
        return out + [0]
    }
}

extension ContainerScan {
    func has(_ code: Finding.Code) -> Bool { findings.contains { $0.code == code } }
    var labelCarriers: [LabelCarrier] { carriers.filter { $0.parsedPayload.hasAnnexEKeys } }
}

extension LabelCarrier {
    var text: String? {
        if case .text(let t) = payload { return t }
        return nil
    }
}

extension Build {
    // MARK: WAV

    /// A `fmt ` chunk for 8 kHz mono 16-bit PCM.
    static let wavFormat = riffChunk("fmt ", [1, 0, 1, 0, 0x40, 0x1F, 0, 0, 0x80, 0x3E, 0, 0, 2, 0, 16, 0])

    /// A WAV of `chunks` (after `fmt `), and a `data` chunk of `samples` bytes when `data` is true.
    static func wav(_ chunks: [[UInt8]] = [], samples: Int = 1601, data: Bool = true) -> [UInt8] {
        var body = Array("WAVE".utf8) + wavFormat + chunks.flatMap { $0 }
        if data { body += riffChunk("data", (0..<samples).map { UInt8(truncatingIfNeeded: $0 &* 37) }) }
        return Array("RIFF".utf8) + UInt32(body.count).littleEndianBytes(4) + body
    }

    /// A `LIST/INFO` chunk of `(id, text)` items.
    static func info(_ items: [(String, String)]) -> [UInt8] {
        riffChunk("LIST", Array("INFO".utf8) + items.flatMap { riffChunk($0.0, Array($0.1.utf8) + [0]) })
    }
}
