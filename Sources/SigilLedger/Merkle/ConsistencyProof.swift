/// A consistency proof (RFC 9162 §2.1.4): the hashes that show a tree of `oldSize` is a prefix of one of `newSize`.
public struct ConsistencyProof: Sendable, Hashable {
    /// Leaves in the older tree.
    public var oldSize: UInt64
    /// Leaves in the newer tree.
    public var newSize: UInt64
    /// The proof's hashes, in RFC 9162 order.
    public var hashes: [MerkleHash]

    public init(oldSize: UInt64, newSize: UInt64, hashes: [MerkleHash]) {
        self.oldSize = oldSize
        self.newSize = newSize
        self.hashes = hashes
    }

    /// The proof from the first `oldSize` leaves to all of `leaves` (reference construction).
    ///
    /// - Throws: ``SigilError`` `.invalidProof` when `oldSize` exceeds the tree.
    public init(oldSize: UInt64, leaves: [MerkleHash]) throws {
        guard oldSize <= UInt64(leaves.count) else {
            throw SigilError(.invalidProof, "a tree of \(oldSize) cannot be a prefix of a tree of \(leaves.count)")
        }
        let hashes = Merkle.consistencyPath(oldSize: oldSize, newSize: UInt64(leaves.count)).map { range in
            Merkle.root(of: leaves[Int(range.start)..<Int(range.end)])
        }
        self.init(oldSize: oldSize, newSize: UInt64(leaves.count), hashes: hashes)
    }

    /// Checks that the tree of ``oldSize`` with `oldRoot` is a prefix of the tree of ``newSize`` with `newRoot`
    /// (RFC 9162 §2.1.4.2, with the edge cases the caller handles: equal sizes need an empty proof and equal
    /// roots; an empty old tree is consistent with everything).
    ///
    /// - Throws: ``SigilError`` `.invalidProof` naming the mismatch.
    public func verify(oldRoot: MerkleHash, newRoot: MerkleHash) throws {
        guard oldSize <= newSize else {
            throw SigilError(.invalidProof, "a consistency proof from \(oldSize) to the smaller size \(newSize)")
        }
        if oldSize == newSize {
            guard hashes.isEmpty else {
                throw SigilError(
                    .invalidProof, "a consistency proof between two trees of \(oldSize) must be empty, this one has \(hashes.count) hashes")
            }
            guard oldRoot == newRoot else {
                throw SigilError(.invalidProof, "two trees of \(oldSize) leaves with different roots \(oldRoot.base64) and \(newRoot.base64)")
            }
            return
        }
        if oldSize == 0 {
            guard hashes.isEmpty else {
                throw SigilError(.invalidProof, "a consistency proof from the empty tree must be empty, this one has \(hashes.count) hashes")
            }
            return
        }
        guard !hashes.isEmpty else {
            throw SigilError(.invalidProof, "the consistency proof from \(oldSize) to \(newSize) is empty")
        }
        var path = hashes
        if oldSize & (oldSize - 1) == 0 { path.insert(oldRoot, at: 0) }
        var fn = oldSize - 1
        var sn = newSize - 1
        while fn & 1 == 1 {
            fn >>= 1
            sn >>= 1
        }
        var fr = path[0]
        var sr = path[0]
        for c in path.dropFirst() {
            guard sn != 0 else {
                throw SigilError(
                    .invalidProof, "the consistency proof from \(oldSize) to \(newSize) has \(hashes.count) hashes, more than the path is long")
            }
            if fn & 1 == 1 || fn == sn {
                fr = Merkle.nodeHash(c, fr)
                sr = Merkle.nodeHash(c, sr)
                if fn & 1 == 0 {
                    repeat {
                        fn >>= 1
                        sn >>= 1
                    } while fn & 1 == 0 && fn != 0
                }
            } else {
                sr = Merkle.nodeHash(sr, c)
            }
            fn >>= 1
            sn >>= 1
        }
        guard sn == 0 else {
            throw SigilError(
                .invalidProof, "the consistency proof from \(oldSize) to \(newSize) has \(hashes.count) hashes, fewer than the path is long")
        }
        guard fr == oldRoot else {
            throw SigilError(.invalidProof, "the consistency proof from \(oldSize) to \(newSize) does not lead to the old root \(oldRoot.base64)")
        }
        guard sr == newRoot else {
            throw SigilError(.invalidProof, "the consistency proof from \(oldSize) to \(newSize) does not lead to the new root \(newRoot.base64)")
        }
    }
}
