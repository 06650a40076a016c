/// A manifest store found in an asset: its bytes and the container bytes that a `c2pa.hash.data` exclusion covers.
public struct EmbeddedManifestStore: Sendable, Hashable {
    /// The JUMBF bytes of the store (reassembled when split over segments).
    public var bytes: [UInt8]
    /// The container bytes that hold the store (APP11 segments with markers, the whole `caBX` chunk, the `C2PA` chunk
    /// without its pad byte, the GEOB object data).
    public var containerRange: Range<Int>
    /// Where the store was found, for messages.
    public var location: String

    public init(bytes: [UInt8], containerRange: Range<Int>, location: String) {
        self.bytes = bytes
        self.containerRange = containerRange
        self.location = location
    }
}

/// What a `c2pa.hash.collection.data` assertion covers in a ZIP-based asset: each entry but the manifest store's,
/// from its local header to the end of its data (and data descriptor), and the central directory through the end
/// records without the 4-byte CRC-32 field of the manifest entry's central record (that CRC changes when the store is
/// signed; its size does not). Facts from c2pa-rs 0.91 (`zip_io.rs`), checked against its reader (decision 0207).
public struct ManifestCollection: Sendable, Hashable {
    /// One hashed part: the URI the assertion names it by and the bytes its hash covers.
    public struct Part: Sendable, Hashable {
        /// The entry name without a trailing `/` (a directory entry) and with `\` as `/`.
        public var uri: String
        /// The entry's local record: header, name, extra field, data, data descriptor.
        public var range: Range<Int>
        public init(uri: String, range: Range<Int>) {
            self.uri = uri
            self.range = range
        }
    }

    /// Every part but the manifest store's, in central-directory order.
    public var parts: [Part]
    /// The central-directory bytes the `zip_central_directory_hash` covers, in order.
    public var directory: [Range<Int>]

    public init(parts: [Part], directory: [Range<Int>]) {
        self.parts = parts
        self.directory = directory
    }
}

/// Byte helpers the formats' manifest carriers share.
enum ManifestStoreBytes {
    /// The JUMBF type UUID of a C2PA manifest store: `c2pa` followed by the ISO JUMBF suffix.
    static let storeType: [UInt8] = Array("c2pa".utf8) + [0x00, 0x11, 0x00, 0x10, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71]

    /// Whether `bytes` start with a JUMBF superbox whose description names the C2PA manifest-store type.
    static func isStore(_ bytes: [UInt8]) -> Bool {
        // jumb header (8) + jumd header (8) + type UUID (16).
        bytes.count >= 32 && bytes.matches(ascii: "jumb", at: 4) && bytes.matches(ascii: "jumd", at: 12) && bytes.matches(storeType, at: 16)
    }

    /// `bytes` without the given (non-overlapping) ranges.
    static func cut(_ bytes: [UInt8], _ ranges: [Range<Int>]) -> [UInt8] {
        guard !ranges.isEmpty else { return bytes }
        // In order of start, each range kept unless it starts inside one already kept (the farthest end so far tells:
        // kept ranges are disjoint), so a manifest listing many ranges costs their sorting, not every pair.
        var plan = EditPlan(sourceLength: bytes.count)
        var reach = 0
        for range in ranges.sorted(by: { $0.lowerBound < $1.lowerBound })
        where range.lowerBound >= reach && range.lowerBound >= 0 && range.upperBound <= bytes.count {
            plan.append(range, with: [])
            reach = range.upperBound
        }
        return plan.apply(to: bytes)
    }
}

/// C2PA manifest stores in any format, through the format's ``ManifestCarrying`` handler.
public enum ManifestCarrier {
    static func carrier(for format: MediaFormat, registry: MediaRegistry) throws -> any ManifestCarrying {
        guard let carrier = registry.handler(for: format) as? any ManifestCarrying else {
            throw SigilError(.unsupportedFormat, "Sigil does not read C2PA manifests in \(format.displayName) files")
        }
        return carrier
    }

    /// Every manifest store in `bytes` (C2PA allows exactly one; several are reported as such by the validator).
    ///
    /// - Throws: ``SigilError`` when the container is too damaged to walk or carries no C2PA.
    public static func find(in bytes: [UInt8], format: MediaFormat, registry: MediaRegistry = .standard) throws -> [EmbeddedManifestStore] {
        try carrier(for: format, registry: registry).findManifestStores(in: bytes)
    }

    /// `bytes` without any manifest store.
    public static func remove(from bytes: [UInt8], format: MediaFormat, registry: MediaRegistry = .standard) throws -> [UInt8] {
        try carrier(for: format, registry: registry).removeManifestStores(from: bytes)
    }

    /// `bytes` with `store` embedded where c2pa-rs puts it, and the container bytes the data hash must exclude.
    public static func embed(
        _ store: [UInt8], into bytes: [UInt8], format: MediaFormat, registry: MediaRegistry = .standard
    ) throws -> (bytes: [UInt8], containerRange: Range<Int>) {
        try carrier(for: format, registry: registry).embedManifestStore(store, into: bytes)
    }
}
