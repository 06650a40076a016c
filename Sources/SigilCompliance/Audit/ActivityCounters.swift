import Foundation
import SQLKit
import SigilStore

/// Counts of public verifications per UTC day and verdict — what a filing asks for, without keeping who verified
/// what.
public struct ActivityCounters: Sendable {
    let store: ComplianceDatabase

    public init(database: any LogDatabase) {
        store = ComplianceDatabase(database: database)
    }

    /// Verifications on days in `[from, to)`, by verdict.
    public func verifications(from: RecordTime, to: RecordTime) async throws -> JSONValue {
        let first = String(from.description.prefix(10))
        let last = String(to.description.prefix(10))
        return try await store.read("count verifications") { db in
            var total: Int64 = 0
            var members: [JSONValue.Member] = []
            for row in try await db.raw(
                """
                SELECT verdict, CAST(SUM(count) AS BIGINT) AS n FROM verification_counts WHERE day >= \(bind: first) AND day < \(bind: last) GROUP BY verdict ORDER BY verdict
                """
            ).all() {
                let n = try row.decode(column: "n", as: Int64.self)
                total += n
                members.append(.init(try row.decode(column: "verdict", as: String.self), .number(String(n))))
            }
            return .object([.init("total", .number(String(total))), .init("byVerdict", .object(members))])
        }
    }
}

/// Buffers verification counts in memory and writes them every few seconds, so a public verify costs no database
/// write of its own. ``flush()`` at shutdown writes the rest.
public actor VerificationTally {
    let counters: ActivityCounters
    let interval: Duration
    private var pending: [String: Int64] = [:]
    private var lastFlush = ContinuousClock.now

    public init(counters: ActivityCounters, interval: Duration = .seconds(5)) {
        self.counters = counters
        self.interval = interval
    }

    /// Counts one verification; writes the buffer when the interval has passed.
    public func count(verdict: String, time: RecordTime = .now()) async throws {
        pending[String(time.description.prefix(10)) + "|" + verdict, default: 0] += 1
        if ContinuousClock.now - lastFlush >= interval { try await flush() }
    }

    /// Writes every buffered count.
    public func flush() async throws {
        let batch = pending
        pending = [:]
        lastFlush = ContinuousClock.now
        guard !batch.isEmpty else { return }
        try await counters.add(batch)
    }
}

extension ActivityCounters {
    /// Adds `day|verdict` → count pairs in one transaction.
    func add(_ batch: [String: Int64]) async throws {
        try await store.write("count verifications") { db in
            for (key, n) in batch.sorted(by: { $0.key < $1.key }) {
                let parts = key.split(separator: "|", maxSplits: 1).map(String.init)
                try await db.raw(
                    """
                    INSERT INTO verification_counts (day, verdict, count) VALUES (\(bind: parts[0]), \(bind: parts[1]), \(bind: n))
                    ON CONFLICT (day, verdict) DO UPDATE SET count = verification_counts.count + \(bind: n)
                    """
                ).run()
            }
        }
    }
}
