import Crypto
import SigilContainers

/// The `c2pa.hash.bmff` hard bindings of MP4/MOV/M4A/HEIF assets.
///
/// Exclusions name boxes by a restricted xpath (`/moov/trak/mdia/minf/stbl/stco`) with optional conditions (`length`,
/// `version`, `flags` + `exact`, `data` at offsets) and may exclude only `subset` ranges of a box (`length` 0 = to its
/// end). The hash covers, in file order, every top-level box that is not wholly excluded:
/// - `c2pa.hash.bmff` (v1): the bytes outside the exclusions;
/// - `.v2` and `.v3`: for each such box its absolute offset as a big-endian u64, then its bytes outside the exclusions.
/// Observed against c2pa-rs output (fixtures signed.mp4, video1.mp4, legacy.mp4). Sigil signs with `.v3` and the
/// exclusions the specification requires (``requiredExclusions``, decision 0209). Merkle trees (fragmented MP4) are
/// neither written nor validated.
enum BMFFHash {
    typealias Node = BMFFBox

    /// The exclusions Sigil writes: the C2PA `uuid` box (matched by its user type at offset 8), `ftyp` and `mfra`.
    /// c2pa-rs adds `/free` and `/skip`; Sigil leaves them hashed, so nothing can be hidden in them after signing.
    static let requiredExclusions: [CBOR] = [
        .map([
            .init("xpath", "/uuid"),
            .init("data", .array([.map([.init("offset", .int(8)), .init("value", .bytes(BMFFBox.c2paUserType))])])),
        ]),
        .map([.init("xpath", "/ftyp")]),
        .map([.init("xpath", "/mfra")]),
    ]

    /// The `c2pa.hash.bmff.v3` assertion Sigil writes, with the hash of the asset as placed (``digest(_:nodes:exclusions:alg:withOffsets:)``).
    static func assertion(hash: [UInt8], alg: String = "sha256") -> CBOR {
        .map([
            .init("exclusions", .array(requiredExclusions)),
            .init("alg", .text(alg)),
            .init("hash", .bytes(hash)),
            .init("name", "jumbf manifest"),
        ])
    }

    /// Whether `node` meets the exclusion's conditions.
    static func matches(_ exclusion: CBOR, _ node: Node, in source: any ByteSource) -> Bool {
        guard var xpath = exclusion["xpath"]?.textValue else { return false }
        // Indices (`/trak[1]`) are not distinguished: every box with the name matches.
        while let open = xpath.firstIndex(of: "["), let close = xpath[open...].firstIndex(of: "]") {
            xpath.removeSubrange(open...close)
        }
        guard node.path == xpath else { return false }
        if let length = exclusion["length"]?.intValue, length != node.range.count { return false }
        let fullBoxStart = node.range.lowerBound + node.headerSize
        if let version = exclusion["version"]?.intValue {
            guard fullBoxStart < node.range.upperBound, let byte = try? source.read(fullBoxStart..<(fullBoxStart + 1)).first,
                Int(byte) == version
            else { return false }
        }
        if let flags = exclusion["flags"]?.bytesValue, flags.count == 3 {
            guard fullBoxStart + 4 <= node.range.upperBound else { return false }
            guard let boxFlags = try? source.read((fullBoxStart + 1)..<(fullBoxStart + 4)) else { return false }
            if exclusion["exact"]?.boolValue ?? true {
                if boxFlags != flags { return false }
            } else if zip(boxFlags, flags).contains(where: { $0 & $1 != $1 }) {
                return false
            }
        }
        for item in exclusion["data"]?.arrayValue ?? [] {
            // Offsets and lengths come from the manifest: compared against the box's length before any addition.
            guard let offset = item["offset"]?.intValue, let value = item["value"]?.bytesValue, offset >= 0,
                offset <= node.range.count, value.count <= node.range.count - offset
            else { return false }
            let start = node.range.lowerBound + offset
            guard (try? source.read(start..<(start + value.count))) == value else { return false }
        }
        return true
    }

    /// ``matches(_:_:in:)-(_,_,any ByteSource)`` for an asset in memory.
    static func matches(_ exclusion: CBOR, _ node: Node, in bytes: [UInt8]) -> Bool {
        matches(exclusion, node, in: MemoryByteSource(bytes))
    }

    /// The most exclusions a BMFF hash assertion may list for Sigil to validate it (the specification's required
    /// ones are three; c2pa-rs writes a handful).
    static let maximumExclusions = 1_000

    /// The byte ranges `exclusions` remove from `asset`, whose boxes are `nodes`.
    static func excludedRanges(_ exclusions: [CBOR], nodes: [Node], in asset: [UInt8]) -> [Range<Int>] {
        excludedRanges(exclusions, nodes: nodes, in: MemoryByteSource(asset))
    }

    /// The byte ranges `exclusions` remove from the asset `source` reads, whose boxes are `nodes`.
    static func excludedRanges(_ exclusions: [CBOR], nodes: [Node], in asset: any ByteSource) -> [Range<Int>] {
        var excluded: [Range<Int>] = []
        for node in nodes {
            for exclusion in exclusions where matches(exclusion, node, in: asset) {
                if let subsets = exclusion["subset"]?.arrayValue, !subsets.isEmpty {
                    for subset in subsets {
                        guard let offset = subset["offset"]?.intValue, let length = subset["length"]?.intValue, offset >= 0, length >= 0 else {
                            continue
                        }
                        let start = node.range.lowerBound + min(offset, node.range.count)
                        let end = length == 0 ? node.range.upperBound : start + min(length, node.range.upperBound - start)
                        excluded.append(start..<end)
                    }
                } else {
                    excluded.append(node.range)
                }
            }
        }
        return excluded.sorted { $0.lowerBound < $1.lowerBound }
    }

    /// The BMFF hash of `asset` (boxes `nodes`), or nil for an algorithm C2PA does not allow. The hash input is fed
    /// piece by piece, never copied: a video's `mdat` is hashed where it lies.
    static func digest(_ asset: [UInt8], nodes: [Node], exclusions: [CBOR], alg: String, withOffsets: Bool) -> [UInt8]? {
        let excluded = excludedRanges(exclusions, nodes: nodes, in: asset)
        switch alg {
        case "sha256": return digest(SHA256.self, asset, nodes, excluded, withOffsets)
        case "sha384": return digest(SHA384.self, asset, nodes, excluded, withOffsets)
        case "sha512": return digest(SHA512.self, asset, nodes, excluded, withOffsets)
        default: return nil
        }
    }

    static func digest<H: HashFunction>(_: H.Type, _ asset: [UInt8], _ nodes: [Node], _ excluded: [Range<Int>], _ withOffsets: Bool) -> [UInt8] {
        var hasher = H()
        asset.withUnsafeBytes { raw in
            walk(nodes, excluded, withOffsets) { item in
                switch item {
                case .offset(let offset): hasher.update(data: UInt64(offset).bigEndianArray)
                case .bytes(let range): hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: raw[range]))
                }
            }
        }
        return Array(hasher.finalize())
    }

    /// The BMFF hash of the asset `source` reads, its bytes read in chunks (a video's `mdat` is never held whole).
    static func digest(_ source: any ByteSource, nodes: [Node], exclusions: [CBOR], alg: String, withOffsets: Bool) throws -> [UInt8]? {
        let excluded = excludedRanges(exclusions, nodes: nodes, in: source)
        switch alg {
        case "sha256": return try digest(SHA256.self, source, nodes, excluded, withOffsets)
        case "sha384": return try digest(SHA384.self, source, nodes, excluded, withOffsets)
        case "sha512": return try digest(SHA512.self, source, nodes, excluded, withOffsets)
        default: return nil
        }
    }

    static func digest<H: HashFunction>(_: H.Type, _ source: any ByteSource, _ nodes: [Node], _ excluded: [Range<Int>], _ withOffsets: Bool) throws
        -> [UInt8]
    {
        var hasher = H()
        try walk(nodes, excluded, withOffsets) { item in
            switch item {
            case .offset(let offset): hasher.update(data: UInt64(offset).bigEndianArray)
            case .bytes(let range): try source.forEachChunk(of: range) { hasher.update(data: $0) }
            }
        }
        return Array(hasher.finalize())
    }

    /// What the hash takes, in order: a top-level box's offset (v2 and v3), or a span of the asset's bytes.
    enum Input {
        case offset(Int)
        case bytes(Range<Int>)
    }

    /// Calls `take` with the hash's input in order: for every top-level box not wholly excluded, its offset (when
    /// `withOffsets`) and its bytes outside the excluded ranges.
    static func walk(_ nodes: [Node], _ excluded: [Range<Int>], _ withOffsets: Bool, _ take: (Input) throws -> Void) rethrows {
        // `excluded` is sorted by lower bound and comes from the manifest, so it may hold as many ranges as the file
        // has boxes: every step below is a binary search or a walk that only moves forward, never boxes × ranges.
        // A top-level box is skipped when one range covers it whole (the prefix maximum of upper bounds tells);
        // the bytes fed are those outside the union of the ranges (`merged`, disjoint and sorted).
        var reach: [Int] = []
        reach.reserveCapacity(excluded.count)
        for range in excluded { reach.append(max(reach.last ?? Int.min, range.upperBound)) }
        var merged: [Range<Int>] = []
        for range in excluded where !range.isEmpty {
            if let last = merged.last, range.lowerBound <= last.upperBound {
                merged[merged.count - 1] = last.lowerBound..<max(last.upperBound, range.upperBound)
            } else {
                merged.append(range)
            }
        }
        func coveredWhole(_ box: Range<Int>) -> Bool {
            // The last range starting at or before the box, by binary search.
            var (low, high) = (0, excluded.count)
            while low < high {
                let middle = (low + high) / 2
                if excluded[middle].lowerBound <= box.lowerBound { low = middle + 1 } else { high = middle }
            }
            return low > 0 && reach[low - 1] >= box.upperBound
        }
        var next = 0
        for top in nodes where top.depth == 0 {
            if coveredWhole(top.range) { continue }
            if withOffsets { try take(.offset(top.range.lowerBound)) }
            while next < merged.count, merged[next].upperBound <= top.range.lowerBound { next += 1 }
            var at = top.range.lowerBound
            var k = next
            while k < merged.count, merged[k].lowerBound < top.range.upperBound {
                if merged[k].lowerBound > at { try take(.bytes(at..<merged[k].lowerBound)) }
                at = max(at, merged[k].upperBound)
                k += 1
            }
            if at < top.range.upperBound { try take(.bytes(at..<top.range.upperBound)) }
        }
    }

    static func check(_ value: CBOR?, label: String, alg claimAlg: String?, asset: [UInt8], url: String, report: inout C2PAReport) {
        guard let value, let expected = value["hash"]?.bytesValue, let exclusions = value["exclusions"]?.arrayValue else {
            if value?["merkle"] != nil {
                report.failure.append(C2PAStatus(.bmffHashMalformed, url: url, "BMFF Merkle-tree hashes (fragmented MP4) are not supported by Sigil"))
            } else {
                report.failure.append(C2PAStatus(.bmffHashMalformed, url: url, "the BMFF hash assertion lacks hash or exclusions"))
            }
            return
        }
        guard let alg = value["alg"]?.textValue ?? claimAlg, ["sha256", "sha384", "sha512"].contains(alg) else {
            report.failure.append(C2PAStatus(.algorithmUnsupported, url: url, "the BMFF hash names no allowed algorithm"))
            return
        }
        // Each exclusion is matched against every box: a manifest cannot make that boxes × a million.
        guard exclusions.count <= maximumExclusions else {
            report.failure.append(
                C2PAStatus(.bmffHashMalformed, url: url, "the BMFF hash lists \(exclusions.count) exclusions, more than \(maximumExclusions)"))
            return
        }
        var nodes: [Node] = []
        do {
            nodes = try BMFFWalker.tree(asset)
        } catch {
            report.failure.append(C2PAStatus(.bmffHashMismatch, url: url, "the BMFF boxes do not parse: \(error)"))
            return
        }
        if digest(asset, nodes: nodes, exclusions: exclusions, alg: alg, withOffsets: label != "c2pa.hash.bmff") == expected {
            report.success.append(C2PAStatus(.bmffHashMatch, url: url, "the BMFF content hash matches"))
        } else {
            report.failure.append(
                C2PAStatus(.bmffHashMismatch, url: url, "the BMFF content hash does not match: the asset was changed after signing"))
        }
    }
}

/// The `c2pa.hash.boxes` hard binding. Sigil does not validate it yet; it reports that plainly.
enum BoxHash {
    static func check(
        _ value: CBOR?, alg: String?, asset: [UInt8], format: MediaFormat, store: EmbeddedManifestStore, url: String, report: inout C2PAReport
    ) {
        report.failure.append(C2PAStatus(.boxesHashUnknownBox, url: url, "Sigil does not validate c2pa.hash.boxes bindings yet"))
    }
}
