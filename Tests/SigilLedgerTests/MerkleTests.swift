import SigilLedger
import Testing

@Suite struct MerkleTests {
    @Test("root hashes match the transparency-dev vectors", arguments: 0...8)
    func rootVectors(size: Int) {
        let leaves = Vectors.leafInputs.prefix(size).map { Merkle.leafHash($0) }
        #expect(Merkle.root(of: leaves).hex == Vectors.roots[size])
        var frontier = TreeFrontier()
        for leaf in leaves { frontier.append(leaf) }
        #expect(frontier.root.hex == Vectors.roots[size])
    }

    @Test func leafAndNodeHashesMatchTheVectors() {
        let leaves = Vectors.leafInputs.map { Merkle.leafHash($0) }
        #expect(leaves.map(\.hex) == Vectors.nodeHashes[0])
        #expect(Merkle.nodeHash(leaves[2], leaves[3]).hex == Vectors.nodeHashes[1][1])
        let table = NodeTable(leaves: leaves)
        for (level, hashes) in Vectors.nodeHashes.enumerated() {
            #expect(table.levels[level].map(\.hex) == hashes)
        }
    }

    @Test func emptyTreeRootIsSHA256OfNothing() {
        #expect(Merkle.emptyRoot.hex == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(TreeFrontier().root == Merkle.emptyRoot)
    }

    @Test func inclusionProofVectorForLeafZeroOfEight() throws {
        let leaves = Vectors.leafInputs.map { Merkle.leafHash($0) }
        let proof = try InclusionProof(index: 0, leaves: leaves)
        #expect(proof.hashes.map(\.hex) == [Vectors.nodeHashes[0][1], Vectors.nodeHashes[1][1], Vectors.nodeHashes[2][1]])
        try proof.verify(leafHash: leaves[0], root: Vectors.hash(Vectors.roots[8]))
    }

    @Test func consistencyProofVectorFromTwoToEight() throws {
        let leaves = Vectors.leafInputs.map { Merkle.leafHash($0) }
        let proof = try ConsistencyProof(oldSize: 2, leaves: leaves)
        #expect(proof.hashes.map(\.hex) == [Vectors.nodeHashes[1][1], Vectors.nodeHashes[2][1]])
        try proof.verify(oldRoot: Vectors.hash(Vectors.roots[2]), newRoot: Vectors.hash(Vectors.roots[8]))
    }

    /// RFC 6962 §2.1.3's worked example over seven leaves (a…l are subtrees of that figure).
    @Test func rfc6962ExampleShapes() {
        #expect(Merkle.inclusionPath(index: 0, size: 7) == [Subtree(start: 1, end: 2), Subtree(start: 2, end: 4), Subtree(start: 4, end: 7)])
        #expect(Merkle.inclusionPath(index: 3, size: 7) == [Subtree(start: 2, end: 3), Subtree(start: 0, end: 2), Subtree(start: 4, end: 7)])
        #expect(Merkle.inclusionPath(index: 4, size: 7) == [Subtree(start: 5, end: 6), Subtree(start: 6, end: 7), Subtree(start: 0, end: 4)])
        #expect(Merkle.inclusionPath(index: 6, size: 7) == [Subtree(start: 4, end: 6), Subtree(start: 0, end: 4)])
        #expect(
            Merkle.consistencyPath(oldSize: 3, newSize: 7) == [
                Subtree(start: 2, end: 3), Subtree(start: 3, end: 4), Subtree(start: 0, end: 2), Subtree(start: 4, end: 7),
            ])
        #expect(Merkle.consistencyPath(oldSize: 4, newSize: 7) == [Subtree(start: 4, end: 7)])
        #expect(Merkle.consistencyPath(oldSize: 6, newSize: 7) == [Subtree(start: 4, end: 6), Subtree(start: 6, end: 7), Subtree(start: 0, end: 4)])
    }

    /// Every inclusion and consistency proof of every tree of 1…300 leaves verifies, and the proofs built from
    /// complete subtrees equal the ones built straight from the RFC definitions.
    @Test("generate → verify for every size", arguments: 1...300)
    func generateAndVerify(size: Int) throws {
        let leaves = Vectors.leaves(size)
        let table = NodeTable(leaves: leaves)
        let n = UInt64(size)
        let root = table.root(size: n)
        #expect(root == Merkle.root(of: leaves))
        for index in 0..<n {
            let proof = table.inclusionProof(index: index, size: n)
            #expect(proof.hashes.count <= 64 - (n - 1).leadingZeroBitCount + 1)
            try proof.verify(leafHash: leaves[Int(index)], root: root)
        }
        for old in 0...n {
            let proof = table.consistencyProof(oldSize: old, newSize: n)
            try proof.verify(oldRoot: table.root(size: old), newRoot: root)
        }
        // Spot-check against the naive construction (each hash recomputed from the leaves).
        if size % 37 == 0 || size <= 9 {
            for index in stride(from: 0, to: size, by: max(1, size / 7)) {
                #expect(try InclusionProof(index: UInt64(index), leaves: leaves) == table.inclusionProof(index: UInt64(index), size: n))
            }
            for old in stride(from: 0, through: size, by: max(1, size / 7)) {
                #expect(try ConsistencyProof(oldSize: UInt64(old), leaves: leaves) == table.consistencyProof(oldSize: UInt64(old), newSize: n))
            }
        }
    }

    @Test func inclusionVerifierRejectsOutOfRangeAndWrongLengths() throws {
        let leaves = Vectors.leaves(5)
        let root = Merkle.root(of: leaves)
        let proof = try InclusionProof(index: 4, leaves: leaves)
        try proof.verify(leafHash: leaves[4], root: root)
        var bad = proof
        bad.index = 5
        #expect(throws: SigilError(.invalidProof, "")) { try bad.verify(leafHash: leaves[4], root: root) }
        bad = proof
        bad.hashes.append(root)
        #expect(throws: SigilError(.invalidProof, "")) { try bad.verify(leafHash: leaves[4], root: root) }
        bad = proof
        bad.hashes.removeLast()
        #expect(throws: SigilError(.invalidProof, "")) { try bad.verify(leafHash: leaves[4], root: root) }
        bad = InclusionProof(index: 0, treeSize: 0, hashes: [])
        #expect(throws: SigilError(.invalidProof, "")) { try bad.verify(leafHash: leaves[0], root: Merkle.emptyRoot) }
    }

    @Test func consistencyEdgeCases() throws {
        let leaves = Vectors.leaves(8)
        let table = NodeTable(leaves: leaves)
        // From the empty tree: empty proof, always consistent.
        try ConsistencyProof(oldSize: 0, newSize: 8, hashes: []).verify(oldRoot: Merkle.emptyRoot, newRoot: table.root(size: 8))
        // Equal sizes: empty proof and equal roots.
        try ConsistencyProof(oldSize: 5, newSize: 5, hashes: []).verify(oldRoot: table.root(size: 5), newRoot: table.root(size: 5))
        #expect(throws: SigilError(.invalidProof, "")) {
            try ConsistencyProof(oldSize: 5, newSize: 5, hashes: []).verify(oldRoot: table.root(size: 5), newRoot: table.root(size: 6))
        }
        #expect(throws: SigilError(.invalidProof, "")) {
            try ConsistencyProof(oldSize: 5, newSize: 5, hashes: [table.root(size: 5)]).verify(
                oldRoot: table.root(size: 5), newRoot: table.root(size: 5))
        }
        // A non-trivial proof may not be empty, and sizes may not shrink.
        #expect(throws: SigilError(.invalidProof, "")) {
            try ConsistencyProof(oldSize: 3, newSize: 8, hashes: []).verify(oldRoot: table.root(size: 3), newRoot: table.root(size: 8))
        }
        #expect(throws: SigilError(.invalidProof, "")) {
            try ConsistencyProof(oldSize: 8, newSize: 3, hashes: []).verify(oldRoot: table.root(size: 8), newRoot: table.root(size: 3))
        }
    }
}
