import Foundation
@_exported import SigilCore

/// Where Sigil keeps its state on one machine: the SQLite store, the keystore, log tiles.
///
/// Resolution order: an explicit path (`--data DIR`), `SIGIL_DATA`, `$XDG_DATA_HOME/sigil`,
/// `~/.local/share/sigil`. Created with mode 0700 on first use.
public struct DataDirectory: Sendable, Hashable {
    public let path: String

    public init(path: String) {
        self.path = path
    }

    /// The directory for this process: `explicit`, else the environment, else the XDG default.
    public static func resolve(explicit: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment) -> DataDirectory {
        if let explicit, !explicit.isEmpty { return DataDirectory(path: explicit) }
        if let env = environment["SIGIL_DATA"], !env.isEmpty { return DataDirectory(path: env) }
        if let xdg = environment["XDG_DATA_HOME"], !xdg.isEmpty { return DataDirectory(path: xdg + "/sigil") }
        let home = environment["HOME"] ?? NSHomeDirectory()
        return DataDirectory(path: home + "/.local/share/sigil")
    }

    /// The keystore inside this directory.
    public var keystore: Keystore { Keystore(directory: path + "/keys") }

    /// A file or folder inside the data directory.
    public func appending(_ component: String) -> String { path + "/" + component }

    /// Creates the directory (0700) if it does not exist.
    public func create() throws {
        try Keystore.makeDirectory(path)
    }
}
