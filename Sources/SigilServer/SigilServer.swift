import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import UnixSignals
import Sigil
import SigilAccess

/// Sigil's HTTP service: the JSON API under `/v1`, the log's tiles and proofs, health and metrics, and the public
/// verify page at `/`. Built on Hummingbird 2; ``SigilService`` holds the state.
public enum SigilServer {
    /// The router with every route and middleware.
    public static func router(service: SigilService) -> Router<SigilRequestContext> {
        let router = Router(context: SigilRequestContext.self)
        router.add(middleware: MetricsMiddleware(metrics: service.metrics))
        router.add(middleware: ErrorMiddleware())
        let api = APIRoutes(service: service)
        // Keyed routes, grouped by the scopes they accept (any one; openapi.json's `security` says the same).
        func keyed(_ scopes: APIKey.Scope...) -> RouterGroup<SigilRequestContext> {
            router.group().add(middleware: APIKeyAuthentication(keys: service.keyCache, scopes: scopes))
        }
        keyed(.label).post("/v1/label", use: api.label)
            .post("/v1/label/stream", use: api.labelStream)
            .post("/v1/chat/label", use: api.labelChat)
            .post("/v1/chat/completions", use: api.chatCompletions)
            .post("/v1/generations", use: api.authorizeGeneration)
            .post("/v1/jobs", use: api.submitJob)
        keyed(.label, .admin).get("/v1/jobs/:id", use: api.job)
            .get("/v1/jobs/:id/result", use: api.jobResult)
        keyed(.label, .auditor).get("/v1/records/:produceID", use: api.records)
        keyed(.propagate).post("/v1/propagate", use: api.propagate)
        keyed(.verify, .propagate).post("/v1/verify/batch", use: api.verifyBatch)
        keyed(.label, .admin).post("/v1/accounts", use: api.createAccount)
            .post("/v1/accounts/:id/phone/code", use: api.sendPhoneCode)
            .post("/v1/accounts/:id/phone/confirm", use: api.confirmPhone)
            .post("/v1/consents", use: api.createConsent)
            .delete("/v1/consents/:id", use: api.revokeConsent)
            .put("/v1/consents/:id/evidence", use: api.consentEvidence)
        keyed(.label, .admin, .reviewer, .auditor).get("/v1/accounts/:id", use: api.account)
            .get("/v1/consents/:id", use: api.consent)
            .get("/v1/generations/:id", use: api.generation)
        keyed(.admin, .reviewer, .auditor).get("/v1/accounts", use: api.accounts)
            .get("/v1/screening/hits", use: api.screeningHits)
        keyed(.admin).post("/v1/accounts/:id/review", use: api.reviewAccount)
            .post("/v1/accounts/:id/suspend", use: api.suspendAccount)
            .post("/v1/accounts/:id/reinstate", use: api.reinstateAccount)
            .post("/v1/agreements", use: api.publishAgreement)
            .put("/v1/screening/library", use: api.installLibrary)
        keyed(.reviewer, .admin).get("/v1/generations/held", use: api.heldGenerations)
            .post("/v1/generations/:id/review", use: api.reviewGeneration)
            .post("/v1/reports/:id/status", use: api.moveReport)
            .post("/v1/refutations", use: api.createRefutation)
        keyed(.reviewer, .admin, .auditor).get("/v1/reports", use: api.reports)
        keyed(.admin, .auditor).get("/v1/audit/events", use: api.auditEvents)
            .get("/v1/audit/export", use: api.auditExport)
        // Public routes (the write ones are rate-limited in their handlers; /v1/verify takes a verify key's quota instead).
        router.post("/v1/verify", use: api.verify)
        router.get("/v1/log/checkpoint", use: api.checkpoint)
        router.get("/v1/log/tile/**", use: api.tile)
        router.get("/v1/log/proof/:index", use: api.proof)
        router.post("/v1/reports", use: api.submitReport)
        router.get("/v1/reports/:id", use: api.report)
        router.get("/v1/refutations", use: api.refutations)
        router.get("/v1/agreements", use: api.agreements)
        router.get("/v1/label-text", use: api.labelText)
        router.get("/healthz", use: api.health)
        router.get("/readyz", use: api.ready)
        router.get("/metrics", use: api.metrics)
        router.get("/openapi.json", use: api.openAPI)
        let page = PageRoutes(service: service)
        router.get("/", use: page.index)
        router.post("/", use: page.verify)
        router.get("/static/:file", use: page.asset)
        router.post("/report", use: page.report)
        let admin = AdminRoutes(service: service)
        router.get("/admin", use: admin.index)
        router.post("/admin/login", use: admin.login)
        router.post("/admin/logout", use: admin.logout)
        router.get("/admin/accounts", use: admin.accounts)
        router.post("/admin/accounts/:id/review", use: admin.review)
        router.get("/admin/generations", use: admin.generations)
        router.post("/admin/generations/:id/review", use: admin.reviewGeneration)
        router.get("/admin/consents", use: admin.consents)
        router.post("/admin/consents/:id/revoke", use: admin.revokeConsent)
        router.get("/admin/screening", use: admin.screening)
        router.get("/admin/reports", use: admin.reports)
        router.post("/admin/reports/:id/status", use: admin.moveReport)
        router.get("/admin/audit", use: admin.audit)
        router.get("/admin/audit/export", use: admin.export)
        return router
    }

    /// The runner of the store's job queue (decision 0411), as the application runs it beside the HTTP server.
    static func jobRunner(service: SigilService, logger: Logger) -> some Service {
        let configuration = service.configuration
        let api = APIRoutes(service: service)
        let metrics = service.metrics
        return JobRunner(
            store: service.jobs, files: service.jobFiles, workers: configuration.jobWorkers,
            lease: .milliseconds(Int64(configuration.jobLeaseSeconds * 1000)), poll: .milliseconds(Int64(configuration.jobPollSeconds * 1000)),
            retention: .seconds(Int64(configuration.jobRetentionHours * 3600)), logger: logger,
            ended: { metrics.jobEnded($0) }
        ) { job, control in
            try await api.runJob(job, control: control)
        }
    }

    /// A comma-separated address list (`--trusted-proxies`), as ``ServerConfiguration/trustedProxies`` takes it.
    public static func parseAddressList(_ text: String) -> [String] { ClientAddress.parseList(text) }

    /// The application on the configured address.
    ///
    /// - Parameter jobRunner: whether the application runs the job queue's runner as one of its services (a program
    ///   that runs the application in a service group of its own passes false and puts ``jobRunner(service:logger:)``
    ///   after it, so that a shutdown stops the runner first; ``run(service:logger:onListening:)`` does).
    public static func application(
        service: SigilService, logger: Logger = Logger(label: "sigil.server"), jobRunner: Bool = true,
        onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let configuration = service.configuration
        return Application(
            router: router(service: service),
            server: .http1(configuration: .init(idleTimeout: .milliseconds(Int64(configuration.idleTimeoutSeconds * 1000)))),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "sigil"),
            services: jobRunner && configuration.jobWorkers > 0 ? [Self.jobRunner(service: service, logger: logger)] : [],
            onServerRunning: onServerRunning,
            logger: logger
        )
    }

    /// Runs until SIGTERM or SIGINT, then shuts down gracefully: the listener closes, in-flight requests finish
    /// (each acknowledged record was committed before its response), image workers drain, and the store closes.
    ///
    /// - Parameter onListening: called with the bound host and port once the server accepts connections.
    public static func run(
        service: SigilService, logger: Logger = Logger(label: "sigil.server"),
        onListening: @escaping @Sendable (_ host: String, _ port: Int) async -> Void = { _, _ in }
    ) async throws {
        let configured = service.configuration
        let app = application(service: service, logger: logger, jobRunner: false) { channel in
            await onListening(channel.localAddress?.ipAddress ?? configured.host, channel.localAddress?.port ?? configured.port)
        }
        // A service group shuts its services down last to first: the job runner hands its jobs back at once, before
        // the HTTP server drains its requests (decision 0411).
        let services: [any Service] = [app] + (configured.jobWorkers > 0 ? [jobRunner(service: service, logger: logger)] : [])
        let group = ServiceGroup(configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await group.run()
        } catch {
            await service.close()
            throw error
        }
        await service.close()
    }
}
