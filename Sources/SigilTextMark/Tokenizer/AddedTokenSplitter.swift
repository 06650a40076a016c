/// Finds added tokens in text the way `tokenizers` does before normalization: at the leftmost position where any
/// token matches, the longest token there wins; scanning resumes after it.
///
/// A byte trie: the root has a 256-entry table so that positions no token starts with cost one load.
struct AddedTokenSplitter: Sendable {
    /// One piece of the split text.
    enum Segment {
        /// Text between tokens (byte range).
        case text(Int, Int)
        /// A matched added token's id.
        case token(Int32)
    }

    private var rootChildren: [Int32]
    private var edges: [UInt32: Int32] = [:]
    private var terminalIds: [Int32] = [-1]

    /// Whether no token can match.
    private(set) var isEmpty = true

    /// A splitter for `tokens`; empty contents are ignored, a repeated content keeps the last id.
    init(tokens: [(content: [UInt8], id: Int32)]) {
        rootChildren = [Int32](repeating: -1, count: 256)
        for (content, id) in tokens where !content.isEmpty {
            var node: Int32 = 0
            for byte in content {
                node = child(of: node, byte) ?? addChild(of: node, byte)
            }
            terminalIds[Int(node)] = id
            isEmpty = false
        }
    }

    @inline(__always)
    private func child(of node: Int32, _ byte: UInt8) -> Int32? {
        if node == 0 {
            let child = rootChildren[Int(byte)]
            return child >= 0 ? child : nil
        }
        return edges[UInt32(node) << 8 | UInt32(byte)]
    }

    private mutating func addChild(of node: Int32, _ byte: UInt8) -> Int32 {
        let new = Int32(terminalIds.count)
        terminalIds.append(-1)
        if node == 0 {
            rootChildren[Int(byte)] = new
        } else {
            edges[UInt32(node) << 8 | UInt32(byte)] = new
        }
        return new
    }

    /// Calls `body` with the text segments and tokens of `text[start..<end]` in order. Text segments are never
    /// empty.
    @inline(__always)
    func split(_ text: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, _ body: (Segment) -> Void) {
        if isEmpty {
            if start < end { body(.text(start, end)) }
            return
        }
        var segmentStart = start
        var index = start
        while index < end {
            var node = rootChildren[Int(text[index])]
            guard node >= 0 else {
                index += 1
                continue
            }
            var matchEnd = -1
            var matchId: Int32 = -1
            var position = index + 1
            while true {
                let id = terminalIds[Int(node)]
                if id >= 0 {
                    matchEnd = position
                    matchId = id
                }
                guard position < end, let next = edges[UInt32(node) << 8 | UInt32(text[position])] else { break }
                node = next
                position += 1
            }
            guard matchEnd >= 0 else {
                index += 1
                continue
            }
            if segmentStart < index { body(.text(segmentStart, index)) }
            body(.token(matchId))
            index = matchEnd
            segmentStart = matchEnd
        }
        if segmentStart < end { body(.text(segmentStart, end)) }
    }
}
