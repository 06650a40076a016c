/// The top-level chunks of any RIFF form (WebP, WAV, AVI): the one RIFF walker. It reads chunk headers only, so
/// it walks a multi-gigabyte WAV through a ``ByteSource`` in a few reads. Damage stops the walk and is recorded;
/// the chunks before it are kept.
struct RIFFStructure {
    struct Chunk {
        /// The FourCC, e.g. `VP8X`, `XMP ` (with its trailing space), `data`.
        var fourCC: String
        /// Offset of the chunk header.
        var offset: Int
        var data: Range<Int>
        /// Offset past the data and its pad byte (when present).
        var end: Int
        var range: Range<Int> { offset..<end }
        /// Header and data, without the pad byte.
        var unpadded: Range<Int> { offset..<data.upperBound }
    }

    /// The form type at offset 8 (`WEBP`, `WAVE`, `AVI `).
    var form: String
    var chunks: [Chunk] = []
    /// Where the RIFF size says the file ends, clamped to the file.
    var riffEnd: Int
    /// The RIFF size field.
    var declaredSize: Int
    var damage: [SigilError] = []
    /// The `ds64` chunk of an RF64/BW64 file (EBU Tech 3306), whose 64-bit sizes stand for the 32-bit fields set
    /// to 0xFFFFFFFF; nil for RIFF.
    var ds64: DS64?
    /// Whether a WAVE form left its sizes unset as a streamed WAV does (RIFF size or `data` size 0xFFFFFFFF without
    /// a `ds64` chunk): the RIFF form then runs to the end of the file and `data` to the end of the form, as ffmpeg
    /// and libsndfile read it. Any other size past the end is damage.
    var sizesUnset = false

    /// The 64-bit sizes of an RF64/BW64 file.
    struct DS64 {
        /// Where the 64-bit RIFF size is (it replaces the header's size field).
        static let riffSizeField = 20..<28
        var riffSize: Int
        var dataSize: Int
        /// Sizes of other chunks longer than 4 GiB, by FourCC.
        var table: [String: Int]
    }

    /// Image-bitstream and animation chunks of WebP: the compressed image payload.
    static let imageChunks: Set<String> = ["VP8 ", "VP8L", "ALPH", "ANIM", "ANMF"]

    /// Whether `bytes` start an RF64 or BW64 WAVE file (a WAV whose sizes live in a `ds64` chunk).
    static func isRF64(_ bytes: [UInt8]) -> Bool {
        (bytes.matches(ascii: "RF64", at: 0) || bytes.matches(ascii: "BW64", at: 0)) && bytes.matches(ascii: "WAVE", at: 8)
    }

    /// Reads the `ds64` chunk that must follow an RF64/BW64 header.
    ///
    /// - Throws: ``SigilError`` `.malformed`/`.truncated` naming the chunk.
    static func readDS64(_ source: any ByteSource) throws -> DS64 {
        let header = try source.require(8, at: 12, for: "RF64 ds64 chunk header")
        guard header.matches(ascii: "ds64", at: 0) else { throw SigilError.malformed("RF64 file", at: 12, "does not start with a ds64 chunk") }
        let size = header.u32le(4)
        guard size >= 28 else { throw SigilError.malformed("RF64 ds64 chunk", at: 12, "is \(size) bytes, fewer than the 28 its sizes take") }
        let body = try source.require(size, at: 20, for: "RF64 ds64 chunk")
        func u64(_ i: Int) throws -> Int {
            let value = UInt64(body.u32le(i)) | UInt64(body.u32le(i + 4)) << 32
            guard let int = Int(exactly: value), int <= source.count else {
                throw SigilError.malformed("RF64 ds64 chunk", at: 20 + i, "declares a size of \(value) bytes in a \(source.count)-byte file")
            }
            return int
        }
        let count = body.u32le(24)
        guard count <= (size - 28) / 12 else {
            throw SigilError.malformed("RF64 ds64 chunk", at: 12, "declares \(count) table entries in \(size) bytes")
        }
        var table: [String: Int] = [:]
        for entry in 0..<count {
            let at = 28 + entry * 12
            table[String(decoding: body[at..<(at + 4)], as: UTF8.self)] = try u64(at + 4)
        }
        return DS64(riffSize: try u64(0), dataSize: try u64(8), table: table)
    }

    /// Whether `bytes` start a RIFF form of type `form` (any form when nil).
    static func isRIFF(_ bytes: [UInt8], form: String? = nil) -> Bool {
        bytes.matches(ascii: "RIFF", at: 0) && bytes.count >= 12 && (form.map { bytes.matches(ascii: $0, at: 8) } ?? true)
    }

    /// Walks a WebP file in memory.
    ///
    /// - Throws: `.unsupportedFormat` when the file is not RIFF/WEBP.
    init(_ bytes: [UInt8]) throws {
        try self.init(MemoryByteSource(bytes), form: "WEBP", name: "WebP")
    }

    /// Walks the RIFF form `form` (any when nil) that `source` reads.
    ///
    /// - Throws: `.unsupportedFormat` when the header is not `RIFF` with that form type; `.io` when a read fails.
    init(_ source: any ByteSource, form expected: String?, name: String) throws {
        let head = try source.read(0..<12)
        let rf64 = expected == "WAVE" && Self.isRF64(head)
        guard Self.isRIFF(head, form: expected) || rf64 else {
            let form = expected.map { "RIFF/\($0)" } ?? "RIFF"
            throw SigilError(.unsupportedFormat, "not a \(name) file: the \(form) header is missing", offset: 0)
        }
        form = String(decoding: head[8..<12], as: UTF8.self)
        let n = source.count
        if rf64 {
            let ds64 = try Self.readDS64(source)
            self.ds64 = ds64
            declaredSize = ds64.riffSize
        } else {
            declaredSize = head.u32le(4)
            if form == "WAVE", declaredSize == 0xFFFF_FFFF {
                declaredSize = max(4, n - 8)
                sizesUnset = true
            }
        }
        if declaredSize > n - 8 {
            damage.append(SigilError(.truncated, "RIFF header at offset 0 declares \(declaredSize) bytes but only \(n - 8) remain", offset: 0))
        }
        if declaredSize < 4 {
            damage.append(.malformed("RIFF header", at: 0, "declares \(declaredSize) bytes, too few for the \(form.trimmingSpaces) form type"))
        }
        riffEnd = max(12, min(8 + declaredSize, n))
        var i = 12
        // Each iteration moves `i` forward by at least 8 bytes or stops.
        while i < riffEnd {
            guard i + 8 <= riffEnd else {
                damage.append(SigilError(.truncated, "RIFF chunk header at offset \(i) needs 8 bytes but only \(riffEnd - i) remain", offset: i))
                return
            }
            let header = try source.read(i..<(i + 8))
            let fourCCBytes = header[0..<4]
            guard fourCCBytes.allSatisfy({ (0x20...0x7E).contains($0) }) else {
                damage.append(.malformed("RIFF chunk", at: i, "has a FourCC that is not printable ASCII"))
                return
            }
            let fourCC = String(decoding: fourCCBytes, as: UTF8.self)
            var size = header.u32le(4)
            let available = riffEnd - (i + 8)
            if size == 0xFFFF_FFFF, let ds64 {
                size = fourCC == "data" ? ds64.dataSize : ds64.table[fourCC] ?? size
            } else if size == 0xFFFF_FFFF, form == "WAVE", fourCC == "data" {
                size = available
                sizesUnset = true
            }
            guard size <= available else {
                damage.append(
                    SigilError(
                        .truncated, "\(name) chunk \(fourCC.trimmingSpaces) at offset \(i) declares \(size) bytes but only \(available) remain",
                        offset: i))
                return
            }
            let dataEnd = i + 8 + size
            let end = size % 2 == 1 && dataEnd < riffEnd ? dataEnd + 1 : dataEnd
            chunks.append(Chunk(fourCC: fourCC, offset: i, data: (i + 8)..<dataEnd, end: end))
            i = end
        }
    }

    func first(_ fourCC: String) -> Chunk? { chunks.first { $0.fourCC == fourCC } }

    /// The sub-chunks of a `LIST` chunk's data (after its 4-byte list type), read from `bytes`.
    static func listItems(_ list: Chunk, in bytes: [UInt8]) -> (type: String, items: [Chunk], damage: SigilError?) {
        let d = list.data
        guard d.count >= 4 else { return ("", [], .malformed("RIFF LIST chunk", at: list.offset, "is \(d.count) bytes, too short for a list type")) }
        let type = String(
            decoding: bytes[d.lowerBound..<(d.lowerBound + 4)].map { (0x20...0x7E).contains($0) ? $0 : UInt8(ascii: "?") }, as: UTF8.self)
        var items: [Chunk] = []
        var i = d.lowerBound + 4
        // Each iteration moves `i` forward by at least 8 bytes or stops.
        while i < d.upperBound {
            guard d.upperBound - i >= 8 else {
                return (
                    type, items,
                    SigilError(
                        .truncated, "RIFF LIST/\(type) item header at offset \(i) needs 8 bytes but only \(d.upperBound - i) remain", offset: i)
                )
            }
            let fourCC = String(decoding: bytes[i..<(i + 4)].map { (0x20...0x7E).contains($0) ? $0 : UInt8(ascii: "?") }, as: UTF8.self)
            let size = bytes.u32le(i + 4)
            guard size <= d.upperBound - (i + 8) else {
                return (
                    type, items,
                    SigilError(
                        .truncated,
                        "RIFF LIST/\(type) item '\(fourCC)' at offset \(i) declares \(size) bytes but only \(d.upperBound - i - 8) remain", offset: i)
                )
            }
            let dataEnd = i + 8 + size
            let end = min(d.upperBound, dataEnd + (size & 1))
            items.append(Chunk(fourCC: fourCC, offset: i, data: (i + 8)..<dataEnd, end: end))
            i = end
        }
        return (type, items, nil)
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}
