import Foundation
import NIOPosix

/// Bounds image work by the cores: at most `workers` jobs run at once on a dedicated thread pool (so Swift's
/// cooperative pool and the event loops stay free to answer health checks and refuse excess work), at most
/// `queueDepth` wait, and a job that would wait beyond that — or longer than `queueTimeout` — is refused at once
/// with 503. That is backpressure: the queue never grows without bound.
public actor WorkLimiter {
    /// Why a job was refused.
    public enum Refusal: Error, Sendable, Hashable {
        /// Every worker is busy and the queue is full.
        case queueFull(depth: Int)
        /// The job waited `queueTimeout` without a worker coming free.
        case timedOut(seconds: Double)
        /// The server is shutting down.
        case shuttingDown
    }

    public nonisolated let workers: Int
    public nonisolated let queueDepth: Int
    public nonisolated let queueTimeout: Duration
    private let pool: NIOThreadPool
    private var running = 0
    private var waiters: [(id: UInt64, continuation: CheckedContinuation<Void, any Error>)] = []
    private var nextWaiter: UInt64 = 0
    private var closed = false

    public init(workers: Int, queueDepth: Int, queueTimeout: Duration = .seconds(10)) {
        self.workers = max(1, workers)
        self.queueDepth = max(0, queueDepth)
        self.queueTimeout = queueTimeout
        pool = NIOThreadPool(numberOfThreads: max(1, workers))
        pool.start()
    }

    /// Jobs running and waiting now.
    public var load: (running: Int, waiting: Int) { (running, waiters.count) }

    /// Runs `job` on a worker thread once one is free.
    ///
    /// - Throws: ``Refusal`` when the job cannot be queued or waited too long; whatever `job` throws.
    public func run<T: Sendable>(_ job: @escaping @Sendable () throws -> T) async throws -> T {
        try await acquire()
        defer { release() }
        return try await pool.runIfActive(job)
    }

    private func acquire() async throws {
        if closed { throw Refusal.shuttingDown }
        if running < workers, waiters.isEmpty {
            running += 1
            return
        }
        guard waiters.count < queueDepth else { throw Refusal.queueFull(depth: queueDepth) }
        let id = nextWaiter
        nextWaiter += 1
        let timeout = queueTimeout
        let timer = Task { [weak self] in
            try await Task.sleep(for: timeout)
            await self?.expire(id)
        }
        defer { timer.cancel() }
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            waiters.append((id, continuation))
        }
    }

    /// Hands the worker to the next waiter, or frees it.
    private func release() {
        if !waiters.isEmpty {
            let next = waiters.removeFirst()
            next.continuation.resume() // the permit passes on; `running` is unchanged
        } else {
            running -= 1
        }
    }

    private func expire(_ id: UInt64) {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return }
        let waiter = waiters.remove(at: index)
        let seconds = Double(queueTimeout.components.seconds) + Double(queueTimeout.components.attoseconds) / 1e18
        waiter.continuation.resume(throwing: Refusal.timedOut(seconds: seconds))
    }

    /// Refuses new and waiting jobs, lets running ones finish, then stops the threads.
    public func shutdown() async {
        closed = true
        for waiter in waiters { waiter.continuation.resume(throwing: Refusal.shuttingDown) }
        waiters.removeAll()
        while running > 0 { try? await Task.sleep(for: .milliseconds(10)) }
        try? await pool.shutdownGracefully()
    }
}

extension WorkLimiter.Refusal {
    /// The 503 the API answers with.
    var apiError: APIError {
        switch self {
        case .queueFull(let depth): .overloaded("every image worker is busy and \(depth) jobs are already waiting; retry shortly")
        case .timedOut(let seconds): .overloaded("no image worker came free within \(seconds) s; retry shortly")
        case .shuttingDown: .overloaded("the server is shutting down", retryAfter: 5)
        }
    }
}
