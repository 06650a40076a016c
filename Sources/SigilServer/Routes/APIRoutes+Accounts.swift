import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Sigil
import SigilAccess
import SigilCompliance

extension APIRoutes {
    /// The audit actor for a key.
    static func actor(_ key: APIKey) -> String { "apikey:\(key.id)" }

    /// `POST /v1/accounts` (scope `label` or `admin`): registers an account → 201 `{id, status, …}`.
    func createAccount(_ request: Request, context: SigilRequestContext) async throws -> Response {
        let key = try context.requireAPIKey()
        let body = try await JSONBody.read(request)
        try body.check(known: ["kind", "name", "phone", "idNumber", "uscc"])
        let application = try AccountApplication(
            kind: try body.string("kind"), name: try body.string("name"), phone: try body.string("phone"),
            idNumber: try body.string("idNumber"), uscc: try body.string("uscc"))
        let account = try await service.compliance.register(application, actor: Self.actor(key))
        return Self.json(account.json, status: .created, headers: [.location: "/v1/accounts/\(account.id)"])
    }

    /// `GET /v1/accounts/{id}` (scope `label`, `admin`, `reviewer` or `auditor`): the account, masked.
    func account(_ request: Request, context: SigilRequestContext) async throws -> Response {
        return Self.json(try await service.compliance.accounts.require(try context.parameters.require("id")).json)
    }

    /// `GET /v1/accounts?status=` (scope `admin`, `reviewer` or `auditor`): accounts, newest first.
    func accounts(_ request: Request, context: SigilRequestContext) async throws -> Response {
        let status = try request.uri.queryParameters["status"].map { text in
            guard let status = Account.Status(rawValue: String(text)) else {
                throw FieldError("status", "must be pending, verified, rejected or suspended")
            }
            return status
        }
        let list = try await service.compliance.accounts.list(status: status)
        return Self.json(.object([.init("accounts", .array(list.map(\.json)))]))
    }

    /// `POST /v1/accounts/{id}/phone/code` (scope `label`): sends a one-time code → 202 `{expiresAt}`.
    func sendPhoneCode(_ request: Request, context: SigilRequestContext) async throws -> Response {
        let expires = try await service.compliance.sendPhoneCode(try context.parameters.require("id"))
        return Self.json(.object([.init("sent", .bool(true)), .init("expiresAt", .string(expires.description))]), status: .accepted)
    }

    /// `POST /v1/accounts/{id}/phone/confirm` (scope `label`) `{code}`: confirms the phone.
    func confirmPhone(_ request: Request, context: SigilRequestContext) async throws -> Response {
        let body = try await JSONBody.read(request)
        try body.check(known: ["code"])
        guard let code = try body.string("code") else { throw FieldError("code", "is required") }
        return Self.json(try await service.compliance.accounts.confirmPhone(try context.parameters.require("id"), code: code).json)
    }

    /// `POST /v1/accounts/{id}/review` (scope `admin`) `{decision: "approve"|"reject", note}`.
    func reviewAccount(_ request: Request, context: SigilRequestContext) async throws -> Response {
        let key = try context.requireAPIKey()
        let (approve, note) = try await Self.reviewDecision(request)
        let account = try await service.compliance.accounts.review(
            try context.parameters.require("id"), approve: approve, note: note, actor: Self.actor(key))
        return Self.json(account.json)
    }

    /// A review's body, `{decision: approve|reject, note?}` (the stores require a note for a rejection).
    static func reviewDecision(_ request: Request) async throws -> (approve: Bool, note: String?) {
        let body = try await JSONBody.read(request)
        try body.check(known: ["decision", "note"])
        let approve: Bool
        switch try body.string("decision") {
        case "approve": approve = true
        case "reject": approve = false
        default: throw FieldError("decision", "must be approve or reject")
        }
        return (approve, try body.string("note"))
    }

    /// `POST /v1/accounts/{id}/suspend` (scope `admin`) `{reason}`.
    func suspendAccount(_ request: Request, context: SigilRequestContext) async throws -> Response {
        let key = try context.requireAPIKey()
        let body = try await JSONBody.read(request)
        try body.check(known: ["reason"])
        guard let reason = try body.string("reason"), !reason.isEmpty else { throw FieldError("reason", "is required") }
        return Self.json(
            try await service.compliance.accounts.suspend(try context.parameters.require("id"), reason: reason, actor: Self.actor(key)).json)
    }

    /// `POST /v1/accounts/{id}/reinstate` (scope `admin`) `{note}`.
    func reinstateAccount(_ request: Request, context: SigilRequestContext) async throws -> Response {
        let key = try context.requireAPIKey()
        let body = try await JSONBody.read(request)
        try body.check(known: ["note"])
        return Self.json(
            try await service.compliance.accounts.reinstate(
                try context.parameters.require("id"), note: try body.string("note"), actor: Self.actor(key)
            ).json)
    }

    // MARK: Consents

    /// `POST /v1/consents` (scope `label`) → 201 `{id, …}`.
    func createConsent(_ request: Request, context: SigilRequestContext) async throws -> Response {
        let key = try context.requireAPIKey()
        let body = try await JSONBody.read(request)
        try body.check(known: ["subjectName", "scope", "granteeAccount", "purpose", "evidenceSha256", "validUntil"])
        let consent = try await service.compliance.consents.grant(
            subjectName: try body.string("subjectName"), scope: try body.string("scope"), granteeAccount: try body.string("granteeAccount"),
            purpose: try body.string("purpose"), evidenceSHA256: try body.string("evidenceSha256"), validUntil: try body.string("validUntil"),
            accounts: service.compliance.accounts, actor: Self.actor(key))
        return Self.json(consent.json, status: .created, headers: [.location: "/v1/consents/\(consent.id)"])
    }

    /// `GET /v1/consents/{id}` (scope `label`, `admin`, `reviewer` or `auditor`).
    func consent(_ request: Request, context: SigilRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        guard let consent = try await service.compliance.consents.get(id) else { throw SigilError(.notFound, "no consent \(id.prefix(40))") }
        return Self.json(consent.json)
    }

    /// `DELETE /v1/consents/{id}` (scope `label` or `admin`): revokes at once.
    func revokeConsent(_ request: Request, context: SigilRequestContext) async throws -> Response {
        let key = try context.requireAPIKey()
        return Self.json(try await service.compliance.consents.revoke(try context.parameters.require("id"), actor: Self.actor(key)).json)
    }

    /// `PUT /v1/consents/{id}/evidence` (scope `label` or `admin`): the signed form or recording itself, checked
    /// against the registered SHA-256 (422 when it was changed).
    func consentEvidence(_ request: Request, context: SigilRequestContext) async throws -> Response {
        let key = try context.requireAPIKey()
        let limit = service.configuration.maxBodyBytes
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
            throw APIError(.contentTooLarge, "too-large", "the evidence file is \(length) bytes, over the server's \(limit)-byte limit")
        }
        let buffer = try await request.body.collect(upTo: limit)
        guard buffer.readableBytes > 0 else { throw FieldError("evidence", "the body is empty; send the signed form or recording") }
        let consent = try await service.compliance.consents.attachEvidence(
            try context.parameters.require("id"), bytes: Array(buffer: buffer), actor: Self.actor(key))
        return Self.json(consent.json)
    }

    // MARK: Generations

    /// `POST /v1/generations` (scope `label`) `{account, category, prompt, consent?}` → 200
    /// `{decision, reasons, generationId?}`.
    func authorizeGeneration(_ request: Request, context: SigilRequestContext) async throws -> Response {
        let body = try await JSONBody.read(request)
        try body.check(known: ["account", "category", "prompt", "consent"])
        let generation = try await service.compliance.authorize(
            account: try body.string("account"), category: try body.string("category"),
            prompt: try body.string("prompt"), consent: try body.string("consent"))
        service.metrics.generation(decision: generation.decision.rawValue)
        return Self.json(generation.json)
    }

    /// `GET /v1/generations/{id}` (scope `label`, `admin`, `reviewer` or `auditor`): the decision as it stands now.
    func generation(_ request: Request, context: SigilRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        guard let generation = try await service.compliance.generations.get(id) else { throw SigilError(.notFound, "no generation \(id.prefix(40))") }
        return Self.json(generation.json)
    }

    /// `GET /v1/generations/held` (scope `reviewer` or `admin`): generations held by a screening `review` rule,
    /// oldest first, each with its prompt for the reviewer to read.
    func heldGenerations(_ request: Request, context: SigilRequestContext) async throws -> Response {
        let held = try await service.compliance.generations.held()
        return Self.json(
            .object([
                .init(
                    "held",
                    .array(
                        held.map { item in
                            item.generation.json.appending([
                                .init("account", .string(item.generation.account)), .init("prompt", .string(item.prompt)),
                                .init("createdAt", .string(item.generation.createdAt.description)),
                            ])
                        }))
            ]))
    }

    /// `POST /v1/generations/{id}/review` (scope `reviewer` or `admin`) `{decision: approve|reject, note?}`: decides
    /// a held generation; approving opens its 24-hour labeling window.
    func reviewGeneration(_ request: Request, context: SigilRequestContext) async throws -> Response {
        let key = try context.requireAPIKey()
        let (approve, note) = try await Self.reviewDecision(request)
        let generation = try await service.compliance.generations.review(
            try context.parameters.require("id"), approve: approve, note: note, actor: Self.actor(key))
        return Self.json(generation.json)
    }
}
