/// The asset formats Sigil reads C2PA manifest stores from, and (all but BMFF) writes them into.
public enum AssetFormat: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// JPEG: APP11 JPEG-XT segments.
    case jpeg
    /// PNG: a `caBX` chunk.
    case png
    /// WebP: a RIFF `C2PA` chunk.
    case webp
    /// WAV (and other RIFF forms such as AVI): a RIFF `C2PA` chunk.
    case wav
    /// MP3: an ID3v2 `GEOB` frame.
    case mp3
    /// ISO BMFF (MP4, MOV, M4A, HEIF): a top-level C2PA `uuid` box. Read only.
    case bmff

    public var description: String { rawValue }

    /// Whether Sigil can embed a manifest store in this format.
    public var isWritable: Bool { self != .bmff }

    /// The format of `bytes` from its magic numbers, or nil.
    public static func sniff(_ bytes: [UInt8]) -> AssetFormat? {
        func ascii(_ s: String, at offset: Int) -> Bool {
            let pattern = Array(s.utf8)
            guard offset >= 0, bytes.count >= offset + pattern.count else { return false }
            return Array(bytes[offset..<(offset + pattern.count)]) == pattern
        }
        if bytes.count >= 3, bytes[0] == 0xFF, bytes[1] == 0xD8, bytes[2] == 0xFF { return .jpeg }
        if bytes.count >= 8, Array(bytes[0..<8]) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] { return .png }
        if ascii("RIFF", at: 0) {
            return ascii("WEBP", at: 8) ? .webp : .wav
        }
        if ascii("ftyp", at: 4) { return .bmff }
        if ascii("ID3", at: 0) { return .mp3 }
        if bytes.count >= 2, bytes[0] == 0xFF, bytes[1] & 0xE0 == 0xE0 { return .mp3 }
        return nil
    }

    /// The MIME type, for messages and sidecars.
    public var mimeType: String {
        switch self {
        case .jpeg: "image/jpeg"
        case .png: "image/png"
        case .webp: "image/webp"
        case .wav: "audio/wav"
        case .mp3: "audio/mpeg"
        case .bmff: "video/mp4"
        }
    }
}

/// A manifest store found in an asset: its bytes and the container bytes that a `c2pa.hash.data` exclusion covers.
public struct EmbeddedManifestStore: Sendable, Hashable {
    /// The JUMBF bytes of the store (reassembled when split over segments).
    public var bytes: [UInt8]
    /// The container bytes that hold the store (APP11 segments with markers, the whole `caBX` chunk, the `C2PA` chunk
    /// without its pad byte, the GEOB object data).
    public var containerRange: Range<Int>
    /// Where the store was found, for messages.
    public var location: String
}
