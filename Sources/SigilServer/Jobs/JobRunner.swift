import Foundation
import Logging
import ServiceLifecycle
import Sigil
import SigilCompliance
import Synchronization

/// Runs the queued jobs of the store's queue (decision 0411): ``workers`` loops, each claiming the oldest job,
/// renewing its lease every second while the work runs (its progress with it), and marking it done or failed; one
/// more loop fails jobs abandoned too often and deletes expired ones with their files. A job whose lease runs out
/// (its server killed) is claimed again by any server on the database. On graceful shutdown the runner hands its
/// running jobs back to the queue at once; the work in flight is dropped (its writes are fenced by the claim).
struct JobRunner: Service {
    /// The work of one job kind: the claimed job and its ``JobControl`` in, the report and output size out.
    typealias Work = @Sendable (Job, JobControl) async throws -> JobOutcome

    let store: JobStore
    let files: JobFiles
    let workers: Int
    let lease: Duration
    let poll: Duration
    let retention: Duration
    /// Claims a job gets before a lapsed lease fails it instead (a job that kills its server is not run forever).
    let maxAttempts: Int
    /// This runner's name in the `worker` column.
    let name: String
    let logger: Logger
    /// Told how each job ended here (`done`, `failed`, `released`, `dropped`), for the metrics.
    let ended: @Sendable (String) -> Void
    let work: Work

    private let stop = StopSignal()

    init(
        store: JobStore, files: JobFiles, workers: Int, lease: Duration, poll: Duration, retention: Duration, maxAttempts: Int = 3,
        logger: Logger, ended: @escaping @Sendable (String) -> Void = { _ in }, work: @escaping Work
    ) {
        (self.store, self.files, self.workers, self.lease, self.poll, self.retention) = (store, files, workers, lease, poll, retention)
        self.maxAttempts = maxAttempts
        self.logger = logger
        self.ended = ended
        self.work = work
        var generator = SystemRandomNumberGenerator()
        name =
            ProcessInfo.processInfo.hostName + "/" + String(getpid()) + "/" + String(UInt32.random(in: .min ... .max, using: &generator), radix: 16)
    }

    func run() async throws {
        // Graceful shutdown and cancellation (the service group stopping on another service's failure) both stop it.
        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                await withTaskGroup(of: Void.self) { group in
                    for _ in 0..<workers { group.addTask { await self.loop() } }
                    group.addTask { await self.maintain() }
                }
            } onGracefulShutdown: {
                stop.stop()
            }
        } onCancel: {
            stop.stop()
        }
    }

    /// Whether the runner goes on (not stopped, not cancelled).
    private var running: Bool { !stop.isStopped && !Task.isCancelled }

    /// Claims and runs jobs until the runner stops.
    private func loop() async {
        while running {
            let claimed: Job?
            do {
                claimed = try await store.claim(worker: name, lease: lease, maxAttempts: maxAttempts)
            } catch {
                logger.error("cannot claim a job: \(error)")
                claimed = nil
            }
            guard let job = claimed else {
                try? await Task.sleep(for: poll)
                continue
            }
            await run(job)
        }
    }

    /// Runs one claimed job with its heartbeat, and records how it ended.
    private func run(_ job: Job) async {
        let (store, lease) = (self.store, self.lease)
        let control = JobControl { try await store.renew(job, lease: lease, progress: nil) }
        stop.register(control)
        defer { stop.unregister(control) }
        logger.info("job \(job.id) started (attempt \(job.attempts))")
        let outcome: Result<JobOutcome, any Error> = await withTaskGroup(of: Result<JobOutcome, any Error>?.self) { group in
            group.addTask {
                // The heartbeat: the lease renewed (and the progress written) every second until the work ends. A
                // runner that cannot renew stops the work before the lease can have run out (another server may take
                // the job then).
                let clock = ContinuousClock()
                var renewed = clock.now
                while !Task.isCancelled {
                    try? await Task.sleep(for: .seconds(1))
                    if Task.isCancelled { break }
                    do {
                        if try await !store.renew(job, lease: lease, progress: control.progress) {
                            control.abort(.leaseLost)
                            break
                        }
                        renewed = clock.now
                    } catch {
                        logger.warning("cannot renew job \(job.id)'s lease: \(error)")
                        if clock.now - renewed > lease * 0.8 {
                            control.abort(.leaseLost)
                            break
                        }
                    }
                }
                return nil
            }
            group.addTask {
                do {
                    return .success(try await work(job, control))
                } catch {
                    return .failure(error)
                }
            }
            var result: Result<JobOutcome, any Error> = .failure(CancellationError())
            for await next in group {
                if let next {
                    result = next
                    group.cancelAll()
                }
            }
            return result
        }
        do {
            switch (outcome, control.reason) {
            case (.success(let done), _):
                // Finished work is recorded even when a stop came after it; the claim fences a run that lost its lease.
                if try await store.finish(job, result: done.result, outputBytes: done.outputBytes) {
                    logger.info("job \(job.id) done")
                    ended("done")
                } else {
                    logger.warning("job \(job.id) finished after its lease was taken over; this run's result is dropped")
                    ended("dropped")
                }
            case (.failure, .stopping?):
                if try await store.release(job) { logger.notice("job \(job.id) handed back to the queue (the server is stopping)") }
                ended("released")
            case (.failure, .leaseLost?):
                logger.warning("job \(job.id): its lease was taken over by another runner; this run's result is dropped")
                ended("dropped")
            case (.failure(let error), nil):
                let (code, message) = Self.describe(error)
                _ = try await store.fail(job, code: code, message: message)
                logger.notice("job \(job.id) failed: \(message)")
                ended("failed")
            }
        } catch {
            logger.error("cannot record how job \(job.id) ended: \(error)")
        }
    }

    /// The error code and message a failed job shows.
    static func describe(_ error: any Error) -> (String, String) {
        switch error {
        case let error as SigilError: (error.code.rawValue, error.description)
        case let error as APIError: (error.code, error.message)
        case let error as FieldError: ("invalid-field", error.description)
        default: ("internal", "\(error)")
        }
    }

    /// Every minute: fails jobs abandoned ``maxAttempts`` times, deletes finished jobs past ``retention`` and their
    /// files, and removes job folders no row names any more.
    private func maintain() async {
        while running {
            do {
                let abandoned = try await store.failAbandoned(maxAttempts: maxAttempts)
                if abandoned > 0 { logger.warning("\(abandoned) abandoned job(s) failed after \(maxAttempts) attempts") }
                let expired = try await store.deleteFinished(
                    before: RecordTime(milliseconds: RecordTime.now().milliseconds - JobStore.milliseconds(retention)))
                for id in expired { files.remove(id) }
                let folders = files.folders(olderThan: 3600)
                let kept = try await store.existing(folders)
                for id in folders where !kept.contains(id) { files.remove(id) }
            } catch {
                logger.error("job maintenance failed: \(error)")
            }
            for _ in 0..<60 where running { try? await Task.sleep(for: .seconds(1)) }
        }
    }
}

/// What a finished job leaves: its report and the size of its output file.
struct JobOutcome: Sendable {
    var result: JSONValue
    var outputBytes: Int64
}

/// One running job's shared state: the progress its work reports, and the reason it was told to stop (its lease
/// lost, the server stopping). Blocking work run through ``blocking(_:)`` returns at once when it is aborted; the
/// thread runs on, and what it then writes is fenced off by the claim.
final class JobControl: Sendable {
    enum Reason: Sendable { case leaseLost, stopping }

    /// Renews the claim in the store: false when another runner holds it now.
    private let renewClaim: @Sendable () async throws -> Bool

    init(renewClaim: @escaping @Sendable () async throws -> Bool) {
        self.renewClaim = renewClaim
    }

    private struct State {
        var progress: Double?
        var reason: Reason?
        var waiters: [UInt64: @Sendable () -> Void] = [:]
        var next: UInt64 = 0
    }
    private let state = Mutex(State())

    var progress: Double? { state.withLock { $0.progress } }
    var reason: Reason? { state.withLock { $0.reason } }

    func report(progress: Double) { state.withLock { $0.progress = progress } }

    func abort(_ reason: Reason) {
        let waiters = state.withLock { state -> [@Sendable () -> Void] in
            guard state.reason == nil else { return [] }
            state.reason = reason
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter() }
    }

    /// Throws when the job was aborted.
    func checkRunning() throws {
        if let reason { throw JobAborted(reason: reason) }
    }

    /// Checks in the store that this runner still holds the job — right before the work's lasting writes (the
    /// record) — and throws ``JobAborted`` when it does not.
    func confirmClaim() async throws {
        try checkRunning()
        guard try await renewClaim() else {
            abort(.leaseLost)
            throw JobAborted(reason: .leaseLost)
        }
    }

    /// Runs `body` on a thread of its own; returns its value, or throws ``JobAborted`` as soon as the job is aborted.
    func blocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try checkRunning()
        let slot = Mutex<(result: Result<T, any Error>?, continuation: CheckedContinuation<Result<T, any Error>, Never>?)>((nil, nil))
        @Sendable func deliver(_ result: Result<T, any Error>) {
            let continuation = slot.withLock { slot -> CheckedContinuation<Result<T, any Error>, Never>? in
                guard slot.result == nil else { return nil }
                slot.result = result
                defer { slot.continuation = nil }
                return slot.continuation
            }
            continuation?.resume(returning: result)
        }
        let id = state.withLock { state -> UInt64? in
            guard state.reason == nil else { return nil }
            state.next += 1
            state.waiters[state.next] = { deliver(.failure(JobAborted(reason: self.reason ?? .stopping))) }
            return state.next
        }
        guard let id else { throw JobAborted(reason: reason ?? .stopping) }
        defer { _ = state.withLock { $0.waiters.removeValue(forKey: id) } }
        Thread { deliver(Result { try body() }) }.start()
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<T, any Error>, Never>) in
            let ready = slot.withLock { slot -> Result<T, any Error>? in
                if let result = slot.result { return result }
                slot.continuation = continuation
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
        return try result.get()
    }
}

/// A job's work stopped because its lease was lost or its server is stopping.
struct JobAborted: Error, Sendable {
    var reason: JobControl.Reason
}

/// The runner's stop: set once on graceful shutdown, it aborts every running job's work.
final class StopSignal: Sendable {
    private let state = Mutex<(stopped: Bool, controls: [ObjectIdentifier: JobControl])>((false, [:]))

    var isStopped: Bool { state.withLock { $0.stopped } }

    func stop() {
        let controls = state.withLock { state -> [JobControl] in
            state.stopped = true
            return Array(state.controls.values)
        }
        for control in controls { control.abort(.stopping) }
    }

    func register(_ control: JobControl) {
        let stopped = state.withLock { state -> Bool in
            state.controls[ObjectIdentifier(control)] = control
            return state.stopped
        }
        if stopped { control.abort(.stopping) }
    }

    func unregister(_ control: JobControl) { _ = state.withLock { $0.controls.removeValue(forKey: ObjectIdentifier(control)) } }
}
