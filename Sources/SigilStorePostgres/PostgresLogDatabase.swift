import Foundation
import Logging
import PostgresKit
import PostgresNIO
import SQLKit
import SigilStore

/// The log store on PostgreSQL (`--database postgres://user:password@host:port/database`): one connection, used
/// by one operation at a time, with the same SQL as the SQLite store.
public final class PostgresLogDatabase: LogDatabase {
    /// The SQL dialect.
    public let dialect = StoreDialect.postgres
    /// The database, for messages.
    public let location: String
    private let connection: PostgresConnection
    private let lock = AsyncLock()

    private init(connection: PostgresConnection, location: String) {
        self.connection = connection
        self.location = location
    }

    /// Connects to the database at `url` (`postgres://` or `postgresql://`; `?sslmode=` as libpq spells it).
    ///
    /// - Throws: ``SigilError`` `.usage` for a malformed URL, `.store` when the server cannot be reached or refuses.
    public static func connect(url: String) async throws -> PostgresLogDatabase {
        let configuration: SQLPostgresConfiguration
        do {
            configuration = try SQLPostgresConfiguration(url: url)
        } catch {
            throw SigilError(.usage, "\(redacted(url)) is not a PostgreSQL URL (postgres://user:password@host:port/database): \(error)")
        }
        let location = redacted(url)
        do {
            var logger = Logger(label: "sigil.store.postgres")
            logger.logLevel = .critical
            let connection = try await PostgresConnection.connect(configuration: configuration.coreConfiguration, id: 1, logger: logger)
            return PostgresLogDatabase(connection: connection, location: location)
        } catch {
            throw SigilError(.store, "cannot connect to the PostgreSQL database \(location): \(String(reflecting: error))")
        }
    }

    /// The URL with its password replaced by `***`, for messages.
    public static func redacted(_ url: String) -> String { LogDatabaseDriver.redacted(url) }

    public func withTransaction<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await lock.withLock {
            try await StoreFailure.transaction(on: connection.sql(), begin: "BEGIN", location, body)
        }
    }

    public func withConnection<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await lock.withLock { try await body(connection.sql()) }
    }

    public func close() async throws {
        try await lock.withLock {
            try await StoreFailure.wrap("close", location) { try await connection.close() }
        }
    }
}

extension LogDatabaseDriver {
    /// PostgreSQL URLs (`postgres://`, `postgresql://`) for ``LogDatabaseDriver``.
    public static let postgres = LogDatabaseDriver(schemes: ["postgres", "postgresql"]) { try await PostgresLogDatabase.connect(url: $0) }
}
