/// The block structure of a GIF file: logical screen, extensions and image descriptors.
struct GIFStructure {
    struct Extension {
        var label: UInt8
        /// Offset of the 0x21 introducer.
        var offset: Int
        /// For application extensions: the 8-byte identifier plus 3-byte authentication code.
        var applicationID: [UInt8]
        /// Where the sub-blocks start (the first length byte) and where the terminator sits.
        var subBlocksStart: Int
        var terminator: Int
        /// The data ranges of the sub-blocks (without their length bytes).
        var blocks: [Range<Int>]
    }

    var width: Int
    var height: Int
    var frameCount = 0
    var hasTransparency = false
    var extensions: [Extension] = []
    /// Offset past the trailer (0x3B), when found.
    var end: Int?
    var damage: [SigilError] = []

    /// - Throws: `.unsupportedFormat` without the GIF signature, `.truncated` without a logical screen descriptor.
    init(_ bytes: [UInt8]) throws {
        guard bytes.matches(ascii: "GIF87a", at: 0) || bytes.matches(ascii: "GIF89a", at: 0) else {
            throw SigilError(.unsupportedFormat, "not a GIF file: the GIF87a/GIF89a signature is missing", offset: 0)
        }
        try bytes.require(13, at: 0, for: "GIF logical screen descriptor")
        width = bytes.u16le(6)
        height = bytes.u16le(8)
        let flags = bytes[10]
        var i = 13
        if flags & 0x80 != 0 { i += 3 << ((Int(flags) & 7) + 1) }
        let n = bytes.count
        // Each iteration consumes at least one byte or stops.
        while i < n {
            switch bytes[i] {
            case 0x21:
                guard i + 1 < n else {
                    damage.append(.truncated("GIF extension", at: i, needs: 2, remaining: n - i))
                    return
                }
                let label = bytes[i + 1]
                var applicationID: [UInt8] = []
                var start = i + 2
                if label == 0xFF {
                    // Application extension: a first block of (normally) 11 bytes holds the identifier.
                    guard i + 2 < n else {
                        damage.append(.truncated("GIF application extension", at: i, needs: 3, remaining: n - i))
                        return
                    }
                    let size = Int(bytes[i + 2])
                    guard bytes.has(size, at: i + 3) else {
                        damage.append(.truncated("GIF application extension header", at: i, needs: size, remaining: n - (i + 3)))
                        return
                    }
                    applicationID = Array(bytes[(i + 3)..<(i + 3 + size)])
                    start = i + 3 + size
                } else if label == 0xF9, i + 3 < n, bytes[i + 2] >= 1 {
                    if bytes[i + 3] & 0x01 != 0 { hasTransparency = true }
                }
                let what = label == 0xFF && applicationID.starts(with: Array("XMP Data".utf8)) ? "XMP sub-blocks" : "sub-blocks"
                guard let (blocks, terminator) = Self.subBlocks(bytes, from: start) else {
                    damage.append(
                        SigilError(.truncated, "unexpected end of file while reading the \(what) of the GIF extension at offset \(i)", offset: i))
                    return
                }
                extensions.append(
                    Extension(label: label, offset: i, applicationID: applicationID, subBlocksStart: start, terminator: terminator, blocks: blocks))
                i = terminator + 1
            case 0x2C:
                guard bytes.has(10, at: i) else {
                    damage.append(.truncated("GIF image descriptor", at: i, needs: 10, remaining: n - i))
                    return
                }
                frameCount += 1
                let localFlags = bytes[i + 9]
                var p = i + 10
                if localFlags & 0x80 != 0 { p += 3 << ((Int(localFlags) & 7) + 1) }
                p += 1 // LZW minimum code size
                guard p <= n, let (_, terminator) = Self.subBlocks(bytes, from: p) else {
                    damage.append(
                        SigilError(.truncated, "unexpected end of file while reading the image data of the GIF frame at offset \(i)", offset: i))
                    return
                }
                i = terminator + 1
            case 0x3B:
                end = i + 1
                return
            default:
                damage.append(
                    .malformed(
                        "GIF block", at: i, "starts with 0x\(hex(Int(bytes[i]), width: 2)), not an extension (0x21), image (0x2C) or trailer (0x3B)"))
                return
            }
        }
        damage.append(SigilError(.truncated, "GIF file ends at offset \(n) without its trailer (0x3B)", offset: n))
    }

    /// Walks length-prefixed sub-blocks from `start`; returns their data ranges and the terminator's offset,
    /// or nil when the file ends first.
    static func subBlocks(_ bytes: [UInt8], from start: Int) -> ([Range<Int>], Int)? {
        var blocks: [Range<Int>] = []
        var i = start
        while i < bytes.count {
            let size = Int(bytes[i])
            if size == 0 { return (blocks, i) }
            guard bytes.has(size, at: i + 1) else { return nil }
            blocks.append((i + 1)..<(i + 1 + size))
            i += 1 + size
        }
        return nil
    }
}
