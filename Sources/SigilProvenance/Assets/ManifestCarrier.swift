/// Finds, removes and embeds C2PA manifest stores in assets, one format at a time (see ``AssetFormat``).
public enum ManifestCarrier {
    /// Every manifest store in `bytes` (C2PA allows exactly one; several are reported as such by the validator).
    ///
    /// - Throws: ``SigilError`` when the container is too damaged to walk.
    public static func find(in bytes: [UInt8], format: AssetFormat) throws -> [EmbeddedManifestStore] {
        switch format {
        case .jpeg: try JPEGManifestCarrier.find(bytes)
        case .png: try PNGManifestCarrier.find(bytes)
        case .webp, .wav: try RIFFManifestCarrier.find(bytes, format: format)
        case .mp3: try ID3ManifestCarrier.find(bytes)
        case .bmff: try BMFFManifestCarrier.find(bytes)
        }
    }

    /// `bytes` without any manifest store.
    public static func remove(from bytes: [UInt8], format: AssetFormat) throws -> [UInt8] {
        switch format {
        case .jpeg: try JPEGManifestCarrier.remove(bytes)
        case .png: try PNGManifestCarrier.remove(bytes)
        case .webp, .wav: try RIFFManifestCarrier.remove(bytes, format: format)
        case .mp3: try ID3ManifestCarrier.remove(bytes)
        case .bmff: throw SigilError(.unsupportedFormat, "Sigil reads C2PA in BMFF (MP4/MOV) but does not write it")
        }
    }

    /// `bytes` with `store` embedded where c2pa-rs puts it, and the container bytes the data hash must exclude.
    /// `bytes` must hold no store already (see ``remove(from:format:)``).
    public static func embed(_ store: [UInt8], into bytes: [UInt8], format: AssetFormat) throws -> (bytes: [UInt8], containerRange: Range<Int>) {
        switch format {
        case .jpeg: try JPEGManifestCarrier.embed(store, into: bytes)
        case .png: try PNGManifestCarrier.embed(store, into: bytes)
        case .webp, .wav: try RIFFManifestCarrier.embed(store, into: bytes, format: format)
        case .mp3: try ID3ManifestCarrier.embed(store, into: bytes)
        case .bmff: throw SigilError(.unsupportedFormat, "Sigil reads C2PA in BMFF (MP4/MOV) but does not write it")
        }
    }

    /// Whether `bytes` start with a JUMBF superbox whose description names the C2PA manifest-store type.
    static func isStore(_ bytes: [UInt8]) -> Bool {
        // jumb header (8) + jumd header (8) + type UUID (16).
        guard bytes.count >= 32, Array(bytes[4..<8]) == Array("jumb".utf8), Array(bytes[12..<16]) == Array("jumd".utf8) else { return false }
        return JUMBFType.code(of: Array(bytes[16..<32])) == "c2pa"
    }

    /// `bytes` without the given (non-overlapping) ranges.
    static func cut(_ bytes: [UInt8], _ ranges: [Range<Int>]) -> [UInt8] {
        guard !ranges.isEmpty else { return bytes }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var at = 0
        for range in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) where range.lowerBound >= at {
            out += bytes[at..<range.lowerBound]
            at = range.upperBound
        }
        out += bytes[at...]
        return out
    }
}
