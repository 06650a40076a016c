import Foundation

/// Opens a ``LogDatabase`` from a `--database` URL. The store itself opens only SQLite files
/// (``SQLiteLogDatabase``); the program that links a driver hands it in (the CLI and the server pass
/// `SigilStorePostgres`'s `.postgres`), so a library user who never opens a URL never links that driver.
public struct LogDatabaseDriver: Sendable {
    /// The URL schemes the driver opens, without `://` (`postgres`, `postgresql`).
    public let schemes: [String]
    /// Connects to the database at a URL with one of ``schemes``.
    public let connect: @Sendable (_ url: String) async throws -> any LogDatabase

    public init(schemes: [String], connect: @escaping @Sendable (_ url: String) async throws -> any LogDatabase) {
        self.schemes = schemes
        self.connect = connect
    }

    /// Whether the driver opens `url`.
    public func opens(_ url: String) -> Bool {
        schemes.contains { url.hasPrefix($0 + "://") }
    }

    /// `url` with its password replaced by `***`, for messages.
    public static func redacted(_ url: String) -> String {
        guard let scheme = url.range(of: "://"), let at = url.range(of: "@", range: scheme.upperBound..<url.endIndex),
            let colon = url.range(of: ":", range: scheme.upperBound..<at.lowerBound)
        else { return url }
        return String(url[..<colon.upperBound]) + "***" + String(url[at.lowerBound...])
    }
}
