import SQLKit

/// The SQL dialects the store speaks; the SQL is shared, only a few clauses differ.
public enum StoreDialect: String, Sendable, Hashable {
    case sqlite
    case postgres
}

/// One database connection the log store runs on: the ~20-line seam between the shared SQL (``LogStore``) and a
/// driver (SQLite here, PostgreSQL in `SigilStorePostgres`).
///
/// Implementations serialize use of their connection: one operation (a transaction or a read) at a time.
public protocol LogDatabase: Sendable {
    var dialect: StoreDialect { get }
    /// A human-readable location for messages (a file path, or a URL without its password).
    var location: String { get }
    /// Runs `body` in one write transaction: committed when it returns, rolled back when it throws.
    /// SQLite takes the write lock up front (`BEGIN IMMEDIATE`), so concurrent writers queue instead of failing.
    func withTransaction<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T
    /// Runs `body` with the connection, outside an explicit transaction (reads).
    func withConnection<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T
    /// Closes the connection; later calls fail.
    func close() async throws
}

extension StoreDialect {
    /// The clause that locks selected rows until the transaction ends (PostgreSQL); SQLite's `BEGIN IMMEDIATE`
    /// already holds the database write lock.
    var forUpdate: String { self == .postgres ? " FOR UPDATE" : "" }
}
