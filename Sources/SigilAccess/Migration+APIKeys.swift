import SQLKit
import SigilStore

extension Migration {
    /// Access version 1 (log version 3 before the split): `api_keys` — the HTTP API's keys. Only a SHA-256 of each secret is stored; the secret is shown once
    /// when the key is created. Keys are revoked, never deleted, so the audit trail keeps who could do what.
    static let apiKeys = Migration(version: 1, name: "api keys") { db, _ in
        try await db.create(table: "api_keys")
            .column("id", type: .text, .primaryKey(autoIncrement: false), .notNull)
            .column("name", type: .text, .notNull)
            .column("scopes", type: .text, .notNull)
            .column("provider_code", type: .text)
            .column("secret_sha256", type: .blob, .notNull)
            .column("created_at", type: .bigint, .notNull)
            .column("revoked_at", type: .bigint)
            .run()
    }
}

extension Migration {
    /// Access version 2: `api_keys.verify_per_minute` — a key's own quota of verifications per minute (NULL: none).
    static let verifyQuota = Migration(version: 2, name: "verify quota per key") { db, _ in
        try await db.alter(table: "api_keys").column("verify_per_minute", type: .bigint).run()
    }
}
