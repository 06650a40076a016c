#if canImport(Glibc)
    import Glibc
#endif

/// The marker segments of a JPEG file, with their byte ranges, so readers can inspect them and writers can
/// splice around them without touching any other byte.
struct JPEGStructure {
    struct Segment {
        /// The marker byte (the second byte of `FF xx`).
        var marker: UInt8
        /// Offset of the `FF` that starts the marker (after any fill bytes).
        var offset: Int
        /// Offset of the first fill byte before the marker (equals `offset` when there is none).
        var fillStart: Int
        /// Where the segment ends: after its payload, or for SOS after the entropy-coded data that follows it.
        var end: Int
        /// The payload after the two length bytes (empty for standalone markers).
        var payload: Range<Int>

        var isAPP: Bool { (0xE0...0xEF).contains(marker) }

        /// Whether this is an APP1 whose payload holds the standard XMP identifier, checked inside the payload (a
        /// short segment followed by the identifier's bytes is not one).
        func isXMP(in bytes: [UInt8]) -> Bool {
            marker == 0xE1 && payload.count >= JPEGStructure.xmpIdentifier.count && bytes.matches(JPEGStructure.xmpIdentifier, at: payload.lowerBound)
        }
        var isSOF: Bool { (0xC0...0xCF).contains(marker) && marker != 0xC4 && marker != 0xC8 && marker != 0xCC }
        var isCOM: Bool { marker == 0xFE }
        var range: Range<Int> { offset..<end }
    }

    static let xmpIdentifier = Array("http://ns.adobe.com/xap/1.0/\0".utf8)
    static let extendedXMPIdentifier = Array("http://ns.adobe.com/xmp/extension/\0".utf8)
    static let maximumSegmentPayload = 65533

    var segments: [Segment] = []
    /// Offset just past EOI, when EOI was found.
    var end: Int?
    /// Structural damage found while walking; the segments before it are valid.
    var damage: [SigilError] = []

    /// A readable name for a marker.
    static func name(of marker: UInt8) -> String {
        switch marker {
        case 0xE0...0xEF: return "APP\(marker - 0xE0)"
        case 0xC4: return "DHT"
        case 0xC8: return "JPG"
        case 0xCC: return "DAC"
        case 0xC0...0xCF: return "SOF\(marker - 0xC0)"
        case 0xD0...0xD7: return "RST\(marker - 0xD0)"
        case 0xD8: return "SOI"
        case 0xD9: return "EOI"
        case 0xDA: return "SOS"
        case 0xDB: return "DQT"
        case 0xDC: return "DNL"
        case 0xDD: return "DRI"
        case 0xFE: return "COM"
        default: return "marker 0xFF\(hex(Int(marker), width: 2))"
        }
    }

    /// Walks the file. With `headerOnly` it stops at the first SOS, whose segment then ends at its header: no
    /// entropy-coded data is scanned, so `bytes` may be just the file's leading bytes.
    ///
    /// - Throws: `.unsupportedFormat` only when the file does not start with SOI.
    init(_ bytes: [UInt8], headerOnly: Bool = false) throws {
        guard bytes.matches([0xFF, 0xD8], at: 0) else {
            throw SigilError(.unsupportedFormat, "not a JPEG file: it does not start with SOI (FF D8)", offset: 0)
        }
        let n = bytes.count
        var i = 2
        // Each iteration moves `i` forward by at least two bytes or stops.
        while i < n {
            guard bytes[i] == 0xFF else {
                damage.append(.malformed("JPEG marker", at: i, "expected 0xFF but found 0x\(hex(Int(bytes[i]), width: 2))"))
                return
            }
            var j = i
            while j + 1 < n && bytes[j + 1] == 0xFF { j += 1 } // fill bytes
            guard j + 1 < n else {
                damage.append(.truncated("JPEG marker", at: i, needs: 2, remaining: n - i))
                return
            }
            let marker = bytes[j + 1]
            let name = Self.name(of: marker)
            if marker == 0xD9 {
                segments.append(Segment(marker: marker, offset: j, fillStart: i, end: j + 2, payload: (j + 2)..<(j + 2)))
                end = j + 2
                return
            }
            if marker == 0x01 || (0xD0...0xD8).contains(marker) {
                segments.append(Segment(marker: marker, offset: j, fillStart: i, end: j + 2, payload: (j + 2)..<(j + 2)))
                i = j + 2
                continue
            }
            guard marker != 0x00 else {
                damage.append(.malformed("JPEG marker", at: j, "is FF 00 (a stuffed byte) outside entropy-coded data"))
                return
            }
            let lengthOK = bytes.has(2, at: j + 2) && bytes.u16be(j + 2) >= 2 && bytes.u16be(j + 2) - 2 <= n - (j + 4)
            if marker == 0xDA {
                // SOS: the header, then entropy-coded data up to the next marker. A broken header length is
                // tolerated: the scan data is not Sigil's concern, the markers after it are.
                let headerEnd = lengthOK ? j + 2 + bytes.u16be(j + 2) : j + 2
                let payload = lengthOK ? (j + 4)..<headerEnd : headerEnd..<headerEnd
                if headerOnly {
                    // The header is all a header reader or writer needs: no scan of the entropy-coded data.
                    segments.append(Segment(marker: marker, offset: j, fillStart: i, end: headerEnd, payload: payload))
                    return
                }
                guard let next = Self.nextMarker(in: bytes, from: headerEnd) else {
                    segments.append(Segment(marker: marker, offset: j, fillStart: i, end: n, payload: payload))
                    damage.append(
                        SigilError(.truncated, "JPEG entropy-coded data after SOS at offset \(j) runs to the end of the file without EOI", offset: j))
                    return
                }
                segments.append(Segment(marker: marker, offset: j, fillStart: i, end: next, payload: payload))
                i = next
                continue
            }
            guard bytes.has(2, at: j + 2) else {
                damage.append(.truncated("JPEG \(name) segment length", at: j, needs: 4, remaining: n - j))
                return
            }
            let length = bytes.u16be(j + 2)
            guard length >= 2 else {
                damage.append(.malformed("JPEG \(name) segment", at: j, "declares length \(length), less than the 2 length bytes"))
                return
            }
            guard lengthOK else {
                damage.append(
                    SigilError(
                        .truncated, "JPEG \(name) segment at offset \(j) declares \(length - 2) bytes but only \(n - (j + 4)) remain", offset: j))
                return
            }
            segments.append(Segment(marker: marker, offset: j, fillStart: i, end: j + 2 + length, payload: (j + 4)..<(j + 2 + length)))
            i = j + 2 + length
        }
        if !headerOnly {
            damage.append(SigilError(.truncated, "JPEG file ends at offset \(n) without EOI", offset: n))
        }
    }

    /// The next marker after entropy-coded data starting at `start`: skips stuffed `FF 00`, RSTn and fill bytes.
    /// Uses `memchr` to find each `FF`, so the scan runs at memory speed.
    static func nextMarker(in bytes: [UInt8], from start: Int) -> Int? {
        bytes.withUnsafeBufferPointer { p -> Int? in
            guard let base = p.baseAddress else { return nil }
            var i = max(start, 0)
            let n = p.count
            while i + 1 < n {
                guard let hit = memchr(base + i, 0xFF, n - i - 1) else { return nil }
                i = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                let b = p[i + 1]
                if b == 0x00 || (0xD0...0xD7).contains(b) {
                    i += 2
                    continue
                }
                if b == 0xFF {
                    i += 1
                    continue
                }
                return i
            }
            return nil
        }
    }

    /// Requires a whole JPEG file to be complete: it ends with EOI, or a walk of the whole file finds EOI (with
    /// trailing data after it, which writers keep).
    ///
    /// - Throws: the walk's first damage (`.truncated` when the entropy-coded data runs to the end of the file).
    static func requireComplete(_ bytes: [UInt8]) throws {
        if bytes.count >= 4, bytes[bytes.count - 2] == 0xFF, bytes[bytes.count - 1] == 0xD9 { return }
        let full = try JPEGStructure(bytes)
        if full.end == nil {
            throw full.damage.first ?? SigilError(.truncated, "JPEG file ends at offset \(bytes.count) without EOI", offset: bytes.count)
        }
    }

    /// The first segment holding the standard XMP packet.
    func xmpSegment(in bytes: [UInt8]) -> Segment? {
        segments.first { $0.isXMP(in: bytes) }
    }

    /// Whether a segment is an APP1 Exif block.
    static func isExif(_ segment: Segment, in bytes: [UInt8]) -> Bool {
        segment.marker == 0xE1 && bytes.matches(Array("Exif\0".utf8), at: segment.payload.lowerBound)
    }
}
