/// A file's change as edits of its original bytes: ranges replaced (or, when empty, bytes inserted) and everything
/// else kept. A streaming writer turns a plan into "write these bytes, copy that span" with the spans copied by the
/// kernel; an in-memory writer applies it to an array. Edits never overlap.
public struct EditPlan: Sendable, Hashable {
    /// One edit: the original bytes in `range` become `bytes`. An empty range inserts.
    public struct Edit: Sendable, Hashable {
        public var range: Range<Int>
        public var bytes: [UInt8]
        public init(range: Range<Int>, bytes: [UInt8]) {
            self.range = range
            self.bytes = bytes
        }
    }

    /// The length of the original file.
    public let sourceLength: Int
    /// The edits, sorted by position (insertions before replacements at the same offset).
    public private(set) var edits: [Edit] = []

    public init(sourceLength: Int) {
        self.sourceLength = sourceLength
    }

    /// Replaces `range` of the original with `bytes`.
    ///
    /// - Precondition: `range` lies in the file and overlaps no earlier edit.
    public mutating func replace(_ range: Range<Int>, with bytes: [UInt8]) {
        precondition(range.lowerBound >= 0 && range.upperBound <= sourceLength, "edit \(range) outside a \(sourceLength)-byte file")
        precondition(!edits.contains { $0.range.overlaps(range) }, "edit \(range) overlaps another")
        edits.append(Edit(range: range, bytes: bytes))
        edits.sort { ($0.range.lowerBound, $0.range.count) < ($1.range.lowerBound, $1.range.count) }
    }

    /// Replaces `range` with `bytes` where `range` starts at or after the end of every edit so far: for a writer that
    /// walks a file in order and makes many small edits (constant time, where ``replace(_:with:)`` checks them all).
    public mutating func append(_ range: Range<Int>, with bytes: [UInt8]) {
        precondition(range.lowerBound >= 0 && range.upperBound <= sourceLength, "edit \(range) outside a \(sourceLength)-byte file")
        precondition(edits.last.map { $0.range.upperBound <= range.lowerBound } ?? true, "edit \(range) is not after the earlier edits")
        edits.append(Edit(range: range, bytes: bytes))
    }

    /// Inserts `bytes` before the original byte at `offset`.
    public mutating func insert(_ bytes: [UInt8], at offset: Int) {
        replace(offset..<offset, with: bytes)
    }

    /// Removes `range` of the original.
    public mutating func remove(_ range: Range<Int>) {
        replace(range, with: [])
    }

    /// Whether the plan changes nothing.
    public var isEmpty: Bool { edits.isEmpty }

    /// The length of the edited file.
    public var resultLength: Int {
        sourceLength + edits.reduce(0) { $0 + $1.bytes.count - $1.range.count }
    }

    /// The plan as overwrites of the original file, when every edit writes exactly as many bytes as it replaces (a
    /// label that fits the room a file keeps for one: padding, a `free` box, a label of the same length); nil when
    /// anything would move.
    public var overwrites: [Edit]? {
        edits.allSatisfy { $0.bytes.count == $0.range.count } ? edits.filter { !$0.bytes.isEmpty } : nil
    }

    /// Where an offset of the original lands in the edited file (for an offset outside every replaced range).
    public func newOffset(of offset: Int) -> Int {
        offset
            + edits.filter { $0.range.upperBound <= offset }
            .reduce(0) { $0 + $1.bytes.count - $1.range.count }
    }

    /// The edited file as pieces in order: new bytes, or a span of the original to copy unchanged.
    public enum Piece: Sendable, Hashable {
        case bytes([UInt8])
        case original(Range<Int>)
    }

    /// The edited file as ``Piece``s.
    public var pieces: [Piece] {
        var out: [Piece] = []
        var cursor = 0
        for edit in edits {
            if edit.range.lowerBound > cursor { out.append(.original(cursor..<edit.range.lowerBound)) }
            if !edit.bytes.isEmpty { out.append(.bytes(edit.bytes)) }
            cursor = max(cursor, edit.range.upperBound)
        }
        if cursor < sourceLength { out.append(.original(cursor..<sourceLength)) }
        return out
    }

    /// The plan applied to `bytes` (the original, ``sourceLength`` long).
    public func apply(to bytes: [UInt8]) -> [UInt8] {
        precondition(bytes.count == sourceLength, "the plan was made for a \(sourceLength)-byte file, not \(bytes.count)")
        var out: [UInt8] = []
        out.reserveCapacity(resultLength)
        for piece in pieces {
            switch piece {
            case .bytes(let b): out += b
            case .original(let r): out += bytes[r]
            }
        }
        return out
    }
}
