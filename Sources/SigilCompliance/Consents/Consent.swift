import Crypto
import Foundation
import SQLKit
import SigilStore

/// A depicted person's own, separate grant (DSP Art. 14) letting one account edit their face or voice for a purpose,
/// until a date, evidenced by the hash of a signed form or recording.
public struct Consent: Sendable, Hashable {
    /// Which biometric the grant covers.
    public enum Scope: String, Sendable, Hashable, CaseIterable {
        case face
        case voice
    }

    public var id: String
    public var subjectMasked: String
    public var scope: Scope
    /// The account allowed to edit.
    public var granteeAccount: String
    public var purpose: String
    /// SHA-256 of the signed form or recording, hex.
    public var evidenceSHA256: String
    /// When the evidence file itself was checked against the hash.
    public var evidenceCheckedAt: RecordTime?
    public var validUntil: RecordTime
    public var createdAt: RecordTime
    public var revokedAt: RecordTime?

    /// Why the consent does not cover a `scope` edit by `account` at `time`, or nil when it does.
    public func refusal(scope wanted: Scope, account: String, at time: RecordTime) -> String? {
        if let revokedAt { return "consent \(id) was revoked at \(revokedAt)" }
        if time >= validUntil { return "consent \(id) expired at \(validUntil)" }
        if scope != wanted { return "consent \(id) covers \(scope.rawValue) editing, not \(wanted.rawValue)" }
        if granteeAccount != account { return "consent \(id) was granted to another account" }
        return nil
    }

    /// Where a consent stands at `time`.
    public enum State: String, Sendable, Hashable {
        case live, expired, revoked
    }

    /// Revoked, expired, or live at `time`.
    public func state(at time: RecordTime) -> State {
        revokedAt != nil ? .revoked : (time < validUntil ? .live : .expired)
    }

    public var json: JSONValue {
        var members: [JSONValue.Member] = [
            .init("id", .string(id)), .init("subjectName", .string(subjectMasked)), .init("scope", .string(scope.rawValue)),
            .init("granteeAccount", .string(granteeAccount)), .init("purpose", .string(purpose)),
            .init("evidenceSha256", .string(evidenceSHA256)),
            .init("evidenceChecked", .bool(evidenceCheckedAt != nil)),
            .init("validUntil", .string(validUntil.description)), .init("createdAt", .string(createdAt.description)),
            .init("status", .string(state(at: .now()).rawValue)),
        ]
        if let revokedAt { members.append(.init("revokedAt", .string(revokedAt.description))) }
        return .object(members)
    }
}

/// The consent registry: grants, evidence checks and revocations, each audited.
public struct ConsentStore: Sendable {
    let store: ComplianceDatabase
    let vault: PersonalDataVault

    public init(database: any LogDatabase, vault: PersonalDataVault) {
        store = ComplianceDatabase(database: database)
        self.vault = vault
    }

    /// Registers a grant.
    ///
    /// - Throws: ``FieldError`` naming a bad field (`subjectName`, `scope`, `granteeAccount`, `purpose`,
    ///   `evidenceSha256`, `validUntil` — which must be in the future); ``SigilError`` `.refused` when the grantee
    ///   is not a verified account.
    public func grant(
        subjectName: String?, scope: String?, granteeAccount: String?, purpose: String?, evidenceSHA256: String?,
        validUntil: String?, accounts: AccountStore, actor: String, now: RecordTime = .now()
    ) async throws -> Consent {
        let subject = try TextField.require(subjectName, field: "subjectName", limit: 128)
        guard let scopeText = scope else { throw FieldError("scope", "is required: face or voice") }
        guard let scope = Consent.Scope(rawValue: scopeText) else { throw FieldError("scope", "must be face or voice") }
        let grantee = try TextField.require(granteeAccount, field: "granteeAccount", limit: 64)
        let purpose = try TextField.require(purpose, field: "purpose", limit: 1000)
        guard let evidence = evidenceSHA256?.lowercased(), evidence.count == 64, LowerHex.decode(evidence) != nil else {
            throw FieldError("evidenceSha256", "must be the SHA-256 of the signed form or recording: 64 hex digits")
        }
        guard let untilText = validUntil else { throw FieldError("validUntil", "is required") }
        let until = try RecordTime.parse(untilText, field: "validUntil")
        guard now < until else { throw FieldError("validUntil", "\(until) is not in the future: the consent would already be expired") }
        guard let account = try await accounts.get(grantee) else { throw FieldError("granteeAccount", "no account \(grantee.prefix(40))") }
        if let refusal = account.refusal { throw SigilError(.refused, refusal) }
        let id = Identifier.make("con")
        let consent = Consent(
            id: id, subjectMasked: Masking.name(subject), scope: scope, granteeAccount: grantee, purpose: purpose,
            evidenceSHA256: evidence, evidenceCheckedAt: nil, validUntil: until, createdAt: now, revokedAt: nil)
        let sealed = try vault.seal(subject, context: SealedField.consentSubject.context(id))
        let dialect = store.dialect
        try await store.write("register a consent") { db in
            try await db.insert(into: "consents")
                .columns(
                    "id", "subject_sealed", "subject_masked", "scope", "grantee_account", "purpose", "evidence_sha256",
                    "evidence_checked_at", "valid_until", "created_at", "revoked_at"
                )
                .values(
                    SQLBind(id), SQLBind(Data(sealed)), SQLBind(consent.subjectMasked), SQLBind(scope.rawValue), SQLBind(grantee),
                    SQLBind(purpose), SQLBind(evidence), SQLLiteral.null, SQLBind(until.milliseconds), SQLBind(now.milliseconds), SQLLiteral.null
                )
                .run()
            try await AuditLog.append(
                on: db, dialect: dialect, actor: actor, action: "consent.grant", subject: id,
                detail: ["scope": scope.rawValue, "grantee": grantee, "validUntil": until.description, "evidenceSha256": evidence], time: now)
        }
        return consent
    }

    /// Checks the evidence file against the registered hash and records that it matched.
    ///
    /// - Throws: ``FieldError`` on `evidence` when the bytes do not hash to `evidenceSha256` (a changed form);
    ///   ``SigilError`` `.notFound`.
    public func attachEvidence(_ id: String, bytes: [UInt8], actor: String, now: RecordTime = .now()) async throws -> Consent {
        let digest = LowerHex.encode(Array(SHA256.hash(data: bytes)))
        let dialect = store.dialect
        // A mismatch is audited too, so the transaction commits and the error is thrown after it.
        let outcome: Result<Consent, FieldError> = try await store.write("check consent evidence") { db in
            guard let row = try await db.raw("SELECT * FROM consents WHERE id = \(bind: id)").first() else {
                throw SigilError(.notFound, "no consent \(id.prefix(40))")
            }
            var consent = try Self.consent(from: row)
            guard ConstantTime.equal(digest.utf8, consent.evidenceSHA256.utf8) else {
                try await AuditLog.append(
                    on: db, dialect: dialect, actor: actor, action: "consent.evidence-mismatch", subject: id,
                    detail: ["given": digest, "registered": consent.evidenceSHA256], time: now)
                return .failure(
                    FieldError(
                        "evidence",
                        "the file's SHA-256 is \(digest), but the consent registered \(consent.evidenceSHA256): the form or recording is not the one consented to"
                    ))
            }
            try await db.raw("UPDATE consents SET evidence_checked_at = \(bind: now.milliseconds) WHERE id = \(bind: id)").run()
            try await AuditLog.append(
                on: db, dialect: dialect, actor: actor, action: "consent.evidence-checked", subject: id, detail: ["sha256": digest], time: now)
            consent.evidenceCheckedAt = now
            return .success(consent)
        }
        return try outcome.get()
    }

    /// Revokes a consent at once: generations citing it are denied from now on.
    ///
    /// - Throws: ``SigilError`` `.notFound`, or `.conflict` when already revoked.
    public func revoke(_ id: String, actor: String, now: RecordTime = .now()) async throws -> Consent {
        let dialect = store.dialect
        return try await store.write("revoke a consent") { db in
            guard let row = try await db.raw("SELECT * FROM consents WHERE id = \(bind: id)").first() else {
                throw SigilError(.notFound, "no consent \(id.prefix(40))")
            }
            var consent = try Self.consent(from: row)
            guard consent.revokedAt == nil else { throw SigilError(.conflict, "consent \(id) is already revoked") }
            try await db.raw("UPDATE consents SET revoked_at = \(bind: now.milliseconds) WHERE id = \(bind: id)").run()
            try await AuditLog.append(
                on: db, dialect: dialect, actor: actor, action: "consent.revoke", subject: id, detail: ["scope": consent.scope.rawValue], time: now)
            consent.revokedAt = now
            return consent
        }
    }

    public func get(_ id: String) async throws -> Consent? {
        try await store.read("read a consent") { db in
            try await db.raw("SELECT * FROM consents WHERE id = \(bind: id)").first().map(Self.consent(from:))
        }
    }

    /// The newest consents, newest first.
    public func list(limit: Int = 100) async throws -> [Consent] {
        try await store.read("list consents") { db in
            try await db.raw("SELECT * FROM consents ORDER BY created_at DESC, id DESC LIMIT \(bind: Int64(limit))").all().map(Self.consent(from:))
        }
    }

    /// Counts of consents created in `[from, to)` and revoked in it, by scope.
    public func statistics(from: RecordTime, to: RecordTime) async throws -> JSONValue {
        try await store.read("count consents") { db in
            var granted: [JSONValue.Member] = []
            for row in try await db.raw(
                "SELECT scope, COUNT(*) AS n FROM consents WHERE created_at >= \(bind: from.milliseconds) AND created_at < \(bind: to.milliseconds) GROUP BY scope ORDER BY scope"
            ).all() {
                granted.append(.init(try row.decode(column: "scope", as: String.self), .number(String(try row.decode(column: "n", as: Int64.self)))))
            }
            let revoked =
                try await db.raw(
                    "SELECT COUNT(*) AS n FROM consents WHERE revoked_at >= \(bind: from.milliseconds) AND revoked_at < \(bind: to.milliseconds)"
                ).first()?.decode(column: "n", as: Int64.self) ?? 0
            let live =
                try await db.raw(
                    "SELECT COUNT(*) AS n FROM consents WHERE revoked_at IS NULL AND valid_until > \(bind: to.milliseconds) AND created_at < \(bind: to.milliseconds)"
                ).first()?.decode(column: "n", as: Int64.self) ?? 0
            return .object([
                .init("granted", .object(granted)), .init("revoked", .number(String(revoked))), .init("liveAtEnd", .number(String(live))),
            ])
        }
    }

    static func consent(from row: any SQLRow) throws -> Consent {
        Consent(
            id: try row.decode(column: "id", as: String.self),
            subjectMasked: try row.decode(column: "subject_masked", as: String.self),
            scope: Consent.Scope(rawValue: try row.decode(column: "scope", as: String.self)) ?? .face,
            granteeAccount: try row.decode(column: "grantee_account", as: String.self),
            purpose: try row.decode(column: "purpose", as: String.self),
            evidenceSHA256: try row.decode(column: "evidence_sha256", as: String.self),
            evidenceCheckedAt: try row.decode(column: "evidence_checked_at", as: Int64?.self).map(RecordTime.init(milliseconds:)),
            validUntil: RecordTime(milliseconds: try row.decode(column: "valid_until", as: Int64.self)),
            createdAt: RecordTime(milliseconds: try row.decode(column: "created_at", as: Int64.self)),
            revokedAt: try row.decode(column: "revoked_at", as: Int64?.self).map(RecordTime.init(milliseconds:)))
    }
}
