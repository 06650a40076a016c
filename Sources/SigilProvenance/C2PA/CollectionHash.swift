import SigilContainers

/// The `c2pa.hash.collection.data` hard binding of ZIP-based assets (OOXML): one hash per entry, from its local
/// header to the end of its data, and `zip_central_directory_hash` over the central directory and end records
/// without the manifest entry's CRC-32 (``ManifestCollection``).
///
/// Sigil writes `uris` as c2pa-rs 0.91 does, a map from entry name to `{hash, size}`; it also reads the array form
/// the specification's CDDL gives (`[{uri, hash, size?}]`). As in c2pa-rs, the listed entries are checked one by one
/// and the central-directory hash binds the rest: an entry added, removed or renamed after signing changes the
/// directory. Decision 0207.
enum CollectionHash {
    /// The assertion for the collection `collection` locates in `asset`.
    static func assertion(_ collection: ManifestCollection, in asset: [UInt8], alg: String = "sha256") -> CBOR {
        let uris: [CBOR.Pair] = collection.parts.map { part in
            .init(
                .text(part.uri),
                .map([
                    .init("hash", .bytes(digest(asset, [part.range], alg: alg))),
                    .init("size", .int(part.range.count)),
                ]))
        }
        return .map([
            .init("uris", .map(uris)),
            .init("alg", .text(alg)),
            .init("zip_central_directory_hash", .bytes(digest(asset, collection.directory, alg: alg))),
        ])
    }

    /// The hash of `ranges` of `bytes` (sorted, not overlapping), hashed in place as everything else excluded.
    static func digest(_ bytes: [UInt8], _ ranges: [Range<Int>], alg: String) -> [UInt8] {
        var excluded: [Range<Int>] = []
        var at = 0
        for range in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            let lower = min(max(range.lowerBound, at), bytes.count)
            if lower > at { excluded.append(at..<lower) }
            at = max(at, min(range.upperBound, bytes.count))
        }
        if at < bytes.count { excluded.append(at..<bytes.count) }
        return DataHash.compute(bytes, excluding: excluded, alg: alg) ?? []
    }

    /// The listed entries: URI, expected hash (nil when absent).
    static func listed(_ value: CBOR) -> [(uri: String, hash: [UInt8]?)]? {
        switch value["uris"] {
        case .map(let pairs)?:
            return pairs.compactMap { pair in pair.key.textValue.map { ($0, pair.value["hash"]?.bytesValue) } }
        case .array(let items)?:
            return items.map { ($0["uri"]?.textValue ?? "", $0["hash"]?.bytesValue) }
        default:
            return nil
        }
    }

    static func check(
        _ value: CBOR?, alg claimAlg: String?, asset: [UInt8], format: MediaFormat, registry: MediaRegistry, url: String, report: inout C2PAReport
    ) {
        guard let value, let listed = listed(value), let directoryHash = value["zip_central_directory_hash"]?.bytesValue else {
            report.failure.append(
                C2PAStatus(
                    .collectionHashMalformed, url: url,
                    "the collection hash lacks uris or zip_central_directory_hash (Sigil validates ZIP collections)"))
            return
        }
        guard let alg = value["alg"]?.textValue ?? claimAlg, DataHash.compute([], excluding: [], alg: alg) != nil else {
            report.failure.append(C2PAStatus(.algorithmUnsupported, url: url, "the collection hash names no allowed algorithm"))
            return
        }
        guard let locator = registry.handler(for: format) as? any ManifestCollectionLocating else {
            report.failure.append(
                C2PAStatus(.collectionHashMalformed, url: url, "a collection hash binds \(format.displayName) content, which is not a ZIP collection")
            )
            return
        }
        let collection: ManifestCollection
        do {
            collection = try locator.manifestCollection(in: asset)
        } catch {
            report.failure.append(C2PAStatus(.collectionHashMismatch, url: url, "the ZIP entries cannot be located: \(error)"))
            return
        }
        guard digest(asset, collection.directory, alg: alg) == directoryHash else {
            report.failure.append(
                C2PAStatus(
                    .collectionHashMismatch, url: url,
                    "the ZIP central directory's hash does not match: entries were added, removed, renamed or moved after signing"))
            return
        }
        let parts = Dictionary(collection.parts.map { ($0.uri, $0.range) }, uniquingKeysWith: { first, _ in first })
        for (uri, hash) in listed {
            let components = uri.split(separator: "/", omittingEmptySubsequences: false)
            guard !uri.isEmpty, !uri.hasPrefix("/"), !components.contains(where: { $0 == ".." || $0 == "." }) else {
                report.failure.append(
                    C2PAStatus(.collectionHashInvalidURI, url: url, "the collection lists \"\(uri)\", which is not a relative path"))
                return
            }
            guard let hash else {
                report.failure.append(C2PAStatus(.collectionHashMalformed, url: url, "the collection lists \"\(uri)\" without a hash"))
                return
            }
            guard let range = parts[uri] else {
                report.failure.append(
                    C2PAStatus(.collectionHashIncorrectFileCount, url: url, "the collection lists \"\(uri)\", which is not in the ZIP archive"))
                return
            }
            guard digest(asset, [range], alg: alg) == hash else {
                report.failure.append(
                    C2PAStatus(.collectionHashMismatch, url: url, "the hash of ZIP entry \"\(uri)\" does not match: it was changed after signing"))
                return
            }
        }
        report.success.append(
            C2PAStatus(.collectionHashMatch, url: url, "the hashes of \(listed.count) ZIP entries and the central directory match"))
    }
}
