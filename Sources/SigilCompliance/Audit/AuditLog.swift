import Crypto
import Foundation
import SQLKit
import SigilStore

/// One change to the provider's duties records: who did what to which subject, and when.
public struct AuditEvent: Sendable, Hashable {
    /// Position in the audit log, from 1.
    public var sequence: Int64
    public var time: RecordTime
    /// Who acted: `apikey:<id>`, `cli`, `public` or `system`.
    public var actor: String
    /// What was done (`account.create`, `account.review`, `consent.revoke`, `screening.install`, …).
    public var action: String
    /// The thing acted on (an account, consent, complaint or library id).
    public var subject: String
    /// Details as sorted key-value pairs (never raw personal data).
    public var detail: [String: String]
    /// The previous event's hash (64 zeros for the first).
    public var previousHash: String
    /// SHA-256 over the previous hash and this event's fields.
    public var hash: String

    public var json: JSONValue {
        .object([
            .init("sequence", .number(String(sequence))), .init("time", .string(time.description)), .init("actor", .string(actor)),
            .init("action", .string(action)), .init("subject", .string(subject)),
            .init("detail", .object(detail.sorted { $0.key < $1.key }.map { .init($0.key, .string($0.value)) })),
            .init("hash", .string(hash)),
        ])
    }

    static func hash(previous: String, sequence: Int64, time: RecordTime, actor: String, action: String, subject: String, detail: String) -> String {
        let text = "sigil/audit/v1\n\(previous)\n\(sequence)\n\(time.milliseconds)\n\(actor)\n\(action)\n\(subject)\n\(detail)"
        return LowerHex.encode(Array(SHA256.hash(data: Array(text.utf8))))
    }
}

/// The audit log: every admin action and every change to accounts, consents, screening libraries, complaints,
/// refutations and agreements, appended in the same transaction as the change itself. Each event's hash covers
/// the one before, and the table refuses UPDATE and DELETE (migration 4), so a rewrite shows in ``verify()``.
public struct AuditLog: Sendable {
    static let genesis = String(repeating: "0", count: 64)
    let store: ComplianceDatabase

    public init(database: any LogDatabase) {
        store = ComplianceDatabase(database: database)
    }

    /// Appends an event inside the caller's transaction `db`.
    static func append(
        on db: any SQLDatabase, dialect: StoreDialect, actor: String, action: String, subject: String,
        detail: [String: String] = [:], time: RecordTime = .now()
    ) async throws {
        if dialect == .postgres {
            // Two servers appending at once: the second waits here, then chains onto the first's event.
            try await db.raw("LOCK TABLE audit_events IN SHARE ROW EXCLUSIVE MODE").run()
        }
        let last = try await db.raw("SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1").first()
        let sequence = (try last?.decode(column: "seq", as: Int64.self) ?? 0) + 1
        let previous = try last?.decode(column: "hash", as: String.self) ?? genesis
        let detailText = String(decoding: try JSONEncoder.sorted.encode(detail), as: UTF8.self)
        let hash = AuditEvent.hash(
            previous: previous, sequence: sequence, time: time, actor: actor, action: action, subject: subject, detail: detailText)
        try await db.insert(into: "audit_events")
            .columns("seq", "time", "actor", "action", "subject", "detail", "previous_hash", "hash")
            .values(
                SQLBind(sequence), SQLBind(time.milliseconds), SQLBind(actor), SQLBind(action), SQLBind(subject),
                SQLBind(detailText), SQLBind(previous), SQLBind(hash)
            )
            .run()
    }

    /// Records an event on its own (for actions that change nothing else, such as exports).
    public func record(actor: String, action: String, subject: String, detail: [String: String] = [:]) async throws {
        let dialect = store.dialect
        try await store.write("append an audit event") { db in
            try await Self.append(on: db, dialect: dialect, actor: actor, action: action, subject: subject, detail: detail)
        }
    }

    /// Events in `[from, to)`, oldest first, at most `limit`.
    public func events(from: RecordTime? = nil, to: RecordTime? = nil, limit: Int = 1000) async throws -> [AuditEvent] {
        let lower = from?.milliseconds ?? Int64.min
        let upper = to?.milliseconds ?? Int64.max
        return try await store.read("read the audit log") { db in
            try await db.raw(
                """
                SELECT seq, time, actor, action, subject, detail, previous_hash, hash FROM audit_events
                WHERE time >= \(bind: lower) AND time < \(bind: upper) ORDER BY seq LIMIT \(bind: Int64(limit))
                """
            ).all().map(Self.event(from:))
        }
    }

    /// How many events each action has in `[from, to)`.
    public func counts(from: RecordTime, to: RecordTime) async throws -> [String: Int] {
        try await store.read("count audit events") { db in
            var counts: [String: Int] = [:]
            for row in try await db.raw(
                """
                SELECT action, COUNT(*) AS n FROM audit_events WHERE time >= \(bind: from.milliseconds) AND time < \(bind: to.milliseconds) GROUP BY action
                """
            ).all() {
                counts[try row.decode(column: "action", as: String.self)] = Int(try row.decode(column: "n", as: Int64.self))
            }
            return counts
        }
    }

    /// The newest `limit` events, newest first.
    public func latest(limit: Int = 100) async throws -> [AuditEvent] {
        try await store.read("read the audit log") { db in
            try await db.raw(
                "SELECT seq, time, actor, action, subject, detail, previous_hash, hash FROM audit_events ORDER BY seq DESC LIMIT \(bind: Int64(limit))"
            )
            .all().map(Self.event(from:))
        }
    }

    /// Recomputes the chain; returns a problem per broken link or gap (empty when intact).
    public func verify() async throws -> [String] {
        let rows = try await store.read("read the audit log") { db in
            try await db.raw("SELECT seq, time, actor, action, subject, detail, previous_hash, hash FROM audit_events ORDER BY seq").all().map(
                Self.event(from:))
        }
        var problems: [String] = []
        var previous = Self.genesis
        for (offset, event) in rows.enumerated() {
            if event.sequence != Int64(offset + 1) { problems.append("audit event \(offset + 1) is missing (found \(event.sequence))") }
            if event.previousHash != previous { problems.append("audit event \(event.sequence) does not chain onto the event before it") }
            let detail = String(decoding: try JSONEncoder.sorted.encode(event.detail), as: UTF8.self)
            let expected = AuditEvent.hash(
                previous: event.previousHash, sequence: event.sequence, time: event.time, actor: event.actor,
                action: event.action, subject: event.subject, detail: detail)
            if expected != event.hash { problems.append("audit event \(event.sequence) was altered: its hash does not match its fields") }
            previous = event.hash
        }
        return problems
    }

    static func event(from row: any SQLRow) throws -> AuditEvent {
        let detailText = try row.decode(column: "detail", as: String.self)
        let detail = (try? JSONDecoder().decode([String: String].self, from: Data(detailText.utf8))) ?? ["unreadable": detailText]
        return AuditEvent(
            sequence: try row.decode(column: "seq", as: Int64.self),
            time: RecordTime(milliseconds: try row.decode(column: "time", as: Int64.self)),
            actor: try row.decode(column: "actor", as: String.self), action: try row.decode(column: "action", as: String.self),
            subject: try row.decode(column: "subject", as: String.self), detail: detail,
            previousHash: try row.decode(column: "previous_hash", as: String.self), hash: try row.decode(column: "hash", as: String.self))
    }
}
