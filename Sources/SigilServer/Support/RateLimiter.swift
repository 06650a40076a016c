import Foundation

/// A token bucket per client (an address, or an API key's id): `burst` requests at once, refilled at `perMinute`.
/// A bucket may carry its own rate (a key's quota, ``take(_:perMinute:burst:)``). Buckets idle for long enough to be
/// full again are dropped, so memory stays bounded by the clients of the last few minutes.
public actor RateLimiter {
    public nonisolated let perMinute: Int
    public nonisolated let burst: Int
    private var buckets: [String: Bucket] = [:]
    private var lastSweep = ContinuousClock.now
    private let clock = ContinuousClock()

    private struct Bucket {
        var tokens: Double
        var at: ContinuousClock.Instant
        /// Seconds an empty bucket takes to fill again.
        var refill: Double
    }

    public init(perMinute: Int, burst: Int) {
        self.perMinute = max(1, perMinute)
        self.burst = max(1, burst)
    }

    /// Takes one token for `client` at the limiter's own rate; returns the seconds to wait when there is none.
    public func take(_ client: String) -> Int? {
        take(client, perMinute: perMinute, burst: burst)
    }

    /// Takes one token for `client` from a bucket of `burst` refilled at `perMinute`; returns the whole seconds to
    /// wait (at least 1) when there is none, which the caller sends as `Retry-After`.
    public func take(_ client: String, perMinute: Int, burst: Int) -> Int? {
        let now = clock.now
        let rate = Double(max(1, perMinute)) / 60
        let capacity = Double(max(1, burst))
        var bucket = buckets[client] ?? Bucket(tokens: capacity, at: now, refill: capacity / rate)
        bucket.tokens = min(capacity, bucket.tokens + rate * Self.seconds(now - bucket.at))
        bucket.at = now
        bucket.refill = capacity / rate
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
        buckets = buckets.filter { Self.seconds(now - $0.value.at) < $0.value.refill }
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
}
