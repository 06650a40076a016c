import Foundation
import SQLKit
import SigilCore
import SigilLedger
import SigilStore

/// The API keys, in their own table beside the log (same database, SQLite or PostgreSQL), on their own
/// ``MigrationTrack`` (`sigil_access_migrations`).
public struct APIKeyStore: Sendable {
    /// The database.
    public let database: any LogDatabase

    /// The API keys' migrations. A database made before the split created `api_keys` as log version 3; its first
    /// migration here records that as applied, keeping every key.
    public static let schema = MigrationTrack(
        name: "access", table: "sigil_access_migrations", migrations: [.apiKeys, .verifyQuota], adopted: [3: 1])

    /// A key store on a database whose ``schema`` is current.
    public init(database: any LogDatabase) {
        self.database = database
    }

    /// Brings the keys' table up to date and returns the store.
    ///
    /// - Throws: ``SigilError`` `.schema`, `.store`.
    public static func open(_ database: any LogDatabase) async throws -> APIKeyStore {
        try await Migrator.migrate(database, track: schema)
        return APIKeyStore(database: database)
    }

    /// Creates a key and returns it with its token — the only time the secret is available.
    ///
    /// - Throws: ``SigilError`` `.usage` for an empty scope list, a propagate scope without a provider code or a bad
    ///   code; `.store` when the database refuses.
    public func create(
        name: String, scopes: [APIKey.Scope], providerCode: String? = nil, verifyPerMinute: Int? = nil, now: RecordTime = .now()
    ) async throws -> (key: APIKey, token: APIKeyToken) {
        guard !scopes.isEmpty else { throw SigilError(.usage, "an API key needs at least one scope") }
        if let verifyPerMinute, verifyPerMinute < 1 {
            throw SigilError(.usage, "a verify quota is at least 1 per minute (leave it out for none)")
        }
        if let providerCode { _ = try ProviderCode(providerCode) }
        if scopes.contains(.propagate), providerCode == nil {
            throw SigilError(
                .usage, "a propagate key needs the platform's own provider code (--provider-code), which it writes into ContentPropagator")
        }
        let token = APIKeyToken.generate()
        let key = APIKey(
            id: token.id, name: name, scopes: Array(Set(scopes)).sorted(), providerCode: providerCode, createdAt: now,
            verifyPerMinute: verifyPerMinute)
        let location = database.location
        try await database.withTransaction { db in
            try await StoreFailure.wrap("create API key", location) {
                // The quota column is named only when there is a quota, so a key without one can still be written
                // by this code into a table from before access version 2 (a rolling upgrade, the upgrade test).
                var columns = ["id", "name", "scopes", "provider_code", "secret_sha256", "created_at", "revoked_at"]
                var values: [any SQLExpression] = [
                    SQLBind(key.id), SQLBind(key.name), SQLBind(key.scopes.map(\.rawValue).joined(separator: ",")),
                    SQLBind(key.providerCode), SQLBind(Data(token.secretHash)), SQLBind(now.milliseconds), SQLLiteral.null,
                ]
                if let verifyPerMinute {
                    columns.append("verify_per_minute")
                    values.append(SQLBind(Int64(verifyPerMinute)))
                }
                try await db.insert(into: "api_keys").columns(columns).values(values).run()
            }
        }
        return (key, token)
    }

    /// Every key, oldest first (revoked ones included).
    public func list() async throws -> [APIKey] {
        let location = database.location
        return try await database.withConnection { db in
            try await StoreFailure.wrap("list API keys", location) {
                try await db.raw(
                    "SELECT id, name, scopes, provider_code, created_at, revoked_at, verify_per_minute FROM api_keys ORDER BY created_at, id"
                ).all()
                    .map(Self.key(from:))
            }
        }
    }

    /// The key with this id (live or revoked), or nil.
    public func key(id: String) async throws -> APIKey? {
        let location = database.location
        return try await database.withConnection { db in
            try await StoreFailure.wrap("look up API key", location) {
                try await db.raw(
                    "SELECT id, name, scopes, provider_code, created_at, revoked_at, verify_per_minute FROM api_keys WHERE id = \(bind: id)"
                ).first().map(Self.key(from:))
            }
        }
    }

    /// Revokes a key (effective at once on this server; other servers' caches expire within ``APIKeyCache/lifetime``).
    ///
    /// - Throws: ``SigilError`` `.notFound` when no live key has that id.
    public func revoke(id: String, now: RecordTime = .now()) async throws {
        let location = database.location
        let changed: Bool = try await database.withTransaction { db in
            try await StoreFailure.wrap("revoke API key", location) {
                guard try await db.raw("SELECT id FROM api_keys WHERE id = \(bind: id) AND revoked_at IS NULL").first() != nil else { return false }
                try await db.raw("UPDATE api_keys SET revoked_at = \(bind: now.milliseconds) WHERE id = \(bind: id)").run()
                return true
            }
        }
        guard changed else { throw SigilError(.notFound, "no live API key has id \(id) (see sigil apikey list)") }
    }

    /// The live key a bearer token belongs to; nil for an unknown, revoked or wrong token. The secret's hash is
    /// compared in constant time.
    public func authenticate(_ token: APIKeyToken) async throws -> APIKey? {
        let location = database.location
        let found: (APIKey, [UInt8])? = try await database.withConnection { db in
            try await StoreFailure.wrap("look up API key", location) {
                guard
                    let row = try await db.raw(
                        "SELECT id, name, scopes, provider_code, created_at, revoked_at, verify_per_minute, secret_sha256 FROM api_keys WHERE id = \(bind: token.id)"
                    ).first()
                else { return nil }
                return (try Self.key(from: row), [UInt8](try row.decode(column: "secret_sha256", as: Data.self)))
            }
        }
        guard let (key, stored) = found, key.revokedAt == nil else { return nil }
        return ConstantTime.equal(stored, token.secretHash) ? key : nil
    }

    /// Whether any live key has `scope` (the server creates the first admin key when none does).
    public func hasLiveKey(scope: APIKey.Scope) async throws -> Bool {
        try await list().contains { $0.revokedAt == nil && $0.scopes.contains(scope) }
    }

    static func key(from row: any SQLRow) throws -> APIKey {
        APIKey(
            id: try row.decode(column: "id", as: String.self),
            name: try row.decode(column: "name", as: String.self),
            scopes: try row.decode(column: "scopes", as: String.self).split(separator: ",").map { APIKey.Scope(rawValue: String($0)) },
            providerCode: try row.decode(column: "provider_code", as: String?.self),
            createdAt: RecordTime(milliseconds: try row.decode(column: "created_at", as: Int64.self)),
            revokedAt: try row.decode(column: "revoked_at", as: Int64?.self).map(RecordTime.init(milliseconds:)),
            verifyPerMinute: try row.decode(column: "verify_per_minute", as: Int64?.self).map { Int(clamping: $0) }
        )
    }
}
