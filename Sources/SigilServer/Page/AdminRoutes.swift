import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import Mustache
import NIOCore
import Sigil
import SigilAccess
import SigilCompliance

/// The admin pages under `/admin`: sign in with an API key (admin, reviewer or auditor), then the real-name review
/// queue (admins decide), held prompts (reviewers decide), the consents of depicted people (admins revoke), the
/// screening hits, the complaints queue with deadlines (reviewers and admins move them), and the audit trail and
/// filing report (auditors and admins). Every action goes through the same stores as the API and lands
/// in the audit log.
///
/// The session is the API key itself in an `HttpOnly`, `SameSite=Strict` cookie scoped to `/admin`; every form
/// carries a token derived from it, so another site can neither read the key nor post a form with it.
struct AdminRoutes: Sendable {
    static let cookie = "sigil_admin"
    let service: SigilService
    var template: MustacheTemplate { service.adminTemplate }

    struct Session {
        var key: APIKey
        var token: String
        var csrf: String
    }

    static func csrf(for token: String) -> String {
        LowerHex.encode(Array(SHA256.hash(data: Array("sigil/admin/csrf\n\(token)".utf8))).prefix(16))
    }

    /// The signed-in key, or nil.
    func session(_ request: Request) async throws -> Session? {
        guard let value = request.cookies[Self.cookie]?.value, let token = APIKeyToken(parsing: value),
            let key = try await service.keyCache.authenticate(token),
            key.allows(.admin) || key.allows(.reviewer) || key.allows(.auditor)
        else { return nil }
        return Session(key: key, token: value, csrf: Self.csrf(for: value))
    }

    /// The session of a form post, with its CSRF token checked.
    func formSession(_ request: Request) async throws -> (Session, FormBody)? {
        guard let session = try await session(request) else { return nil }
        let form = try await FormBody.read(request)
        guard let given = form["csrf"], given == session.csrf else {
            throw APIError(.forbidden, "forbidden", "the form's token is missing or stale; reload the page")
        }
        return (session, form)
    }

    func page(_ model: [String: Any], session: Session?, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        var model = model
        // Strings are sequences to Mustache: a section over one would repeat per character, so sections test flags.
        model["hasError"] = (model["error"] as? String).map { !$0.isEmpty } ?? false
        model["hasFlash"] = (model["flash"] as? String).map { !$0.isEmpty } ?? false
        if let session {
            model["signedIn"] = true
            model["keyName"] = session.key.name
            model["keyScopes"] = session.key.scopes.map(\.rawValue).joined(separator: ", ")
            model["csrf"] = session.csrf
            model["isAdmin"] = session.key.allows(.admin)
            model["canReview"] = session.key.allows(.reviewer)
            model["canAudit"] = session.key.allows(.auditor)
        }
        var fields = headers
        fields[.contentType] = "text/html; charset=utf-8"
        fields[.cacheControl] = "no-store"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(string: template.render(model))))
    }

    static func redirect(_ location: String, cookie: Cookie? = nil) -> Response {
        var response = Response(status: .seeOther, headers: [.location: location])
        if let cookie { response.setCookie(cookie) }
        return response
    }

    /// The session cookie: readable by no script, sent by no other site, only under `/admin`.
    static func sessionCookie(_ value: String, maxAge: Int? = nil) -> Cookie {
        Cookie(name: cookie, value: value, maxAge: maxAge, path: "/admin", httpOnly: true, sameSite: .strict)
    }

    // MARK: Routes

    /// `GET /admin`: the sign-in form, or the overview.
    func index(_ request: Request, context: SigilRequestContext) async throws -> Response {
        guard let session = try await session(request) else { return page(["login": true], session: nil) }
        let counts = try await service.compliance.accounts.counts()
        let open = try await service.compliance.complaints.list(openOnly: true)
        let held = try await service.compliance.generations.held().count
        let now = RecordTime.now()
        return page(
            [
                "overview": true, "pending": counts["pending"] ?? 0, "verified": counts["verified"] ?? 0, "held": held,
                "openReports": open.count, "overdueReports": open.filter { $0.isOverdue(at: now) }.count,
            ], session: session)
    }

    /// `POST /admin/login` (form: `token`).
    func login(_ request: Request, context: SigilRequestContext) async throws -> Response {
        let form = try await FormBody.read(request)
        guard let text = form["token"]?.trimmingCharacters(in: .whitespaces), let token = APIKeyToken(parsing: text),
            let key = try await service.keyCache.authenticate(token),
            key.allows(.admin) || key.allows(.reviewer) || key.allows(.auditor)
        else {
            return page(
                ["login": true, "error": "The key is unknown, revoked, or lacks the admin, reviewer or auditor scope."], session: nil,
                status: .unauthorized)
        }
        try await service.compliance.audit.record(actor: APIRoutes.actor(key), action: "admin.sign-in", subject: key.id)
        return Self.redirect("/admin", cookie: Self.sessionCookie(text))
    }

    /// `POST /admin/logout`.
    func logout(_ request: Request, context: SigilRequestContext) async throws -> Response {
        Self.redirect("/admin", cookie: Self.sessionCookie("", maxAge: 0))
    }

    /// `GET /admin/accounts`: the pending queue (and the latest decided accounts).
    func accounts(_ request: Request, context: SigilRequestContext) async throws -> Response {
        guard let session = try await session(request) else { return Self.redirect("/admin") }
        let pending = try await service.compliance.accounts.list(status: .pending)
        let recent = try await service.compliance.accounts.list(limit: 50).filter { $0.status != .pending }
        func row(_ a: Account) -> [String: Any] {
            [
                "id": a.id, "kind": a.kind.rawValue, "name": a.nameMasked, "phone": a.phoneMasked, "identity": a.identityMasked,
                "identityCheck": a.identityCheck.rawValue, "phoneConfirmed": a.phoneConfirmedAt != nil, "status": a.status.rawValue,
                "reason": a.statusReason ?? "", "created": a.createdAt.description,
            ]
        }
        return page(
            [
                "accountsPage": true, "pendingAccounts": pending.map(row), "noPending": pending.isEmpty, "recentAccounts": recent.map(row),
                "flash": request.uri.queryParameters["done"].map { "Account \($0) updated." } ?? "",
            ], session: session)
    }

    /// A review form, checked: the page's token, `scope` on the key, and `decision` approve or reject (the stores
    /// require a note for a rejection). Nil when nobody is signed in.
    func reviewForm(_ request: Request, context: SigilRequestContext, scope: APIKey.Scope, refusal: String)
        async throws -> (session: Session, id: String, approve: Bool, note: String?)?
    {
        guard let (session, form) = try await formSession(request) else { return nil }
        guard session.key.allows(scope) else { throw APIError.forbidden(refusal) }
        let approve = form["decision"] == "approve"
        guard approve || form["decision"] == "reject" else { throw FieldError("decision", "must be approve or reject") }
        return (session, try context.parameters.require("id"), approve, form["note"])
    }

    /// `POST /admin/accounts/{id}/review` (form: `decision`, `note`, `csrf`; admins only).
    func review(_ request: Request, context: SigilRequestContext) async throws -> Response {
        guard let form = try await reviewForm(request, context: context, scope: .admin, refusal: "reviewing accounts needs the admin scope") else {
            return Self.redirect("/admin")
        }
        _ = try await service.compliance.accounts.review(form.id, approve: form.approve, note: form.note, actor: APIRoutes.actor(form.session.key))
        return Self.redirect("/admin/accounts?done=\(form.id)")
    }

    /// `GET /admin/generations`: generations held by a screening `review` rule, oldest first, with their prompts.
    func generations(_ request: Request, context: SigilRequestContext) async throws -> Response {
        guard let session = try await session(request) else { return Self.redirect("/admin") }
        guard session.key.allows(.reviewer) else { throw APIError.forbidden("held generations need the reviewer scope") }
        let held = try await service.compliance.generations.held()
        let rows: [[String: Any]] = held.map { item in
            [
                "id": item.generation.id, "account": item.generation.account, "category": item.generation.category.contractName,
                "prompt": item.prompt, "reasons": item.generation.reasons.joined(separator: "; "), "created": item.generation.createdAt.description,
            ]
        }
        return page(
            [
                "generationsPage": true, "held": rows, "noHeld": rows.isEmpty,
                "flash": request.uri.queryParameters["done"].map { "Generation \($0) decided." } ?? "",
            ], session: session)
    }

    /// `POST /admin/generations/{id}/review` (form: `decision`, `note`, `csrf`; reviewers and admins).
    func reviewGeneration(_ request: Request, context: SigilRequestContext) async throws -> Response {
        guard
            let form = try await reviewForm(
                request, context: context, scope: .reviewer, refusal: "deciding held generations needs the reviewer scope")
        else {
            return Self.redirect("/admin")
        }
        _ = try await service.compliance.generations.review(form.id, approve: form.approve, note: form.note, actor: APIRoutes.actor(form.session.key))
        return Self.redirect("/admin/generations?done=\(form.id)")
    }

    /// `GET /admin/consents`: the newest consents of depicted people, live or not (reviewers, auditors and admins;
    /// admins can revoke).
    func consents(_ request: Request, context: SigilRequestContext) async throws -> Response {
        guard let session = try await session(request) else { return Self.redirect("/admin") }
        let now = RecordTime.now()
        let rows: [[String: Any]] = try await service.compliance.consents.list(limit: 200).map { c in
            let state = c.state(at: now)
            return [
                "id": c.id, "subject": c.subjectMasked, "scope": c.scope.rawValue, "grantee": c.granteeAccount, "purpose": c.purpose,
                "evidence": c.evidenceSHA256, "evidenceChecked": c.evidenceCheckedAt != nil, "validUntil": c.validUntil.description,
                "created": c.createdAt.description, "live": state == .live,
                "status": c.revokedAt.map { "revoked \($0)" } ?? state.rawValue,
            ]
        }
        return page(
            [
                "consentsPage": true, "consents": rows, "noConsents": rows.isEmpty,
                "flash": request.uri.queryParameters["revoked"].map { "Consent \($0) revoked." } ?? "",
            ], session: session)
    }

    /// `POST /admin/consents/{id}/revoke` (form: `csrf`; admins only): revokes at once, as `DELETE /v1/consents/{id}`.
    func revokeConsent(_ request: Request, context: SigilRequestContext) async throws -> Response {
        guard let (session, _) = try await formSession(request) else { return Self.redirect("/admin") }
        guard session.key.allows(.admin) else { throw APIError.forbidden("revoking a consent needs the admin scope") }
        let id = try context.parameters.require("id")
        _ = try await service.compliance.consents.revoke(id, actor: APIRoutes.actor(session.key))
        return Self.redirect("/admin/consents?revoked=\(id)")
    }

    /// `GET /admin/screening`: the newest screening hits (which rule matched at which stage; never the text itself).
    func screening(_ request: Request, context: SigilRequestContext) async throws -> Response {
        guard let session = try await session(request) else { return Self.redirect("/admin") }
        let rows: [[String: Any]] = try await service.compliance.screening.logged(limit: 200).map { hit in
            [
                "time": hit.time.description, "stage": hit.stage, "subject": hit.subject, "category": hit.category, "kind": hit.kind,
                "action": hit.action, "rule": "\(hit.ruleVersion)/\(hit.rule)",
            ]
        }
        return page(["screeningPage": true, "hits": rows, "noHits": rows.isEmpty], session: session)
    }

    /// `GET /admin/reports`: open complaints by deadline, overdue first in red.
    func reports(_ request: Request, context: SigilRequestContext) async throws -> Response {
        guard let session = try await session(request) else { return Self.redirect("/admin") }
        let now = RecordTime.now()
        let list = try await service.compliance.complaints.list()
        let rows: [[String: Any]] = list.map { c in
            [
                "id": c.id, "kind": c.kind.rawValue, "category": c.category, "description": String(c.description.prefix(300)),
                "status": c.status.rawValue,
                "due": c.dueAt.description, "overdue": c.isOverdue(at: now), "open": !c.status.isClosed, "received": c.status == .received,
                "reviewing": c.status == .reviewing, "response": c.response ?? "",
            ]
        }
        return page(
            ["reportsPage": true, "reports": rows, "noReports": rows.isEmpty, "responseDays": service.compliance.complaints.responseDays],
            session: session)
    }

    /// `POST /admin/reports/{id}/status` (form: `status`, `response`, `csrf`; reviewers and admins).
    func moveReport(_ request: Request, context: SigilRequestContext) async throws -> Response {
        guard let (session, form) = try await formSession(request) else { return Self.redirect("/admin") }
        guard session.key.allows(.reviewer) else { throw APIError.forbidden("handling complaints needs the reviewer scope") }
        guard let status = form["status"].flatMap(Complaint.Status.init(rawValue:)) else {
            throw FieldError("status", "must be reviewing, resolved or rejected")
        }
        _ = try await service.compliance.complaints.transition(
            try context.parameters.require("id"), to: status, response: form["response"], note: nil,
            actor: APIRoutes.actor(session.key))
        return Self.redirect("/admin/reports")
    }

    /// `GET /admin/audit`: the newest audit events, the chain check, and the export form.
    func audit(_ request: Request, context: SigilRequestContext) async throws -> Response {
        guard let session = try await session(request) else { return Self.redirect("/admin") }
        guard session.key.allows(.auditor) else { throw APIError.forbidden("the audit trail needs the auditor scope") }
        let events = try await service.compliance.audit.latest(limit: 200)
        let problems = try await service.compliance.audit.verify()
        let rows: [[String: Any]] = events.map { e in
            [
                "sequence": String(e.sequence), "time": e.time.description, "actor": e.actor, "action": e.action, "subject": e.subject,
                "detail": e.detail.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "),
            ]
        }
        let today = String(RecordTime.now().description.prefix(10))
        return page(["auditPage": true, "events": rows, "chainIntact": problems.isEmpty, "problems": problems, "today": today], session: session)
    }

    /// `GET /admin/audit/export?from=&to=`: the readable filing report.
    func export(_ request: Request, context: SigilRequestContext) async throws -> Response {
        guard let session = try await session(request) else { return Self.redirect("/admin") }
        guard session.key.allows(.auditor) else { throw APIError.forbidden("the filing report needs the auditor scope") }
        let query = request.uri.queryParameters
        let export = try AuditExport(
            from: try RecordTime.parse(String(query["from"] ?? ""), field: "from"),
            to: try RecordTime.parse(String(query["to"] ?? ""), field: "to"))
        try await service.compliance.tally.flush()
        let report = try await export.build(log: service.keeper.store, compliance: service.compliance, producer: service.producer.rawValue)
        try await service.compliance.audit.record(actor: APIRoutes.actor(session.key), action: "audit.export", subject: "\(export.from)/\(export.to)")
        return Response(
            status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: try AuditReportPage().render(report))))
    }
}
