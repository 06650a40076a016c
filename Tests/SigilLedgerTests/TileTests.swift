import SigilLedger
import Testing

@Suite struct TileTests {
    @Test func pathEncoding() throws {
        #expect(TileID.encode(index: 1_234_067) == "x001/x234/067")
        #expect(TileID.encode(index: 5) == "005")
        #expect(TileID.encode(index: 1000) == "x001/000")
        #expect(TileID(level: 0, index: 1_234_067).path == "tile/0/x001/x234/067")
        #expect(TileID(level: 2, index: 5, width: 17).path == "tile/2/005.p/17")
        #expect(TileID(level: TileID.entriesLevel, index: 1000, width: 3).path == "tile/entries/x001/000.p/3")
        for id in [TileID(level: 0, index: 1_234_067), TileID(level: 2, index: 5, width: 17), TileID(level: -1, index: 999_999_999, width: 255)] {
            #expect(try TileID(path: id.path) == id)
        }
    }

    @Test(
        "malformed tile paths are refused",
        arguments: [
            "tile/0/5", "tile/64/005", "tile/0/x001/5", "tile/0/001/002", "tile/0/005.p/0", "tile/0/005.p/256", "tile/00/005", "tiles/0/005",
            "tile/0/x000/005",
        ])
    func malformedPaths(path: String) {
        #expect(throws: SigilError(.invalidTile, "")) { try TileID(path: path) }
    }

    /// tlog-tiles' example: a tree of 70,000 has 273 full level-0 tiles and a partial one of 112, one full
    /// level-1 tile and a partial one of 17, and a partial level-2 tile of 1.
    @Test func partialTilesOfSeventyThousand() {
        #expect(
            TreeFrontier.partialTileIDs(size: 70_000) == [
                TileID(level: 0, index: 273, width: 112), TileID(level: 1, index: 1, width: 17), TileID(level: 2, index: 0, width: 1),
            ])
        #expect(TreeFrontier.partialTileIDs(size: 65_536) == [TileID(level: 2, index: 0, width: 1)])
        #expect(TreeFrontier.partialTileIDs(size: 0) == [])
    }

    @Test func entryBundleRoundTrip() throws {
        let entries: [[UInt8]] = [[], [1, 2, 3], Array(repeating: 7, count: 65_535)]
        let bundle = try EntryBundle.encode(entries)
        #expect(Array(bundle.prefix(7)) == [0, 0, 0, 3, 1, 2, 3])
        #expect(try EntryBundle.decode(bundle) == entries)
        #expect(throws: SigilError(.invalidTile, "")) { try EntryBundle.encode([Array(repeating: 0, count: 65_536)]) }
        #expect(throws: SigilError(.invalidTile, "")) { try EntryBundle.decode([0, 5, 1, 2]) }
        #expect(throws: SigilError(.invalidTile, "")) { try EntryBundle.decode([0]) }
    }

    /// A tree built tile by tile answers proofs from its tiles exactly as the definitions do, across tile edges.
    @Test("proofs from tiles", arguments: [1, 2, 255, 256, 257, 511, 513, 1000, 65_535, 65_537])
    func proofsFromTiles(size: Int) async throws {
        let leaves = Vectors.leaves(size)
        var tiles: [TileID: [MerkleHash]] = [:]
        var frontier = TreeFrontier()
        for leaf in leaves {
            frontier.append(leaf) { id, hashes in tiles[id] = hashes }
        }
        for (id, hashes) in frontier.partialTileContents { tiles[TileID(level: id.level, index: id.index)] = hashes }
        #expect(frontier.size == UInt64(size))
        #expect(HashTile.encode(tiles[TileID(level: 0, index: 0)]!).count == min(size, 256) * 32)
        let read: TiledTree.TileReader = { ids in ids.map { tiles[TileID(level: $0.level, index: $0.index)] ?? [] } }
        let root = Merkle.root(of: leaves)
        #expect(frontier.root == root)
        // Restoring the frontier from the stored partial tiles gives the same state.
        let restored = try TreeFrontier(size: UInt64(size)) { id in tiles[TileID(level: id.level, index: id.index)] ?? [] }
        #expect(restored == frontier)

        var random = SeededGenerator(seed: UInt64(size))
        let indices = size <= 513 ? Array(0..<size) : (0..<40).map { _ in Int.random(in: 0..<size, using: &random) } + [0, size - 1]
        for checkedSize in Set([size, max(1, size / 2), max(1, size - 1)]) {
            let tree = TiledTree(size: UInt64(checkedSize))
            let checkedRoot = Merkle.root(of: leaves.prefix(checkedSize))
            #expect(try await tree.root(reading: read) == checkedRoot)
            for index in indices where index < checkedSize {
                let proof = try await tree.inclusionProof(index: UInt64(index), reading: read)
                try proof.verify(leafHash: leaves[index], root: checkedRoot)
            }
            let old = UInt64(checkedSize / 3)
            let consistency = try await tree.consistencyProof(oldSize: old, reading: read)
            try consistency.verify(oldRoot: Merkle.root(of: leaves.prefix(Int(old))), newRoot: checkedRoot)
        }
    }

    @Test func shortTilesAreReported() async throws {
        let tree = TiledTree(size: 300)
        await #expect(throws: SigilError(.invalidTile, "")) {
            _ = try await tree.inclusionProof(index: 3, reading: { ids in ids.map { _ in [] } })
        }
        await #expect(throws: SigilError(.invalidProof, "")) {
            _ = try await tree.inclusionProof(index: 300, reading: { ids in ids.map { _ in [] } })
        }
    }
}
