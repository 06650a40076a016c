import Foundation
import SQLKit

/// What `sigil log audit` found: the tree recomputed from the stored entries, checked against every tile and every
/// signed checkpoint.
public struct AuditReport: Sendable, Hashable {
    /// Entries read (integrated and pending).
    public var entries: UInt64 = 0
    /// Leaves in the integrated tree (the head).
    public var integratedSize: UInt64 = 0
    /// Entries appended but not yet integrated.
    public var pending: UInt64 = 0
    /// Checkpoints whose signature and root were checked.
    public var checkpoints = 0
    /// Tiles compared with the recomputed tree.
    public var tiles = 0
    /// The recomputed root of the integrated tree.
    public var root: MerkleHash = Merkle.emptyRoot
    /// Every discrepancy, in the order found (at most ``maximumProblems``).
    public var problems: [String] = []

    /// Problems listed before the audit stops counting.
    public static let maximumProblems = 100

    /// Whether nothing was wrong.
    public var isClean: Bool { problems.isEmpty }

    mutating func problem(_ text: String) {
        if problems.count < Self.maximumProblems { problems.append(text) }
    }
}

extension LogStore {
    /// Entries read per query during an audit.
    static let auditPage = 10_000

    /// Recomputes the whole tree from the stored entries and checks it against every stored tile, every signed
    /// checkpoint (signature by a trusted key, origin, root at its size) and the head; also checks that indices are
    /// contiguous and every entry is a well-formed record.
    ///
    /// - Parameter verifiers: keys trusted for checkpoint signatures; defaults to the log's own key.
    /// - Throws: ``SigilError`` `.usage` when no verifier is known; `.store` when the database cannot be read.
    ///   Discrepancies are not thrown: they are listed in the report.
    public func audit(verifiers: [NoteVerifier]? = nil) async throws -> AuditReport {
        guard let trusted = verifiers ?? verifier.map({ [$0] }) else {
            throw SigilError(.usage, "auditing needs the log's verifier key (--log-key) or its signing key")
        }
        let location = database.location
        let origin = self.origin
        var report = AuditReport()

        // The head, the sequence and every checkpoint.
        let (headSize, headRoot, next, checkpointRows) = try await database.withConnection { db in
            try await StoreFailure.wrap("read the log state", location) {
                guard let head = try await db.raw("SELECT size, root FROM log_head WHERE id = 1").first(),
                    let sequence = try await db.raw("SELECT next_index FROM log_sequence WHERE id = 1").first()
                else {
                    throw SigilError(.store, "the log in \(location) has no head or sequence row")
                }
                let rows = try await db.raw("SELECT size, root, note FROM log_checkpoints ORDER BY size").all().map {
                    (
                        UInt64(try $0.decode(column: "size", as: Int64.self)), [UInt8](try $0.decode(column: "root", as: Data.self)),
                        try $0.decode(column: "note", as: String.self)
                    )
                }
                return (
                    UInt64(try head.decode(column: "size", as: Int64.self)), [UInt8](try head.decode(column: "root", as: Data.self)),
                    UInt64(try sequence.decode(column: "next_index", as: Int64.self)), rows
                )
            }
        }
        report.integratedSize = headSize
        report.pending = next >= headSize ? next - headSize : 0
        if next < headSize { report.problem("the head has \(headSize) leaves but only \(next) entries were ever appended") }

        // Checkpoint signatures, in size order; roots are compared when the recomputation reaches each size.
        var expectedRoots: [(size: UInt64, root: MerkleHash)] = []
        for (size, root, note) in checkpointRows {
            do {
                let checkpoint = try Checkpoint(note: note, verifiers: trusted, origin: origin)
                guard checkpoint.size == size, checkpoint.root.bytes == root else {
                    report.problem(
                        "the checkpoint stored for size \(size) signs size \(checkpoint.size) and root \(checkpoint.root.base64), not its row's")
                    continue
                }
                expectedRoots.append((size, checkpoint.root))
            } catch let error as SigilError {
                report.problem("the checkpoint of size \(size): \(error.message)")
            }
            if size > headSize { report.problem("a checkpoint of size \(size) is beyond the head (\(headSize))") }
        }
        report.checkpoints = checkpointRows.count
        if let last = checkpointRows.last, last.0 != headSize {
            report.problem("the latest checkpoint has size \(last.0) but the head has \(headSize)")
        }
        if checkpointRows.isEmpty { report.problem("the log has no signed checkpoint") }

        // Stream the entries through a fresh tree, comparing tiles and checkpoint roots on the way.
        var frontier = TreeFrontier()
        var rootsToCheck = expectedRoots[...]
        func checkRoots(_ frontier: TreeFrontier, _ report: inout AuditReport) {
            while let first = rootsToCheck.first, first.size <= frontier.size {
                if first.size == frontier.size, frontier.root != first.root {
                    report.problem(
                        "the checkpoint of size \(first.size) signs root \(first.root.base64), but the entries give \(frontier.root.base64)")
                }
                rootsToCheck = rootsToCheck.dropFirst()
            }
        }
        checkRoots(frontier, &report)
        var position: UInt64 = 0
        var tileCount = 0
        while position < next {
            let pageEnd = min(next, position + UInt64(Self.auditPage))
            let pageStart = position
            let rows = try await database.withConnection { db in
                try await StoreFailure.wrap("read entries \(pageStart)..<\(pageEnd)", location) {
                    try await db.raw(
                        "SELECT idx, produce_id, entry FROM log_entries WHERE idx >= \(bind: Int64(pageStart)) AND idx < \(bind: Int64(pageEnd)) ORDER BY idx"
                    ).all().map {
                        (
                            UInt64(try $0.decode(column: "idx", as: Int64.self)), try $0.decode(column: "produce_id", as: String.self),
                            [UInt8](try $0.decode(column: "entry", as: Data.self))
                        )
                    }
                }
            }
            var completed: [(TileID, [MerkleHash])] = []
            var expectedIndex = position
            for (index, produceID, entry) in rows {
                if index != expectedIndex {
                    report.problem("entries \(expectedIndex)..<\(index) are missing")
                    expectedIndex = index
                }
                do {
                    let record = try GenerationRecord(entry: entry)
                    if record.produceID != produceID {
                        report.problem("entry \(index) is indexed under ProduceID \(produceID) but records \(record.produceID)")
                    }
                } catch let error as SigilError {
                    report.problem("entry \(index) is not a well-formed record: \(error.message)")
                }
                if index < headSize {
                    frontier.append(Merkle.leafHash(entry)) { id, hashes in completed.append((id, hashes)) }
                    checkRoots(frontier, &report)
                }
                expectedIndex += 1
                report.entries += 1
            }
            if expectedIndex < pageEnd { report.problem("entries \(expectedIndex)..<\(pageEnd) are missing") }
            if !completed.isEmpty {
                let ids = completed.map(\.0)
                let stored = try await tiles(ids)
                for ((id, hashes), storedHashes) in zip(completed, stored) where storedHashes != hashes {
                    report.problem("the stored tile \(id.path) differs from the one the entries give")
                }
                tileCount += completed.count
            }
            position = pageEnd
        }
        if frontier.size == headSize {
            let partial = frontier.partialTileContents
            let stored = try await tiles(partial.map(\.id))
            for ((id, hashes), storedHashes) in zip(partial, stored)
            where Array(storedHashes.prefix(hashes.count)) != hashes || storedHashes.count != hashes.count {
                report.problem("the stored partial tile \(id.path) differs from the one the entries give")
            }
            tileCount += partial.count
            if frontier.root.bytes != headRoot {
                report.problem("the head's root differs from the root the entries give (\(frontier.root.base64))")
            }
        } else {
            report.problem("only \(frontier.size) of the head's \(headSize) entries exist")
        }
        let storedTiles = try await database.withConnection { db in
            try await StoreFailure.wrap("count tiles", location) {
                try await db.raw("SELECT COUNT(*) AS n FROM log_tiles").first()?.decode(column: "n", as: Int64.self) ?? 0
            }
        }
        if storedTiles != Int64(tileCount) {
            report.problem("the store holds \(storedTiles) tiles; a tree of \(headSize) has \(tileCount)")
        }
        report.tiles = tileCount
        report.root = frontier.root
        return report
    }
}
