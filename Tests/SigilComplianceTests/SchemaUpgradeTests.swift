import Foundation
import SQLKit
import SigilAccess
import SigilCompliance
@testable import SigilStore
import SigilTestSupport
import Testing

/// A database made before the log, the duties and the API keys had their own migration tracks (every table a step
/// of the log's track, versions 1–5) opens with today's code and keeps its data.
struct SchemaUpgradeTests {
    /// The log's track as it was: the duties and the keys as log versions 3, 4 and 5, with the same SQL.
    static let legacyTrack = MigrationTrack(
        name: "log", table: "sigil_schema_migrations",
        migrations: [
            MigrationTrack.log.migrations[0], MigrationTrack.log.migrations[1],
            Migration(version: 3, name: "api keys", apply: APIKeyStore.schema.migrations[0].apply),
            Migration(version: 4, name: "provider duties", apply: ComplianceSchema.track.migrations[0].apply),
            Migration(version: 5, name: "generation reviews", apply: ComplianceSchema.track.migrations[1].apply),
        ])

    @Test(arguments: [Backend.sqlite])
    func aDatabaseFromBeforeTheSplitOpensAndKeepsItsData(_ backend: Backend) async throws {
        let (database, folder) = try await backend.openEmpty()
        defer { if let folder { try? FileManager.default.removeItem(at: folder) } }
        do {
            #expect(try await Migrator.migrate(database, track: Self.legacyTrack) == [1, 2, 3, 4, 5])
            let vault = try PersonalDataVault(masterKey: Array(repeating: 3, count: 32))
            let before = ComplianceService(database: database, vault: vault, sms: RecordingSMS(), identityVerifier: nil)
            let account = try await before.register(try individual("11010519491231002X"), actor: "test")
            let (key, token) = try await APIKeyStore(database: database).create(name: "old", scopes: [.admin])

            // Today's code: the log's track skips the moved versions (and adds the text-fingerprint index, decision
            // 0606), the other tracks adopt them.
            #expect(try await Migrator.migrate(database) == [6])
            #expect(try await ComplianceSchema.migrate(database) == [])
            let keys = try await APIKeyStore.open(database)
            #expect(try await keys.authenticate(token)?.id == key.id)
            let after = ComplianceService(database: database, vault: vault, sms: RecordingSMS(), identityVerifier: nil)
            #expect(try await after.accounts.get(account.id)?.id == account.id)
            #expect(try await after.audit.verify().isEmpty)
            let recorded = try await database.withConnection { db in
                (
                    try await db.raw("SELECT version FROM sigil_compliance_migrations ORDER BY version").all().map {
                        try $0.decode(column: "version", as: Int.self)
                    },
                    try await db.raw("SELECT version FROM sigil_access_migrations ORDER BY version").all().map {
                        try $0.decode(column: "version", as: Int.self)
                    }
                )
            }
            #expect(recorded.0 == [1, 2] && recorded.1 == [1, 2])
            // Reviews (compliance version 2) still work on the adopted table.
            #expect(try await ComplianceSchema.migrate(database) == [])
        } catch {
            try? await database.close()
            throw error
        }
        try await database.close()
    }

    @Test(arguments: [Backend.sqlite])
    func aNewDatabaseGetsEveryTrack(_ backend: Backend) async throws {
        let (database, folder) = try await backend.openEmpty()
        defer { if let folder { try? FileManager.default.removeItem(at: folder) } }
        do {
            #expect(try await ComplianceSchema.migrate(database) == [1, 2])
            #expect(try await Migrator.migrate(database) == [1, 2, 6])
            _ = try await APIKeyStore.open(database)
            #expect(try await Migrator.migrate(database, track: APIKeyStore.schema) == [])
            // A newer compliance schema is refused, not guessed at.
            try await database.withTransaction { db in
                try await db.raw("INSERT INTO sigil_compliance_migrations (version, name, applied_at) VALUES (99, 'future', 0)").run()
            }
            await #expect(throws: SigilError(.schema, "")) { try await ComplianceSchema.migrate(database) }
        } catch {
            try? await database.close()
            throw error
        }
        try await database.close()
    }
}

/// The upgrade on PostgreSQL; reported as skipped, never as passed, where PostgreSQL is not installed.
@Suite(.enabled(if: PostgresTestServer.available, "PostgreSQL is not installed (/usr/lib/postgresql/<version>/bin)"))
struct PostgresSchemaUpgradeTests {
    @Test func aDatabaseFromBeforeTheSplitOpensAndKeepsItsData() async throws {
        try await SchemaUpgradeTests().aDatabaseFromBeforeTheSplitOpensAndKeepsItsData(.postgres)
    }
    @Test func aNewDatabaseGetsEveryTrack() async throws { try await SchemaUpgradeTests().aNewDatabaseGetsEveryTrack(.postgres) }
}
