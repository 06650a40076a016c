import Crypto
import Foundation
import SQLKit
import SigilCore
import SigilKeys
import SigilStore

/// Replaces the personal-data key: every sealed field is opened with the old key and sealed with a new one, and
/// every keyed lookup hash recomputed, in one database transaction, so the database never holds a mix.
///
/// The key files change around that transaction so that a crash at any point can be finished by running the
/// rotation again (``rotate(keystore:actor:)``):
/// 1. the new key is written to `compliance/pii.key.next`;
/// 2. the transaction re-seals the rows, clears pending phone codes (their hashes are keyed) and appends a
///    `pii.rotate` audit event naming both keys' fingerprints;
/// 3. the old key is kept as `compliance/pii-retired-FINGERPRINT.key` (backups taken before the rotation need it;
///    destroy it when they expire), the new one replaces `compliance/pii.key`, and the `.next` file goes.
///
/// While `.next` exists, ``PersonalDataVault/load(from:)`` refuses to open the vault, so no server starts on a key
/// that may no longer match its rows. Stop every server before rotating: one still running keeps sealing with the
/// old key.
public struct PersonalDataRotation: Sendable {
    /// The keystore item of a key being introduced.
    public static let nextKeyItem = PersonalDataVault.keyItem + ".next"

    /// What one rotation changed.
    public struct Outcome: Sendable, Hashable {
        /// Rows re-sealed, by table.
        public var accounts = 0
        public var consents = 0
        public var generations = 0
        public var complaints = 0
        /// Pending phone codes dropped (their holders ask for a new one).
        public var phoneCodesCleared = 0
        /// ``PersonalDataVault/fingerprint`` of the key replaced and of its replacement.
        public var oldFingerprint = ""
        public var newFingerprint = ""
        /// Where the old key was kept.
        public var retiredKeyPath = ""
        /// Whether this run finished an interrupted rotation instead of starting one.
        public var resumed = false

        /// The outcome as `sigil pii rotate --json` prints it.
        public var json: JSONValue {
            .object([
                .init("accounts", .int(accounts)), .init("consents", .int(consents)), .init("generations", .int(generations)),
                .init("complaints", .int(complaints)), .init("phoneCodesCleared", .int(phoneCodesCleared)),
                .init("oldFingerprint", .string(oldFingerprint)), .init("newFingerprint", .string(newFingerprint)),
                .init("retiredKey", .string(retiredKeyPath)), .init("resumed", .bool(resumed)),
            ])
        }
    }

    let store: ComplianceDatabase

    /// A rotation of the personal data in `database`.
    public init(database: any LogDatabase) {
        store = ComplianceDatabase(database: database)
    }

    /// Rotates the key in `keystore` for the rows in this database, or finishes a rotation a crash interrupted.
    ///
    /// - Parameter actor: who rotates, for the audit event.
    ///
    /// - Throws: ``SigilError`` `.invalidKey` when the current key does not open the stored data (nothing is
    ///   changed then), `.io` for the key files, `.store` for the database.
    public func rotate(keystore: Keystore, actor: String) async throws -> Outcome {
        let currentItem = PersonalDataVault.keyItem
        guard keystore.contains(currentItem) else {
            throw SigilError(
                .io, "there is no personal-data key (\(currentItem)) in \(keystore.directory) to rotate", path: keystore.path(of: currentItem))
        }
        let currentBytes = try keystore.read(currentItem)
        let current = try PersonalDataVault(keyFile: currentBytes, name: currentItem, keystore: keystore)
        if keystore.contains(Self.nextKeyItem) {
            let nextBytes = try keystore.read(Self.nextKeyItem)
            let next = try PersonalDataVault(keyFile: nextBytes, name: Self.nextKeyItem, keystore: keystore)
            let nextOpens = try await opensStoredData(next)
            let currentOpens = try await opensStoredData(current)
            if nextOpens && !currentOpens {
                // The transaction committed; only the file swap is left.
                var outcome = Outcome(oldFingerprint: current.fingerprint, newFingerprint: next.fingerprint, resumed: true)
                outcome.retiredKeyPath = try Self.swapFiles(keystore: keystore, old: current, oldBytes: currentBytes, newBytes: nextBytes)
                return outcome
            }
            guard currentOpens else {
                throw SigilError(
                    .invalidKey, "neither \(currentItem) nor \(Self.nextKeyItem) opens the stored personal data; nothing was changed",
                    path: keystore.path(of: currentItem))
            }
            // The transaction never committed: start over with a fresh key.
            try keystore.remove(Self.nextKeyItem)
        }
        let newBytes = Array((LowerHex.encode(SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }) + "\n").utf8)
        let replacement = try PersonalDataVault(keyFile: newBytes, name: Self.nextKeyItem, keystore: keystore)
        try keystore.write(Self.nextKeyItem, newBytes)
        var outcome: Outcome
        do {
            outcome = try await reseal(from: current, to: replacement, actor: actor)
        } catch let error as SigilError where error.code == .invalidKey {
            // A row the current key does not open: the transaction rolled back, so the next key guards nothing.
            try keystore.remove(Self.nextKeyItem)
            throw error
        }
        outcome.retiredKeyPath = try Self.swapFiles(keystore: keystore, old: current, oldBytes: currentBytes, newBytes: newBytes)
        return outcome
    }

    /// Keeps the old key under its fingerprint, installs the new one, removes `.next`; each step atomic and safe
    /// to repeat.
    static func swapFiles(keystore: Keystore, old: PersonalDataVault, oldBytes: [UInt8], newBytes: [UInt8]) throws -> String {
        let retired = "compliance/pii-retired-\(old.fingerprint).key"
        try keystore.write(retired, oldBytes)
        try keystore.write(PersonalDataVault.keyItem, newBytes)
        try keystore.remove(nextKeyItem)
        return keystore.path(of: retired)
    }

    /// Whether `vault` opens the first sealed value the database holds (true when it holds none).
    func opensStoredData(_ vault: PersonalDataVault) async throws -> Bool {
        try await store.read("probe the personal-data key") { db in
            for field in SealedField.all {
                let row = try await db.raw(
                    """
                    SELECT id, \(ident: field.column) FROM \(ident: field.table) WHERE \(ident: field.column) IS NOT NULL ORDER BY id LIMIT 1
                    """
                ).first()
                if let row {
                    let id = try row.decode(column: "id", as: String.self)
                    let sealed = [UInt8](try row.decode(column: field.column, as: Data.self))
                    return (try? vault.open(sealed, context: field.context(id))) != nil
                }
            }
            return true
        }
    }

    /// The transaction: every ``SealedField`` and every lookup hash from `old` to `new`.
    public func reseal(from old: PersonalDataVault, to new: PersonalDataVault, actor: String, now: RecordTime = .now()) async throws -> Outcome {
        let dialect = store.dialect
        return try await store.write("rotate the personal-data key") { db in
            var rows: [String: Set<String>] = [:]
            for field in SealedField.all {
                for row in try await db.raw("SELECT id, \(ident: field.column) FROM \(ident: field.table)").all() {
                    let id = try row.decode(column: "id", as: String.self)
                    guard let bytes = try row.decode(column: field.column, as: Data?.self) else { continue }
                    let plain = try old.open([UInt8](bytes), context: field.context(id))
                    try await db.update(field.table).set(field.column, to: SQLBind(Data(try new.seal(plain, context: field.context(id)))))
                        .where("id", .equal, SQLBind(id)).run()
                    rows[field.table, default: []].insert(id)
                }
            }
            // The keyed lookups of accounts, from the values just re-sealed.
            for row in try await db.raw("SELECT id, kind, phone_sealed, identity_sealed FROM accounts").all() {
                let id = try row.decode(column: "id", as: String.self)
                let kind = try row.decode(column: "kind", as: String.self)
                let phone = try new.open(
                    [UInt8](try row.decode(column: "phone_sealed", as: Data.self)), context: SealedField.accountPhone.context(id))
                let identity = try new.open(
                    [UInt8](try row.decode(column: "identity_sealed", as: Data.self)), context: SealedField.accountIdentity.context(id))
                try await db.update("accounts")
                    .set("identity_lookup", to: SQLBind(new.lookup(kind + ":" + identity, domain: "identity")))
                    .set("phone_lookup", to: SQLBind(new.lookup(phone, domain: "phone")))
                    .where("id", .equal, SQLBind(id))
                    .run()
            }
            var outcome = Outcome(
                accounts: rows["accounts"]?.count ?? 0, consents: rows["consents"]?.count ?? 0,
                generations: rows["generations"]?.count ?? 0, complaints: rows["complaints"]?.count ?? 0,
                oldFingerprint: old.fingerprint, newFingerprint: new.fingerprint)
            outcome.phoneCodesCleared = Int(
                try await db.raw("SELECT COUNT(*) AS n FROM phone_codes").first()?.decode(column: "n", as: Int64.self) ?? 0)
            try await db.raw("DELETE FROM phone_codes").run()
            try await AuditLog.append(
                on: db, dialect: dialect, actor: actor, action: "pii.rotate", subject: new.fingerprint,
                detail: [
                    "oldKey": old.fingerprint, "accounts": String(outcome.accounts), "consents": String(outcome.consents),
                    "generations": String(outcome.generations), "complaints": String(outcome.complaints),
                    "phoneCodesCleared": String(outcome.phoneCodesCleared),
                ], time: now)
            return outcome
        }
    }
}
