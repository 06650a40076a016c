import Foundation
#if canImport(Glibc)
    import Glibc
#endif

/// A throwaway PostgreSQL server for the tests: `initdb` in a temporary directory, `pg_ctl start` on a free
/// loopback port, and a watchdog shell that stops the server and deletes the directory when the test process
/// exits (however it exits). Uses Debian's `postgresql` package (`/usr/lib/postgresql/<version>/bin`); as root,
/// the server runs as the `postgres` user, because `initdb` refuses root.
public struct PostgresTestServer: Sendable {
    public let port: Int
    public let directory: String

    /// The newest `/usr/lib/postgresql/<version>/bin` holding `initdb` and `pg_ctl`.
    static let binDirectory: String? = {
        let root = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).compactMap(Int.init).sorted(by: >)
        for version in versions {
            let bin = "\(root)/\(version)/bin"
            if FileManager.default.isExecutableFile(atPath: bin + "/initdb"), FileManager.default.isExecutableFile(atPath: bin + "/pg_ctl") {
                return bin
            }
        }
        return nil
    }()

    /// Whether the tests can start a server here.
    public static var available: Bool { binDirectory != nil }

    /// Starts the server once per process; every test awaits the same start.
    actor Starter {
        static let shared = Starter()
        private var start: Task<PostgresTestServer, any Error>?

        func server() async throws -> PostgresTestServer {
            if let start { return try await start.value }
            let task = Task { try await PostgresTestServer.start() }
            start = task
            return try await task.value
        }
    }

    public struct TestServerError: Error, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// A URL for a fresh, empty database on the shared server.
    public static func freshDatabaseURL() async throws -> String {
        let server = try await Starter.shared.server()
        let name = "sigil_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
        try await server.psql("CREATE DATABASE \(name)")
        return "postgres://postgres@127.0.0.1:\(server.port)/\(name)"
    }

    static func start() async throws -> PostgresTestServer {
        guard let bin = binDirectory else { throw TestServerError(message: "no PostgreSQL server binaries under /usr/lib/postgresql") }
        let directory = "/tmp/sigil-pg-\(getpid())-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let asRoot = getuid() == 0
        if asRoot {
            guard let user = getpwnam("postgres") else {
                throw TestServerError(message: "running as root but there is no postgres user to run the server as")
            }
            chown(directory, user.pointee.pw_uid, user.pointee.pw_gid)
        }
        // The watchdog comes first: when this process is gone, however it ends, it stops the server (if one runs)
        // and removes the directory.
        let stop = (asRoot ? "runuser -u postgres -- " : "") + "'\(bin)/pg_ctl' -D '\(directory)/data' -m immediate stop"
        let watchdog = Process()
        watchdog.executableURL = URL(fileURLWithPath: "/bin/sh")
        watchdog.arguments = ["-c", "while kill -0 \(getpid()) 2>/dev/null; do sleep 1; done; \(stop) >/dev/null 2>&1; rm -rf '\(directory)'"]
        watchdog.standardInput = FileHandle.nullDevice
        watchdog.standardOutput = FileHandle.nullDevice
        watchdog.standardError = FileHandle.nullDevice
        try watchdog.run()
        let port = try freePort()
        let server = PostgresTestServer(port: port, directory: directory)
        try await server.run(
            bin + "/initdb", ["-D", directory + "/data", "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync", "--no-instructions"])
        let options = "-p \(port) -k \(directory) -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        try await server.run(bin + "/pg_ctl", ["-D", directory + "/data", "-o", options, "-l", directory + "/server.log", "-w", "-t", "60", "start"])
        return server
    }

    /// Runs a server tool (as the postgres user when root) and awaits its exit without blocking a thread; output
    /// goes to the directory's tool.log.
    func run(_ tool: String, _ arguments: [String]) async throws {
        // Through bash, which closes every inherited descriptor above 2 first: Foundation's Process notices a
        // child's end by its copy of a socket closing, and the server that pg_ctl leaves running must not keep it.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments =
            ["-c", Self.closeInheritedDescriptors, "sigil-pg"] + (getuid() == 0 ? ["/usr/sbin/runuser", "-u", "postgres", "--"] : []) + [tool]
            + arguments
        let log = directory + "/tool.log"
        if !FileManager.default.fileExists(atPath: log) { _ = FileManager.default.createFile(atPath: log, contents: nil) }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        handle.seekToEndOfFile()
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = handle
        process.standardError = handle
        process.currentDirectoryURL = URL(fileURLWithPath: "/tmp")
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
        try? handle.close()
        guard status == 0 else {
            let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            throw TestServerError(message: "\((tool as NSString).lastPathComponent) failed (\(process.terminationStatus)): \(output.suffix(2000))")
        }
    }

    /// Runs one SQL statement with psql.
    public func psql(_ sql: String) async throws {
        guard let bin = Self.binDirectory else { return }
        try await run(
            bin + "/psql", ["-h", "127.0.0.1", "-p", String(port), "-U", "postgres", "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-q", "-c", sql])
    }

    /// A bash script that closes descriptors 3 and up, then runs its arguments.
    static let closeInheritedDescriptors =
        #"for fd in /proc/self/fd/*; do n=${fd##*/}; if [ "$n" -gt 2 ]; then eval "exec $n>&-" 2>/dev/null; fi; done; exec "$@""#

    /// A TCP port nobody listens on right now (bind to port 0, read it back, close).
    public static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestServerError(message: "socket() failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        guard bound == 0 else { throw TestServerError(message: "bind() failed") }
        let named = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        guard named == 0 else { throw TestServerError(message: "getsockname() failed") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
