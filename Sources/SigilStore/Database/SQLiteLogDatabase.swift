import NIOPosix
import SQLKit
import SQLiteKit

/// The embedded store: one SQLite file (`<data>/sigil.sqlite`) in WAL mode with `synchronous=FULL`, so a
/// committed append survives a crash of the process or the machine.
///
/// Several processes may use the same file: writers take SQLite's write lock with `BEGIN IMMEDIATE` and wait up to
/// ``busyTimeoutMilliseconds`` for it.
public final class SQLiteLogDatabase: LogDatabase {
    /// How long a writer waits for another process's transaction before failing.
    public static let busyTimeoutMilliseconds = 60_000
    /// Page cache per connection, in KiB (an upper bound; SQLite allocates it as pages are used).
    public static let cacheKiB = 262_144

    /// The SQL dialect.
    public let dialect = StoreDialect.sqlite
    /// The database, for messages.
    public let location: String
    private let connection: SQLiteConnection
    private let lock = AsyncLock()

    private init(connection: SQLiteConnection, location: String) {
        self.connection = connection
        self.location = location
    }

    /// Opens (creating when absent) the database file at `path`, or an in-memory database for `":memory:"`.
    ///
    /// SQLite's calls run on `threadPool`, and a writer waiting for the write lock sleeps on one of its threads. Two
    /// connections to one file in one process should use different pools: on a shared pool, the waiting writer and
    /// work queued behind it can hold every thread the lock's holder needs to finish (it then fails after the busy
    /// timeout).
    ///
    /// - Throws: ``SigilError`` `.store` naming the path when SQLite cannot open it.
    public static func open(path: String, threadPool: NIOThreadPool = .singleton) async throws -> SQLiteLogDatabase {
        let storage: SQLiteConnection.Storage = path == ":memory:" ? .memory : .file(path: path)
        let connection: SQLiteConnection
        do {
            connection = try await SQLiteConnection.open(
                storage: storage, threadPool: threadPool, on: MultiThreadedEventLoopGroup.singleton.any())
        } catch {
            throw SigilError(.store, "cannot open the SQLite database: \(error)", path: path)
        }
        let database = SQLiteLogDatabase(connection: connection, location: path)
        do {
            let sql = connection.sql()
            try await sql.raw("PRAGMA busy_timeout = \(unsafeRaw: String(busyTimeoutMilliseconds))").run()
            if path != ":memory:" {
                try await sql.raw("PRAGMA journal_mode = WAL").run()
            }
            try await sql.raw("PRAGMA synchronous = FULL").run()
            // Up to 256 MiB of page cache keeps the ProduceID and account index pages of a large log in memory
            // (SQLite's default is 2 MiB); appends into big indexes otherwise wait on reads.
            try await sql.raw("PRAGMA cache_size = -\(unsafeRaw: String(cacheKiB))").run()
        } catch {
            try? await connection.close()
            throw SigilError(.store, "cannot configure the SQLite database: \(error)", path: path)
        }
        return database
    }

    public func withTransaction<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await lock.withLock {
            try await StoreFailure.transaction(on: connection.sql(), begin: "BEGIN IMMEDIATE", location, body)
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

/// Turns driver errors into ``SigilError`` `.store` naming the operation and the database.
public enum StoreFailure {
    /// Runs `body`; a non-``SigilError`` failure becomes `.store` with `operation` and `location` in the message.
    /// Runs `body` between `begin` and `COMMIT` on `sql`, rolling back when it throws: the one transaction shape
    /// both drivers share (SQLite begins with `BEGIN IMMEDIATE`, PostgreSQL with `BEGIN`).
    public static func transaction<T: Sendable>(
        on sql: any SQLDatabase, begin: String, _ location: String, _ body: @Sendable (any SQLDatabase) async throws -> T
    ) async throws -> T {
        try await wrap("begin a transaction", location) { try await sql.raw(SQLQueryString(begin)).run() }
        do {
            let result = try await body(sql)
            try await wrap("commit", location) { try await sql.raw("COMMIT").run() }
            return result
        } catch {
            try? await sql.raw("ROLLBACK").run()
            throw error
        }
    }

    public static func wrap<T>(_ operation: String, _ location: String, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as SigilError {
            throw error
        } catch {
            throw SigilError(.store, "cannot \(operation) in \(location): \(String(reflecting: error))")
        }
    }
}
