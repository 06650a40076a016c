import Foundation
import SQLKit
import SigilStore

/// The installed feature libraries (each install is a new version; the old ones stay for the record) and the log
/// of screening hits, each with the version of the library that made it.
public struct ScreeningStore: Sendable {
    let store: ComplianceDatabase

    public init(database: any LogDatabase) {
        store = ComplianceDatabase(database: database)
    }

    /// Installs `library` as the next version; servers pick it up within their reload interval.
    public func install(_ library: ScreeningLibrary, source: String, actor: String, now: RecordTime = .now()) async throws -> Int {
        let rules = String(decoding: try JSONEncoder.sorted.encode(library), as: UTF8.self)
        let digest = library.digest
        let dialect = store.dialect
        return try await store.write("install a screening library") { db in
            if dialect == .postgres { try await db.raw("LOCK TABLE screening_libraries IN SHARE ROW EXCLUSIVE MODE").run() }
            let current = try await db.raw("SELECT MAX(version) AS v FROM screening_libraries").first()?.decode(column: "v", as: Int64?.self) ?? 0
            let version = current + 1
            try await db.insert(into: "screening_libraries").columns("version", "digest", "rules", "source", "installed_by", "installed_at")
                .values(SQLBind(version), SQLBind(digest), SQLBind(rules), SQLBind(source), SQLBind(actor), SQLBind(now.milliseconds))
                .run()
            try await AuditLog.append(
                on: db, dialect: dialect, actor: actor, action: "screening.install", subject: "library v\(version)",
                detail: ["digest": digest, "rules": String(library.rules.count), "source": String(source.prefix(200))], time: now)
            return Int(version)
        }
    }

    /// The newest installed version (0 when none).
    public func currentVersion() async throws -> Int {
        try await store.read("read the screening version") { db in
            Int(try await db.raw("SELECT MAX(version) AS v FROM screening_libraries").first()?.decode(column: "v", as: Int64?.self) ?? 0)
        }
    }

    /// The screener for the newest library (an empty one when none is installed).
    public func loadCurrent() async throws -> Screener {
        let row: (Int64, String)? = try await store.read("read the screening library") { db in
            guard let row = try await db.raw("SELECT version, rules FROM screening_libraries ORDER BY version DESC LIMIT 1").first() else {
                return nil
            }
            return (try row.decode(column: "version", as: Int64.self), try row.decode(column: "rules", as: String.self))
        }
        guard let (version, rules) = row else { return Screener(library: ScreeningLibrary(), version: 0) }
        let library: ScreeningLibrary
        do {
            library = try JSONDecoder().decode(ScreeningLibrary.self, from: Data(rules.utf8))
        } catch {
            throw SigilError(.store, "the screening library version \(version) in the store is unreadable: \(error)")
        }
        return Screener(library: library, version: Int(version))
    }

    /// Logs `hits` of `stage` (`prompt` or `output`) on `subject` (a generation or ProduceID) inside `db`.
    static func log(_ hits: [Screener.Hit], stage: String, subject: String, account: String?, version: Int, on db: any SQLDatabase, now: RecordTime)
        async throws
    {
        for hit in hits {
            try await db.insert(into: "screening_hits")
                .columns("id", "time", "stage", "subject", "account_id", "rule_version", "rule_index", "kind", "category", "action", "pattern")
                .values(
                    SQLBind(Identifier.make("hit")), SQLBind(now.milliseconds), SQLBind(stage), SQLBind(subject), SQLBind(account),
                    SQLBind(Int64(version)), SQLBind(Int64(hit.rule)), SQLBind(hit.kind.rawValue), SQLBind(hit.category),
                    SQLBind(hit.action.rawValue), SQLBind(hit.pattern)
                )
                .run()
        }
    }

    /// Logs hits on their own transaction.
    public func log(_ hits: [Screener.Hit], stage: String, subject: String, account: String?, version: Int, now: RecordTime = .now()) async throws {
        guard !hits.isEmpty else { return }
        try await store.write("log screening hits") { db in
            try await Self.log(hits, stage: stage, subject: subject, account: account, version: version, on: db, now: now)
        }
    }

    /// One logged hit: which rule of which library version matched at which stage (never the matched text).
    public struct LoggedHit: Sendable, Hashable {
        public var time: RecordTime
        public var stage: String
        public var subject: String
        public var ruleVersion: Int
        public var rule: Int
        public var kind: String
        public var category: String
        public var action: String

        /// The hit as `GET /v1/screening/hits` returns it.
        public var json: JSONValue {
            .object([
                .init("time", .string(time.description)), .init("stage", .string(stage)), .init("subject", .string(subject)),
                .init("ruleVersion", .int(ruleVersion)), .init("rule", .int(rule)), .init("kind", .string(kind)),
                .init("category", .string(category)), .init("action", .string(action)),
            ])
        }
    }

    /// The newest hits, newest first.
    public func logged(limit: Int = 100) async throws -> [LoggedHit] {
        try await store.read("read screening hits") { db in
            try await db.raw("SELECT * FROM screening_hits ORDER BY time DESC LIMIT \(bind: Int64(limit))").all().map { row in
                LoggedHit(
                    time: RecordTime(milliseconds: try row.decode(column: "time", as: Int64.self)),
                    stage: try row.decode(column: "stage", as: String.self),
                    subject: try row.decode(column: "subject", as: String.self),
                    ruleVersion: Int(try row.decode(column: "rule_version", as: Int64.self)),
                    rule: Int(try row.decode(column: "rule_index", as: Int64.self)),
                    kind: try row.decode(column: "kind", as: String.self),
                    category: try row.decode(column: "category", as: String.self),
                    action: try row.decode(column: "action", as: String.self))
            }
        }
    }

    /// The newest hits as JSON, newest first (``LoggedHit/json``).
    public func hits(limit: Int = 100) async throws -> [JSONValue] {
        try await logged(limit: limit).map(\.json)
    }

    /// Hits in `[from, to)` by stage, category and action.
    public func statistics(from: RecordTime, to: RecordTime) async throws -> JSONValue {
        try await store.read("count screening hits") { db in
            let rows = try await db.raw(
                """
                SELECT stage, category, action, COUNT(*) AS n FROM screening_hits WHERE time >= \(bind: from.milliseconds) AND time < \(bind: to.milliseconds)
                GROUP BY stage, category, action ORDER BY stage, category, action
                """
            ).all()
            var total: Int64 = 0
            let items: [JSONValue] = try rows.map { row in
                let n = try row.decode(column: "n", as: Int64.self)
                total += n
                return .object([
                    .init("stage", .string(try row.decode(column: "stage", as: String.self))),
                    .init("category", .string(try row.decode(column: "category", as: String.self))),
                    .init("action", .string(try row.decode(column: "action", as: String.self))), .init("count", .number(String(n))),
                ])
            }
            let versions = try await db.raw("SELECT version, digest, installed_at FROM screening_libraries ORDER BY version").all().map {
                row -> JSONValue in
                .object([
                    .init("version", .number(String(try row.decode(column: "version", as: Int64.self)))),
                    .init("digest", .string(try row.decode(column: "digest", as: String.self))),
                    .init("installedAt", .string(RecordTime(milliseconds: try row.decode(column: "installed_at", as: Int64.self)).description)),
                ])
            }
            return .object([.init("total", .number(String(total))), .init("byRule", .array(items)), .init("libraries", .array(versions))])
        }
    }
}

/// The server's compiled library, reloaded when a newer version is installed (by `sigil screening load` or another
/// server) — checked at most once per ``interval``, so screening costs one cheap query per interval, not per request.
public actor ScreeningCache {
    let store: ScreeningStore
    let interval: Duration
    private var screener: Screener?
    private var checkedAt: ContinuousClock.Instant?

    public init(store: ScreeningStore, interval: Duration = .seconds(1)) {
        self.store = store
        self.interval = interval
    }

    /// The current screener, reloading it first when the store has a newer version.
    public func current() async throws -> Screener {
        let now = ContinuousClock.now
        if let screener, let checkedAt, now - checkedAt < interval { return screener }
        let version = try await store.currentVersion()
        checkedAt = now
        if let screener, screener.version == version { return screener }
        let loaded = try await store.loadCurrent()
        screener = loaded
        return loaded
    }
}
