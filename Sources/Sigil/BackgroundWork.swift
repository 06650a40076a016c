import Foundation
import Synchronization

/// Synchronous work run on a thread of its own while the caller goes on; ``wait()`` blocks until it is done and
/// rethrows its error. Used where a blocking call (a kernel copy) should overlap with the caller's own work (a
/// digest) without borrowing a thread from Swift's cooperative pool.
final class BackgroundWork: Sendable {
    private let outcome = Mutex<(any Error)??>(nil)
    private let done = DispatchSemaphore(value: 0)

    private init() {}

    /// Starts `work` at once on a new thread.
    static func start(_ work: @escaping @Sendable () throws -> Void) -> BackgroundWork {
        let background = BackgroundWork()
        let thread = Thread {
            do {
                try work()
                background.outcome.withLock { $0 = .some(nil) }
            } catch {
                background.outcome.withLock { $0 = .some(error) }
            }
            background.done.signal()
        }
        thread.start()
        return background
    }

    /// Waits for the work to finish; throws what it threw. Call once.
    func wait() throws {
        done.wait()
        if let error = outcome.withLock({ $0 ?? nil }) { throw error }
    }
}
