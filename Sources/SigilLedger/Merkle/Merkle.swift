import Crypto

/// The Merkle tree hash of RFC 9162 §2.1.1 (= RFC 6962 §2.1) with SHA-256, as every C2SP tlog spec uses it.
///
/// ```
/// MTH({})     = SHA-256()
/// MTH({d0})   = SHA-256(0x00 || d0)                      leaf hash
/// MTH(D[n])   = SHA-256(0x01 || MTH(D[0:k]) || MTH(D[k:n]))   k = largest power of two < n
/// ```
/// The tree is not padded; the split point is the largest power of two below `n`, not the midpoint.
public enum Merkle {
    /// The root of the empty tree: SHA-256 of no bytes.
    public static let emptyRoot: MerkleHash = {
        let digest = SHA256.hash(data: [UInt8]())
        return digest.withUnsafeBytes { MerkleHash(loadingFrom: $0) }
    }()

    /// The leaf hash of one entry: SHA-256(0x00 || entry).
    public static func leafHash(_ entry: some Collection<UInt8>) -> MerkleHash {
        var hasher = SHA256()
        withUnsafeBytes(of: UInt8(0)) { hasher.update(bufferPointer: $0) }
        let done: Void? = entry.withContiguousStorageIfAvailable { hasher.update(bufferPointer: UnsafeRawBufferPointer($0)) }
        if done == nil { Array(entry).withUnsafeBytes { hasher.update(bufferPointer: $0) } }
        return hasher.finalize().withUnsafeBytes { MerkleHash(loadingFrom: $0) }
    }

    /// An interior node's hash: SHA-256(0x01 || left || right).
    public static func nodeHash(_ left: MerkleHash, _ right: MerkleHash) -> MerkleHash {
        withUnsafeTemporaryAllocation(byteCount: 65, alignment: 8) { buffer in
            buffer[0] = 1
            left.withUnsafeBytes { UnsafeMutableRawBufferPointer(rebasing: buffer[1..<33]).copyMemory(from: $0) }
            right.withUnsafeBytes { UnsafeMutableRawBufferPointer(rebasing: buffer[33..<65]).copyMemory(from: $0) }
            var hasher = SHA256()
            hasher.update(bufferPointer: UnsafeRawBufferPointer(buffer))
            return hasher.finalize().withUnsafeBytes { MerkleHash(loadingFrom: $0) }
        }
    }

    /// The root of the tree whose leaf hashes are `leaves` (MTH over the leaves), in O(n) time.
    ///
    /// Pairs neighbours level by level and carries an unpaired last node up unchanged, which builds exactly the
    /// left-balanced tree of RFC 9162 §2.1.1.
    public static func root(of leaves: some Collection<MerkleHash>) -> MerkleHash {
        var level = Array(leaves)
        guard !level.isEmpty else { return emptyRoot }
        while level.count > 1 {
            var next = [MerkleHash]()
            next.reserveCapacity((level.count + 1) / 2)
            var i = 0
            while i + 1 < level.count {
                next.append(nodeHash(level[i], level[i + 1]))
                i += 2
            }
            if i < level.count { next.append(level[i]) }
            level = next
        }
        return level[0]
    }

    /// The largest power of two strictly below `n` (`n` ≥ 2): the RFC 9162 split point `k`.
    public static func splitPoint(_ n: UInt64) -> UInt64 {
        precondition(n >= 2, "the split point needs at least two leaves")
        return UInt64(1) << (63 - (n - 1).leadingZeroBitCount)
    }

    /// The ranges whose hashes form the inclusion proof of leaf `index` in a tree of `size` leaves, leaf sibling
    /// first (RFC 9162 §2.1.3.1 `PATH`).
    ///
    /// - Precondition: `index < size`.
    public static func inclusionPath(index: UInt64, size: UInt64) -> [Subtree] {
        precondition(index < size, "leaf index \(index) is outside a tree of \(size)")
        var ranges: [Subtree] = []
        var lo: UInt64 = 0
        var hi = size
        // Walk down from the root; each step contributes the sibling at that depth (root-side first), reversed at the end.
        while hi - lo > 1 {
            let k = splitPoint(hi - lo)
            if index < lo + k {
                ranges.append(Subtree(start: lo + k, end: hi))
                hi = lo + k
            } else {
                ranges.append(Subtree(start: lo, end: lo + k))
                lo += k
            }
        }
        return ranges.reversed()
    }

    /// The ranges whose hashes form the consistency proof from a tree of `oldSize` to one of `newSize`
    /// (RFC 9162 §2.1.4.1 `PROOF` / `SUBPROOF`). Empty when `oldSize` is 0 or equals `newSize`.
    ///
    /// - Precondition: `oldSize <= newSize`.
    public static func consistencyPath(oldSize: UInt64, newSize: UInt64) -> [Subtree] {
        precondition(oldSize <= newSize, "consistency from \(oldSize) to a smaller tree of \(newSize)")
        guard oldSize > 0, oldSize < newSize else { return [] }
        var ranges: [Subtree] = []
        var m = oldSize
        var lo: UInt64 = 0
        var hi = newSize
        var complete = true
        while true {
            if m == hi - lo {
                if !complete { ranges.append(Subtree(start: lo, end: hi)) }
                break
            }
            let k = splitPoint(hi - lo)
            if m <= k {
                ranges.append(Subtree(start: lo + k, end: hi))
                hi = lo + k
            } else {
                ranges.append(Subtree(start: lo, end: lo + k))
                m -= k
                lo += k
                complete = false
            }
        }
        return ranges.reversed()
    }
}
