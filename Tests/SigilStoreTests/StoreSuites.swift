import Testing
import SigilTestSupport

/// The conformance suite on the embedded default: a real SQLite file per test.
@Suite struct SQLiteStoreTests {
    @Test(arguments: StoreConformance.Case.allCases)
    func conformance(_ testCase: StoreConformance.Case) async throws {
        try await StoreConformance(backend: .sqlite).run(testCase)
    }
}

/// The same suite on a real PostgreSQL server the tests start themselves (initdb + pg_ctl from Debian's
/// `postgresql` package, on a free loopback port, in a temporary directory, stopped when the tests end).
/// Skipped when no server binaries are installed.
@Suite(.enabled(if: PostgresTestServer.available, "needs Debian's postgresql package (/usr/lib/postgresql/<version>/bin)"))
struct PostgresStoreTests {
    @Test(arguments: StoreConformance.Case.allCases)
    func conformance(_ testCase: StoreConformance.Case) async throws {
        try await StoreConformance(backend: .postgres).run(testCase)
    }
}
