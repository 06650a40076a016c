import Crypto
import Foundation
import SQLKit
import SigilStore

/// A generation request's authorisation: allowed or denied, with the reasons, so the record can link request,
/// account and output (the output's ProduceIDs are added when `/v1/label` labels it).
public struct Generation: Sendable, Hashable {
    public enum Decision: String, Sendable, Hashable {
        case allow
        case deny
    }

    /// `gen_` and 32 hex digits; present for allowed and denied requests alike (the denial is on record too).
    public var id: String
    public var account: String
    public var category: ServiceCategory
    public var consent: String?
    public var decision: Decision
    public var reasons: [String]
    /// The screening library version the prompt was checked against.
    public var ruleVersion: Int
    public var createdAt: RecordTime

    /// The API's answer: `{decision, reasons, generationId?}` (the ID only when allowed).
    public var json: JSONValue {
        var members: [JSONValue.Member] = [.init("decision", .string(decision.rawValue)), .init("reasons", .array(reasons.map(JSONValue.string)))]
        if decision == .allow { members.append(.init("generationId", .string(id))) }
        members.append(.init("category", .string(category.contractName)))
        members.append(.init("screeningVersion", .int(ruleVersion)))
        return .object(members)
    }
}

extension ServiceCategory {
    /// The name the API uses (`scene` for immersive scenes).
    public var contractName: String { self == .immersiveScene ? "scene" : rawValue }
}

/// Generation authorisations and the outputs labeled under them.
public struct GenerationStore: Sendable {
    /// How long an allowed generation may be labeled after it was authorised.
    public static let lifetimeMilliseconds: Int64 = 24 * 3600 * 1000

    let store: ComplianceDatabase
    let vault: PersonalDataVault

    public init(database: any LogDatabase, vault: PersonalDataVault) {
        store = ComplianceDatabase(database: database)
        self.vault = vault
    }

    /// Stores a decision with its (encrypted) prompt and screening hits, in one transaction.
    func save(_ generation: Generation, prompt: String, hits: [Screener.Hit]) async throws {
        let sealed = try vault.seal(prompt, context: "generations/\(generation.id)/prompt")
        let digest = LowerHex.encode(Array(SHA256.hash(data: Array(prompt.utf8))))
        let reasons = String(decoding: try JSONEncoder.sorted.encode(generation.reasons), as: UTF8.self)
        try await store.write("record a generation decision") { db in
            try await db.insert(into: "generations")
                .columns("id", "account_id", "category", "consent_id", "decision", "reasons", "prompt_sha256", "prompt_sealed", "rule_version", "created_at")
                .values(SQLBind(generation.id), SQLBind(generation.account), SQLBind(generation.category.rawValue), SQLBind(generation.consent),
                        SQLBind(generation.decision.rawValue), SQLBind(reasons), SQLBind(digest), SQLBind(Data(sealed)),
                        SQLBind(Int64(generation.ruleVersion)), SQLBind(generation.createdAt.milliseconds))
                .run()
            try await ScreeningStore.log(hits, stage: "prompt", subject: generation.id, account: generation.account, version: generation.ruleVersion,
                                         on: db, now: generation.createdAt)
        }
    }

    public func get(_ id: String) async throws -> Generation? {
        try await store.read("read a generation") { db in
            guard let row = try await db.raw("SELECT * FROM generations WHERE id = \(bind: id)").first() else { return nil }
            let reasons = (try? JSONDecoder().decode([String].self, from: Data(try row.decode(column: "reasons", as: String.self).utf8))) ?? []
            return Generation(
                id: try row.decode(column: "id", as: String.self), account: try row.decode(column: "account_id", as: String.self),
                category: ServiceCategory(rawValue: try row.decode(column: "category", as: String.self)) ?? .other,
                consent: try row.decode(column: "consent_id", as: String?.self),
                decision: Generation.Decision(rawValue: try row.decode(column: "decision", as: String.self)) ?? .deny,
                reasons: reasons, ruleVersion: Int(try row.decode(column: "rule_version", as: Int64.self)),
                createdAt: RecordTime(milliseconds: try row.decode(column: "created_at", as: Int64.self)))
        }
    }

    /// Links a labeled output to its generation.
    public func addOutput(_ generationID: String, produceID: String, logIndex: UInt64, now: RecordTime = .now()) async throws {
        try await store.write("link an output to its generation") { db in
            try await db.insert(into: "generation_outputs").columns("generation_id", "produce_id", "log_index", "created_at")
                .values(SQLBind(generationID), SQLBind(produceID), SQLBind(Int64(logIndex)), SQLBind(now.milliseconds)).run()
        }
    }

    /// The outputs labeled under a generation: (ProduceID, log index).
    public func outputs(_ generationID: String) async throws -> [(produceID: String, index: UInt64)] {
        try await store.read("read generation outputs") { db in
            try await db.raw("SELECT produce_id, log_index FROM generation_outputs WHERE generation_id = \(bind: generationID) ORDER BY log_index").all().map {
                (try $0.decode(column: "produce_id", as: String.self), UInt64(try $0.decode(column: "log_index", as: Int64.self)))
            }
        }
    }

    /// Decisions in `[from, to)` by category and decision.
    public func statistics(from: RecordTime, to: RecordTime) async throws -> JSONValue {
        try await store.read("count generations") { db in
            let rows = try await db.raw("""
                SELECT category, decision, COUNT(*) AS n FROM generations WHERE created_at >= \(bind: from.milliseconds) AND created_at < \(bind: to.milliseconds)
                GROUP BY category, decision ORDER BY category, decision
                """).all()
            return .array(try rows.map { row in
                .object([
                    .init("category", .string(ServiceCategory(rawValue: try row.decode(column: "category", as: String.self))?.contractName ?? "other")),
                    .init("decision", .string(try row.decode(column: "decision", as: String.self))),
                    .init("count", .number(String(try row.decode(column: "n", as: Int64.self)))),
                ])
            })
        }
    }
}
