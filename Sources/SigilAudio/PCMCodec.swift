public import SigilContainers

/// Converts between a WAV's sample bytes and floating-point samples (−1…1): decoding for loudness and
/// detection, encoding for the rhythm label spliced into the file.
public struct PCMCodec: Sendable, Hashable {
    public let encoding: WAVPCMLayout.SampleEncoding

    public init(_ encoding: WAVPCMLayout.SampleEncoding) { self.encoding = encoding }

    /// The samples in `bytes` (a whole number of samples; a trailing partial sample is ignored).
    public func decode(_ bytes: [UInt8]) -> [Float] {
        let width = encoding.bytes
        let count = bytes.count / width
        var out = [Float](repeating: 0, count: count)
        bytes.withUnsafeBytes { raw in
            for i in 0..<count {
                let at = i * width
                switch encoding {
                case .unsigned8:
                    out[i] = (Float(raw[at]) - 128) / 128
                case .signed(16):
                    out[i] = Float(Int16(bitPattern: raw.loadUnaligned(fromByteOffset: at, as: UInt16.self).littleEndian)) / 32768
                case .signed(24):
                    let v = Int32(raw[at]) | Int32(raw[at + 1]) << 8 | Int32(Int8(bitPattern: raw[at + 2])) << 16
                    out[i] = Float(v) / 8_388_608
                case .signed:
                    out[i] = Float(Double(Int32(bitPattern: raw.loadUnaligned(fromByteOffset: at, as: UInt32.self).littleEndian)) / 2_147_483_648)
                case .float(32):
                    out[i] = Float(bitPattern: raw.loadUnaligned(fromByteOffset: at, as: UInt32.self).littleEndian)
                case .float:
                    out[i] = Float(Double(bitPattern: raw.loadUnaligned(fromByteOffset: at, as: UInt64.self).littleEndian))
                }
            }
        }
        return out
    }

    /// `samples` in this encoding, integers rounded and clamped to their range.
    public func encode(_ samples: [Float]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(samples.count * encoding.bytes)
        func integer(_ s: Float, bits: Int) -> Int64 {
            let scale = Double(Int64(1) << (bits - 1))
            return Int64(max(-scale, min(scale - 1, (Double(s) * scale).rounded())))
        }
        for s in samples {
            switch encoding {
            case .unsigned8:
                out.append(UInt8(integer(s, bits: 8) + 128))
            case .signed(let bits):
                let v = UInt64(bitPattern: integer(s, bits: bits))
                for b in 0..<(bits / 8) { out.append(UInt8(truncatingIfNeeded: v >> (8 * b))) }
            case .float(32):
                let v = s.bitPattern
                for b in 0..<4 { out.append(UInt8(truncatingIfNeeded: v >> (8 * b))) }
            case .float:
                let v = Double(s).bitPattern
                for b in 0..<8 { out.append(UInt8(truncatingIfNeeded: v >> (8 * b))) }
            }
        }
        return out
    }

    /// Calls `body` with the WAV's samples decoded (its first `frames` frames when given), about 1 MiB at a time, so
    /// memory stays flat.
    public static func forEachChunk(
        of layout: WAVPCMLayout, in source: any ByteSource, frames: Int? = nil, _ body: ([Float]) throws -> Void
    ) throws {
        let codec = PCMCodec(layout.encoding)
        let chunk = max(1, (1 << 20) / max(1, layout.blockAlign)) * layout.blockAlign
        var at = layout.data.lowerBound
        let end = layout.data.lowerBound + min(layout.frameCount, max(0, frames ?? layout.frameCount)) * layout.blockAlign
        while at < end {
            let bytes = try source.require(min(chunk, end - at), at: at, for: "WAV data chunk")
            try body(codec.decode(bytes))
            at += bytes.count
        }
    }
}
