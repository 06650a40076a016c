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

    /// Adds one verification with `verdict` on the day of `time`.
    public func countVerification(verdict: String, time: RecordTime = .now()) async throws {
        let day = String(time.description.prefix(10))
        try await store.write("count a verification") { db in
            try await db.raw("""
                INSERT INTO verification_counts (day, verdict, count) VALUES (\(bind: day), \(bind: verdict), 1)
                ON CONFLICT (day, verdict) DO UPDATE SET count = verification_counts.count + 1
                """).run()
        }
    }

    /// Verifications on days in `[from, to)`, by verdict.
    public func verifications(from: RecordTime, to: RecordTime) async throws -> JSONValue {
        let first = String(from.description.prefix(10)), last = String(to.description.prefix(10))
        return try await store.read("count verifications") { db in
            var total: Int64 = 0
            var members: [JSONValue.Member] = []
            for row in try await db.raw("""
                SELECT verdict, CAST(SUM(count) AS BIGINT) AS n FROM verification_counts WHERE day >= \(bind: first) AND day < \(bind: last) GROUP BY verdict ORDER BY verdict
                """).all() {
                let n = try row.decode(column: "n", as: Int64.self)
                total += n
                members.append(.init(try row.decode(column: "verdict", as: String.self), .number(String(n))))
            }
            return .object([.init("total", .number(String(total))), .init("byVerdict", .object(members))])
        }
    }
}
