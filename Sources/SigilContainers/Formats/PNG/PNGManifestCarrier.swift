/// The C2PA store in PNG: one `caBX` chunk, written right after IHDR (read anywhere before IEND).
enum PNGManifestCarrier {
    static func find(_ bytes: [UInt8]) throws -> [EmbeddedManifestStore] {
        let (chunks, _) = try ContainerSegments.png(bytes)
        return chunks.filter { $0.name == "caBX" }.map {
            EmbeddedManifestStore(
                bytes: Array(bytes[$0.payload]), containerRange: $0.range, location: "PNG caBX chunk at offset \($0.range.lowerBound)")
        }
    }

    static func remove(_ bytes: [UInt8]) throws -> [UInt8] {
        let (chunks, _) = try ContainerSegments.png(bytes)
        return ManifestStoreBytes.cut(bytes, chunks.filter { $0.name == "caBX" }.map(\.range))
    }

    static func embed(_ store: [UInt8], into bytes: [UInt8]) throws -> (bytes: [UInt8], containerRange: Range<Int>) {
        let (chunks, _) = try ContainerSegments.png(bytes)
        guard let ihdr = chunks.first, ihdr.name == "IHDR" else {
            throw SigilError(.c2pa, "the PNG file does not start with an IHDR chunk; cannot place a manifest store", offset: 8)
        }
        guard store.count <= 0x7FFF_FFFF else { throw SigilError(.capacity, "a manifest store of \(store.count) bytes exceeds a PNG chunk") }
        let typeAndData = Array("caBX".utf8) + store
        let chunk = UInt32(store.count).bigEndianBytes(4) + typeAndData + ContainerSegments.pngCRC(typeAndData).bigEndianBytes(4)
        let at = ihdr.range.upperBound
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + chunk.count)
        out += bytes[0..<at]
        out += chunk
        out += bytes[at...]
        return (out, at..<(at + chunk.count))
    }
}
