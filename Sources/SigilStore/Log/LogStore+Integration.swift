import Foundation
import SQLKit

extension LogStore {
    /// What one call to ``integrate()`` did.
    public struct Integration: Sendable, Hashable {
        /// The latest signed checkpoint after integrating.
        public var checkpoint: StoredCheckpoint
        /// Entries added to the tree by this call (0 when nothing was pending).
        public var added: UInt64
    }

    /// Integrates every pending entry: extends the tiles, signs a checkpoint per step of at most
    /// ``LogConfiguration/integrationBatch`` entries, each in one transaction.
    ///
    /// - Throws: ``SigilError`` `.usage` without the signing key; `.inconsistentTree` when the stored tiles no longer
    ///   give the last signed root (someone changed the store), in which case nothing is signed.
    @discardableResult
    public func integrate() async throws -> Integration {
        guard let signer else {
            throw SigilError(.usage, "integrating the log needs its signing key")
        }
        var added: UInt64 = 0
        while true {
            let step = try await integrateStep(signer: signer)
            added += step
            if step == 0 { break }
        }
        return Integration(checkpoint: try await latestCheckpoint(), added: added)
    }

    /// One transaction: up to `integrationBatch` pending entries into the tree, one new checkpoint.
    /// Returns the number of entries integrated (0 when nothing was pending).
    func integrateStep(signer: NoteSigner) async throws -> UInt64 {
        let location = database.location
        let forUpdate = database.dialect.forUpdate
        let origin = self.origin
        let batch = UInt64(integrationBatch)
        return try await database.withTransaction { db in
            try await StoreFailure.wrap("integrate", location) {
                guard let head = try await db.raw("SELECT size, root FROM log_head WHERE id = 1\(unsafeRaw: forUpdate)").first() else {
                    throw SigilError(.store, "the log's head row is missing in \(location)")
                }
                let size = UInt64(try head.decode(column: "size", as: Int64.self))
                let headRoot = try MerkleHash(bytes: try head.decode(column: "root", as: Data.self))
                guard let sequence = try await db.raw("SELECT next_index FROM log_sequence WHERE id = 1").first() else {
                    throw SigilError(.store, "the log's sequence row is missing in \(location)")
                }
                let next = UInt64(try sequence.decode(column: "next_index", as: Int64.self))
                guard next > size else { return 0 }
                let end = min(next, size + batch)

                // The right edge of the signed tree, from its partial tiles; it must still give the signed root.
                let partialIDs = TreeFrontier.partialTileIDs(size: size)
                let stored = try await Self.tileRows(partialIDs, db)
                var frontier = try TreeFrontier(size: size) { id in try HashTile.decode(stored[TileKey(id)] ?? []) }
                guard frontier.root == headRoot else {
                    throw SigilError(
                        .inconsistentTree,
                        "the stored tiles give root \(frontier.root.base64) for the tree of \(size), but the log signed \(headRoot.base64): the store was changed; refusing to sign (run `sigil log audit`)"
                    )
                }
                guard let latest = try await db.raw("SELECT size, root FROM log_checkpoints ORDER BY size DESC LIMIT 1").first(),
                    UInt64(try latest.decode(column: "size", as: Int64.self)) == size,
                    try MerkleHash(bytes: try latest.decode(column: "root", as: Data.self)) == headRoot
                else {
                    throw SigilError(
                        .inconsistentTree,
                        "the log's head (\(size) leaves) is not its latest signed checkpoint: the store was changed; refusing to sign (run `sigil log audit`)"
                    )
                }

                // The pending entries, which must be exactly the indices size..<end.
                let rows = try await db.raw(
                    "SELECT idx, entry FROM log_entries WHERE idx >= \(bind: Int64(size)) AND idx < \(bind: Int64(end)) ORDER BY idx"
                ).all()
                guard rows.count == Int(end - size) else {
                    throw SigilError(
                        .inconsistentTree,
                        "entries \(size)..<\(end) were acknowledged but only \(rows.count) are stored in \(location): the store was changed")
                }
                var changed: [TileKey: [MerkleHash]] = [:]
                for (offset, row) in rows.enumerated() {
                    let index = UInt64(try row.decode(column: "idx", as: Int64.self))
                    guard index == size + UInt64(offset) else {
                        throw SigilError(.inconsistentTree, "entry \(size + UInt64(offset)) is missing from \(location)")
                    }
                    let entry = try row.decode(column: "entry", as: Data.self)
                    frontier.append(Merkle.leafHash(entry)) { id, hashes in changed[TileKey(id)] = hashes }
                }
                for (id, hashes) in frontier.partialTileContents { changed[TileKey(id)] = hashes }
                for (key, hashes) in changed.sorted(by: { ($0.key.level, $0.key.index) < ($1.key.level, $1.key.index) }) {
                    try await db.raw(
                        """
                        INSERT INTO log_tiles (level, idx, hashes) VALUES (\(bind: key.level), \(bind: Int64(key.index)), \(bind: Data(HashTile.encode(hashes))))
                        ON CONFLICT (level, idx) DO UPDATE SET hashes = excluded.hashes
                        """
                    ).run()
                }

                let root = frontier.root
                let note = try Checkpoint(origin: origin, size: end, root: root).signed(by: signer).formatted
                try await db.insert(into: "log_checkpoints").columns("size", "root", "note", "signed_at")
                    .values(SQLBind(Int64(end)), SQLBind(Data(root.bytes)), SQLBind(note), SQLBind(RecordTime.now().milliseconds)).run()
                try await db.raw("UPDATE log_head SET size = \(bind: Int64(end)), root = \(bind: Data(root.bytes)) WHERE id = 1").run()
                return end - size
            }
        }
    }
}
