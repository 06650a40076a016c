import SigilContainers
import Crypto
import Foundation

/// Signs an asset with a C2PA manifest (spec 2.2, claim v2) and embeds the store where c2pa-rs looks for it.
///
/// The manifest holds `c2pa.actions.v2` (`c2pa.created`, digitalSourceType trainedAlgorithmicMedia, softwareAgent),
/// the GB 45438 AIGC label (``AIGCAssertion``, when given) and a hard binding: `c2pa.hash.data` whose one exclusion
/// covers exactly the embedded store container, or for a ZIP-based format (a ``ManifestCollectionLocating`` carrier:
/// OOXML) `c2pa.hash.collection.data` over its entries and central directory (decision 0207), or for ISO BMFF (a
/// ``ManifestBoxLocating`` carrier: MP4, MOV, M4A) `c2pa.hash.bmff.v3` over its top-level boxes but the C2PA box,
/// `ftyp` and `mfra` (decision 0209); all three are `created_assertions`. The claim is signed ES256 with the
/// certificate chain in the protected header.
///
/// ```swift
/// let signed = try C2PASigner(identity: identity).sign(jpegBytes, format: .jpeg, content: .init(label: aigcLabel))
/// ```
public struct C2PASigner: Sendable {
    /// What the manifest says about the content.
    public struct Content: Sendable, Hashable {
        /// The GB 45438 label to carry in the ``AIGCAssertion``; nil omits that assertion.
        public var label: AIGCLabel?
        /// The IPTC digital source type of `c2pa.created`.
        public var digitalSourceType = DigitalSourceType.trainedAlgorithmicMedia
        /// The software agent of `c2pa.created`: the generator (model or service) that made the content.
        public var softwareAgent = GeneratorInfo(name: "Sigil", version: SigilProvenanceVersion.current)
        /// `dc:title` of the claim (usually the file name).
        public var title: String?

        public init(label: AIGCLabel? = nil, title: String? = nil) {
            self.label = label
            self.title = title
        }
    }

    /// The result of signing.
    public struct Signed: Sendable {
        /// The asset with the store embedded.
        public var bytes: [UInt8]
        /// The manifest label, `urn:c2pa:…`.
        public var manifestLabel: String
        /// The embedded store.
        public var store: [UInt8]
        /// Where the store lies in the asset: the container bytes a data hash excludes (for a ZIP, the entry's data).
        public var exclusion: Range<Int>
    }

    public let identity: SigningIdentity
    /// The claim generator name and version (`claim_generator_info`).
    public var generator = GeneratorInfo(name: "Sigil", version: SigilProvenanceVersion.current)

    public init(identity: SigningIdentity) {
        self.identity = identity
    }

    /// The result of signing a file as it streams (``sign(_:format:content:now:manifestID:registry:)-(any ByteSource,_,_,_,_,_)``).
    public struct SignedSource: Sendable {
        /// The signed asset: the store's new bytes and spans of the file that was signed (of its base file when it
        /// was an ``EditedByteSource``), ready to be written with the spans copied by the kernel.
        public var file: EditedByteSource
        /// The manifest label, `urn:c2pa:…`.
        public var manifestLabel: String
        /// The embedded store.
        public var store: [UInt8]
        /// Where the store lies in the signed asset: the container bytes the hard binding excludes.
        public var exclusion: Range<Int>
        /// The SHA-256 of the whole signed file, when the data hash's pass gave it for free (a store at the end of the
        /// file, as RIFF's: the hash of the bytes before it continued with the store and what follows); nil otherwise.
        public var fileSHA256: [UInt8]?
    }

    /// Signs `asset` (replacing any manifest store already in it) and returns the signed bytes.
    ///
    /// - Parameters:
    ///   - now: the time of `c2pa.created` (`when`).
    ///   - manifestID: the UUID of the manifest label; random when nil.
    /// - Throws: ``SigilError`` `.unsupportedFormat` for formats Sigil cannot write, container errors for damaged
    ///   files, `.c2pa` when the store does not converge.
    public func sign(
        _ asset: [UInt8], format: MediaFormat, content: Content, now: Date = Date(), manifestID: UUID = UUID(), registry: MediaRegistry = .standard
    ) throws -> Signed {
        guard let carrier = registry.handler(for: format) as? any ManifestCarrying, carrier.embedsManifests else {
            throw SigilError(.unsupportedFormat, "Sigil cannot embed a C2PA manifest in \(format.displayName)")
        }
        if carrier is any StreamingManifestCarrying {
            let signed = try sign(
                MemoryByteSource(asset), format: format, content: content, now: now, manifestID: manifestID, registry: registry, provisional: false,
                hashesFile: false)
            return Signed(
                bytes: try signed.file.read(0..<signed.file.count), manifestLabel: signed.manifestLabel, store: signed.store,
                exclusion: signed.exclusion)
        }
        let base = try carrier.removeManifestStores(from: asset)
        let signed = try converge(
            format: format, content: content, now: now, manifestID: manifestID, carrier: carrier, unplaced: MemoryByteSource(base)
        ) { store in
            let placed = try carrier.embedManifestStore(store, into: base)
            return (MemoryByteSource(placed.bytes), placed.containerRange)
        }
        return Signed(bytes: try signed.asset.read(0..<signed.asset.count), manifestLabel: signed.label, store: signed.store, exclusion: signed.range)
    }

    /// Signs the asset `source` reads (replacing any manifest store already in it) without holding it: the format's
    /// handler places the store by editing the file's structure (``StreamingManifestCarrying``: WAV, WebP, MP4, MOV,
    /// M4A), the hard binding is computed by reading the placed file in chunks, and the result is a list of pieces to
    /// write. The bytes it describes are those ``sign(_:format:content:now:manifestID:registry:)-([UInt8],_,_,_,_,_)``
    /// returns for the same asset.
    ///
    /// - Throws: ``SigilError`` `.unsupportedFormat` for a format without a streaming carrier, container errors for
    ///   damaged files, `.c2pa` when the store does not converge.
    public func sign(
        _ source: any ByteSource, format: MediaFormat, content: Content, now: Date = Date(), manifestID: UUID = UUID(),
        registry: MediaRegistry = .standard
    ) throws -> SignedSource {
        try sign(source, format: format, content: content, now: now, manifestID: manifestID, registry: registry, provisional: false, hashesFile: true)
    }

    /// The file ``sign(_:format:content:now:manifestID:registry:)-(any ByteSource,_,_,_,_,_)`` would write, laid out
    /// with a stand-in store (zeros) of the length the signed store will have, and nothing hashed or signed: a writer
    /// lays the file out with it and lets the kernel copy the unchanged spans while the binding is computed, then
    /// writes the signed store into its place (decision 0036). The signed file has the same layout when it is signed
    /// with the same `now` and `manifestID` and a label of the same length.
    ///
    /// - Throws: as ``sign(_:format:content:now:manifestID:registry:)-(any ByteSource,_,_,_,_,_)``.
    public func layout(
        _ source: any ByteSource, format: MediaFormat, content: Content, now: Date, manifestID: UUID, registry: MediaRegistry = .standard
    ) throws -> SignedSource {
        try sign(source, format: format, content: content, now: now, manifestID: manifestID, registry: registry, provisional: true, hashesFile: false)
    }

    private func sign(
        _ source: any ByteSource, format: MediaFormat, content: Content, now: Date, manifestID: UUID, registry: MediaRegistry, provisional: Bool,
        hashesFile: Bool
    ) throws -> SignedSource {
        guard let carrier = registry.handler(for: format) as? any StreamingManifestCarrying, carrier.embedsManifests else {
            throw SigilError(.unsupportedFormat, "Sigil cannot embed a C2PA manifest in \(format.displayName) while it streams")
        }
        let base = EditedByteSource.editing(source, with: try carrier.manifestRemovalEdits(in: source))
        let signed = try converge(
            format: format, content: content, now: now, manifestID: manifestID, carrier: carrier, unplaced: base, provisional: provisional,
            hashesFile: hashesFile
        ) { store in
            let placed = try carrier.manifestEdits(store, in: base)
            return (EditedByteSource.editing(base, with: placed.plan), placed.containerRange)
        }
        guard let file = signed.asset as? EditedByteSource else { preconditionFailure("a streaming carrier places stores in edited files") }
        return SignedSource(file: file, manifestLabel: signed.label, store: signed.store, exclusion: signed.range, fileSHA256: signed.fileSHA256)
    }

    /// The store for an asset and the asset with it placed: built with placeholder hash and signature (both
    /// fixed-size) until the container's length is stable (it depends on the store's length, which depends through
    /// CBOR integer widths on the binding), then bound, signed and placed for good.
    ///
    /// `provisional` stops once the length is stable and returns the asset with a zero store of that length, unbound
    /// and unsigned (``layout(_:format:content:now:manifestID:registry:)``).
    private func converge(
        format: MediaFormat, content: Content, now: Date, manifestID: UUID, carrier: any ManifestCarrying, unplaced: any ByteSource,
        provisional: Bool = false, hashesFile: Bool = false, place: ([UInt8]) throws -> (asset: any ByteSource, range: Range<Int>)
    ) throws -> (asset: any ByteSource, label: String, store: [UInt8], range: Range<Int>, fileSHA256: [UInt8]?) {
        let label = "urn:c2pa:" + manifestID.uuidString.lowercased()
        let instanceID = "xmp:iid:" + UUID().uuidString.lowercased()
        let zeroHash = [UInt8](repeating: 0, count: 32)
        let collecting = carrier as? any ManifestCollectionLocating
        let boxing = carrier as? any ManifestBoxLocating

        // The hash of the file up to the store, when the final data hash was computed so (see `binding`).
        var beforeStore: SHA256?
        // The hard binding of an asset with a store placed in it: a ZIP's collection hash (which covers neither the
        // store nor its CRC, so zeros and the signed store give the same one), or the BMFF hash or the data hash,
        // both excluding the store and computed only for the final pass (the boxes' offsets depend on the store's
        // length, which is final then).
        func binding(_ placed: (asset: any ByteSource, range: Range<Int>), final: Bool) throws -> HardBinding {
            if let collecting {
                let bytes = try placed.asset.read(0..<placed.asset.count)
                return ("c2pa.hash.collection.data", CollectionHash.assertion(try collecting.manifestCollection(in: bytes), in: bytes))
            }
            if let boxing {
                let hash =
                    final
                    ? try BMFFHash.digest(
                        placed.asset, nodes: try boxing.manifestBoxes(in: placed.asset), exclusions: BMFFHash.requiredExclusions, alg: "sha256",
                        withOffsets: true) ?? zeroHash : zeroHash
                return ("c2pa.hash.bmff.v3", BMFFHash.assertion(hash: hash))
            }
            guard final else { return ("c2pa.hash.data", Self.dataHash(exclusion: placed.range, hash: zeroHash)) }
            // Plain text hashes its NFC form (DataHashCanonicalizing, decision 0208); other formats the bytes as they lie.
            if carrier is any DataHashCanonicalizing {
                let hash = try DataHash.compute(
                    try placed.asset.read(0..<placed.asset.count), excluding: [placed.range], alg: "sha256", carrier: carrier)
                return ("c2pa.hash.data", Self.dataHash(exclusion: placed.range, hash: hash ?? zeroHash))
            }
            guard hashesFile, placed.asset.count - placed.range.upperBound <= Self.forkableTail else {
                let hash = try DataHash.compute(placed.asset, excluding: [placed.range], alg: "sha256")
                return ("c2pa.hash.data", Self.dataHash(exclusion: placed.range, hash: hash ?? zeroHash))
            }
            // The store ends the file (but for a pad byte or a short tail): the hash of what comes before it is kept,
            // to be continued with the store for the whole file's SHA-256 (which a record keeps) without reading the
            // file again.
            var hasher = SHA256()
            try placed.asset.forEachChunk(of: 0..<placed.range.lowerBound) { hasher.update(data: $0) }
            beforeStore = hasher
            try placed.asset.forEachChunk(of: placed.range.upperBound..<placed.asset.count) { hasher.update(data: $0) }
            return ("c2pa.hash.data", Self.dataHash(exclusion: placed.range, hash: Array(hasher.finalize())))
        }

        var storeLength = try build(
            label: label, instanceID: instanceID, binding: try binding((unplaced, 0..<0), final: false), content: content, now: now,
            sign: false
        ).count
        for _ in 0..<8 {
            let placed = try place([UInt8](repeating: 0, count: storeLength))
            var bound = try binding(placed, final: false)
            let probe = try build(label: label, instanceID: instanceID, binding: bound, content: content, now: now, sign: false)
            guard probe.count == storeLength else {
                storeLength = probe.count
                continue
            }
            if provisional { return (placed.asset, label, [UInt8](repeating: 0, count: storeLength), placed.range, nil) }
            if collecting == nil { bound = try binding(placed, final: true) }
            let store = try build(label: label, instanceID: instanceID, binding: bound, content: content, now: now, sign: true)
            guard store.count == storeLength else { break }
            let final = try place(store)
            guard final.range == placed.range else { break }
            var fileSHA256: [UInt8]?
            if var hasher = beforeStore {
                try final.asset.forEachChunk(of: final.range.lowerBound..<final.asset.count) { hasher.update(data: $0) }
                fileSHA256 = Array(hasher.finalize())
            }
            return (final.asset, label, store, final.range, fileSHA256)
        }
        throw SigilError(.c2pa, "the manifest store size did not converge while embedding it in \(format.displayName)")
    }

    /// A hard-binding assertion: its label and CBOR value.
    typealias HardBinding = (label: String, value: CBOR)

    /// The most bytes after the store for which the data hash's pass also yields the whole file's SHA-256
    /// (``SignedSource/fileSHA256``): the store and those bytes are hashed a second time.
    static let forkableTail = 1 << 20

    /// The `c2pa.hash.data` assertion whose one exclusion is the store container.
    static func dataHash(exclusion: Range<Int>, hash: [UInt8]) -> CBOR {
        .map([
            .init("exclusions", .array([.map([.init("start", .int(exclusion.lowerBound)), .init("length", .int(exclusion.count))])])),
            .init("name", "jumbf manifest"),
            .init("alg", "sha256"),
            .init("hash", .bytes(hash)),
            .init("pad", .bytes([])),
        ])
    }

    /// The manifest store for one asset.
    func build(label: String, instanceID: String, binding: HardBinding, content: Content, now: Date, sign: Bool) throws -> [UInt8] {
        var assertions: [(label: String, box: [UInt8])] = []
        assertions.append(("c2pa.actions.v2", JUMBFBuilder.cborAssertion(label: "c2pa.actions.v2", actions(content, now: now))))
        if let aigc = content.label {
            assertions.append((AIGCAssertion.label, JUMBFBuilder.cborAssertion(label: AIGCAssertion.label, AIGCAssertion.cbor(for: aigc))))
        }
        assertions.append((binding.label, JUMBFBuilder.cborAssertion(label: binding.label, binding.value)))

        let created: [CBOR] = assertions.map { assertion in
            // A hashed URI covers the superbox without its 8-byte header.
            .map([
                .init("url", .text("self#jumbf=c2pa.assertions/\(assertion.label)")),
                .init("hash", .bytes(Array(SHA256.hash(data: assertion.box[8...])))),
            ])
        }
        var claimPairs: [CBOR.Pair] = [
            .init("instanceID", .text(instanceID)),
            .init("claim_generator_info", generator.cbor),
            .init("signature", .text("self#jumbf=/c2pa/\(label)/c2pa.signature")),
            .init("created_assertions", .array(created)),
        ]
        if let title = content.title { claimPairs.append(.init("dc:title", .text(title))) }
        claimPairs.append(.init("alg", "sha256"))
        let claim = CBOR.map(claimPairs).encoded()

        var protectedPairs: [CBOR.Pair] = [.init(.int(COSESign1.HeaderLabel.alg), .int(COSEAlgorithm.es256.rawValue))]
        let chain = identity.chainDER
        protectedPairs.append(.init(.int(COSESign1.HeaderLabel.x5chain), chain.count == 1 ? .bytes(chain[0]) : .array(chain.map { .bytes($0) })))
        let protectedBytes = CBOR.map(protectedPairs).encoded()
        var signature = [UInt8](repeating: 0, count: 64)
        if sign {
            let tbs = COSESign1.toBeSigned(protectedBytes: protectedBytes, payload: claim)
            signature = Array(try identity.privateKey.signature(for: tbs).rawRepresentation)
        }
        let cose = COSESign1(
            protectedBytes: protectedBytes, protected: .map(protectedPairs), unprotected: .map([]), payload: nil, signature: signature)

        let manifest = JUMBFBuilder.superbox(
            type: JUMBFType.uuid("c2ma"), label: label,
            children: [
                JUMBFBuilder.superbox(type: JUMBFType.uuid("c2as"), label: "c2pa.assertions", children: assertions.map(\.box)),
                JUMBFBuilder.superbox(type: JUMBFType.uuid("c2cl"), label: "c2pa.claim.v2", children: [JUMBFBuilder.box("cbor", claim)]),
                JUMBFBuilder.superbox(type: JUMBFType.uuid("c2cs"), label: "c2pa.signature", children: [JUMBFBuilder.box("cbor", cose.encoded())]),
            ])
        return JUMBFBuilder.superbox(type: JUMBFType.uuid("c2pa"), label: "c2pa", children: [manifest])
    }

    func actions(_ content: Content, now: Date) -> CBOR {
        let action: CBOR = .map([
            .init("action", "c2pa.created"),
            .init("digitalSourceType", .text(content.digitalSourceType.rawValue)),
            .init("softwareAgent", content.softwareAgent.cbor),
            .init("when", .tagged(0, .text(Self.rfc3339(now)))),
        ])
        return .map([.init("actions", .array([action]))])
    }

    static func rfc3339(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }
}

/// A C2PA `generator-info-map`: a name and an optional version.
public struct GeneratorInfo: Sendable, Hashable {
    public var name: String
    public var version: String?
    public init(name: String, version: String? = nil) {
        self.name = name
        self.version = version
    }

    var cbor: CBOR {
        var pairs: [CBOR.Pair] = [.init("name", .text(name))]
        if let version { pairs.append(.init("version", .text(version))) }
        return .map(pairs)
    }
}

/// IPTC digital source types C2PA uses for AI output.
public enum DigitalSourceType: String, Sendable, Hashable, CaseIterable {
    case trainedAlgorithmicMedia = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"
    case compositeWithTrainedAlgorithmicMedia = "http://cv.iptc.org/newscodes/digitalsourcetype/compositeWithTrainedAlgorithmicMedia"
    case algorithmicMedia = "http://cv.iptc.org/newscodes/digitalsourcetype/algorithmicMedia"
    case trainedAlgorithmicData = "http://c2pa.org/digitalsourcetype/trainedAlgorithmicData"
}

/// The version Sigil writes into `claim_generator_info` and `softwareAgent`.
public enum SigilProvenanceVersion {
    public static let current = "0.4.0"
}
