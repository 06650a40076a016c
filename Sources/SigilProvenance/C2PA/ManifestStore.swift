import SigilContainers
/// A parsed C2PA manifest store: the `c2pa` JUMBF superbox and its manifests, the active one last.
public struct ManifestStore: Sendable {
    /// The store's bytes, which every range in ``root`` and ``manifests`` points into.
    public let bytes: [UInt8]
    /// The `c2pa` superbox.
    public let root: JUMBFSuperbox
    /// The manifests in store order; the active manifest is the last.
    public let manifests: [Manifest]

    /// One manifest: a `c2ma` (standard), `c2um` (update) or legacy superbox.
    public struct Manifest: Sendable {
        public var box: JUMBFSuperbox
        /// The manifest label, `urn:c2pa:…` or `urn:uuid:…`.
        public var label: String
        /// The type code: `c2ma`, `c2um`, `c2cm`, `c2md`.
        public var kind: String
        /// The assertion store (`c2as`, label `c2pa.assertions`).
        public var assertionStore: JUMBFSuperbox?
        /// Claim superboxes (`c2cl`); a valid manifest has exactly one.
        public var claimBoxes: [JUMBFSuperbox]
        /// The claim-signature superbox (`c2cs`).
        public var signatureBox: JUMBFSuperbox?

        /// Whether this is an update manifest (no hard binding of its own).
        public var isUpdate: Bool { kind == "c2um" }
    }

    /// Parses the store in `bytes`.
    ///
    /// - Throws: ``SigilError`` `.jumbf` for malformed boxes, `.c2pa` when the outer superbox is not a C2PA store.
    public init(bytes: [UInt8]) throws {
        self.bytes = bytes
        root = try JUMBFSuperbox.parse(bytes)
        guard root.typeCode == "c2pa" else {
            throw SigilError(.c2pa, "the JUMBF superbox is not a C2PA manifest store (type \(root.typeCode ?? "unknown"))", offset: 0)
        }
        manifests = root.superboxes.compactMap { box -> Manifest? in
            guard let kind = box.typeCode, ["c2ma", "c2um", "c2cm", "c2md"].contains(kind) else { return nil }
            return Manifest(
                box: box, label: box.label ?? "", kind: kind,
                assertionStore: box.superboxes.first { $0.typeCode == "c2as" },
                claimBoxes: box.superboxes.filter { $0.typeCode == "c2cl" },
                signatureBox: box.superboxes.first { $0.typeCode == "c2cs" })
        }
    }

    /// The active manifest: the last one.
    public var activeManifest: Manifest? { manifests.last }

    /// The manifest labelled `label`.
    public func manifest(labeled label: String) -> Manifest? {
        manifests.last { $0.label == label }
    }

    /// The payload of the first `cbor` content box of `superbox`.
    public func cborPayload(of superbox: JUMBFSuperbox) -> [UInt8]? {
        superbox.contentBoxes.first { $0.type == "cbor" }.map { Array(bytes[$0.payload]) }
    }

    /// The bytes of `range`.
    public func slice(_ range: Range<Int>) -> ArraySlice<UInt8> { bytes[range] }

    /// Resolves a JUMBF URI (`self#jumbf=c2pa.assertions/x` relative to `manifest`, or `self#jumbf=/c2pa/<m>/…`).
    public func resolve(_ uri: String, from manifest: Manifest) -> JUMBFSuperbox? {
        guard uri.hasPrefix("self#jumbf=") else { return nil }
        let path = String(uri.dropFirst("self#jumbf=".count))
        var components = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        guard !components.contains(".."), !components.isEmpty else { return nil }
        var node: JUMBFSuperbox
        if path.hasPrefix("/") {
            guard components.first == root.label else { return nil }
            components.removeFirst()
            node = root
        } else {
            node = manifest.box
        }
        for component in components {
            guard let next = node.child(labeled: component) else { return nil }
            node = next
        }
        return node
    }
}
