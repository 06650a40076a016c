import Foundation

/// A token bucket per client address: `burst` requests at once, refilled at `perMinute`. Buckets idle for long
/// enough to be full again are dropped, so memory stays bounded by the clients of the last few minutes.
public actor RateLimiter {
    public nonisolated let perMinute: Int
    public nonisolated let burst: Int
    private var buckets: [String: (tokens: Double, at: ContinuousClock.Instant)] = [:]
    private var lastSweep = ContinuousClock.now
    private let clock = ContinuousClock()

    public init(perMinute: Int, burst: Int) {
        self.perMinute = max(1, perMinute)
        self.burst = max(1, burst)
    }

    /// Takes one token for `client`; returns the seconds to wait when there is none.
    public func take(_ client: String) -> Int? {
        let now = clock.now
        let rate = Double(perMinute) / 60
        var bucket = buckets[client] ?? (Double(burst), now)
        bucket.tokens = min(Double(burst), bucket.tokens + rate * Self.seconds(now - bucket.at))
        bucket.at = now
        defer { sweep(now) }
        guard bucket.tokens >= 1 else {
            buckets[client] = bucket
            return max(1, Int(((1 - bucket.tokens) / rate).rounded(.up)))
        }
        bucket.tokens -= 1
        buckets[client] = bucket
        return nil
    }

    /// Clients tracked now.
    public var trackedClients: Int { buckets.count }

    private func sweep(_ now: ContinuousClock.Instant) {
        guard Self.seconds(now - lastSweep) > 60 else { return }
        lastSweep = now
        let refill = Double(burst) / (Double(perMinute) / 60)
        buckets = buckets.filter { Self.seconds(now - $0.value.at) < refill }
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
}
