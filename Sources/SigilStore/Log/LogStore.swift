import Foundation
import SQLKit

/// The generation-record log over one database: appends entries, integrates them into an RFC 9162 tree stored as
/// tlog-tiles, signs checkpoints, and answers entry, proof and audit queries. The same code runs on SQLite and
/// PostgreSQL; only ``LogDatabase`` differs.
///
/// Appending and integrating are separate transactions. An append is acknowledged once its transaction commits: the
/// entry then has its index for good. Integration reads the pending entries, extends the tiles from the stored
/// right edge, checks that edge still gives the last signed root, and signs the new checkpoint in the same
/// transaction — so a crash at any point leaves either the old or the new head, and the next open integrates what
/// was pending. Each checkpoint extends the previous one, so the log never signs two inconsistent heads.
public struct LogStore: Sendable {
    /// The connection the log runs on.
    public let database: any LogDatabase
    /// The log's origin (also its signing key's name).
    public let origin: String
    /// Days an entry stays readable.
    public let retentionDays: Int
    let signer: NoteSigner?
    let integrationBatch: Int

    /// The verifier of this log's checkpoints, when the signing key is loaded.
    public var verifier: NoteVerifier? { signer?.verifier }

    /// Opens the log in `database`: applies migrations, creates the log on first use (signing the empty tree),
    /// checks the configured origin, and integrates pending entries when the signing key is given.
    ///
    /// - Throws: ``SigilError`` `.usage` for an origin that differs from the stored one or a short retention,
    ///   `.schema`, `.store`, `.inconsistentTree`.
    public static func open(_ database: any LogDatabase, configuration: LogConfiguration = LogConfiguration()) async throws -> LogStore {
        if let origin = configuration.origin { try LogConfiguration.checkOrigin(origin) }
        if let days = configuration.retentionDays { try LogConfiguration.checkRetention(days) }
        try await Migrator.migrate(database)
        let location = database.location
        let seed = configuration.signingKey
        let (origin, retention): (String, Int) = try await database.withTransaction { db in
            let row = try await StoreFailure.wrap("read the log configuration", location) {
                try await db.raw("SELECT origin, retention_days FROM log_config WHERE id = 1").first()
            }
            if let row {
                let stored = try row.decode(column: "origin", as: String.self)
                var days = Int(try row.decode(column: "retention_days", as: Int64.self))
                if let wanted = configuration.origin, wanted != stored {
                    throw SigilError(
                        .usage,
                        "the log in \(location) has the origin \(stored), not \(wanted); a log's origin never changes (start a new log for a new origin)"
                    )
                }
                if let wanted = configuration.retentionDays, wanted != days {
                    try await db.raw("UPDATE log_config SET retention_days = \(bind: Int64(wanted)) WHERE id = 1").run()
                    days = wanted
                }
                return (stored, days)
            }
            // A new log: its configuration, the empty tree head and a signed checkpoint of size 0.
            let origin = configuration.origin ?? LogConfiguration.defaultOrigin
            let days = configuration.retentionDays ?? LogConfiguration.defaultRetentionDays
            guard let seed else {
                throw SigilError(.usage, "the log in \(location) does not exist yet and no signing key was given to create it")
            }
            let signer = try NoteSigner(name: origin, seed: seed)
            let now = RecordTime.now().milliseconds
            try await StoreFailure.wrap("create the log", location) {
                try await db.insert(into: "log_config").columns("id", "origin", "retention_days", "created_at")
                    .values(SQLBind(1), SQLBind(origin), SQLBind(Int64(days)), SQLBind(now)).run()
                try await db.insert(into: "log_head").columns("id", "size", "root")
                    .values(SQLBind(1), SQLBind(Int64(0)), SQLBind(Data(Merkle.emptyRoot.bytes))).run()
                let note = try Checkpoint(origin: origin, size: 0, root: Merkle.emptyRoot).signed(by: signer).formatted
                try await db.insert(into: "log_checkpoints").columns("size", "root", "note", "signed_at")
                    .values(SQLBind(Int64(0)), SQLBind(Data(Merkle.emptyRoot.bytes)), SQLBind(note), SQLBind(now)).run()
            }
            return (origin, days)
        }
        let signer = try seed.map { try NoteSigner(name: origin, seed: $0) }
        let store = LogStore(
            database: database, origin: origin, retentionDays: retention, signer: signer, integrationBatch: max(1, configuration.integrationBatch))
        if let signer {
            // The stored checkpoints must be this key's: a different key would fork the log's identity.
            let latest = try await store.latestCheckpoint()
            do {
                _ = try Checkpoint(note: latest.note, verifiers: [signer.verifier], origin: origin)
            } catch {
                throw SigilError(
                    .invalidKey,
                    "the signing key does not match the log in \(location): its latest checkpoint is not signed by \(signer.verifier.vkey)")
            }
            if configuration.integrateOnOpen { try await store.integrate() }
        }
        return store
    }

    init(database: any LogDatabase, origin: String, retentionDays: Int, signer: NoteSigner?, integrationBatch: Int) {
        self.database = database
        self.origin = origin
        self.retentionDays = retentionDays
        self.signer = signer
        self.integrationBatch = integrationBatch
    }

    /// Closes the database connection.
    public func close() async throws {
        try await database.close()
    }

    // MARK: - Appending

    /// Rows per INSERT statement (SQLite allows 32,766 bound values; five columns per row).
    static let rowsPerInsert = 1000

    /// Appends records in one transaction and returns their indices. When this returns, the records are durable
    /// and their indices final; they enter the tree at the next ``integrate()``.
    ///
    /// - Throws: ``SigilError`` `.invalidRecord` for a record that breaks the format (nothing is appended), `.store`.
    @discardableResult
    public func append(_ records: [GenerationRecord], now: RecordTime = .now()) async throws -> Range<UInt64> {
        let rows = try records.enumerated().map { i, record in
            do {
                return (produceID: record.produceID, account: record.account, entry: try record.entry(), textHash: record.fingerprint?.textHash)
            } catch let error as SigilError {
                throw SigilError(.invalidRecord, "record \(i) of the batch: \(error.message)")
            }
        }
        guard !rows.isEmpty else {
            let next = try await nextIndex()
            return next..<next
        }
        let location = database.location
        return try await database.withTransaction { db in
            try await StoreFailure.wrap("append \(rows.count) entries", location) {
                guard
                    let row = try await db.raw(
                        "UPDATE log_sequence SET next_index = next_index + \(bind: Int64(rows.count)) WHERE id = 1 RETURNING next_index"
                    ).first()
                else {
                    throw SigilError(.store, "the log's sequence row is missing in \(location)")
                }
                let end = UInt64(try row.decode(column: "next_index", as: Int64.self))
                let first = end - UInt64(rows.count)
                var position = 0
                while position < rows.count {
                    let chunk = rows[position..<min(position + Self.rowsPerInsert, rows.count)]
                    var insert = db.insert(into: "log_entries").columns("idx", "produce_id", "account", "logged_at", "entry")
                    for (offset, row) in chunk.enumerated() {
                        insert = insert.values(
                            SQLBind(Int64(first) + Int64(position + offset)), SQLBind(row.produceID), SQLBind(row.account),
                            SQLBind(now.milliseconds), SQLBind(Data(row.entry))
                        )
                    }
                    try await insert.run()
                    position += chunk.count
                }
                // The text-fingerprint index is derived from the entries, in the same transaction (decision 0606).
                let texts = rows.enumerated().compactMap { i, row in row.textHash.map { (index: Int64(first) + Int64(i), hash: $0) } }
                try await TextFingerprintIndex.insert(texts, db)
                return first..<end
            }
        }
    }

    /// The index the next appended entry gets (= entries appended so far).
    public func nextIndex() async throws -> UInt64 {
        let location = database.location
        return try await database.withConnection { db in
            try await StoreFailure.wrap("read the sequence", location) {
                guard let row = try await db.raw("SELECT next_index FROM log_sequence WHERE id = 1").first() else {
                    throw SigilError(.store, "the log's sequence row is missing in \(location)")
                }
                return UInt64(try row.decode(column: "next_index", as: Int64.self))
            }
        }
    }

    // MARK: - Reading

    /// A signed checkpoint as stored.
    public struct StoredCheckpoint: Sendable, Hashable {
        /// The parsed checkpoint.
        public var checkpoint: Checkpoint
        /// The signed note, verbatim.
        public var note: String
    }

    /// The latest signed checkpoint.
    public func latestCheckpoint() async throws -> StoredCheckpoint {
        let location = database.location
        return try await database.withConnection { db in
            try await StoreFailure.wrap("read the latest checkpoint", location) {
                guard let row = try await db.raw("SELECT note FROM log_checkpoints ORDER BY size DESC LIMIT 1").first() else {
                    throw SigilError(.store, "the log in \(location) has no checkpoint")
                }
                return try Self.storedCheckpoint(row)
            }
        }
    }

    /// The signed checkpoint of exactly `size` leaves, if the log signed one.
    public func checkpoint(size: UInt64) async throws -> StoredCheckpoint? {
        let location = database.location
        return try await database.withConnection { db in
            try await StoreFailure.wrap("read the checkpoint of size \(size)", location) {
                try await db.raw("SELECT note FROM log_checkpoints WHERE size = \(bind: Int64(size))").first().map(Self.storedCheckpoint)
            }
        }
    }

    static func storedCheckpoint(_ row: any SQLRow) throws -> StoredCheckpoint {
        let note = try row.decode(column: "note", as: String.self)
        let parsed = try SignedNote(parsing: note)
        return StoredCheckpoint(checkpoint: try Checkpoint(text: parsed.text), note: note)
    }

    /// The bytes of entry `index`.
    ///
    /// - Throws: ``SigilError`` `.notFound` when no entry has that index, `.expired` when it is past the
    ///   retention period (its leaf hash stays in the tree; only the bytes are no longer served).
    public func entry(at index: UInt64, now: RecordTime = .now()) async throws -> [UInt8] {
        let location = database.location
        let retention = Int64(retentionDays) * 86_400_000
        return try await database.withConnection { db in
            let row = try await StoreFailure.wrap("read entry \(index)", location) {
                try await db.raw("SELECT entry, logged_at FROM log_entries WHERE idx = \(bind: Int64(clamping: index))").first()
            }
            guard let row else { throw SigilError(.notFound, "the log has no entry \(index)") }
            let loggedAt = try row.decode(column: "logged_at", as: Int64.self)
            if now.milliseconds - loggedAt > retention {
                throw SigilError(
                    .expired,
                    "entry \(index) was logged at \(RecordTime(milliseconds: loggedAt)) and expired after the \(retentionDays)-day retention period; its leaf hash stays in the tree"
                )
            }
            return [UInt8](try row.decode(column: "entry", as: Data.self))
        }
    }

    /// The entries recorded for `produceID`, oldest first (a ProduceID is logged again when content is relabeled).
    public func records(produceID: String, now: RecordTime = .now()) async throws -> [(index: UInt64, record: GenerationRecord)] {
        let location = database.location
        let retention = Int64(retentionDays) * 86_400_000
        let rows = try await database.withConnection { db in
            try await StoreFailure.wrap("look up \(produceID)", location) {
                try await db.raw("SELECT idx, entry, logged_at FROM log_entries WHERE produce_id = \(bind: produceID) ORDER BY idx").all()
                    .map {
                        (
                            UInt64(try $0.decode(column: "idx", as: Int64.self)), [UInt8](try $0.decode(column: "entry", as: Data.self)),
                            try $0.decode(column: "logged_at", as: Int64.self)
                        )
                    }
            }
        }
        return try rows.filter { now.milliseconds - $0.2 <= retention }.map { ($0.0, try GenerationRecord(entry: $0.1)) }
    }

    /// The stored hashes of tiles, in the order asked: each holds at least the hashes that existed at the size the ID's
    /// width implies (partial tiles grow in place, so a row may hold more); empty for a tile that does not exist.
    /// This is a ``TiledTree/TileReader``.
    public func tiles(_ ids: [TileID]) async throws -> [[MerkleHash]] {
        guard !ids.isEmpty else { return [] }
        let location = database.location
        let rows = try await database.withConnection { db in
            try await StoreFailure.wrap("read \(ids.count) tiles", location) {
                try await Self.tileRows(ids, db)
            }
        }
        return try ids.map { id in try HashTile.decode(rows[TileKey(id)] ?? []) }
    }

    struct TileKey: Hashable {
        var level: Int
        var index: UInt64
        init(_ id: TileID) {
            level = id.level
            index = id.index
        }
        init(level: Int, index: UInt64) {
            self.level = level
            self.index = index
        }
    }

    static func tileRows(_ ids: [TileID], _ db: any SQLDatabase) async throws -> [TileKey: [UInt8]] {
        var result: [TileKey: [UInt8]] = [:]
        var position = 0
        while position < ids.count {
            let chunk = ids[position..<min(position + 200, ids.count)]
            var query = SQLQueryString("SELECT level, idx, hashes FROM log_tiles WHERE ")
            for (i, id) in chunk.enumerated() {
                if i > 0 { query += " OR " }
                query += "(level = \(literal: id.level) AND idx = \(literal: Int64(id.index)))"
            }
            for row in try await db.raw(query).all() {
                let key = TileKey(level: try row.decode(column: "level", as: Int.self), index: UInt64(try row.decode(column: "idx", as: Int64.self)))
                result[key] = [UInt8](try row.decode(column: "hashes", as: Data.self))
            }
            position += chunk.count
        }
        return result
    }

    /// The hashes of the tile at `level`/`index` as stored now (full or the current partial width).
    ///
    /// - Throws: ``SigilError`` `.notFound` when the tile does not exist yet.
    public func tile(level: Int, index: UInt64) async throws -> [MerkleHash] {
        let hashes = try await tiles([TileID(level: level, index: index, width: 1)])[0]
        guard !hashes.isEmpty else { throw SigilError(.notFound, "the log has no tile \(TileID(level: level, index: index).path)") }
        return hashes
    }

    // MARK: - Proofs

    /// The inclusion proof of entry `index` in the tree of `size` leaves (default: the latest checkpoint).
    ///
    /// - Throws: ``SigilError`` `.invalidProof` when the entry is not in that tree, `.notFound` for a size larger
    ///   than the integrated tree.
    public func inclusionProof(index: UInt64, size: UInt64? = nil) async throws -> InclusionProof {
        let size = try await checkedSize(size)
        guard index < size else {
            throw SigilError(
                .notFound,
                "entry \(index) is not in the tree of \(size) (entries are integrated in order; the next checkpoint will include it if it was appended)"
            )
        }
        return try await TiledTree(size: size).inclusionProof(index: index, reading: tiles)
    }

    /// The consistency proof from the tree of `oldSize` to that of `newSize` (default: the latest checkpoint).
    public func consistencyProof(oldSize: UInt64, newSize: UInt64? = nil) async throws -> ConsistencyProof {
        let size = try await checkedSize(newSize)
        guard oldSize <= size else {
            throw SigilError(.usage, "the old size \(oldSize) is larger than the new size \(size)")
        }
        return try await TiledTree(size: size).consistencyProof(oldSize: oldSize, reading: tiles)
    }

    /// An offline proof (c2sp.org/tlog-proof@v1) for entry `index` against the signed checkpoint of `size` leaves
    /// (default: the latest), with the entry bytes as its extra data.
    ///
    /// - Throws: ``SigilError`` `.notFound` when the log signed no checkpoint of that size.
    public func tlogProof(index: UInt64, size: UInt64? = nil) async throws -> TlogProof {
        let stored: StoredCheckpoint
        if let size {
            guard let found = try await checkpoint(size: size) else {
                let latest = try await latestCheckpoint().checkpoint.size
                throw SigilError(.notFound, "the log signed no checkpoint of size \(size) (the latest is \(latest)); proofs are against signed sizes")
            }
            stored = found
        } else {
            stored = try await latestCheckpoint()
        }
        let proof = try await inclusionProof(index: index, size: stored.checkpoint.size)
        let entry = try await entry(at: index)
        // The entry must still be the one the tree committed to; a changed row would yield a proof that cannot verify.
        let leaves = try await tiles([TileID(level: 0, index: index >> 8, width: Int(index & 255) + 1)])[0]
        guard leaves.count > Int(index & 255), leaves[Int(index & 255)] == Merkle.leafHash(entry) else {
            throw SigilError(
                .inconsistentTree,
                "entry \(index)'s stored bytes no longer match its leaf hash in the tree: the store was changed (run `sigil log audit`)")
        }
        return TlogProof(extra: entry, index: index, hashes: proof.hashes, checkpointNote: stored.note)
    }

    /// `size` checked against the latest checkpoint, or the latest checkpoint's size.
    func checkedSize(_ size: UInt64?) async throws -> UInt64 {
        let latest = try await latestCheckpoint().checkpoint.size
        guard let size else { return latest }
        guard size <= latest else {
            throw SigilError(.notFound, "the tree has \(latest) leaves in its latest checkpoint, fewer than \(size)")
        }
        return size
    }
}
