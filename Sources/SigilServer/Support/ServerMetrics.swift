import CoreMetrics
import Foundation
import Metrics
import Prometheus

/// The server's metrics, on its own Prometheus registry (no process-global bootstrap, so several servers can live
/// in one test process). Recorded through swift-metrics with the registry's factory; exposed at `/metrics`.
public struct ServerMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    let factory: PrometheusMetricsFactory

    public init() {
        registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250),
            .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10),
        ]
        factory.defaultValueHistogramBuckets = [1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000]
        self.factory = factory
    }

    /// One finished request.
    func request(method: String, route: String, status: Int, duration: Duration, requestBytes: Int, responseBytes: Int) {
        let dimensions = [("method", method), ("route", route), ("status", String(status))]
        Counter(label: "sigil_http_requests_total", dimensions: dimensions, factory: factory).increment()
        Metrics.Timer(label: "sigil_http_request_duration_seconds", dimensions: [("route", route)], factory: factory).recordNanoseconds(
            duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000)
        Counter(label: "sigil_http_request_bytes_total", dimensions: [("route", route)], factory: factory).increment(by: requestBytes)
        Counter(label: "sigil_http_response_bytes_total", dimensions: [("route", route)], factory: factory).increment(by: responseBytes)
    }

    /// A labeled file, counted once per mark applied.
    func labeled(marks: [String], format: String) {
        for mark in marks {
            Counter(label: "sigil_labels_total", dimensions: [("kind", mark), ("format", format)], factory: factory).increment()
        }
    }

    /// A verification and its verdict.
    func verified(verdict: String) {
        Counter(label: "sigil_verifications_total", dimensions: [("verdict", verdict)], factory: factory).increment()
    }

    /// A verify-cache lookup: `memory` or `store` (a hit), `miss`.
    func verifyCache(_ result: String) {
        Counter(label: "sigil_verify_cache_total", dimensions: [("result", result)], factory: factory).increment()
    }

    /// A generation authorisation and its decision.
    func generation(decision: String) {
        Counter(label: "sigil_generations_total", dimensions: [("decision", decision)], factory: factory).increment()
    }

    /// A complaint received through the public channel.
    func complaint(kind: String) {
        Counter(label: "sigil_complaints_total", dimensions: [("kind", kind)], factory: factory).increment()
    }

    /// A propagation and the tier written.
    func propagated(label: String) {
        Counter(label: "sigil_propagations_total", dimensions: [("label", label)], factory: factory).increment()
    }

    /// A job queued (`POST /v1/jobs`).
    func jobSubmitted(kind: String) {
        Counter(label: "sigil_jobs_submitted_total", dimensions: [("kind", kind)], factory: factory).increment()
    }

    /// A job that ended on this server: `done`, `failed`, `released` (handed back on shutdown) or `dropped` (its lease
    /// was taken over).
    func jobEnded(_ how: String) {
        Counter(label: "sigil_jobs_ended_total", dimensions: [("outcome", how)], factory: factory).increment()
    }

    /// A request refused for load (503) or rate (429).
    func refused(reason: String) {
        Counter(label: "sigil_refused_total", dimensions: [("reason", reason)], factory: factory).increment()
    }

    /// The Prometheus text exposition.
    public func exposition() -> [UInt8] {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return buffer
    }
}
