import SigilContainers

/// The C2PA store in RIFF files (WAV, AVI, WebP): a top-level `C2PA` chunk, appended as the last child of the RIFF
/// form with the RIFF size updated. The exclusion covers the chunk header and data; the pad byte stays hashed.
enum RIFFManifestCarrier {
    struct Layout {
        var chunks: [ContainerSegment]
        /// Where the RIFF form ends (clamped to the file).
        var riffEnd: Int
    }

    /// The top-level chunks: the WebP walker of SigilContainers for WebP, a minimal walker for other forms.
    static func layout(_ bytes: [UInt8], format: AssetFormat) throws -> Layout {
        if format == .webp {
            let (chunks, riffEnd, _) = try ContainerSegments.webp(bytes)
            return Layout(chunks: chunks, riffEnd: riffEnd)
        }
        guard bytes.count >= 12, Array(bytes[0..<4]) == Array("RIFF".utf8) else {
            throw SigilError(.unsupportedFormat, "not a RIFF file: the RIFF header is missing", offset: 0)
        }
        let declared = Int(bytes.u32le(4))
        guard declared >= 4 else {
            throw SigilError(.malformed, "RIFF header at offset 0 declares \(declared) bytes, too few for a form type", offset: 0)
        }
        guard declared <= bytes.count - 8 else {
            throw SigilError(.truncated, "RIFF header at offset 0 declares \(declared) bytes but only \(bytes.count - 8) remain", offset: 0)
        }
        let riffEnd = 8 + declared
        var chunks: [ContainerSegment] = []
        var i = 12
        // Each iteration moves `i` forward by at least 8 bytes or stops.
        while i < riffEnd {
            guard riffEnd - i >= 8 else {
                throw SigilError(.truncated, "RIFF chunk header at offset \(i) needs 8 bytes but only \(riffEnd - i) remain", offset: i)
            }
            let name = String(decoding: bytes[i..<(i + 4)], as: UTF8.self)
            let size = Int(bytes.u32le(i + 4))
            guard size <= riffEnd - (i + 8) else {
                throw SigilError(.truncated, "RIFF chunk '\(name)' at offset \(i) declares \(size) bytes but only \(riffEnd - (i + 8)) remain", offset: i)
            }
            chunks.append(ContainerSegment(name: name, marker: 0, range: i..<(i + 8 + size), payload: (i + 8)..<(i + 8 + size)))
            i += 8 + size + (size & 1)
        }
        return Layout(chunks: chunks, riffEnd: min(riffEnd, bytes.count))
    }

    static func find(_ bytes: [UInt8], format: AssetFormat) throws -> [EmbeddedManifestStore] {
        try layout(bytes, format: format).chunks.filter { $0.name == "C2PA" }.map {
            EmbeddedManifestStore(bytes: Array(bytes[$0.payload]), containerRange: $0.range, location: "RIFF C2PA chunk at offset \($0.range.lowerBound)")
        }
    }

    static func remove(_ bytes: [UInt8], format: AssetFormat) throws -> [UInt8] {
        let layout = try layout(bytes, format: format)
        let ranges = layout.chunks.filter { $0.name == "C2PA" }.map { chunk -> Range<Int> in
            let padded = chunk.payload.count & 1 == 1 && chunk.range.upperBound < layout.riffEnd ? 1 : 0
            return chunk.range.lowerBound..<(chunk.range.upperBound + padded)
        }
        guard !ranges.isEmpty else { return bytes }
        var out = ManifestCarrier.cut(bytes, ranges)
        let removed = ranges.reduce(0) { $0 + $1.count }
        setSize(&out, Int(bytes.u32le(4)) - removed)
        return out
    }

    static func embed(_ store: [UInt8], into bytes: [UInt8], format: AssetFormat) throws -> (bytes: [UInt8], containerRange: Range<Int>) {
        let layout = try layout(bytes, format: format)
        guard store.count <= Int(UInt32.max) - 16 else { throw SigilError(.capacity, "a manifest store of \(store.count) bytes exceeds a RIFF chunk") }
        var chunk = Array("C2PA".utf8) + UInt32(store.count).littleEndianArray + store
        let headerAndData = chunk.count
        if store.count & 1 == 1 { chunk.append(0) }
        // A RIFF body of odd length (a last chunk without its pad byte) gets the pad first.
        let bodyPad = (layout.riffEnd - 12) & 1 == 1 && layout.riffEnd == bytes.count ? [UInt8(0)] : []
        let at = layout.riffEnd + bodyPad.count
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + chunk.count + 1)
        out += bytes[0..<layout.riffEnd]
        out += bodyPad
        out += chunk
        out += bytes[layout.riffEnd...]
        guard at - 8 + chunk.count <= Int(UInt32.max) else { throw SigilError(.capacity, "the RIFF file would exceed 4 GiB") }
        setSize(&out, at - 8 + chunk.count)
        return (out, at..<(at + headerAndData))
    }

    static func setSize(_ bytes: inout [UInt8], _ size: Int) {
        let le = UInt32(truncatingIfNeeded: size).littleEndianArray
        for k in 0..<4 { bytes[4 + k] = le[k] }
    }
}

extension Array where Element == UInt8 {
    func u32le(_ i: Int) -> UInt32 {
        UInt32(self[i]) | UInt32(self[i + 1]) << 8 | UInt32(self[i + 2]) << 16 | UInt32(self[i + 3]) << 24
    }
    func u32be(_ i: Int) -> UInt32 {
        UInt32(self[i]) << 24 | UInt32(self[i + 1]) << 16 | UInt32(self[i + 2]) << 8 | UInt32(self[i + 3])
    }
}

extension FixedWidthInteger {
    /// The little-endian bytes of this integer.
    var littleEndianArray: [UInt8] {
        withUnsafeBytes(of: self.littleEndian) { Array($0) }
    }
}
