import Foundation
import SigilTestSupport
#if canImport(Glibc)
    import Glibc
#endif

/// Debian's Chromium, headless, driven through the Chrome DevTools Protocol over `--remote-debugging-pipe`: commands
/// go in on descriptor 3 and replies come out on descriptor 4, each a JSON message ended by a NUL byte. A reader
/// thread feeds replies to waiting tasks, so no cooperative thread ever blocks on the pipe.
final class HeadlessChromium: @unchecked Sendable {
    static var executable: String? { ["chromium", "chromium-browser", "google-chrome"].lazy.compactMap(TestPaths.which).first }

    private let pid: pid_t
    private let commands: Int32
    private let replies: Int32
    private let profile: URL
    private let lock = NSLock()
    private var nextID = 1
    private var waiting: [Int: CheckedContinuation<Data, any Error>] = [:]
    private var finished: String?

    struct CDPError: Error, CustomStringConvertible { var description: String }

    init() throws {
        guard let executable = Self.executable else { throw CDPError(description: "no chromium on PATH") }
        profile = try TestPaths.temporaryFolder()
        var toBrowser: [Int32] = [0, 0]
        var fromBrowser: [Int32] = [0, 0]
        guard pipe(&toBrowser) == 0, pipe(&fromBrowser) == 0 else { throw CDPError(description: "pipe() failed") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, toBrowser[0], 3)
        posix_spawn_file_actions_adddup2(&actions, fromBrowser[1], 4)
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, profile.appendingPathComponent("chromium.log").path, O_WRONLY | O_CREAT, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let arguments = [
            executable, "--headless=new", "--remote-debugging-pipe", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--no-first-run", "--no-default-browser-check", "--window-size=1100,1400", "--user-data-dir=" + profile.path, "about:blank",
        ]
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        var child: pid_t = 0
        let status = posix_spawn(&child, executable, &actions, nil, &argv, environ)
        _ = Glibc.close(toBrowser[0])
        _ = Glibc.close(fromBrowser[1])
        guard status == 0 else { throw CDPError(description: "posix_spawn chromium failed: \(status)") }
        pid = child
        commands = toBrowser[1]
        replies = fromBrowser[0]
        let thread = Thread { [weak self] in self?.readLoop() }
        thread.start()
    }

    private func readLoop() {
        var pending: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = read(replies, &chunk, chunk.count)
            if n <= 0 { break }
            pending += chunk[0..<n]
            while let end = pending.firstIndex(of: 0) {
                let message = Array(pending[..<end])
                pending.removeSubrange(...end)
                guard let object = try? JSONSerialization.jsonObject(with: Data(message)) as? [String: Any], let id = object["id"] as? Int else {
                    continue
                }
                lock.lock()
                let continuation = waiting.removeValue(forKey: id)
                lock.unlock()
                if let error = object["error"] as? [String: Any] {
                    continuation?.resume(throwing: CDPError(description: "CDP error: \(error)"))
                } else {
                    let result = (try? JSONSerialization.data(withJSONObject: object["result"] as? [String: Any] ?? [:])) ?? Data("{}".utf8)
                    continuation?.resume(returning: result)
                }
            }
        }
        lock.lock()
        finished = "chromium closed its pipe"
        let all = waiting
        waiting.removeAll()
        lock.unlock()
        for (_, continuation) in all { continuation.resume(throwing: CDPError(description: "chromium closed its pipe")) }
    }

    /// Sends one command (to the browser, or to a page's session) and awaits its result.
    @discardableResult
    func send(_ method: String, _ params: [String: Any] = [:], session: String? = nil, timeout: Duration = .seconds(60)) async throws -> [String: Any]
    {
        let timer = Task { [weak self] in
            try await Task.sleep(for: timeout)
            self?.failAll("CDP \(method) timed out after \(timeout)")
        }
        defer { timer.cancel() }
        let reply: Data = try await withCheckedThrowingContinuation { continuation in
            lock.lock()
            if let finished {
                lock.unlock()
                continuation.resume(throwing: CDPError(description: finished))
                return
            }
            let id = nextID
            nextID += 1
            waiting[id] = continuation
            lock.unlock()
            var message: [String: Any] = ["id": id, "method": method, "params": params]
            if let session { message["sessionId"] = session }
            let data = (try? JSONSerialization.data(withJSONObject: message)) ?? Data()
            let bytes = [UInt8](data) + [0]
            let total = bytes.count
            var offset = 0
            while offset < total {
                let start = offset
                let written = bytes.withUnsafeBytes { write(commands, $0.baseAddress! + start, total - start) }
                if written <= 0 { break }
                offset += written
            }
        }
        return (try JSONSerialization.jsonObject(with: reply) as? [String: Any]) ?? [:]
    }

    private func failAll(_ reason: String) {
        lock.lock()
        let all = waiting
        waiting.removeAll()
        lock.unlock()
        for (_, continuation) in all { continuation.resume(throwing: CDPError(description: reason)) }
    }

    /// Opens `url` in a new page and returns the page's session.
    func open(_ url: String) async throws -> String {
        let target = try await send("Target.createTarget", ["url": url])
        guard let targetID = target["targetId"] as? String else { throw CDPError(description: "no targetId") }
        let attached = try await send("Target.attachToTarget", ["targetId": targetID, "flatten": true])
        guard let session = attached["sessionId"] as? String else { throw CDPError(description: "no sessionId") }
        try await send("Page.enable", session: session)
        try await send("Runtime.enable", session: session)
        return session
    }

    /// Evaluates JavaScript in the page and returns its value (nil when it throws, e.g. while the page navigates).
    func evaluate(_ expression: String, session: String) async throws -> Any? {
        let result = try await send("Runtime.evaluate", ["expression": expression, "returnByValue": true], session: session)
        if result["exceptionDetails"] != nil { return nil }
        return (result["result"] as? [String: Any])?["value"]
    }

    /// Polls `expression` until it gives a non-null value.
    func waitFor(_ expression: String, session: String, timeout: Duration = .seconds(60)) async throws -> Any {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let value = try? await evaluate(expression, session: session), !(value is NSNull) { return value }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw CDPError(description: "timed out waiting for \(expression)")
    }

    func close() {
        kill(pid, SIGTERM)
        var status: Int32 = 0
        for _ in 0..<50 {
            if waitpid(pid, &status, WNOHANG) == pid { break }
            usleep(100_000)
        }
        kill(pid, SIGKILL)
        _ = waitpid(pid, &status, WNOHANG)
        _ = Glibc.close(commands)
        _ = Glibc.close(replies)
        try? FileManager.default.removeItem(at: profile)
    }
}
