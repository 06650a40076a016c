/// A file as an ``EditPlan`` would write it, read without writing it: the plan's new bytes where it makes edits and
/// the base file's bytes elsewhere, so a second stage (a label writer, a signer) can read the result of a first
/// (a rhythm label spliced into the samples) while the file on disk stays untouched and nothing is held in memory
/// but the edits.
///
/// A plan made over this source by the second stage resolves, through ``pieces(of:)``, into pieces of the base file,
/// so the two stages are written in one pass with the untouched spans copied by the kernel.
public struct EditedByteSource: ByteSource {
    /// The file the edits apply to.
    public let base: any ByteSource
    /// The edited file's pieces and where each starts in it.
    private let layers: [(start: Int, piece: EditPlan.Piece)]
    public let count: Int

    /// The file `plan` makes of `base`.
    ///
    /// - Precondition: the plan was made for a file of `base.count` bytes.
    public init(_ base: any ByteSource, plan: EditPlan) {
        precondition(base.count == plan.sourceLength, "the plan was made for a \(plan.sourceLength)-byte file, not \(base.count)")
        self.init(base, pieces: plan.pieces)
    }

    /// The file made of `pieces`: new bytes, or spans of `base`.
    public init(_ base: any ByteSource, pieces: [EditPlan.Piece]) {
        self.base = base
        var layers: [(start: Int, piece: EditPlan.Piece)] = []
        var at = 0
        for piece in pieces {
            layers.append((at, piece))
            switch piece {
            case .bytes(let bytes): at += bytes.count
            case .original(let range): at += range.count
            }
        }
        self.layers = layers
        self.count = at
    }

    /// The file `plan` makes of `source`; when `source` is itself an edited file, the result reads its base directly
    /// (one level, however many stages were applied), so ``pieces`` are always spans of the file on disk.
    ///
    /// - Precondition: the plan was made for a file of `source.count` bytes.
    public static func editing(_ source: any ByteSource, with plan: EditPlan) -> EditedByteSource {
        guard let edited = source as? EditedByteSource else { return EditedByteSource(source, plan: plan) }
        return EditedByteSource(edited.base, pieces: edited.pieces(of: plan))
    }

    /// The whole edited file as pieces of ``base``, in order.
    public var pieces: [EditPlan.Piece] { layers.map(\.piece) }

    public func read(_ range: Range<Int>) throws -> [UInt8] {
        let pieces = pieces(in: range)
        if pieces.count == 1, case .original(let span) = pieces[0] { return try base.read(span) }
        var out: [UInt8] = []
        out.reserveCapacity(max(0, min(range.upperBound, count) - max(range.lowerBound, 0)))
        for piece in pieces {
            switch piece {
            case .bytes(let bytes): out += bytes
            case .original(let span): out += try base.read(span)
            }
        }
        return out
    }

    /// The base file's spans and the new bytes that make up `range` of the edited file, in order (clamped to it).
    public func pieces(in range: Range<Int>) -> [EditPlan.Piece] {
        let lower = max(0, range.lowerBound)
        let upper = min(count, range.upperBound)
        guard lower < upper else { return [] }
        // The last layer starting at or before `lower` (binary search: a spliced file has few layers, a plan over a
        // walked file may have many).
        var low = 0
        var high = layers.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if layers[middle].start <= lower { low = middle } else { high = middle - 1 }
        }
        var out: [EditPlan.Piece] = []
        var index = low
        while index < layers.count, layers[index].start < upper {
            let (start, piece) = layers[index]
            let from = max(lower, start) - start
            switch piece {
            case .bytes(let bytes):
                let to = min(upper - start, bytes.count)
                if from < to { out.append(.bytes(Array(bytes[from..<to]))) }
            case .original(let span):
                let to = min(upper - start, span.count)
                if from < to { out.append(.original((span.lowerBound + from)..<(span.lowerBound + to))) }
            }
            index += 1
        }
        return out
    }

    /// A plan made over this edited file, as pieces of the base file: both stages' edits in one list, ready to be
    /// written with the untouched spans of the base copied.
    ///
    /// - Precondition: `second` was made for a file of ``count`` bytes.
    public func pieces(of second: EditPlan) -> [EditPlan.Piece] {
        precondition(second.sourceLength == count, "the plan was made for a \(second.sourceLength)-byte file, not \(count)")
        var out: [EditPlan.Piece] = []
        for piece in second.pieces {
            switch piece {
            case .bytes: out.append(piece)
            case .original(let range): out += pieces(in: range)
            }
        }
        return out
    }
}
