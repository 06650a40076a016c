import Foundation
import SQLKit
import SigilStore

/// The published versions of the user agreement that states the user's labeling duties (Labeling Measures Art. 8).
/// An explicit-label opt-out (Art. 9) is accepted only under a version recorded here.
public struct AgreementStore: Sendable {
    let store: ComplianceDatabase

    public init(database: any LogDatabase) {
        store = ComplianceDatabase(database: database)
    }

    /// Records a version and the SHA-256 of its text.
    ///
    /// - Throws: ``FieldError`` on `version` or `sha256`; ``SigilError`` `.conflict` when the version exists.
    public func publish(version: String?, sha256: String?, actor: String, now: RecordTime = .now()) async throws {
        let version = try TextField.require(version, field: "version", limit: GenerationRecord.maximumFieldLength)
        guard let digest = sha256?.lowercased(), digest.count == 64, LowerHex.decode(digest) != nil else {
            throw FieldError("sha256", "must be the SHA-256 of the agreement text: 64 hex digits")
        }
        let dialect = store.dialect
        try await store.write("publish an agreement version") { db in
            if try await db.raw("SELECT version FROM agreements WHERE version = \(bind: version)").first() != nil {
                throw SigilError(.conflict, "agreement version \(version) is already published; versions are never changed")
            }
            try await db.insert(into: "agreements").columns("version", "sha256", "published_at", "published_by")
                .values(SQLBind(version), SQLBind(digest), SQLBind(now.milliseconds), SQLBind(actor)).run()
            try await AuditLog.append(
                on: db, dialect: dialect, actor: actor, action: "agreement.publish", subject: version, detail: ["sha256": digest], time: now)
        }
    }

    /// Whether `version` is published.
    public func exists(_ version: String) async throws -> Bool {
        try await store.read("read agreements") { db in
            try await db.raw("SELECT version FROM agreements WHERE version = \(bind: version)").first() != nil
        }
    }

    /// Every version: (version, sha256, published).
    public func list() async throws -> [JSONValue] {
        try await store.read("list agreements") { db in
            try await db.raw("SELECT * FROM agreements ORDER BY published_at").all().map { row in
                .object([
                    .init("version", .string(try row.decode(column: "version", as: String.self))),
                    .init("sha256", .string(try row.decode(column: "sha256", as: String.self))),
                    .init("publishedAt", .string(RecordTime(milliseconds: try row.decode(column: "published_at", as: Int64.self)).description)),
                ])
            }
        }
    }
}
