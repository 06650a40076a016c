/// Finds every occurrence of many phrases in one pass over the text (Aho–Corasick over Unicode scalars), so the
/// cost of screening a prompt does not grow with the size of the library.
///
/// Phrases and text must already be normalised (``TextNormalizer``).
public struct PhraseMatcher: Sendable {
    /// One occurrence: which phrase (its index in the list given to ``init(_:)``) and where it ends in the text.
    public struct Match: Sendable, Hashable {
        public var phrase: Int
        /// Index in the scalar array one past the phrase's last scalar.
        public var end: Int
    }

    private struct Node: Sendable {
        var next: [Unicode.Scalar: Int32] = [:]
        var fail: Int32 = 0
        /// Phrases ending here, including those reached by following fail links (merged at build time).
        var outputs: [Int32] = []
    }

    private var nodes: [Node] = [Node()]
    /// How many phrases were given.
    public let count: Int

    /// A matcher for `phrases`; empty phrases are ignored.
    public init(_ phrases: [[Unicode.Scalar]]) {
        count = phrases.count
        for (index, phrase) in phrases.enumerated() where !phrase.isEmpty {
            var state = 0
            for scalar in phrase {
                if let next = nodes[state].next[scalar] {
                    state = Int(next)
                } else {
                    nodes.append(Node())
                    nodes[state].next[scalar] = Int32(nodes.count - 1)
                    state = nodes.count - 1
                }
            }
            nodes[state].outputs.append(Int32(index))
        }
        // Breadth-first: each node's fail link is the longest proper suffix that is also a path from the root.
        var queue: [Int] = nodes[0].next.values.map(Int.init)
        var head = 0
        while head < queue.count {
            let state = queue[head]
            head += 1
            for (scalar, child) in nodes[state].next {
                var fallback = Int(nodes[state].fail)
                while fallback != 0, nodes[fallback].next[scalar] == nil { fallback = Int(nodes[fallback].fail) }
                let target = nodes[fallback].next[scalar].map(Int.init) ?? 0
                nodes[Int(child)].fail = Int32(target == Int(child) ? 0 : target)
                nodes[Int(child)].outputs += nodes[Int(nodes[Int(child)].fail)].outputs
                queue.append(Int(child))
            }
        }
    }

    /// Every occurrence of every phrase in `text`, in text order.
    public func matches(in text: [Unicode.Scalar]) -> [Match] {
        var found: [Match] = []
        var state = 0
        for (position, scalar) in text.enumerated() {
            while state != 0, nodes[state].next[scalar] == nil { state = Int(nodes[state].fail) }
            state = nodes[state].next[scalar].map(Int.init) ?? 0
            for phrase in nodes[state].outputs { found.append(Match(phrase: Int(phrase), end: position + 1)) }
        }
        return found
    }
}
