import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Sigil
import SigilAccess
import SigilCompliance

extension APIRoutes {
    /// The options `POST /v1/label` takes (the CLI's, camel-cased).
    static let labelOptions: Set<String> = [
        "producer", "produceID", "text", "position", "style", "margin", "inkHeight", "marks", "quality", "labelSignature",
        "serviceCategory", "model", "account", "optOutAgreement", "recipient", "proof", "generationId", "textLabelPosition",
        "textLabelLanguage", "textLabel",
    ]

    /// `POST /v1/label` (scope `label`): the file in, the labeled file out, recorded in the log.
    func label(_ request: Request, context: SigilRequestContext) async throws -> Response {
        let key = try context.requireAPIKey()
        let upload = try await Upload.read(request, limit: service.configuration.maxBodyBytes)
        let options = upload.options
        try options.check(known: Self.labelOptions)
        let prepared = try await prepareLabel(options, key: key)
        // Output screening compares the generated image as it came, before labels change its pixels (the visible label
        // and the watermark move its perceptual hash by more than a blocklist's distance), and before labeling work.
        let bytes = upload.bytes
        try await screenImage(bytes, prepared)
        let labeler = try Labeler(policy: prepared.policy, preloadedFont: service.font)
        let keeper = service.keeper
        let watermarkKey = prepared.policy.watermarkKey
        let recordContext = prepared.context
        // The record (its SHA-256 and perceptual hash decode the output) is made on the worker, beside the labeling.
        let (outcome, record) = try await work {
            let outcome = try labeler.label(bytes)
            var context = recordContext
            context.watermarkPayload = outcome.watermarkPayload(key: watermarkKey)
            return (outcome, try keeper.record(for: outcome, context: context))
        }
        let receipt = try await keepLabel(outcome, record: record, prepared, key: key, proofs: try options.bool("proof") ?? false)
        let headers = Self.labelHeaders(outcome, receipt: receipt, marksAdded: prepared.marksAdded)
        guard Self.wantsJSON(request) else {
            return Self.file(outcome.bytes, format: outcome.format, headers: headers)
        }
        var report = Self.labelReport(outcome, filename: upload.filename, receipt: receipt, marksAdded: prepared.marksAdded)
        report = report.appending([.init("file", .string(Data(outcome.bytes).base64EncodedString()))])
        return Self.json(report, headers: headers)
    }

    /// A label request checked before any work: its policy, the mandatory marks it left out and got added, its
    /// generation and record context.
    struct PreparedLabel: Sendable {
        var policy: LabelPolicy
        var marksAdded: [Mark]
        var generation: Generation?
        var context: RecordKeeper.Context
    }

    /// Checks a label request's options — the generation it names, leaving out the explicit label — and makes its
    /// policy (`POST /v1/label` and a label job, when it is submitted and again when it runs).
    func prepareLabel(_ options: RequestOptions, key: APIKey) async throws -> PreparedLabel {
        let (policy, marksAdded) = try labelPolicy(options, key: key)
        let duties = service.compliance
        let (generation, context) = try await generationContext(options, defaultCategory: .other)
        let category = context.serviceCategory
        // Leaving out the explicit label (Measures Art. 9): only on the user's request under a published agreement,
        // with the recipient named, and never for a face or voice edit (DSP Art. 17).
        let rules = LabelingRules.enforced
        if !policy.marks.contains(where: { $0.rawValue == rules.optOutMark }) {
            if rules.optOutRefusedFor.contains(category.rawValue) {
                throw SigilError(
                    .refused, "a \(category.rawValue) edit keeps the \(rules.optOutMark) label (DSP Art. 17); add \(rules.optOutMark) to marks")
            }
            guard context.optOutAgreement != nil else {
                throw FieldError(
                    "optOutAgreement",
                    "leaving out the \(rules.optOutMark) label needs optOutAgreement (a published agreement version) and recipient (Labeling Measures Art. 9)"
                )
            }
        }
        if let agreement = context.optOutAgreement {
            if policy.marks.contains(.explicit) {
                throw APIError(
                    .badRequest, "usage", "optOutAgreement records content delivered without the explicit label; pass marks without explicit")
            }
            guard try await duties.agreements.exists(agreement) else {
                throw FieldError(
                    "optOutAgreement",
                    "agreement version \(agreement) is not published (POST /v1/agreements); an opt-out is accepted only under a recorded version")
            }
        }
        return PreparedLabel(policy: policy, marksAdded: marksAdded, generation: generation, context: context)
    }

    /// Output screening of a generated picture by its perceptual hash (other files pass). `patient` (a job) waits for
    /// a worker instead of being refused when the queue is full.
    func screenImage(_ bytes: [UInt8], _ prepared: PreparedLabel, patient: Bool = false) async throws {
        let screener = try await service.compliance.screeningCache.current()
        let hashing: @Sendable () throws -> UInt64? = { PerceptualHash.hash(imageBytes: bytes) }
        if screener.hasImageRules, let hash = try await patient ? patientWork(hashing) : work(hashing) {
            try await service.compliance.screenOutput(
                perceptualHash: hash, screener: screener, subject: prepared.generation?.id ?? "label",
                account: prepared.context.accountReference)
        }
    }

    /// Keeps a labeled file's record in the log and does what follows it: the generation's output, the opt-out's audit
    /// event, the metrics.
    func keepLabel(_ outcome: LabelOutcome, record: GenerationRecord, _ prepared: PreparedLabel, key: APIKey, proofs: Bool) async throws
        -> RecordKeeper.Receipt
    {
        let duties = service.compliance
        guard let receipt = try await service.keeper.keep([record], proofs: proofs).first else {
            throw APIError(.internalServerError, "internal", "the log returned no receipt")
        }
        if let generation = prepared.generation {
            try await duties.generations.addOutput(generation.id, produceID: outcome.label.produceID, logIndex: receipt.index)
        }
        if let agreement = prepared.context.optOutAgreement {
            try await duties.audit.record(
                actor: Self.actor(key), action: "label.explicit-opt-out", subject: outcome.label.produceID,
                detail: ["agreement": agreement, "logIndex": String(receipt.index), "category": prepared.context.serviceCategory.rawValue])
        }
        service.metrics.labeled(marks: Mark.allCases.filter(outcome.marks.contains).map(\.rawValue), format: outcome.format.id)
        return receipt
    }

    /// The `Sigil-*` headers of a labeled file.
    static func labelHeaders(_ outcome: LabelOutcome, receipt: RecordKeeper.Receipt, marksAdded: [Mark]) -> HTTPFields {
        var headers: HTTPFields = [
            .sigilProduceID: outcome.label.produceID, .sigilLogIndex: String(receipt.index), .sigilLeafHash: receipt.leafHash.hex,
            .sigilMarks: Mark.allCases.filter(outcome.marks.contains).map(\.rawValue).joined(separator: ","),
        ]
        if let size = receipt.checkpointSize { headers[.sigilCheckpointSize] = String(size) }
        if !marksAdded.isEmpty { headers[.sigilMarksAdded] = marksAdded.map(\.rawValue).joined(separator: ",") }
        return headers
    }

    /// The JSON report of a labeled file: the labeler's report, the record's receipt, the marks added, the proof.
    static func labelReport(_ outcome: LabelOutcome, filename: String?, receipt: RecordKeeper.Receipt, marksAdded: [Mark]) -> JSONValue {
        var members: [JSONValue.Member] = [.init("record", receipt.json)]
        if !marksAdded.isEmpty {
            members.append(.init("marksAdded", .array(marksAdded.map { .string($0.rawValue) })))
            members.append(.init("notice", .string(LabelOptions.addedNotice(marksAdded))))
        }
        if let proof = receipt.proof { members.append(.init("proof", .string(proof.text))) }
        return outcome.json(input: filename, output: nil).appending(members)
    }

    /// The generation a label request names (checked: authorised, not used up) and the record context it implies:
    /// its service category and account win over the request's, which must not contradict them; without duties a
    /// request may name an account, which must not be suspended.
    func generationContext(_ options: RequestOptions, defaultCategory: ServiceCategory) async throws -> (Generation?, RecordKeeper.Context) {
        let duties = service.compliance
        var generation: Generation?
        if let generationID = options.string("generationId") {
            generation = try await duties.checkLabel(generationID: generationID)
        } else if duties.configuration.requireGeneration {
            throw SigilError(.refused, "this server labels only authorised generations: pass generationId from POST /v1/generations")
        }
        var category = try options.string("serviceCategory").map { try ServiceCategory(parsing: $0) } ?? generation?.category ?? defaultCategory
        var accountReference = options.string("account")
        if let generation {
            if let asked = options.string("serviceCategory"), try ServiceCategory(parsing: asked) != generation.category {
                throw APIError(
                    .badRequest, "usage", "serviceCategory \(asked) differs from generation \(generation.id)'s \(generation.category.contractName)")
            }
            if let asked = accountReference, asked != generation.account {
                throw APIError(.badRequest, "usage", "account \(asked) differs from generation \(generation.id)'s account")
            }
            accountReference = generation.account
            category = generation.category
        } else if let reference = accountReference, reference.hasPrefix("acc_"), let account = try await duties.accounts.get(reference),
            let refusal = account.refusal
        {
            throw SigilError(.refused, refusal)
        }
        let context = RecordKeeper.Context(
            serviceCategory: category, model: options.string("model"), accountReference: accountReference,
            optOutAgreement: options.string("optOutAgreement"), optOutRecipient: options.string("recipient"))
        try context.validate()
        return (generation, context)
    }

    /// The label policy of a request: the key's provider code (or the server's) as producer, this provider's keys,
    /// and the CLI's options; with the mandatory marks the request's `marks` left out and got added.
    func labelPolicy(_ options: RequestOptions, key: APIKey) throws -> (LabelPolicy, [Mark]) {
        let own = try key.providerCode.map(ProviderCode.init) ?? service.producer
        if let asked = options.string("producer"), asked != own.rawValue {
            throw APIError.forbidden("this key labels as \(own.rawValue); it may not label as \(asked)")
        }
        var policy = LabelPolicy(producer: own)
        var label = LabelOptions()
        (label.marks, label.produceID, label.text, label.position, label.style) =
            (options.string("marks"), options.string("produceID"), options.string("text"), options.string("position"), options.string("style"))
        (label.margin, label.inkHeight, label.quality) = (try options.double("margin"), try options.double("inkHeight"), try options.int("quality"))
        label.labelSignature = options.string("labelSignature")
        (label.textLabelPosition, label.textLabelLanguage, label.textLabel) =
            (options.string("textLabelPosition"), options.string("textLabelLanguage"), options.string("textLabel"))
        let added = try label.apply(to: &policy)
        policy.maxPixels = service.configuration.maxPixels
        policy.watermarkKey = service.watermarkKey
        policy.provenanceKeys = service.provenanceKeys
        return (policy, added)
    }

    /// `GET /v1/records/{produceID}` (scope `label` or `auditor`): every record logged for a ProduceID, each with
    /// its offline proof.
    func records(_ request: Request, context: SigilRequestContext) async throws -> Response {
        let produceID = try context.parameters.require("produceID")
        try ProduceID.validate(produceID)
        let found = try await service.keeper.store.records(produceID: produceID)
        guard !found.isEmpty else { throw APIError(.notFound, "not-found", "no record for ProduceID \(produceID) in this log") }
        var items: [JSONValue] = []
        for (index, record) in found {
            let proof = try await service.keeper.store.tlogProof(index: index)
            items.append(.object([.init("index", .number(String(index))), .init("fields", record.json), .init("proof", .string(proof.text))]))
        }
        return Self.json(.object([.init("produceID", .string(produceID)), .init("records", .array(items))]))
    }
}
