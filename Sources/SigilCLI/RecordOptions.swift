import ArgumentParser
import Foundation
import Sigil
import SigilCompliance
import SigilStorePostgres

/// `sigil label`'s generation-record options: what goes into the record beside the labeled file, and where the log is.
struct RecordOptions: ParsableArguments {
    @Flag(name: .customLong("no-record"), help: "Do not append a generation record to the log (DSP Art. 16 asks providers to keep one).")
    var noRecord = false
    @Option(name: .customLong("database"), help: "A PostgreSQL URL (postgres://…) for the log instead of DATA/sigil.sqlite; also $SIGIL_DATABASE.")
    var database: String?
    @Option(name: .customLong("service-category"), help: "DSP Art. 17 service: \(ServiceCategory.allCases.map(\.rawValue).joined(separator: ", ")).")
    var serviceCategory: String = ServiceCategory.other.rawValue
    @Option(help: "The model (name and version) that generated the content.")
    var model: String?
    @Option(help: "Your reference for the account the content was generated for; the log keeps only a keyed pseudonym of it.")
    var account: String?
    @Option(
        name: .customLong("opt-out-agreement"),
        help: "Explicit-label opt-out (Measures Art. 9): the user-agreement version; needs --recipient and --marks without explicit.")
    var optOutAgreement: String?
    @Option(help: "Explicit-label opt-out: your reference for the recipient of the unlabeled content (pseudonymized in the log).")
    var recipient: String?
    @Option(name: .customLong("log-origin"), help: "The log's origin, used when the log is created (e.g. log.example.com/aigc).")
    var logOrigin: String?
    @Flag(name: .customLong("write-proof"), help: "Write OUTPUT.tlog-proof, an offline inclusion proof, beside each labeled file.")
    var writeProof = false

    /// Checks the options before anything is labeled.
    func validate(policy: LabelPolicy) throws {
        guard !noRecord else { return }
        _ = try ServiceCategory(parsing: serviceCategory)
        if (optOutAgreement == nil) != (recipient == nil) {
            throw SigilError(.usage, "--opt-out-agreement and --recipient go together (Labeling Measures Art. 9 logs who received unlabeled content)")
        }
        if optOutAgreement != nil, policy.marks.contains(.explicit) {
            throw SigilError(.usage, "--opt-out-agreement records content delivered without the explicit label; pass --marks without explicit")
        }
    }

    /// Opens the log, or nil with `--no-record`.
    func open(data: String?, keys: String?) async throws -> RecordKeeper? {
        guard !noRecord else { return nil }
        let keeper = try await RecordKeeper.open(
            RecordKeeper.Location(data: data, keys: keys, database: database, drivers: [.postgres]), origin: logOrigin)
        for notice in keeper.notices { Terminal.warning(notice.description) }
        return keeper
    }

    /// The values that go into each record.
    func settings() throws -> RecordSettings {
        RecordSettings(
            serviceCategory: try ServiceCategory(parsing: serviceCategory), model: model, account: account,
            optOutAgreement: optOutAgreement, recipient: recipient, writeProof: writeProof)
    }
}

/// The per-record values of ``RecordOptions``, as a plain value that crosses tasks.
struct RecordSettings: Sendable {
    var serviceCategory: ServiceCategory
    var model: String?
    var account: String?
    var optOutAgreement: String?
    var recipient: String?
    var writeProof: Bool

    /// The record context of one labeled file.
    func context(for outcome: LabelOutcome, policy: LabelPolicy) -> RecordKeeper.Context {
        RecordKeeper.Context(
            serviceCategory: serviceCategory, model: model, accountReference: account,
            optOutAgreement: optOutAgreement, optOutRecipient: recipient, watermarkPayload: outcome.watermarkPayload(key: policy.watermarkKey)
        )
    }

    /// Records labeled files (one transaction), integrates them, writes proofs when asked, and returns the receipts.
    func keep(_ outcomes: [(outcome: LabelOutcome, output: String)], policy: LabelPolicy, keeper: RecordKeeper) async throws -> [RecordKeeper.Receipt]
    {
        // A streamed label kept no bytes: the record reads the labeled file in chunks (RecordKeeper.record(for:context:file:)).
        let records = try outcomes.map { try keeper.record(for: $0.outcome, context: context(for: $0.outcome, policy: policy), file: $0.output) }
        let receipts = try await keeper.keep(records, proofs: writeProof)
        for (receipt, item) in zip(receipts, outcomes) {
            if let proof = receipt.proof {
                try FileIO.writeAtomically(Array(proof.text.utf8), to: item.output + "." + TlogProof.fileExtension)
            }
        }
        return receipts
    }
}

extension RecordKeeper.Receipt {
    /// The text report line.
    var summary: String {
        "  record    log index \(index), leaf hash \(leafHash.hex)" + (checkpointSize.map { ", in the checkpoint of \($0)" } ?? "")
    }
}

/// Records a folder batch as it is labeled: outcomes are buffered and appended in transactions of ``batchSize``.
actor BatchRecorder {
    static let batchSize = 64
    let keeper: RecordKeeper
    let settings: RecordSettings
    let policy: LabelPolicy
    private var pending: [(name: String, outcome: LabelOutcome, output: String)] = []
    private(set) var receipts: [String: RecordKeeper.Receipt] = [:]

    init(keeper: RecordKeeper, settings: RecordSettings, policy: LabelPolicy) {
        self.keeper = keeper
        self.settings = settings
        self.policy = policy
    }

    /// Adds one labeled file; appends the buffer when it is full.
    func add(name: String, outcome: LabelOutcome, output: String) async throws {
        pending.append((name, outcome, output))
        if pending.count >= Self.batchSize { try await flush() }
    }

    /// Appends whatever is buffered.
    func flush() async throws {
        guard !pending.isEmpty else { return }
        let batch = pending
        pending.removeAll()
        let receipts = try await settings.keep(batch.map { ($0.outcome, $0.output) }, policy: policy, keeper: keeper)
        for (item, receipt) in zip(batch, receipts) { self.receipts[item.name] = receipt }
    }

    func receipt(for name: String) -> RecordKeeper.Receipt? { receipts[name] }
}

extension RecordOptions {
    /// Opens the log (unless `--no-record`), checks an opt-out's agreement version against it, runs `body`, and
    /// closes the log.
    func withKeeper(data: String?, keys: String?, _ body: (RecordKeeper?) async throws -> Void) async throws {
        let keeper = try await open(data: data, keys: keys)
        do {
            if let agreement = optOutAgreement, let keeper {
                // As POST /v1/label does: an opt-out is accepted only under a version an admin published.
                try await ComplianceSchema.migrate(keeper.store.database)
                guard try await AgreementStore(database: keeper.store.database).exists(agreement) else {
                    throw SigilError(
                        .usage,
                        "--opt-out-agreement \(agreement) is not a published agreement version (publish it with `sigil agreement publish` or POST /v1/agreements); Labeling Measures Art. 9 accepts an opt-out only under a recorded agreement"
                    )
                }
            }
            try await body(keeper)
            try await keeper?.close()
        } catch {
            try? await keeper?.close()
            throw error
        }
    }

    /// Records one labeled file; nil with `--no-record`.
    func keep(_ outcome: LabelOutcome, output: String, policy: LabelPolicy, keeper: RecordKeeper?) async throws -> RecordKeeper.Receipt? {
        guard let keeper else { return nil }
        return try await settings().keep([(outcome, output)], policy: policy, keeper: keeper).first
    }
}
