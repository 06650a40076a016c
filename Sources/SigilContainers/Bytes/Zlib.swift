import CZlib

/// The zlib calls this module needs: bounded inflate (PNG zTXt/iTXt), deflate (rewriting them) and CRC-32.
enum Zlib {
    /// Largest inflated text Sigil accepts from one chunk (decompression-bomb guard).
    static let maximumInflatedSize = 8 << 20

    /// Inflates a zlib stream (RFC 1950), or a raw deflate stream (RFC 1951, as ZIP stores it) when `raw`,
    /// refusing to produce more than `limit` bytes. With `allowUnterminated`, a stream whose input ends without a
    /// final block (PDF writers that only sync-flush) gives what it inflated so far.
    ///
    /// - Throws: `.malformed` for a damaged or incomplete stream, `.tooLarge` past `limit`.
    static func inflate(
        _ input: [UInt8], limit: Int = maximumInflatedSize, raw: Bool = false, allowUnterminated: Bool = false, structure: String, offset: Int
    ) throws -> [UInt8] {
        guard !input.isEmpty else { throw SigilError.malformed(structure, at: offset, "holds an empty zlib stream") }
        var stream = z_stream()
        let initStatus = inflateInit2_(&stream, raw ? -MAX_WBITS : MAX_WBITS, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard initStatus == Z_OK else { throw SigilError(.codec, "zlib inflateInit failed (\(initStatus))") }
        defer { inflateEnd(&stream) }

        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        var status: Int32 = Z_OK
        let inputCount = input.count
        var source = input
        try source.withUnsafeMutableBufferPointer { inBuf in
            stream.next_in = inBuf.baseAddress
            stream.avail_in = uInt(inBuf.count)
            // Each round either consumes input, produces output, or stops: bounded by input + limit.
            while true {
                let produced: Int = chunk.withUnsafeMutableBufferPointer { outBuf in
                    stream.next_out = outBuf.baseAddress
                    stream.avail_out = uInt(outBuf.count)
                    status = CZlib.inflate(&stream, Z_NO_FLUSH)
                    return outBuf.count - Int(stream.avail_out)
                }
                if produced > 0 {
                    guard output.count + produced <= limit else {
                        throw SigilError(.tooLarge, "\(structure) at offset \(offset) inflates to more than \(limit) bytes", offset: offset)
                    }
                    output.append(contentsOf: chunk[0..<produced])
                }
                switch status {
                case Z_STREAM_END:
                    return
                case Z_OK:
                    continue
                case Z_BUF_ERROR:
                    // No progress possible: input exhausted before the end of the stream.
                    if allowUnterminated, stream.avail_in == 0 { return }
                    throw SigilError.malformed(structure, at: offset, "holds a zlib stream that ends early (\(inputCount) compressed bytes)")
                default:
                    let reason = stream.msg.map { String(cString: $0) } ?? "error \(status)"
                    throw SigilError.malformed(structure, at: offset, "holds a damaged zlib stream (\(reason))")
                }
            }
        }
        return output
    }

    /// Deflates `input` into a zlib stream (RFC 1950) at the default level.
    static func deflate(_ input: [UInt8]) throws -> [UInt8] {
        var destLength = compressBound(uLong(input.count))
        var output = [UInt8](repeating: 0, count: Int(destLength))
        let status = output.withUnsafeMutableBufferPointer { out in
            input.withUnsafeBufferPointer { inp in
                compress2(out.baseAddress, &destLength, inp.baseAddress, uLong(inp.count), Z_DEFAULT_COMPRESSION)
            }
        }
        guard status == Z_OK else { throw SigilError(.codec, "zlib compress2 failed (\(status))") }
        output.removeSubrange(Int(destLength)...)
        return output
    }

    /// Deflates `input` into a raw deflate stream (RFC 1951), as ZIP stores it: the zlib stream without its
    /// two-byte header and four-byte Adler-32 trailer.
    static func deflateRaw(_ input: [UInt8]) throws -> [UInt8] {
        let wrapped = try deflate(input)
        return Array(wrapped[2..<(wrapped.count - 4)])
    }

    /// CRC-32 (ISO 3309, as PNG uses it) of `bytes[range]`.
    static func crc32(_ bytes: [UInt8], _ range: Range<Int>) -> UInt32 {
        bytes.withUnsafeBufferPointer { p -> UInt32 in
            guard let base = p.baseAddress, !range.isEmpty else { return 0 }
            var crc = CZlib.crc32(0, nil, 0)
            var start = range.lowerBound
            // zlib takes a 32-bit length; feed large ranges in slices.
            while start < range.upperBound {
                let n = min(range.upperBound - start, 1 << 30)
                crc = CZlib.crc32(crc, base + start, uInt(n))
                start += n
            }
            return UInt32(truncatingIfNeeded: crc)
        }
    }

    /// CRC-32 of a whole byte array.
    static func crc32(_ bytes: [UInt8]) -> UInt32 { crc32(bytes, 0..<bytes.count) }
}
