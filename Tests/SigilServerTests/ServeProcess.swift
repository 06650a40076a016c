import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import SigilTestSupport
#if canImport(Glibc)
    import Glibc
#endif

/// A `sigil serve` child process on a free loopback port, its output captured in a file.
final class ServeProcess: @unchecked Sendable {
    let process: Process
    let output: URL
    let port: Int

    private init(process: Process, output: URL, port: Int) {
        self.process = process
        self.output = output
        self.port = port
    }

    /// Starts `sigil serve --port 0 --ready-file … <arguments>` and waits until it listens.
    static func start(_ arguments: [String], in directory: URL, environment: [String: String] = [:]) async throws -> ServeProcess {
        guard let sigil = TestPaths.sigilBinary else { throw HarnessError("the sigil executable is not built") }
        let ready = directory.appendingPathComponent("ready-\(UUID().uuidString.prefix(8))").path
        let output = directory.appendingPathComponent("serve-\(UUID().uuidString.prefix(8)).log")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        let handle = try FileHandle(forWritingTo: output)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: sigil)
        process.arguments = ["serve", "--host", "127.0.0.1", "--port", "0", "--ready-file", ready] + arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        try? handle.close()
        // The ready file is looked for after every wake-up, the last one included: when the test process's threads are
        // busy with other suites, a wake-up can come after the deadline, and the server may have been listening for long.
        let deadline = ContinuousClock.now + .seconds(120)
        while true {
            if let text = try? String(contentsOfFile: ready, encoding: .utf8),
                let port = text.split(separator: ":").last.flatMap({ Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) })
            {
                return ServeProcess(process: process, output: output, port: port)
            }
            if !process.isRunning {
                throw HarnessError(
                    "sigil serve exited with \(process.terminationStatus): \((try? String(contentsOf: output, encoding: .utf8)) ?? "")")
            }
            if ContinuousClock.now >= deadline { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        process.terminate()
        throw HarnessError("sigil serve did not listen within 120 s: \((try? String(contentsOf: output, encoding: .utf8)) ?? "")")
    }

    var log: String { (try? String(contentsOf: output, encoding: .utf8)) ?? "" }

    /// Sends SIGTERM.
    func terminate() { kill(process.processIdentifier, SIGTERM) }

    /// Waits for the process to end and returns its exit status.
    func waitForExit(timeout: Duration = .seconds(60)) async throws -> Int32 {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            guard ContinuousClock.now < deadline else {
                process.interrupt()
                throw HarnessError("sigil serve did not exit within \(timeout)")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        return process.terminationStatus
    }

    /// A new HTTP client connected to the server.
    func client() -> TestClient {
        let client = TestClient(host: "127.0.0.1", port: port, configuration: .init(timeout: .seconds(120)))
        client.connect()
        return client
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}

extension TestClient {
    func post(_ uri: String, _ bytes: [UInt8], type: String, token: String? = nil) async throws -> TestClient.Response {
        var headers: HTTPFields = [.contentType: type]
        if let token { headers[.authorization] = "Bearer \(token)" }
        return try await execute(TestClient.Request(uri, method: .post, headers: headers, body: ByteBuffer(bytes: bytes)))
    }

    func get(_ uri: String) async throws -> TestClient.Response {
        try await execute(TestClient.Request(uri, method: .get))
    }
}

extension TestClient.Response {
    var text: String { body.map { String(buffer: $0) } ?? "" }
}
