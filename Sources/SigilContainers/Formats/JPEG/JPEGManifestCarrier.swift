/// The C2PA store in JPEG: APP11 JPEG-XT segments `FF EB | Lp | "JP" | En | Z | LBox TBox | data`, sequence numbers
/// from 1, continuation segments repeating the 8-byte LBox/TBox of the superbox (C2PA spec §A.3.1; c2pa-rs).
enum JPEGManifestCarrier {
    /// The box instance number Sigil writes (any value works; c2pa-rs writes 0x0211).
    static let boxInstance: UInt16 = 0x0211
    /// Store bytes per segment (c2pa-rs chunks at 64000).
    static let chunkSize = 64_000

    struct Piece {
        var segment: ContainerSegment
        var instance: Int
        var sequence: Int
    }

    /// APP11 JPEG-XT segments grouped by box instance, in file order.
    static func groups(_ bytes: [UInt8]) throws -> [[Piece]] {
        // C2PA segments sit before SOS: the header walk never scans the entropy-coded data.
        let segments = try ContainerSegments.jpegHeader(bytes)
        var order: [Int] = []
        var byInstance: [Int: [Piece]] = [:]
        for segment in segments where segment.marker == 0xEB {
            let p = segment.payload
            guard p.count >= 8, bytes[p.lowerBound] == 0x4A, bytes[p.lowerBound + 1] == 0x50 else { continue }
            let instance = Int(bytes[p.lowerBound + 2]) << 8 | Int(bytes[p.lowerBound + 3])
            let sequence =
                Int(bytes[p.lowerBound + 4]) << 24 | Int(bytes[p.lowerBound + 5]) << 16 | Int(bytes[p.lowerBound + 6]) << 8
                | Int(bytes[p.lowerBound + 7])
            if byInstance[instance] == nil { order.append(instance) }
            byInstance[instance, default: []].append(Piece(segment: segment, instance: instance, sequence: sequence))
        }
        return order.compactMap { byInstance[$0] }
    }

    static func find(_ bytes: [UInt8]) throws -> [EmbeddedManifestStore] {
        var stores: [EmbeddedManifestStore] = []
        for group in try groups(bytes) {
            var data: [UInt8] = []
            for (index, piece) in group.enumerated() {
                let start = piece.segment.payload.lowerBound + 8 + (index == 0 ? 0 : 8)
                guard start <= piece.segment.payload.upperBound else { continue }
                data += bytes[start..<piece.segment.payload.upperBound]
            }
            guard ManifestStoreBytes.isStore(data) else { continue }
            let range = group[0].segment.range.lowerBound..<group[group.count - 1].segment.range.upperBound
            stores.append(
                EmbeddedManifestStore(
                    bytes: data, containerRange: range,
                    location: "JPEG APP11 at offset \(range.lowerBound) (\(group.count) segment\(group.count == 1 ? "" : "s"))"))
        }
        return stores
    }

    static func remove(_ bytes: [UInt8]) throws -> [UInt8] {
        var ranges: [Range<Int>] = []
        for group in try groups(bytes) {
            var data: [UInt8] = []
            for piece in group.prefix(1) {
                data += bytes[(piece.segment.payload.lowerBound + 8)..<piece.segment.payload.upperBound]
            }
            if ManifestStoreBytes.isStore(data) { ranges += group.map(\.segment.range) }
        }
        return ManifestStoreBytes.cut(bytes, ranges)
    }

    /// The APP11 segments for `store`.
    static func segments(for store: [UInt8]) throws -> [UInt8] {
        guard store.count >= 8 else { throw SigilError(.c2pa, "a manifest store of \(store.count) bytes is too short to embed") }
        var out: [UInt8] = []
        var offset = 0
        var sequence: UInt32 = 1
        let header = Array(store[0..<8])
        while offset < store.count {
            let end = min(offset + chunkSize, store.count)
            var payload: [UInt8] = [0x4A, 0x50] + boxInstance.bigEndianBytes(2) + sequence.bigEndianBytes(4)
            if sequence > 1 { payload += header }
            payload += store[offset..<end]
            out += [0xFF, 0xEB] + UInt16(payload.count + 2).bigEndianBytes(2) + payload
            offset = end
            sequence += 1
        }
        return out
    }

    /// Inserts the store after SOI and any APP0 (JFIF) segments that follow it, before everything else.
    static func embed(_ store: [UInt8], into bytes: [UInt8]) throws -> (bytes: [UInt8], containerRange: Range<Int>) {
        let segments = try ContainerSegments.jpegHeader(bytes)
        guard segments.contains(where: { $0.marker == 0xDA }) else {
            throw SigilError(.c2pa, "the JPEG file has no SOS segment before its damage; cannot place a manifest store", offset: 2)
        }
        var insertAt = 2
        for segment in segments.dropFirst() {
            guard segment.marker == 0xE0 else { break }
            insertAt = segment.range.upperBound
        }
        let app11 = try Self.segments(for: store)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + app11.count)
        out += bytes[0..<insertAt]
        out += app11
        out += bytes[insertAt...]
        return (out, insertAt..<(insertAt + app11.count))
    }
}
