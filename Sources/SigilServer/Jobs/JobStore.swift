import Foundation
import SQLKit
import Sigil

/// The job queue's table (`jobs`) in the store's database, SQLite or PostgreSQL, on its own ``MigrationTrack``
/// (decision 0411). A runner claims the oldest queued job — or a running one whose lease ran out — in one write
/// transaction: PostgreSQL skips rows another server has locked (`FOR UPDATE SKIP LOCKED`), SQLite's `BEGIN
/// IMMEDIATE` already serialises writers. Every later write names the claim (`worker`, `attempts`): a runner whose
/// lease was taken over changes nothing.
struct JobStore: Sendable {
    let database: any LogDatabase

    /// The job queue's migrations.
    static let schema = MigrationTrack(name: "jobs", table: "sigil_jobs_migrations", migrations: [.jobs])

    /// Brings the table up to date and returns the store.
    ///
    /// - Throws: ``SigilError`` `.schema`, `.store`.
    static func open(_ database: any LogDatabase) async throws -> JobStore {
        try await Migrator.migrate(database, track: schema)
        return JobStore(database: database)
    }

    private static let columns =
        "id, kind, state, key_id, options, filename, file_extension, input_bytes, created_at, started_at, finished_at, worker, lease_until, attempts, progress_permille, result, error_code, error_message, output_bytes"

    /// Queues a job (its input is already in place).
    func insert(_ job: Job) async throws {
        try await write("queue a job") { db in
            try await db.raw(
                """
                INSERT INTO jobs (id, kind, state, key_id, options, filename, file_extension, input_bytes, created_at, attempts)
                VALUES (\(bind: job.id), \(bind: job.kind), \(bind: job.state.rawValue), \(bind: job.keyID), \
                \(bind: Self.encode(job.options)), \(bind: job.filename), \(bind: job.fileExtension), \(bind: job.inputBytes), \
                \(bind: job.createdAt.milliseconds), 0)
                """
            ).run()
        }
    }

    /// The job with this identifier, or nil.
    func job(_ id: String) async throws -> Job? {
        let location = database.location
        return try await database.withConnection { db in
            try await StoreFailure.wrap("read a job", location) {
                try await db.raw("SELECT \(unsafeRaw: Self.columns) FROM jobs WHERE id = \(bind: id)").first().map(Self.job(from:))
            }
        }
    }

    /// Claims the oldest job that is queued, or running past its lease with fewer than `maxAttempts` claims, for
    /// `worker` until `now + lease`; nil when there is none.
    func claim(worker: String, lease: Duration, maxAttempts: Int, now: RecordTime = .now()) async throws -> Job? {
        let dialect = database.dialect
        let until = now.milliseconds + Self.milliseconds(lease)
        // An idle runner looks without the write lock first (SQLite's is the whole database's).
        let location = database.location
        let waiting = try await database.withConnection { db in
            try await StoreFailure.wrap("look for a job", location) {
                try await db.raw(
                    """
                    SELECT id FROM jobs WHERE state = 'queued' OR (state = 'running' AND lease_until < \(bind: now.milliseconds) \
                    AND attempts < \(bind: maxAttempts)) LIMIT 1
                    """
                ).first() != nil
            }
        }
        guard waiting else { return nil }
        return try await write("claim a job") { db in
            guard
                let row = try await db.raw(
                    """
                    SELECT id FROM jobs WHERE state = 'queued' OR (state = 'running' AND lease_until < \(bind: now.milliseconds) \
                    AND attempts < \(bind: maxAttempts)) ORDER BY created_at, id LIMIT 1\(unsafeRaw: dialect == .postgres ? " FOR UPDATE SKIP LOCKED" : "")
                    """
                ).first()
            else { return nil }
            let id = try row.decode(column: "id", as: String.self)
            try await db.raw(
                """
                UPDATE jobs SET state = 'running', worker = \(bind: worker), lease_until = \(bind: until), attempts = attempts + 1, \
                started_at = COALESCE(started_at, \(bind: now.milliseconds)) WHERE id = \(bind: id)
                """
            ).run()
            return try await db.raw("SELECT \(unsafeRaw: Self.columns) FROM jobs WHERE id = \(bind: id)").first().map(Self.job(from:))
        }
    }

    /// Extends the claim's lease and records its progress; false when the claim is no longer this runner's.
    func renew(_ claim: Job, lease: Duration, progress: Double?, now: RecordTime = .now()) async throws -> Bool {
        let until = now.milliseconds + Self.milliseconds(lease)
        let permille = progress.map { Int64(min(max($0, 0), 1) * 1000) }
        return try await update(claim, "renew a job's lease") { owned in
            "UPDATE jobs SET lease_until = \(bind: until), progress_permille = COALESCE(\(bind: permille), progress_permille) WHERE \(owned)"
        }
    }

    /// Marks the claimed job done with its report; false when the claim is no longer this runner's.
    func finish(_ claim: Job, result: JSONValue, outputBytes: Int64, now: RecordTime = .now()) async throws -> Bool {
        try await update(claim, "finish a job") { owned in
            """
            UPDATE jobs SET state = 'done', result = \(bind: result.serialized), output_bytes = \(bind: outputBytes), \
            finished_at = \(bind: now.milliseconds), lease_until = NULL, progress_permille = 1000 WHERE \(owned)
            """
        }
    }

    /// Marks the claimed job failed; false when the claim is no longer this runner's.
    func fail(_ claim: Job, code: String, message: String, now: RecordTime = .now()) async throws -> Bool {
        try await update(claim, "fail a job") { owned in
            """
            UPDATE jobs SET state = 'failed', error_code = \(bind: code), error_message = \(bind: message), \
            finished_at = \(bind: now.milliseconds), lease_until = NULL WHERE \(owned)
            """
        }
    }

    /// Hands the claimed job back to the queue (a server shutting down), its claim not counted.
    func release(_ claim: Job) async throws -> Bool {
        try await update(claim, "release a job") { owned in
            "UPDATE jobs SET state = 'queued', worker = NULL, lease_until = NULL, attempts = attempts - 1 WHERE \(owned)"
        }
    }

    /// Fails the running jobs whose lease ran out after `maxAttempts` claims (each runner holding one stopped).
    func failAbandoned(maxAttempts: Int, now: RecordTime = .now()) async throws -> Int {
        try await write("fail abandoned jobs") { db in
            let ids = try await db.raw(
                "SELECT id FROM jobs WHERE state = 'running' AND lease_until < \(bind: now.milliseconds) AND attempts >= \(bind: maxAttempts)"
            ).all().map { try $0.decode(column: "id", as: String.self) }
            for id in ids {
                try await db.raw(
                    """
                    UPDATE jobs SET state = 'failed', error_code = 'abandoned', \
                    error_message = \(bind: "\(maxAttempts) runners stopped while running this job; it is not tried again"), \
                    finished_at = \(bind: now.milliseconds), lease_until = NULL WHERE id = \(bind: id)
                    """
                ).run()
            }
            return ids.count
        }
    }

    /// Deletes the finished jobs older than `before` and returns their identifiers (their files go next).
    func deleteFinished(before: RecordTime) async throws -> [String] {
        try await write("delete expired jobs") { db in
            let ids = try await db.raw(
                "SELECT id FROM jobs WHERE state IN ('done', 'failed') AND finished_at < \(bind: before.milliseconds)"
            ).all().map { try $0.decode(column: "id", as: String.self) }
            for id in ids { try await db.raw("DELETE FROM jobs WHERE id = \(bind: id)").run() }
            return ids
        }
    }

    /// Whether a row exists for each of `ids` (the jobs folder's sweep keeps their files).
    func existing(_ ids: [String]) async throws -> Set<String> {
        guard !ids.isEmpty else { return [] }
        let location = database.location
        return try await database.withConnection { db in
            try await StoreFailure.wrap("list jobs", location) {
                var found: Set<String> = []
                for id in ids where try await db.raw("SELECT id FROM jobs WHERE id = \(bind: id)").first() != nil { found.insert(id) }
                return found
            }
        }
    }

    /// Jobs by state (`/readyz`).
    func counts() async throws -> [Job.State: Int] {
        let location = database.location
        return try await database.withConnection { db in
            try await StoreFailure.wrap("count jobs", location) {
                var counts: [Job.State: Int] = [:]
                for row in try await db.raw("SELECT state, COUNT(*) AS n FROM jobs GROUP BY state").all() {
                    if let state = Job.State(rawValue: try row.decode(column: "state", as: String.self)) {
                        counts[state] = Int(try row.decode(column: "n", as: Int64.self))
                    }
                }
                return counts
            }
        }
    }

    // MARK: Rows

    private func write<T: Sendable>(_ operation: String, _ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        let location = database.location
        return try await database.withTransaction { db in try await StoreFailure.wrap(operation, location) { try await body(db) } }
    }

    /// Runs the statement `make` builds with the claim's ownership condition; true when it changed the row.
    private func update(
        _ claim: Job, _ operation: String, _ make: @escaping @Sendable (SQLQueryString) -> SQLQueryString
    ) async throws -> Bool {
        let (id, worker, attempts) = (claim.id, claim.worker ?? "", Int64(claim.attempts))
        let lock = database.dialect == .postgres ? " FOR UPDATE" : ""
        return try await write(operation) { db in
            let owned: SQLQueryString = "id = \(bind: id) AND state = 'running' AND worker = \(bind: worker) AND attempts = \(bind: attempts)"
            guard try await db.raw("SELECT id FROM jobs WHERE \(owned)\(unsafeRaw: lock)").first() != nil
            else { return false }
            try await db.raw(make(owned)).run()
            return true
        }
    }

    static func milliseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
    }

    static func encode(_ options: [String: String]) -> String {
        JSONValue.object(options.sorted { $0.key < $1.key }.map { .init($0.key, .string($0.value)) }).serialized
    }

    static func job(from row: any SQLRow) throws -> Job {
        var options: [String: String] = [:]
        if case .object(let members)? = try? JSONValue.parse(try row.decode(column: "options", as: String.self)) {
            for member in members { if case .string(let value) = member.value { options[member.key] = value } }
        }
        let state = try row.decode(column: "state", as: String.self)
        guard let parsed = Job.State(rawValue: state) else { throw SigilError(.store, "job row has an unknown state \(state)") }
        return Job(
            id: try row.decode(column: "id", as: String.self), kind: try row.decode(column: "kind", as: String.self), state: parsed,
            keyID: try row.decode(column: "key_id", as: String.self), options: options,
            filename: try row.decode(column: "filename", as: String?.self),
            fileExtension: try row.decode(column: "file_extension", as: String.self),
            inputBytes: try row.decode(column: "input_bytes", as: Int64.self),
            createdAt: RecordTime(milliseconds: try row.decode(column: "created_at", as: Int64.self)),
            startedAt: try row.decode(column: "started_at", as: Int64?.self).map(RecordTime.init(milliseconds:)),
            finishedAt: try row.decode(column: "finished_at", as: Int64?.self).map(RecordTime.init(milliseconds:)),
            worker: try row.decode(column: "worker", as: String?.self),
            leaseUntil: try row.decode(column: "lease_until", as: Int64?.self).map(RecordTime.init(milliseconds:)),
            attempts: Int(try row.decode(column: "attempts", as: Int64.self)),
            progress: try row.decode(column: "progress_permille", as: Int64?.self).map { Double($0) / 1000 },
            result: try row.decode(column: "result", as: String?.self).flatMap { try? JSONValue.parse($0) },
            errorCode: try row.decode(column: "error_code", as: String?.self),
            errorMessage: try row.decode(column: "error_message", as: String?.self),
            outputBytes: try row.decode(column: "output_bytes", as: Int64?.self))
    }
}

extension Migration {
    /// Jobs version 1: `jobs` — the asynchronous job queue (decision 0411).
    static let jobs = Migration(version: 1, name: "jobs") { db, _ in
        try await db.create(table: "jobs")
            .column("id", type: .text, .primaryKey(autoIncrement: false), .notNull)
            .column("kind", type: .text, .notNull)
            .column("state", type: .text, .notNull)
            .column("key_id", type: .text, .notNull)
            .column("options", type: .text, .notNull)
            .column("filename", type: .text)
            .column("file_extension", type: .text, .notNull)
            .column("input_bytes", type: .bigint, .notNull)
            .column("created_at", type: .bigint, .notNull)
            .column("started_at", type: .bigint)
            .column("finished_at", type: .bigint)
            .column("worker", type: .text)
            .column("lease_until", type: .bigint)
            .column("attempts", type: .bigint, .notNull)
            .column("progress_permille", type: .bigint)
            .column("result", type: .text)
            .column("error_code", type: .text)
            .column("error_message", type: .text)
            .column("output_bytes", type: .bigint)
            .run()
        try await db.create(index: "jobs_state_created").on("jobs").column("state").column("created_at").run()
    }
}
