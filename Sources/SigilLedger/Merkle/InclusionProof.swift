/// An inclusion proof (RFC 9162 §2.1.3): the hashes that connect leaf `index` to the root of a tree of `treeSize`.
public struct InclusionProof: Sendable, Hashable {
    /// The leaf's index (0-based).
    public var index: UInt64
    /// Leaves in the tree the proof is for.
    public var treeSize: UInt64
    /// Leaf sibling first, up to the root's child.
    public var hashes: [MerkleHash]

    public init(index: UInt64, treeSize: UInt64, hashes: [MerkleHash]) {
        self.index = index
        self.treeSize = treeSize
        self.hashes = hashes
    }

    /// The proof for leaf `index` computed from all leaf hashes of the tree (reference construction; the log
    /// builds proofs from tiles with ``TiledTree``).
    ///
    /// - Throws: ``SigilError`` `.invalidProof` when `index` is outside the tree.
    public init(index: UInt64, leaves: [MerkleHash]) throws {
        guard index < UInt64(leaves.count) else {
            throw SigilError(.invalidProof, "leaf index \(index) is outside a tree of \(leaves.count)")
        }
        let hashes = Merkle.inclusionPath(index: index, size: UInt64(leaves.count)).map { range in
            Merkle.root(of: leaves[Int(range.start)..<Int(range.end)])
        }
        self.init(index: index, treeSize: UInt64(leaves.count), hashes: hashes)
    }

    /// The root this proof leads to from `leafHash` (RFC 9162 §2.1.3.2 steps 1–3).
    ///
    /// - Throws: ``SigilError`` `.invalidProof` when the index is outside the tree or the path has the wrong length.
    public func root(leafHash: MerkleHash) throws -> MerkleHash {
        guard index < treeSize else {
            throw SigilError(.invalidProof, "the proof's leaf index \(index) is not below its tree size \(treeSize)")
        }
        var fn = index
        var sn = treeSize - 1
        var r = leafHash
        for p in hashes {
            guard sn != 0 else {
                throw SigilError(
                    .invalidProof,
                    "the inclusion proof for leaf \(index) in a tree of \(treeSize) has \(hashes.count) hashes, more than the path is long")
            }
            if fn & 1 == 1 || fn == sn {
                r = Merkle.nodeHash(p, r)
                if fn & 1 == 0 {
                    repeat {
                        fn >>= 1
                        sn >>= 1
                    } while fn & 1 == 0 && fn != 0
                }
            } else {
                r = Merkle.nodeHash(r, p)
            }
            fn >>= 1
            sn >>= 1
        }
        guard sn == 0 else {
            throw SigilError(
                .invalidProof,
                "the inclusion proof for leaf \(index) in a tree of \(treeSize) has \(hashes.count) hashes, fewer than the path is long")
        }
        return r
    }

    /// Checks that `leafHash` is leaf ``index`` of the tree with `root` (RFC 9162 §2.1.3.2).
    ///
    /// - Throws: ``SigilError`` `.invalidProof` naming what does not match.
    public func verify(leafHash: MerkleHash, root expected: MerkleHash) throws {
        let computed = try root(leafHash: leafHash)
        guard computed == expected else {
            throw SigilError(
                .invalidProof,
                "the inclusion proof for leaf \(index) leads to root \(computed.base64), not the tree of \(treeSize)'s root \(expected.base64)")
        }
    }
}
