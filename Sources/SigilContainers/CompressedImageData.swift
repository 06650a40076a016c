/// The compressed image payload of a file, for proving that a metadata-only change kept it byte-identical.
public enum CompressedImageData {
    /// The compressed image payload: JPEG every segment except SOI, APPn and COM (DQT, DHT, DRI, SOF, SOS with its
    /// entropy-coded data, EOI) concatenated; PNG the concatenated IDAT data; WebP the VP8/VP8L/ALPH/ANIM/ANMF
    /// chunks (headers included) concatenated.
    ///
    /// - Throws: ``SigilError`` `.unsupportedFormat` for TIFF, GIF and unknown bytes; `.malformed`/`.truncated`
    ///   when the container has no image data.
    public static func bytes(of file: [UInt8]) throws -> [UInt8] {
        switch ImageFormat.sniff(file) {
        case .jpeg:
            let structure = try JPEGStructure(file)
            guard structure.segments.contains(where: { $0.marker == 0xDA }) else {
                throw structure.damage.first ?? SigilError(.malformed, "JPEG file has no SOS segment", offset: 2)
            }
            var out: [UInt8] = []
            for segment in structure.segments where !segment.isAPP && !segment.isCOM && segment.marker != 0xD8 {
                out += file[segment.range]
            }
            return out
        case .png:
            let structure = try PNGStructure(file, verifyCRC: false)
            let idat = structure.chunks.filter { $0.type == "IDAT" }
            guard !idat.isEmpty else { throw structure.damage.first ?? SigilError(.malformed, "PNG file has no IDAT chunk", offset: 8) }
            var out: [UInt8] = []
            for chunk in idat { out += file[chunk.data] }
            return out
        case .webp:
            let structure = try RIFFStructure(file)
            let chunks = structure.chunks.filter { RIFFStructure.imageChunks.contains($0.fourCC) }
            guard !chunks.isEmpty else { throw structure.damage.first ?? SigilError(.malformed, "WebP file has no image chunk", offset: 12) }
            var out: [UInt8] = []
            for chunk in chunks { out += file[chunk.range] }
            return out
        case .tiff, .gif:
            throw SigilError(.unsupportedFormat, "compressed image data is extracted for JPEG, PNG and WebP only")
        case nil:
            throw SigilError(.unsupportedFormat, "unrecognised image format", offset: 0)
        }
    }
}
