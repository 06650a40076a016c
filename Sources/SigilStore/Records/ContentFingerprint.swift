/// A perceptual fingerprint of generated content, typed so that each kind of media brings its own: similar
/// content has close fingerprints, so a record can be found for a file whose labels were stripped or whose bytes
/// were re-encoded. In a format 2 entry: `{"type":"image-dct64","value":"<hex>"}`.
public struct ContentFingerprint: Sendable, Hashable {
    /// What the fingerprint is: a lower-case name that says the media kind and the algorithm.
    public var type: String
    /// The fingerprint's bytes (at most 4096).
    public var value: [UInt8]

    /// The 64-bit DCT perceptual hash of a decoded image (version 1's `contentPHash`).
    public static let imageDCT64 = "image-dct64"
    /// The 64-bit SimHash of a text's normalised word and CJK-character shingles, its explicit label left out
    /// (decision 0605).
    public static let textSimHash64 = "text-simhash64"
    /// A sound's Chromaprint raw fingerprint (its default algorithm), 32-bit values big-endian, of its first 130 s at
    /// most (decision 0033).
    public static let audioChromaprint = "audio-chromaprint"
    /// A video's keyframes within its first 60 s: per keyframe its time from the first frame (milliseconds, 32 bits)
    /// and the 64-bit DCT perceptual hash of its 32 × 32 luma, big-endian (decision 0309).
    public static let videoFrames = "video-frames-dct64"
    /// The longest fingerprint accepted.
    public static let maximumLength = 4096

    public init(type: String, value: [UInt8]) {
        self.type = type
        self.value = value
    }

    /// An image's 64-bit DCT perceptual hash.
    public static func image(_ hash: UInt64) -> ContentFingerprint {
        ContentFingerprint(type: imageDCT64, value: (0..<8).map { UInt8(truncatingIfNeeded: hash >> (56 - 8 * $0)) })
    }

    /// The image hash, when this is one.
    public var imageHash: UInt64? {
        guard type == Self.imageDCT64, value.count == 8 else { return nil }
        return value.reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// A text's 64-bit SimHash (``textSimHash64``).
    public static func text(_ hash: UInt64) -> ContentFingerprint {
        ContentFingerprint(type: textSimHash64, value: (0..<8).map { UInt8(truncatingIfNeeded: hash >> (56 - 8 * $0)) })
    }

    /// The text SimHash, when this is one.
    public var textHash: UInt64? {
        guard type == Self.textSimHash64, value.count == 8 else { return nil }
        return value.reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// A sound's Chromaprint values (``audioChromaprint``), at most ``maximumLength`` / 4 of them.
    public static func audio(_ values: [UInt32]) -> ContentFingerprint {
        ContentFingerprint(
            type: audioChromaprint,
            value: values.prefix(maximumLength / 4).flatMap { v in (0..<4).map { UInt8(truncatingIfNeeded: v >> (24 - 8 * $0)) } })
    }

    /// The Chromaprint values, when this is a sound's fingerprint.
    public var audioValues: [UInt32]? {
        guard type == Self.audioChromaprint, value.count % 4 == 0 else { return nil }
        return stride(from: 0, to: value.count, by: 4).map { i in value[i..<(i + 4)].reduce(0) { $0 << 8 | UInt32($1) } }
    }

    /// Checks the type name and the length.
    ///
    /// - Throws: ``SigilError`` `.invalidRecord`.
    public func validate() throws {
        guard !type.isEmpty, type.utf8.count <= 64, type.utf8.allSatisfy({ (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2D })
        else {
            throw SigilError(.invalidRecord, "contentFingerprint.type: \"\(type.prefix(40))\" is not a fingerprint type (a–z, 0–9, '-')")
        }
        guard !value.isEmpty, value.count <= Self.maximumLength else {
            throw SigilError(.invalidRecord, "contentFingerprint.value: \(value.count) bytes; 1…\(Self.maximumLength) are accepted")
        }
        for fixed in [Self.imageDCT64, Self.textSimHash64] where type == fixed && value.count != 8 {
            throw SigilError(.invalidRecord, "contentFingerprint: a \(fixed) fingerprint is 8 bytes, not \(value.count)")
        }
        guard type != Self.videoFrames || value.count % 12 == 0 else {
            throw SigilError(
                .invalidRecord, "contentFingerprint: a \(Self.videoFrames) fingerprint is whole 12-byte keyframes, not \(value.count) bytes")
        }
        guard type != Self.audioChromaprint || value.count % 4 == 0 else {
            throw SigilError(
                .invalidRecord, "contentFingerprint: an \(Self.audioChromaprint) fingerprint is whole 32-bit values, not \(value.count) bytes")
        }
    }

    var json: JSONValue {
        .object([.init("type", .string(type)), .init("value", .string(LowerHex.encode(value)))])
    }

    init(json: JSONValue) throws {
        guard let members = json.members, members.map(\.key) == ["type", "value"],
            case .string(let type)? = json["type"], case .string(let hex)? = json["value"]
        else {
            throw SigilError(.invalidRecord, "contentFingerprint: expected null or an object with exactly the members type, value")
        }
        guard let value = LowerHex.decode(hex) else {
            throw SigilError(.invalidRecord, "contentFingerprint.value: not lower-case hexadecimal")
        }
        self.init(type: type, value: value)
        try validate()
    }
}
