/// Canvas size and alpha from WebP chunks: VP8X, VP8 (lossy key frame) and VP8L (lossless).
enum WebPBitstream {
    struct Info {
        var width: Int
        var height: Int
        var hasAlpha: Bool
        var isAnimated: Bool = false
    }

    /// Reads the canvas from a VP8X chunk.
    static func vp8x(_ chunk: RIFFStructure.Chunk, in bytes: [UInt8]) throws -> Info {
        guard chunk.data.count >= 10 else {
            throw SigilError.malformed("WebP VP8X chunk", at: chunk.offset, "has \(chunk.data.count) bytes, fewer than the 10 it needs")
        }
        let d = chunk.data.lowerBound
        let flags = bytes[d]
        return Info(width: bytes.u24le(d + 4) + 1, height: bytes.u24le(d + 7) + 1, hasAlpha: flags & 0x10 != 0, isAnimated: flags & 0x02 != 0)
    }

    /// Reads the frame size from a VP8 (lossy) or VP8L (lossless) bitstream chunk.
    static func image(_ chunk: RIFFStructure.Chunk, in bytes: [UInt8]) throws -> Info {
        let d = chunk.data.lowerBound
        switch chunk.fourCC {
        case "VP8 ":
            guard chunk.data.count >= 10 else {
                throw SigilError.malformed("WebP VP8 chunk", at: chunk.offset, "has \(chunk.data.count) bytes, too few for a frame header")
            }
            guard bytes[d] & 0x01 == 0 else {
                throw SigilError.malformed("WebP VP8 chunk", at: chunk.offset, "does not start with a key frame")
            }
            guard bytes.matches([0x9D, 0x01, 0x2A], at: d + 3) else {
                throw SigilError.malformed("WebP VP8 chunk", at: chunk.offset, "lacks the VP8 start code 9D 01 2A")
            }
            return Info(width: bytes.u16le(d + 6) & 0x3FFF, height: bytes.u16le(d + 8) & 0x3FFF, hasAlpha: false)
        case "VP8L":
            guard chunk.data.count >= 5 else {
                throw SigilError.malformed("WebP VP8L chunk", at: chunk.offset, "has \(chunk.data.count) bytes, too few for its header")
            }
            guard bytes[d] == 0x2F else {
                throw SigilError.malformed("WebP VP8L chunk", at: chunk.offset, "lacks the signature byte 0x2F")
            }
            let v = bytes.u32le(d + 1)
            return Info(width: (v & 0x3FFF) + 1, height: ((v >> 14) & 0x3FFF) + 1, hasAlpha: (v >> 28) & 1 == 1)
        default:
            throw SigilError.malformed("WebP \(chunk.fourCC) chunk", at: chunk.offset, "is not an image bitstream")
        }
    }
}
