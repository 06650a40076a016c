import Foundation
import SQLKit
import SigilStore

/// The accounts: registration, identity checks, one-time phone codes, reviews, suspension — each change audited.
public struct AccountStore: Sendable {
    /// How long a one-time code stays valid.
    public static let codeLifetimeMilliseconds: Int64 = 5 * 60 * 1000
    /// Wrong codes allowed before a new one must be sent.
    public static let maximumCodeAttempts = 5
    /// Shortest interval between two codes for one account.
    public static let codeResendMilliseconds: Int64 = 30 * 1000

    let store: ComplianceDatabase
    let vault: PersonalDataVault

    public init(database: any LogDatabase, vault: PersonalDataVault) {
        store = ComplianceDatabase(database: database)
        self.vault = vault
    }

    /// Opens an account in `pending` (or `rejected` when the identity service found a mismatch).
    ///
    /// - Throws: ``SigilError`` `.conflict` when an account with the same identity number exists.
    public func create(
        _ application: AccountApplication, identityCheck: Account.IdentityCheck, checkReason: String? = nil,
        actor: String, now: RecordTime = .now()
    ) async throws -> Account {
        let id = Identifier.make("acc")
        let status: Account.Status = identityCheck == .mismatched ? .rejected : .pending
        let account = Account(
            id: id, kind: application.kind, status: status, nameMasked: Masking.name(application.name),
            phoneMasked: application.phone.masked, identityMasked: application.identityMasked, identityCheck: identityCheck,
            phoneConfirmedAt: nil, statusReason: checkReason, createdAt: now, updatedAt: now)
        let identityLookup = vault.lookup(application.kind.rawValue + ":" + application.identity, domain: "identity")
        let name = try vault.seal(application.name, context: SealedField.accountName.context(id))
        let phone = try vault.seal(application.phone.rawValue, context: SealedField.accountPhone.context(id))
        let identity = try vault.seal(application.identity, context: SealedField.accountIdentity.context(id))
        let phoneLookup = vault.lookup(application.phone.rawValue, domain: "phone")
        let dialect = store.dialect
        try await store.write("create an account") { db in
            if try await db.raw("SELECT id FROM accounts WHERE identity_lookup = \(bind: identityLookup)").first() != nil {
                throw SigilError(.conflict, "an account with this \(application.identityField) already exists")
            }
            try await db.insert(into: "accounts")
                .columns(
                    "id", "kind", "status", "name_sealed", "phone_sealed", "identity_sealed", "identity_lookup", "phone_lookup",
                    "name_masked", "phone_masked", "identity_masked", "identity_check", "phone_confirmed_at", "status_reason",
                    "created_at", "updated_at"
                )
                .values(
                    SQLBind(id), SQLBind(account.kind.rawValue), SQLBind(status.rawValue), SQLBind(Data(name)), SQLBind(Data(phone)),
                    SQLBind(Data(identity)), SQLBind(identityLookup), SQLBind(phoneLookup), SQLBind(account.nameMasked),
                    SQLBind(account.phoneMasked), SQLBind(account.identityMasked), SQLBind(identityCheck.rawValue),
                    SQLLiteral.null, SQLBind(checkReason), SQLBind(now.milliseconds), SQLBind(now.milliseconds)
                )
                .run()
            try await AuditLog.append(
                on: db, dialect: dialect, actor: actor, action: "account.create", subject: id,
                detail: ["kind": account.kind.rawValue, "identityCheck": identityCheck.rawValue, "status": status.rawValue], time: now)
        }
        return account
    }

    /// The account with `id`, or nil.
    public func get(_ id: String) async throws -> Account? {
        try await store.read("read an account") { db in
            try await db.raw("SELECT * FROM accounts WHERE id = \(bind: id)").first().map(Self.account(from:))
        }
    }

    /// The account with `id`.
    ///
    /// - Throws: ``SigilError`` `.notFound`.
    public func require(_ id: String) async throws -> Account {
        guard let account = try await get(id) else { throw SigilError(.notFound, "no account \(id.prefix(40))") }
        return account
    }

    /// Accounts, newest first, optionally only those in `status`.
    public func list(status: Account.Status? = nil, limit: Int = 200) async throws -> [Account] {
        try await store.read("list accounts") { db in
            if let status {
                return try await db.raw(
                    "SELECT * FROM accounts WHERE status = \(bind: status.rawValue) ORDER BY created_at DESC LIMIT \(bind: Int64(limit))"
                ).all().map(Self.account(from:))
            }
            return try await db.raw("SELECT * FROM accounts ORDER BY created_at DESC LIMIT \(bind: Int64(limit))").all().map(Self.account(from:))
        }
    }

    /// Counts by status.
    public func counts() async throws -> [String: Int] {
        try await store.read("count accounts") { db in
            var counts: [String: Int] = [:]
            for row in try await db.raw("SELECT status, COUNT(*) AS n FROM accounts GROUP BY status").all() {
                counts[try row.decode(column: "status", as: String.self)] = Int(try row.decode(column: "n", as: Int64.self))
            }
            return counts
        }
    }

    /// A reviewer's decision on a pending account: approve makes it verified, reject makes it rejected.
    ///
    /// - Throws: ``FieldError`` on `note` for a rejection without one; ``SigilError`` `.notFound`, or `.conflict` when
    ///   the account is not pending.
    public func review(_ id: String, approve: Bool, note: String?, actor: String, now: RecordTime = .now()) async throws -> Account {
        let note = try TextField.reviewNote(note, approve: approve)
        return try await transition(
            id, to: approve ? .verified : .rejected, from: [.pending], reason: note, actor: actor,
            action: "account.review", detail: ["decision": approve ? "approve" : "reject"], now: now)
    }

    /// Suspends a verified or pending account (DSP Art. 10 sanctions).
    public func suspend(_ id: String, reason: String, actor: String, now: RecordTime = .now()) async throws -> Account {
        try await transition(
            id, to: .suspended, from: [.verified, .pending], reason: reason, actor: actor, action: "account.suspend", detail: [:], now: now)
    }

    /// Lifts a suspension: the account is verified again.
    public func reinstate(_ id: String, note: String?, actor: String, now: RecordTime = .now()) async throws -> Account {
        try await transition(id, to: .verified, from: [.suspended], reason: note, actor: actor, action: "account.reinstate", detail: [:], now: now)
    }

    func transition(
        _ id: String, to target: Account.Status, from allowed: Set<Account.Status>, reason: String?, actor: String,
        action: String, detail: [String: String], now: RecordTime
    ) async throws -> Account {
        let dialect = store.dialect
        return try await store.write("change an account") { db in
            guard
                let row = try await db.raw("SELECT * FROM accounts WHERE id = \(bind: id)\(unsafeRaw: dialect == .postgres ? " FOR UPDATE" : "")")
                    .first()
            else {
                throw SigilError(.notFound, "no account \(id.prefix(40))")
            }
            var account = try Self.account(from: row)
            guard allowed.contains(account.status) else {
                throw SigilError(
                    .conflict,
                    "account \(id) is \(account.status.rawValue); \(action) needs it \(allowed.map(\.rawValue).sorted().joined(separator: " or "))")
            }
            try await db.raw(
                "UPDATE accounts SET status = \(bind: target.rawValue), status_reason = \(bind: reason), updated_at = \(bind: now.milliseconds) WHERE id = \(bind: id)"
            ).run()
            var details = detail
            details["from"] = account.status.rawValue
            details["to"] = target.rawValue
            if let reason { details["note"] = String(reason.prefix(500)) }
            try await AuditLog.append(on: db, dialect: dialect, actor: actor, action: action, subject: id, detail: details, time: now)
            account.status = target
            account.statusReason = reason
            account.updatedAt = now
            return account
        }
    }

    /// Records what the identity-verification service said; a match on an account whose phone is confirmed
    /// verifies it, a mismatch rejects it.
    public func recordIdentityCheck(_ id: String, _ check: Account.IdentityCheck, reason: String?, now: RecordTime = .now()) async throws -> Account {
        let dialect = store.dialect
        return try await store.write("record an identity check") { db in
            guard let row = try await db.raw("SELECT * FROM accounts WHERE id = \(bind: id)").first() else {
                throw SigilError(.notFound, "no account \(id.prefix(40))")
            }
            var account = try Self.account(from: row)
            account.identityCheck = check
            if account.status == .pending {
                if check == .mismatched {
                    account.status = .rejected
                    account.statusReason = reason
                }
                if check == .matched, account.phoneConfirmedAt != nil {
                    account.status = .verified
                    account.statusReason = "identity service match and phone confirmed"
                }
            }
            try await db.raw(
                "UPDATE accounts SET identity_check = \(bind: check.rawValue), status = \(bind: account.status.rawValue), status_reason = \(bind: account.statusReason), updated_at = \(bind: now.milliseconds) WHERE id = \(bind: id)"
            ).run()
            try await AuditLog.append(
                on: db, dialect: dialect, actor: "system", action: "account.identity-check", subject: id,
                detail: ["result": check.rawValue, "status": account.status.rawValue], time: now)
            account.updatedAt = now
            return account
        }
    }

    /// Makes a six-digit one-time code for the account's phone and returns it with the number to send it to.
    ///
    /// - Throws: ``SigilError`` `.notFound`; `.conflict` when the phone is already confirmed or a code was sent
    ///   less than 30 s ago.
    public func issuePhoneCode(_ id: String, now: RecordTime = .now()) async throws -> (code: String, phone: String) {
        var generator = SystemRandomNumberGenerator()
        let code = String(format: "%06d", Int.random(in: 0...999_999, using: &generator))
        let hash = vault.lookup(code, domain: "otp/\(id)")
        let vault = self.vault
        return try await store.write("issue a phone code") { db in
            guard let row = try await db.raw("SELECT * FROM accounts WHERE id = \(bind: id)").first() else {
                throw SigilError(.notFound, "no account \(id.prefix(40))")
            }
            let account = try Self.account(from: row)
            guard account.phoneConfirmedAt == nil else { throw SigilError(.conflict, "the phone of account \(id) is already confirmed") }
            if let last = try await db.raw("SELECT sent_at FROM phone_codes WHERE account_id = \(bind: id)").first(),
                now.milliseconds - (try last.decode(column: "sent_at", as: Int64.self)) < Self.codeResendMilliseconds
            {
                throw SigilError(.conflict, "a code was sent less than 30 s ago; wait before asking for another")
            }
            try await db.raw("DELETE FROM phone_codes WHERE account_id = \(bind: id)").run()
            try await db.insert(into: "phone_codes").columns("account_id", "code_hash", "expires_at", "attempts", "sent_at")
                .values(
                    SQLBind(id), SQLBind(hash), SQLBind(now.milliseconds + Self.codeLifetimeMilliseconds), SQLBind(Int64(0)),
                    SQLBind(now.milliseconds)
                )
                .run()
            let phone = try vault.open([UInt8](try row.decode(column: "phone_sealed", as: Data.self)), context: SealedField.accountPhone.context(id))
            return (code, phone)
        }
    }

    /// Checks a one-time code; the right one confirms the phone (and verifies the account when the identity
    /// service already matched).
    ///
    /// - Throws: ``FieldError`` on `code` when it is wrong, expired or used up; ``SigilError`` `.notFound`.
    public func confirmPhone(_ id: String, code: String, now: RecordTime = .now()) async throws -> Account {
        let given = vault.lookup(code.trimmingCharacters(in: .whitespaces), domain: "otp/\(id)")
        let dialect = store.dialect
        let outcome: Result<Account, FieldError> = try await store.write("confirm a phone") { db in
            guard let row = try await db.raw("SELECT * FROM accounts WHERE id = \(bind: id)").first() else {
                throw SigilError(.notFound, "no account \(id.prefix(40))")
            }
            var account = try Self.account(from: row)
            guard let pending = try await db.raw("SELECT code_hash, expires_at, attempts FROM phone_codes WHERE account_id = \(bind: id)").first()
            else {
                return .failure(FieldError("code", "no code was sent to this account, or it was used; ask for a new one"))
            }
            let attempts = try pending.decode(column: "attempts", as: Int64.self)
            guard now.milliseconds < (try pending.decode(column: "expires_at", as: Int64.self)) else {
                try await db.raw("DELETE FROM phone_codes WHERE account_id = \(bind: id)").run()
                return .failure(FieldError("code", "the code expired; ask for a new one"))
            }
            guard ConstantTime.equal(try pending.decode(column: "code_hash", as: String.self).utf8, given.utf8) else {
                if attempts + 1 >= Int64(Self.maximumCodeAttempts) {
                    try await db.raw("DELETE FROM phone_codes WHERE account_id = \(bind: id)").run()
                    return .failure(FieldError("code", "wrong code; that was the last attempt, ask for a new one"))
                }
                try await db.raw("UPDATE phone_codes SET attempts = \(bind: attempts + 1) WHERE account_id = \(bind: id)").run()
                return .failure(FieldError("code", "wrong code (\(Int64(Self.maximumCodeAttempts) - attempts - 1) attempts left)"))
            }
            try await db.raw("DELETE FROM phone_codes WHERE account_id = \(bind: id)").run()
            account.phoneConfirmedAt = now
            if account.status == .pending, account.identityCheck == .matched {
                account.status = .verified
                account.statusReason = "identity service match and phone confirmed"
            }
            try await db.raw(
                "UPDATE accounts SET phone_confirmed_at = \(bind: now.milliseconds), status = \(bind: account.status.rawValue), status_reason = \(bind: account.statusReason), updated_at = \(bind: now.milliseconds) WHERE id = \(bind: id)"
            ).run()
            try await AuditLog.append(
                on: db, dialect: dialect, actor: "public", action: "account.phone-confirm", subject: id,
                detail: ["status": account.status.rawValue], time: now)
            account.updatedAt = now
            return .success(account)
        }
        return try outcome.get()
    }

    /// The unmasked personal data (for an admin's lookup; the caller audits it).
    public func reveal(_ id: String) async throws -> (name: String, phone: String, identity: String) {
        let vault = self.vault
        return try await store.read("read an account") { db in
            guard let row = try await db.raw("SELECT name_sealed, phone_sealed, identity_sealed FROM accounts WHERE id = \(bind: id)").first() else {
                throw SigilError(.notFound, "no account \(id.prefix(40))")
            }
            func open(_ field: SealedField) throws -> String {
                try vault.open([UInt8](try row.decode(column: field.column, as: Data.self)), context: field.context(id))
            }
            return (try open(.accountName), try open(.accountPhone), try open(.accountIdentity))
        }
    }

    /// The account registered with an identity number (found by its keyed hash), if any.
    public func find(kind: Account.Kind, identity: String) async throws -> Account? {
        let lookup = vault.lookup(kind.rawValue + ":" + identity, domain: "identity")
        return try await store.read("find an account") { db in
            try await db.raw("SELECT * FROM accounts WHERE identity_lookup = \(bind: lookup)").first().map(Self.account(from:))
        }
    }

    static func account(from row: any SQLRow) throws -> Account {
        Account(
            id: try row.decode(column: "id", as: String.self),
            kind: Account.Kind(rawValue: try row.decode(column: "kind", as: String.self)) ?? .individual,
            status: Account.Status(rawValue: try row.decode(column: "status", as: String.self)) ?? .pending,
            nameMasked: try row.decode(column: "name_masked", as: String.self),
            phoneMasked: try row.decode(column: "phone_masked", as: String.self),
            identityMasked: try row.decode(column: "identity_masked", as: String.self),
            identityCheck: Account.IdentityCheck(rawValue: try row.decode(column: "identity_check", as: String.self)) ?? .manualReview,
            phoneConfirmedAt: try row.decode(column: "phone_confirmed_at", as: Int64?.self).map(RecordTime.init(milliseconds:)),
            statusReason: try row.decode(column: "status_reason", as: String?.self),
            createdAt: RecordTime(milliseconds: try row.decode(column: "created_at", as: Int64.self)),
            updatedAt: RecordTime(milliseconds: try row.decode(column: "updated_at", as: Int64.self)))
    }
}
