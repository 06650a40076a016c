/// A tree of a given size whose node hashes are read from tlog-tiles, to build proofs and roots.
///
/// Pure: it decides which tiles it needs and combines what a reader returns; the store does the reading.
public struct TiledTree: Sendable, Hashable {
    /// Leaves in the tree the proofs are for.
    public let size: UInt64

    public init(size: UInt64) {
        self.size = size
    }

    /// Reads tiles: gets IDs (width = hashes needed) and returns each tile's hashes in the same order, at least
    /// `width` of them.
    public typealias TileReader = ([TileID]) async throws -> [[MerkleHash]]

    /// Where a complete node's hash comes from: the tile, and the run of hashes in it the node is the root of.
    public static func location(of node: NodeID) -> (level: Int, index: UInt64, offset: Int, count: Int) {
        let tileLevel = node.level / TileID.height
        let sublevel = node.level % TileID.height
        let first = node.index << UInt64(sublevel)
        return (tileLevel, first >> 8, Int(first & 255), 1 << sublevel)
    }

    /// The tile holding tile-level hashes of `level` at `index`, as it exists in a tree of ``size``.
    func tile(level: Int, index: UInt64) -> TileID {
        let count = size >> (UInt64(TileID.height) * UInt64(level))
        let width = count >= (index + 1) << 8 ? TileID.fullWidth : Int(count - (index << 8))
        return TileID(level: level, index: index, width: width)
    }

    /// The hashes of `nodes`, reading each tile once.
    ///
    /// - Throws: ``SigilError`` `.invalidTile` when a node does not exist in the tree or a tile comes back short.
    public func hashes(of nodes: [NodeID], reading read: TileReader) async throws -> [NodeID: MerkleHash] {
        var wanted: [TileID] = []
        var seen: Set<TileID> = []
        for node in nodes {
            guard node.level < 64, node.leaves.upperBound <= size else {
                throw SigilError(.invalidTile, "\(node) is not a complete subtree of a tree of \(size)")
            }
            let place = Self.location(of: node)
            let id = tile(level: place.level, index: place.index)
            if seen.insert(id).inserted { wanted.append(id) }
        }
        let tiles = try await read(wanted)
        guard tiles.count == wanted.count else {
            throw SigilError(.invalidTile, "asked for \(wanted.count) tiles, got \(tiles.count)")
        }
        var byID: [TileID: [MerkleHash]] = [:]
        for (id, hashes) in zip(wanted, tiles) {
            guard hashes.count >= id.width else {
                throw SigilError(
                    .invalidTile,
                    "the stored tile \(TileID(level: id.level, index: id.index).path) holds \(hashes.count) hashes; a tree of \(size) needs \(id.width)"
                )
            }
            byID[id] = hashes
        }
        var result: [NodeID: MerkleHash] = [:]
        for node in nodes where result[node] == nil {
            let place = Self.location(of: node)
            let hashes = byID[tile(level: place.level, index: place.index)]!
            result[node] = Merkle.root(of: hashes[place.offset..<(place.offset + place.count)])
        }
        return result
    }

    /// The hashes of `ranges`, each the right fold of its complete subtrees.
    func hashes(of ranges: [Subtree], reading read: TileReader) async throws -> [MerkleHash] {
        let nodes = ranges.flatMap(\.nodes)
        let known = try await hashes(of: nodes, reading: read)
        return ranges.map { range in range.hash { known[$0]! } }
    }

    /// The tree's root hash.
    public func root(reading read: TileReader) async throws -> MerkleHash {
        guard size > 0 else { return Merkle.emptyRoot }
        return try await hashes(of: [Subtree(start: 0, end: size)], reading: read)[0]
    }

    /// The inclusion proof of leaf `index`.
    ///
    /// - Throws: ``SigilError`` `.invalidProof` when `index` is outside the tree; `.invalidTile` for short tiles.
    public func inclusionProof(index: UInt64, reading read: TileReader) async throws -> InclusionProof {
        guard index < size else {
            throw SigilError(.invalidProof, "leaf index \(index) is outside the tree of \(size)")
        }
        let hashes = try await hashes(of: Merkle.inclusionPath(index: index, size: size), reading: read)
        return InclusionProof(index: index, treeSize: size, hashes: hashes)
    }

    /// The consistency proof from the tree's first `oldSize` leaves to the whole tree.
    ///
    /// - Throws: ``SigilError`` `.invalidProof` when `oldSize` exceeds the tree.
    public func consistencyProof(oldSize: UInt64, reading read: TileReader) async throws -> ConsistencyProof {
        guard oldSize <= size else {
            throw SigilError(.invalidProof, "a tree of \(oldSize) cannot be a prefix of the tree of \(size)")
        }
        let hashes = try await hashes(of: Merkle.consistencyPath(oldSize: oldSize, newSize: size), reading: read)
        return ConsistencyProof(oldSize: oldSize, newSize: size, hashes: hashes)
    }
}
