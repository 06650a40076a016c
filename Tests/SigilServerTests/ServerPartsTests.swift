import Foundation
import Sigil
import SigilAccess
import SigilServer
import SigilTestSupport
import Testing

@Suite("Server parts")
struct ServerPartsTests {
    @Test("configuration: defaults < file < environment < flags, with named errors")
    func configurationPrecedence() throws {
        let dir = try TestPaths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("sigil.json").path
        try Data(#"{"port": 9000, "host": "0.0.0.0", "workers": 3, "verifyBurst": 5}"#.utf8).write(to: URL(fileURLWithPath: file))
        var flags = ServerConfiguration.Overrides()
        flags.workers = 7
        let c = try ServerConfiguration.load(file: file, environment: ["SIGIL_PORT": "9100", "SIGIL_QUEUE_DEPTH": "2"], flags: flags)
        #expect(c.host == "0.0.0.0") // file
        #expect(c.port == 9100) // environment over file
        #expect(c.workers == 7) // flag over file
        #expect(c.verifyBurst == 5)
        #expect(c.effectiveQueueDepth == 2)
        #expect(ServerConfiguration().effectiveQueueDepth == 4 * ProcessInfo.processInfo.activeProcessorCount)

        #expect(throws: SigilError.self) { try ServerConfiguration.load(environment: ["SIGIL_PORT": "eighty"]) }
        try Data(#"{"prot": 1}"#.utf8).write(to: URL(fileURLWithPath: file))
        do {
            _ = try ServerConfiguration.load(file: file, environment: [:])
            Issue.record("an unknown setting must be refused")
        } catch let error as SigilError {
            #expect(error.message.contains("prot"))
        }
        try Data(#"{"port": "x"}"#.utf8).write(to: URL(fileURLWithPath: file))
        #expect(throws: SigilError.self) { try ServerConfiguration.load(file: file, environment: [:]) }
        #expect(throws: SigilError.self) { try ServerConfiguration.load(environment: ["SIGIL_DATABASE": "mysql://x"]) }
        #expect(throws: SigilError.self) { try ServerConfiguration.load(environment: ["SIGIL_PRODUCER": "not-a-code"]) }
    }

    @Test("work limiter: at most `workers` run, at most `queueDepth` wait, the rest are refused at once")
    func workLimiter() async throws {
        let limiter = WorkLimiter(workers: 1, queueDepth: 1, queueTimeout: .seconds(30))
        let gate = Gate()
        async let first: Int = limiter.run {
            gate.wait()
            return 1
        }
        while await limiter.load.running == 0 { try await Task.sleep(for: .milliseconds(5)) }
        async let second: Int = limiter.run { 2 }
        while await limiter.load.waiting == 0 { try await Task.sleep(for: .milliseconds(5)) }
        await #expect(throws: WorkLimiter.Refusal.queueFull(depth: 1)) { try await limiter.run { 3 } }
        gate.open()
        #expect(try await first == 1)
        #expect(try await second == 2)
        #expect(await limiter.load.running == 0)
        await limiter.shutdown()
        await #expect(throws: WorkLimiter.Refusal.shuttingDown) { try await limiter.run { 4 } }
    }

    @Test("work limiter: a job that waits past the queue timeout is refused")
    func workLimiterTimeout() async throws {
        let limiter = WorkLimiter(workers: 1, queueDepth: 4, queueTimeout: .milliseconds(50))
        let gate = Gate()
        async let first: Int = limiter.run {
            gate.wait()
            return 1
        }
        while await limiter.load.running == 0 { try await Task.sleep(for: .milliseconds(5)) }
        await #expect(throws: WorkLimiter.Refusal.self) { try await limiter.run { 2 } }
        gate.open()
        #expect(try await first == 1)
        await limiter.shutdown()
    }

    @Test("rate limiter: a burst, then one per refill period, per client")
    func rateLimiter() async {
        let limiter = RateLimiter(perMinute: 60, burst: 2)
        #expect(await limiter.take("a") == nil)
        #expect(await limiter.take("a") == nil)
        let wait = await limiter.take("a")
        #expect(wait == 1)
        #expect(await limiter.take("b") == nil)
    }

    @Test("API tokens: generated tokens parse back; malformed ones do not")
    func tokens() {
        let token = APIKeyToken.generate()
        #expect(APIKeyToken(parsing: token.description) == token)
        #expect(APIKeyToken(parsing: "sgk_" + token.id) == nil)
        #expect(APIKeyToken(parsing: "Bearer " + token.description) == nil)
        #expect(APIKeyToken(parsing: token.description + "x") == nil)
        #expect(APIKeyToken(parsing: "sgk_ZZZZZZZZZZZZZZZZ_" + token.secret) == nil)
    }
}

/// A one-shot gate a worker thread blocks on.
final class Gate: @unchecked Sendable {
    private let condition = NSCondition()
    private var isOpen = false
    func wait() {
        condition.lock()
        while !isOpen { condition.wait() }
        condition.unlock()
    }
    func open() {
        condition.lock()
        isOpen = true
        condition.broadcast()
        condition.unlock()
    }
}
