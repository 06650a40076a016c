/// A contiguous run of leaves `[start, end)` of the tree, whose Merkle tree hash appears in a proof.
///
/// Every range RFC 9162's proof definitions produce starts at a multiple of its largest power-of-two part, so
/// it splits into complete subtrees (``NodeID``s) along the binary digits of its length; its hash is their right fold.
public struct Subtree: Sendable, Hashable, CustomStringConvertible {
    /// The first leaf.
    public var start: UInt64
    /// One past the last leaf.
    public var end: UInt64

    public init(start: UInt64, end: UInt64) {
        precondition(start < end, "an empty subtree has no hash")
        self.start = start
        self.end = end
    }

    /// Leaves in the range.
    public var count: UInt64 { end - start }
    public var description: String { "[\(start), \(end))" }

    /// The complete subtrees that make up this range, left to right (largest first).
    public var nodes: [NodeID] {
        var result: [NodeID] = []
        var position = start
        while position < end {
            // The largest aligned power of two that starts here and fits.
            let alignment = position == 0 ? 63 : position.trailingZeroBitCount
            var level = min(alignment, 63 - (end - position).leadingZeroBitCount)
            while (UInt64(1) << level) > end - position { level -= 1 }
            result.append(NodeID(level: level, index: position >> level))
            position += UInt64(1) << level
        }
        return result
    }

    /// The range's Merkle tree hash from the hashes of its complete subtrees.
    public func hash(_ node: (NodeID) throws -> MerkleHash) rethrows -> MerkleHash {
        let parts = nodes
        var hash = try node(parts[parts.count - 1])
        for part in parts.dropLast().reversed() {
            hash = Merkle.nodeHash(try node(part), hash)
        }
        return hash
    }
}

/// A complete (perfect) subtree of the log: `2^level` leaves starting at leaf `index << level`.
///
/// Level 0 nodes are leaf hashes. A node exists in a tree of size `n` once `(index + 1) << level <= n`, and then
/// its hash never changes — which is why tiles of such nodes are immutable.
public struct NodeID: Sendable, Hashable, CustomStringConvertible {
    /// Height: the node covers `2^level` leaves.
    public var level: Int
    /// Position among the nodes of its level.
    public var index: UInt64

    public init(level: Int, index: UInt64) {
        self.level = level
        self.index = index
    }

    /// The leaves this node covers.
    public var leaves: Range<UInt64> { (index << level)..<((index + 1) << level) }
    public var description: String { "node(\(level), \(index))" }
}
