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
        /// Held: the prompt hit a screening `review` rule and nothing else stood in the way; a reviewer allows or
        /// denies it (``GenerationStore/review(_:approve:note:actor:now:)``).
        case review
    }

    /// A reviewer's decision on a held generation.
    public struct Review: Sendable, Hashable {
        public var reviewer: String
        public var note: String?
        public var at: RecordTime
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
    /// Set once a reviewer decided a held generation.
    public var review: Review? = nil

    /// When its 24-hour labeling window opens: at the review for a held generation, else at the request.
    public var authorisedAt: RecordTime { review?.at ?? createdAt }

    /// The API's answer: `{decision, reasons, generationId?}`. The ID is given when allowed, and when held, so that
    /// the caller can ask again (`GET /v1/generations/{id}`) and a reviewer can decide it.
    public var json: JSONValue {
        var members: [JSONValue.Member] = [.init("decision", .string(decision.rawValue)), .init("reasons", .array(reasons.map(JSONValue.string)))]
        if decision != .deny || review != nil { members.append(.init("generationId", .string(id))) }
        members.append(.init("category", .string(category.contractName)))
        members.append(.init("screeningVersion", .int(ruleVersion)))
        if let review {
            members.append(
                .init(
                    "review",
                    .object([
                        .init("reviewer", .string(review.reviewer)), .init("note", .optional(review.note)),
                        .init("at", .string(review.at.description)),
                    ])))
        }
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
        let sealed = try vault.seal(prompt, context: SealedField.generationPrompt.context(generation.id))
        let digest = LowerHex.encode(Array(SHA256.hash(data: Array(prompt.utf8))))
        let reasons = String(decoding: try JSONEncoder.sorted.encode(generation.reasons), as: UTF8.self)
        try await store.write("record a generation decision") { db in
            try await db.insert(into: "generations")
                .columns(
                    "id", "account_id", "category", "consent_id", "decision", "reasons", "prompt_sha256", "prompt_sealed", "rule_version",
                    "created_at"
                )
                .values(
                    SQLBind(generation.id), SQLBind(generation.account), SQLBind(generation.category.rawValue), SQLBind(generation.consent),
                    SQLBind(generation.decision.rawValue), SQLBind(reasons), SQLBind(digest), SQLBind(Data(sealed)),
                    SQLBind(Int64(generation.ruleVersion)), SQLBind(generation.createdAt.milliseconds)
                )
                .run()
            try await ScreeningStore.log(
                hits, stage: "prompt", subject: generation.id, account: generation.account, version: generation.ruleVersion,
                on: db, now: generation.createdAt)
        }
    }

    public func get(_ id: String) async throws -> Generation? {
        try await store.read("read a generation") { db in
            guard let row = try await db.raw("SELECT * FROM generations WHERE id = \(bind: id)").first() else { return nil }
            return try Self.generation(from: row)
        }
    }

    static func generation(from row: any SQLRow) throws -> Generation {
        let reasons = (try? JSONDecoder().decode([String].self, from: Data(try row.decode(column: "reasons", as: String.self).utf8))) ?? []
        var generation = Generation(
            id: try row.decode(column: "id", as: String.self), account: try row.decode(column: "account_id", as: String.self),
            category: ServiceCategory(rawValue: try row.decode(column: "category", as: String.self)) ?? .other,
            consent: try row.decode(column: "consent_id", as: String?.self),
            decision: Generation.Decision(rawValue: try row.decode(column: "decision", as: String.self)) ?? .deny,
            reasons: reasons, ruleVersion: Int(try row.decode(column: "rule_version", as: Int64.self)),
            createdAt: RecordTime(milliseconds: try row.decode(column: "created_at", as: Int64.self)))
        if let at = try row.decode(column: "reviewed_at", as: Int64?.self), let reviewer = try row.decode(column: "reviewed_by", as: String?.self) {
            generation.review = Generation.Review(
                reviewer: reviewer, note: try row.decode(column: "review_note", as: String?.self), at: RecordTime(milliseconds: at))
        }
        return generation
    }

    /// Decides a held generation: allowed (its 24-hour labeling window opens now) or denied. Audited.
    ///
    /// - Throws: `.notFound` for an unknown ID; `.conflict` when the generation is not held; ``FieldError`` on
    ///   `note` when a denial has none (the requester is told why).
    public func review(_ id: String, approve: Bool, note: String?, actor: String, now: RecordTime = .now()) async throws -> Generation {
        let note = try TextField.reviewNote(note, approve: approve)
        let dialect = store.dialect
        return try await store.write("review a generation") { db in
            guard
                let row = try await db.raw("SELECT * FROM generations WHERE id = \(bind: id)\(unsafeRaw: dialect == .postgres ? " FOR UPDATE" : "")")
                    .first()
            else {
                throw SigilError(.notFound, "no generation \(id.prefix(40))")
            }
            var generation = try Self.generation(from: row)
            guard generation.decision == .review else {
                throw SigilError(
                    .conflict,
                    "generation \(id) is \(generation.decision == .allow ? "allowed" : "denied"); only a held generation (decision review) is reviewed"
                )
            }
            generation.decision = approve ? .allow : .deny
            generation.review = Generation.Review(reviewer: actor, note: note, at: now)
            try await db.raw(
                """
                UPDATE generations SET decision = \(bind: generation.decision.rawValue), reviewed_at = \(bind: now.milliseconds),
                reviewed_by = \(bind: actor), review_note = \(bind: note) WHERE id = \(bind: id)
                """
            ).run()
            var detail = ["decision": approve ? "allow" : "deny", "account": generation.account]
            if let note { detail["note"] = String(note.prefix(500)) }
            try await AuditLog.append(on: db, dialect: dialect, actor: actor, action: "generation.review", subject: id, detail: detail, time: now)
            return generation
        }
    }

    /// The held generations, oldest first, each with its prompt (unsealed for the reviewer who must read it).
    public func held(limit: Int = 100) async throws -> [(generation: Generation, prompt: String)] {
        let rows = try await store.read("list held generations") { db in
            try await db.raw("SELECT * FROM generations WHERE decision = 'review' ORDER BY created_at LIMIT \(bind: Int64(max(1, min(limit, 1000))))")
                .all()
        }
        return try rows.map { row in
            let generation = try Self.generation(from: row)
            let sealed = [UInt8](try row.decode(column: "prompt_sealed", as: Data.self))
            return (generation, try vault.open(sealed, context: SealedField.generationPrompt.context(generation.id)))
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
            try await db.raw("SELECT produce_id, log_index FROM generation_outputs WHERE generation_id = \(bind: generationID) ORDER BY log_index")
                .all().map {
                    (try $0.decode(column: "produce_id", as: String.self), UInt64(try $0.decode(column: "log_index", as: Int64.self)))
                }
        }
    }

    /// Decisions in `[from, to)` by category and decision.
    public func statistics(from: RecordTime, to: RecordTime) async throws -> JSONValue {
        try await store.read("count generations") { db in
            let rows = try await db.raw(
                """
                SELECT category, decision, COUNT(*) AS n FROM generations WHERE created_at >= \(bind: from.milliseconds) AND created_at < \(bind: to.milliseconds)
                GROUP BY category, decision ORDER BY category, decision
                """
            ).all()
            return .array(
                try rows.map { row in
                    .object([
                        .init(
                            "category",
                            .string(ServiceCategory(rawValue: try row.decode(column: "category", as: String.self))?.contractName ?? "other")),
                        .init("decision", .string(try row.decode(column: "decision", as: String.self))),
                        .init("count", .number(String(try row.decode(column: "n", as: Int64.self)))),
                    ])
                })
        }
    }
}
