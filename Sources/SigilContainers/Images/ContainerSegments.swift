/// The top-level structure of JPEG, PNG and WebP files as plain values, for modules that splice whole segments or
/// chunks (the C2PA manifest store goes into JPEG APP11, PNG `caBX` and a RIFF `C2PA` chunk). A thin public view over
/// this module's structure parsers, which stay internal.
public struct ContainerSegment: Sendable, Hashable {
    /// The JPEG marker name (`APP11`, `SOS`), the PNG chunk type or the RIFF FourCC.
    public var name: String
    /// The JPEG marker byte (the second byte of `FF xx`); 0 for PNG and RIFF.
    public var marker: UInt8
    /// The whole segment or chunk: JPEG from its `FF` (after fill bytes; SOS includes the entropy-coded data), PNG
    /// length to CRC, RIFF header to the end of the data (not the pad byte).
    public var range: Range<Int>
    /// The payload: JPEG after the length bytes, PNG chunk data, RIFF chunk data.
    public var payload: Range<Int>

    public init(name: String, marker: UInt8, range: Range<Int>, payload: Range<Int>) {
        self.name = name
        self.marker = marker
        self.range = range
        self.payload = payload
    }
}

/// Walks the top-level segments or chunks of a JPEG, PNG or WebP file.
public enum ContainerSegments {
    /// The JPEG marker segments up to and including EOI (with `headerOnly`, up to the first SOS, whose range then
    /// ends at its header), and the damage found (the segments before it are valid).
    ///
    /// - Throws: ``SigilError`` `.unsupportedFormat` when the file does not start with SOI.
    public static func jpeg(_ bytes: [UInt8], headerOnly: Bool = false) throws -> (segments: [ContainerSegment], damage: [SigilError]) {
        let structure = try JPEGStructure(bytes, headerOnly: headerOnly)
        let segments = structure.segments.map {
            ContainerSegment(name: JPEGStructure.name(of: $0.marker), marker: $0.marker, range: $0.offset..<$0.end, payload: $0.payload)
        }
        return (segments, structure.damage)
    }

    /// The JPEG marker segments before the first SOS (the SOS itself included, its range ending at its header),
    /// without scanning any entropy-coded data: what a writer of APPn segments needs, at the cost of the header
    /// bytes only. Stops quietly at the first damage.
    ///
    /// - Throws: ``SigilError`` `.unsupportedFormat` when the file does not start with SOI.
    public static func jpegHeader(_ bytes: [UInt8]) throws -> [ContainerSegment] {
        [ContainerSegment(name: "SOI", marker: 0xD8, range: 0..<2, payload: 2..<2)] + (try jpeg(bytes, headerOnly: true).segments)
    }

    /// The PNG chunks up to and including IEND (CRCs not verified), and the damage found.
    ///
    /// - Throws: ``SigilError`` `.unsupportedFormat` when the PNG signature is missing.
    public static func png(_ bytes: [UInt8]) throws -> (chunks: [ContainerSegment], damage: [SigilError]) {
        let structure = try PNGStructure(bytes, verifyCRC: false)
        let chunks = structure.chunks.map { ContainerSegment(name: $0.type, marker: 0, range: $0.offset..<$0.end, payload: $0.data) }
        return (chunks, structure.damage)
    }

    /// The chunks of a WebP file's RIFF body, where the RIFF body ends, and the damage found.
    ///
    /// - Throws: ``SigilError`` `.unsupportedFormat` when the RIFF/WEBP header is missing.
    public static func webp(_ bytes: [UInt8]) throws -> (chunks: [ContainerSegment], riffEnd: Int, damage: [SigilError]) {
        let structure = try RIFFStructure(bytes)
        let chunks = structure.chunks.map { ContainerSegment(name: $0.fourCC, marker: 0, range: $0.offset..<$0.data.upperBound, payload: $0.data) }
        return (chunks, structure.riffEnd, structure.damage)
    }

    /// The CRC-32 a PNG chunk stores (over its type and data).
    public static func pngCRC(_ bytes: [UInt8]) -> UInt32 { Zlib.crc32(bytes) }
}
