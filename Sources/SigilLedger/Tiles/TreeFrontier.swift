/// The right edge of a tiled Merkle tree: the partial tile of every tile level, which is all it takes to append
/// leaves and compute the root in O(log n).
///
/// Appending a leaf extends the level-0 partial tile; a tile that reaches 256 hashes is reported as full (it is
/// immutable from then on) and its root joins the partial tile one level up. This is the log's sequencer state and
/// also how an audit recomputes a whole tree from its entries.
public struct TreeFrontier: Sendable, Hashable {
    /// Leaves in the tree.
    public private(set) var size: UInt64
    /// The partial tile of each tile level, level 0 first (each holds 0…255 hashes).
    public private(set) var partialTiles: [[MerkleHash]]

    /// The frontier of the empty tree.
    public init() {
        size = 0
        partialTiles = [[]]
    }

    /// Restores the frontier of a tree of `size` from its stored partial tiles.
    ///
    /// - Parameter tile: returns the stored hashes of a tile; it must hold at least `id.width` hashes (more are
    ///   ignored — a stored tile may since have grown).
    /// - Throws: ``SigilError`` `.invalidTile` when a tile is short, or what `tile` throws.
    public init(size: UInt64, tile: (TileID) throws -> [MerkleHash]) throws {
        self.size = size
        partialTiles = []
        for id in Self.partialTileIDs(size: size) {
            while partialTiles.count < id.level { partialTiles.append([]) }
            let hashes = try tile(id)
            guard hashes.count >= id.width else {
                throw SigilError(
                    .invalidTile,
                    "the stored tile \(TileID(level: id.level, index: id.index).path) holds \(hashes.count) hashes; a tree of \(size) needs \(id.width)"
                )
            }
            partialTiles.append(Array(hashes.prefix(id.width)))
        }
        var top = 0
        while size >> (UInt64(TileID.height) * UInt64(top + 1)) > 0 { top += 1 }
        while partialTiles.count <= top { partialTiles.append([]) }
    }

    /// The partial tiles (width 1…255) a tree of `size` has, lowest level first.
    public static func partialTileIDs(size: UInt64) -> [TileID] {
        var ids: [TileID] = []
        var level = 0
        while level < 8, size >> (UInt64(TileID.height) * UInt64(level)) > 0 {
            let count = size >> (UInt64(TileID.height) * UInt64(level))
            let width = Int(count & 255)
            if width > 0 { ids.append(TileID(level: level, index: count >> 8, width: width)) }
            level += 1
        }
        return ids
    }

    /// Appends one leaf hash; calls `fullTile` for every tile this completes (level 0 first).
    public mutating func append(_ leafHash: MerkleHash, fullTile: (TileID, [MerkleHash]) throws -> Void) rethrows {
        partialTiles[0].append(leafHash)
        size += 1
        var level = 0
        while partialTiles[level].count == TileID.fullWidth {
            let index = (size >> (UInt64(TileID.height) * UInt64(level + 1))) - 1
            let tile = partialTiles[level]
            try fullTile(TileID(level: level, index: index), tile)
            partialTiles[level] = []
            level += 1
            if level == partialTiles.count { partialTiles.append([]) }
            partialTiles[level].append(Merkle.root(of: tile))
        }
    }

    /// Appends one leaf hash, ignoring completed tiles.
    public mutating func append(_ leafHash: MerkleHash) {
        append(leafHash) { _, _ in }
    }

    /// The non-empty partial tiles with their IDs, lowest level first.
    public var partialTileContents: [(id: TileID, hashes: [MerkleHash])] {
        partialTiles.enumerated().compactMap { level, hashes in
            hashes.isEmpty ? nil : (TileID(level: level, index: size >> (UInt64(TileID.height) * UInt64(level + 1)), width: hashes.count), hashes)
        }
    }

    /// The tree's root hash (MTH of all leaves so far).
    public var root: MerkleHash {
        var nodes: [MerkleHash] = []
        for hashes in partialTiles.reversed() where !hashes.isEmpty {
            var start = 0
            for bit in stride(from: TileID.height - 1, through: 0, by: -1) where hashes.count & (1 << bit) != 0 {
                nodes.append(Merkle.root(of: hashes[start..<(start + (1 << bit))]))
                start += 1 << bit
            }
        }
        guard var hash = nodes.last else { return Merkle.emptyRoot }
        for node in nodes.dropLast().reversed() { hash = Merkle.nodeHash(node, hash) }
        return hash
    }
}
