import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Sigil
import SigilAccess
import SigilCompliance

extension APIRoutes {
    /// `POST /v1/reports` (public, rate-limited): a complaint, report or appeal → 201 `{id, status, dueAt}`.
    func submitReport(_ request: Request, context: SigilRequestContext) async throws -> Response {
        try await rateLimit(request, context)
        let body = try await JSONBody.read(request, limit: 64 * 1024)
        try body.check(known: ["kind", "category", "description", "contact", "produceID", "contentUrl"])
        let complaint = try await service.compliance.complaints.submit(
            kind: try body.string("kind"), category: try body.string("category"), description: try body.string("description"),
            contact: try body.string("contact"), produceID: try body.string("produceID"), contentURL: try body.string("contentUrl"))
        service.metrics.complaint(kind: complaint.kind.rawValue)
        return Self.json(complaint.json(), status: .created, headers: [.location: "/v1/reports/\(complaint.id)"])
    }

    /// `GET /v1/reports/{id}` (public): the status, deadline and, once closed, the response. The id is the
    /// reporter's receipt (128 random bits), so it is the only key needed.
    func report(_ request: Request, context: SigilRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        guard let complaint = try await service.compliance.complaints.get(id) else { throw SigilError(.notFound, "no report \(id.prefix(40))") }
        return Self.json(complaint.json())
    }

    /// `GET /v1/reports` (scope `reviewer`, `admin` or `auditor`): complaints by deadline, with overdue flags;
    /// `?open=true` keeps the open ones.
    func reports(_ request: Request, context: SigilRequestContext) async throws -> Response {
        let open = request.uri.queryParameters["open"].map { $0 == "true" || $0 == "1" } ?? false
        let now = RecordTime.now()
        let list = try await service.compliance.complaints.list(openOnly: open)
        return Self.json(
            .object([
                .init("responseDays", .int(service.compliance.complaints.responseDays)),
                .init("overdue", .int(list.filter { !$0.status.isClosed && $0.isOverdue(at: now) }.count)),
                .init("reports", .array(list.map { $0.json(now: now, staff: true) })),
            ]))
    }

    /// `POST /v1/reports/{id}/status` (scope `reviewer` or `admin`) `{status, response?, note?}`.
    func moveReport(_ request: Request, context: SigilRequestContext) async throws -> Response {
        let key = try context.requireAPIKey()
        let body = try await JSONBody.read(request)
        try body.check(known: ["status", "response", "note"])
        guard let text = try body.string("status"), let status = Complaint.Status(rawValue: text) else {
            throw FieldError("status", "must be reviewing, resolved or rejected")
        }
        let id = try context.parameters.require("id")
        let complaint = try await service.compliance.complaints.transition(
            id, to: status, response: try body.string("response"), note: try body.string("note"),
            actor: Self.actor(key))
        var json = complaint.json(staff: true)
        json = json.appending([.init("events", .array(try await service.compliance.complaints.events(id)))])
        return Self.json(json)
    }

    /// `POST /v1/refutations` (scope `reviewer` or `admin`) `{title, statement, produceIDs, complaint?, reportedTo?}`
    /// → 201: a rumour refutation linked to records in the log.
    func createRefutation(_ request: Request, context: SigilRequestContext) async throws -> Response {
        let key = try context.requireAPIKey()
        let body = try await JSONBody.read(request)
        try body.check(known: ["title", "statement", "produceIDs", "complaint", "reportedTo"])
        let store = service.keeper.store
        let refutation = try await service.compliance.complaints.refute(
            title: try body.string("title"), statement: try body.string("statement"), produceIDs: try body.strings("produceIDs"),
            complaint: try body.string("complaint"), reportedTo: try body.string("reportedTo"), actor: Self.actor(key),
            known: { try await !store.records(produceID: $0).isEmpty })
        return Self.json(refutation.json, status: .created)
    }

    /// `GET /v1/refutations` (public): the refutations, newest first.
    func refutations(_ request: Request, context: SigilRequestContext) async throws -> Response {
        Self.json(.object([.init("refutations", .array(try await service.compliance.complaints.refutations().map(\.json)))]))
    }

    // MARK: Agreements, screening, audit

    /// `POST /v1/agreements` (scope `admin`) `{version, sha256}`: publishes a user-agreement version.
    func publishAgreement(_ request: Request, context: SigilRequestContext) async throws -> Response {
        let key = try context.requireAPIKey()
        let body = try await JSONBody.read(request)
        try body.check(known: ["version", "sha256"])
        try await service.compliance.agreements.publish(
            version: try body.string("version"), sha256: try body.string("sha256"), actor: Self.actor(key))
        return Self.json(.object([.init("agreements", .array(try await service.compliance.agreements.list()))]), status: .created)
    }

    /// `GET /v1/agreements` (public): the published agreement versions.
    func agreements(_ request: Request, context: SigilRequestContext) async throws -> Response {
        Self.json(.object([.init("agreements", .array(try await service.compliance.agreements.list()))]))
    }

    /// `PUT /v1/screening/library` (scope `admin`): installs a library in the text form (`category<TAB>pattern`).
    func installLibrary(_ request: Request, context: SigilRequestContext) async throws -> Response {
        let key = try context.requireAPIKey()
        let buffer = try await request.body.collect(upTo: 64 * 1024 * 1024)
        guard let text = String(validating: Array(buffer: buffer), as: UTF8.self) else {
            throw APIError(.badRequest, "bad-library", "the library is not UTF-8 text")
        }
        let library = try ScreeningLibrary.parse(text, source: "the uploaded library")
        let version = try await service.compliance.screening.install(library, source: "PUT /v1/screening/library", actor: Self.actor(key))
        return Self.json(
            .object([.init("version", .int(version)), .init("rules", .int(library.rules.count)), .init("digest", .string(library.digest))]),
            status: .created)
    }

    /// `GET /v1/screening/hits` (scope `admin`, `reviewer` or `auditor`): the newest hits.
    func screeningHits(_ request: Request, context: SigilRequestContext) async throws -> Response {
        return Self.json(.object([.init("hits", .array(try await service.compliance.screening.hits()))]))
    }

    /// `GET /v1/audit/events` (scope `admin` or `auditor`): the newest audit events and whether the chain holds.
    func auditEvents(_ request: Request, context: SigilRequestContext) async throws -> Response {
        let events = try await service.compliance.audit.latest(limit: 500)
        let problems = try await service.compliance.audit.verify()
        return Self.json(
            .object([
                .init("chainIntact", .bool(problems.isEmpty)), .init("problems", .array(problems.map(JSONValue.string))),
                .init("events", .array(events.map(\.json))),
            ]))
    }

    /// `GET /v1/audit/export?from=&to=` (scope `admin` or `auditor`): the filing report, as JSON or (for
    /// `Accept: text/html`) the readable page.
    func auditExport(_ request: Request, context: SigilRequestContext) async throws -> Response {
        let key = try context.requireAPIKey()
        let query = request.uri.queryParameters
        guard let fromText = query["from"], let toText = query["to"] else { throw FieldError("from", "give from and to (dates, e.g. 2026-01-01)") }
        let export = try AuditExport(
            from: try RecordTime.parse(String(fromText), field: "from"), to: try RecordTime.parse(String(toText), field: "to"))
        try await service.compliance.tally.flush()
        let report = try await export.build(log: service.keeper.store, compliance: service.compliance, producer: service.producer.rawValue)
        try await service.compliance.audit.record(actor: Self.actor(key), action: "audit.export", subject: "\(export.from)/\(export.to)")
        if (request.headers[.accept] ?? "").contains("text/html") {
            return Response(
                status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: try AuditReportPage().render(report))))
        }
        return Self.json(report)
    }
}
