/// EBML (RFC 8794) element headers and encodings: variable-length IDs (marker bits kept, up to 4 bytes) and sizes
/// (up to 8 bytes, all value bits set meaning "unknown"), unsigned integers, and `Void` padding.
enum EBML {
    /// The element IDs Sigil reads, with their marker bits (RFC 8794, RFC 9559).
    enum ID {
        static let header: UInt32 = 0x1A45_DFA3
        static let docType: UInt32 = 0x4282
        static let segment: UInt32 = 0x1853_8067
        static let seekHead: UInt32 = 0x114D_9B74
        static let seek: UInt32 = 0x4DBB
        static let seekID: UInt32 = 0x53AB
        static let seekPosition: UInt32 = 0x53AC
        static let info: UInt32 = 0x1549_A966
        static let tracks: UInt32 = 0x1654_AE6B
        static let cluster: UInt32 = 0x1F43_B675
        static let cues: UInt32 = 0x1C53_BB6B
        static let cuePoint: UInt32 = 0xBB
        static let cueTrackPositions: UInt32 = 0xB7
        static let cueClusterPosition: UInt32 = 0xF1
        static let cueCodecState: UInt32 = 0xEA
        static let cueReference: UInt32 = 0xDB
        static let cueRefCluster: UInt32 = 0x97
        static let cueRefCodecState: UInt32 = 0xEB
        static let attachments: UInt32 = 0x1941_A469
        static let chapters: UInt32 = 0x1043_A770
        static let tags: UInt32 = 0x1254_C367
        static let tag: UInt32 = 0x7373
        static let targets: UInt32 = 0x63C0
        static let simpleTag: UInt32 = 0x67C8
        static let tagName: UInt32 = 0x45A3
        static let tagString: UInt32 = 0x4487
        static let tagBinary: UInt32 = 0x4485
        static let void: UInt32 = 0xEC
        static let crc32: UInt32 = 0xBF
        static let clusterPosition: UInt32 = 0xA7

        /// The Segment's children (level 1): an element with one of these IDs ends an unknown-size Cluster.
        static let topLevel: Set<UInt32> = [seekHead, info, tracks, cluster, cues, attachments, chapters, tags, header, segment]
    }

    /// The deepest nesting Sigil follows inside a master element read into memory (nested `SimpleTag`s).
    static let maximumDepth = 16

    /// A variable-length integer at `offset` of `bytes`: its value (with the marker bit when `keepMarker`), its width
    /// and whether every value bit is set (an unknown size). Nil when the first byte is zero (wider than 8 bytes) or
    /// the bytes end first.
    static func vint(_ bytes: [UInt8], at offset: Int, keepMarker: Bool) -> (value: UInt64, width: Int, allOnes: Bool)? {
        guard offset >= 0, offset < bytes.count, bytes[offset] != 0 else { return nil }
        let width = bytes[offset].leadingZeroBitCount + 1
        guard offset + width <= bytes.count else { return nil }
        let first = keepMarker ? UInt64(bytes[offset]) : UInt64(bytes[offset]) & ((1 << (8 - width)) - 1)
        var value = first
        for i in 1..<width { value = value << 8 | UInt64(bytes[offset + i]) }
        let mask: UInt64 = (1 << (7 * UInt64(width))) - 1
        let raw = keepMarker ? value & mask : value
        return (value, width, raw == mask)
    }

    /// The bytes of an element ID (its marker bits say its width).
    static func encodeID(_ id: UInt32) -> [UInt8] {
        let width = id > 0xFF_FFFF ? 4 : id > 0xFFFF ? 3 : id > 0xFF ? 2 : 1
        return id.bigEndianBytes(width)
    }

    /// The smallest width that encodes `size` (sizes with every value bit set are reserved for "unknown").
    static func sizeWidth(_ size: Int) -> Int {
        var width = 1
        while width < 8, UInt64(size) >= (1 << (7 * UInt64(width))) - 1 { width += 1 }
        return width
    }

    /// `size` as a `width`-byte size, or nil when it does not fit.
    static func encodeSize(_ size: Int, width: Int) -> [UInt8]? {
        guard width >= 1, width <= 8, size >= 0, UInt64(size) < (1 << (7 * UInt64(width))) - 1 else { return nil }
        return (UInt64(size) | (1 << (7 * UInt64(width)))).bigEndianBytes(width)
    }

    /// An element of `id` holding `data`, its size `width` bytes wide when it fits (else the smallest width).
    static func element(_ id: UInt32, _ data: [UInt8], sizeWidth width: Int? = nil) -> [UInt8] {
        let size = width.flatMap { encodeSize(data.count, width: $0) } ?? encodeSize(data.count, width: sizeWidth(data.count))!
        return encodeID(id) + size + data
    }

    /// An unsigned integer in at least `minimumWidth` bytes (and at least as many as it needs).
    static func uint(_ value: UInt64, minimumWidth: Int = 1) -> [UInt8] {
        let needed = max(1, (64 - value.leadingZeroBitCount + 7) / 8)
        return value.bigEndianBytes(max(needed, min(minimumWidth, 8)))
    }

    /// The value of an unsigned integer element's data (up to 8 bytes), or nil when wider.
    static func uint(_ data: [UInt8]) -> UInt64? {
        guard data.count <= 8 else { return nil }
        return data.reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// A `Void` element exactly `length` bytes long (`length` ≥ 2), its data zero.
    static func void(_ length: Int) -> [UInt8] {
        precondition(length >= 2, "a Void element takes at least 2 bytes")
        if length - 2 < 127 { return [0xEC, 0x80 | UInt8(length - 2)] + [UInt8](repeating: 0, count: length - 2) }
        return [0xEC] + encodeSize(length - 9, width: 8)! + [UInt8](repeating: 0, count: length - 9)
    }

    /// An element of `id` holding `data` followed by a `Void`, exactly `length` bytes together, or nil when they
    /// cannot be (too long, or one byte left over, which no `Void` fills). The size's width is `preferredWidth`
    /// when it fits, else another width that makes the rest fit a `Void`.
    static func element(_ id: UInt32, _ data: [UInt8], filling length: Int, preferredWidth: Int) -> [UInt8]? {
        for width in [preferredWidth] + Array(1...8) where width >= sizeWidth(data.count) {
            let total = encodeID(id).count + width + data.count
            let leftover = length - total
            guard leftover == 0 || leftover >= 2, let size = encodeSize(data.count, width: width) else { continue }
            return encodeID(id) + size + data + (leftover > 0 ? void(leftover) : [])
        }
        return nil
    }

    /// The ID's display form, e.g. `0x1254C367`.
    static func name(_ id: UInt32) -> String { "0x" + hex(Int(id), width: 2) }
}
