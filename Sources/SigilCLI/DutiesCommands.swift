import ArgumentParser
import Foundation
import Logging
import Sigil
import SigilCompliance
import SigilServer

extension LogStoreOptions {
    /// Opens the store and the provider-duties service on it (development SMS sender, manual identity review),
    /// runs `body` and closes the store.
    func withCompliance<T>(_ body: (RecordKeeper, ComplianceService) async throws -> T) async throws -> T {
        try await withKeeper { keeper in
            try await ComplianceSchema.migrate(keeper.store.database)
            let (vault, notice) = try PersonalDataVault.load(from: location.keystore)
            if let notice { Terminal.warning(notice.description) }
            let compliance = ComplianceService(
                database: keeper.store.database, vault: vault,
                sms: DevelopmentSMSSender(logger: Logger(label: "sigil.cli")), identityVerifier: nil)
            return try await body(keeper, compliance)
        }
    }
}

/// `sigil screening …`: the feature library for prompt and output screening (DSP Art. 10).
struct ScreeningCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "screening",
        abstract: "Install and inspect the screening library (DSP Art. 10).",
        subcommands: [ScreeningLoadCommand.self, ScreeningHitsCommand.self]
    )
}

struct ScreeningLoadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load",
        abstract: "Install a library: one category<TAB>pattern[<TAB>action] per line.",
        discussion: """
            A pattern starting re: is a regular expression; phash: and 16 hex digits (optionally /distance) is a \
            perceptual hash of a known image; anything else is a phrase, matched after folding width, case, \
            traditional characters and inserted spacing. Actions: block (default), review, allow-and-log. The \
            library becomes the next version; running servers pick it up within a second.
            """
    )
    @Argument(help: "The library file (UTF-8, tab-separated).") var file: String
    @OptionGroup var store: LogStoreOptions
    @Flag(help: "Print the result as JSON.") var json = false

    func run() async throws {
        let bytes = try FileIO.read(file)
        guard let text = String(validating: bytes, as: UTF8.self) else { throw SigilError(.malformed, "the library is not UTF-8 text", path: file) }
        let library = try ScreeningLibrary.parse(text, source: file)
        let version = try await store.withCompliance { _, compliance in
            try await compliance.screening.install(library, source: file, actor: "cli")
        }
        var counts: [ScreeningRule.Kind: Int] = [:]
        for rule in library.rules { counts[rule.kind, default: 0] += 1 }
        if json {
            print(
                JSONValue.object([
                    .init("version", .int(version)), .init("rules", .int(library.rules.count)), .init("digest", .string(library.digest)),
                    .init("phrases", .int(counts[.phrase] ?? 0)), .init("regexes", .int(counts[.regex] ?? 0)),
                    .init("imageHashes", .int(counts[.imageHash] ?? 0)),
                ]).prettyPrinted)
        } else {
            print(
                "installed library version \(version): \(library.rules.count) rules (\(counts[.phrase] ?? 0) phrases, \(counts[.regex] ?? 0) regexes, \(counts[.imageHash] ?? 0) image hashes), digest \(library.digest.prefix(16))…"
            )
        }
    }
}

struct ScreeningHitsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "hits", abstract: "Print the newest screening hits as JSON.")
    @OptionGroup var store: LogStoreOptions
    @Option(help: "How many.") var limit = 50

    func run() async throws {
        let hits = try await store.withCompliance { _, compliance in try await compliance.screening.hits(limit: limit) }
        print(JSONValue.array(hits).prettyPrinted)
    }
}

/// `sigil audit …`: the filing report and the audit trail.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Export the filing report; check the audit trail.",
        subcommands: [AuditExportCommand.self, AuditVerifyCommand.self]
    )
}

struct AuditExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the labeling-method statement and statistics for a period as JSON and HTML.",
        discussion: """
            What an algorithm filing or security assessment asks for: labels by kind, verifications, accounts, \
            generation decisions, consents, screening hits, complaints and their handling times, refutations, \
            opt-outs, the log's checkpoints, and whether the audit trail is intact. Writes OUT.json and OUT.html.
            """
    )
    @Option(help: "The period's first day or instant (2026-01-01 or RFC 3339).") var from: String
    @Option(help: "The day or instant after the period.") var to: String
    @Option(name: [.customShort("o"), .long], help: "The output path without extension (default: sigil-audit-FROM-TO).") var output: String?
    @OptionGroup var store: LogStoreOptions
    @Option(help: "The provider code named in the statement (default: the development code).") var producer: String?
    @Flag(help: "Print the JSON report to standard output instead of writing files.") var json = false

    func run() async throws {
        let export = try AuditExport(from: try RecordTime.parse(from, field: "--from"), to: try RecordTime.parse(to, field: "--to"))
        let code = try producer.map(ProviderCode.init) ?? .development
        let report = try await store.withCompliance { keeper, compliance in
            let report = try await export.build(log: keeper.store, compliance: compliance, producer: code.rawValue)
            try await compliance.audit.record(actor: "cli", action: "audit.export", subject: "\(export.from)/\(export.to)")
            return report
        }
        if json {
            print(report.prettyPrinted)
            return
        }
        let base = output ?? "sigil-audit-\(from)-\(to)"
        try FileIO.writeAtomically(Array((report.prettyPrinted + "\n").utf8), to: base + ".json")
        try FileIO.writeAtomically(Array(try AuditReportPage().render(report).utf8), to: base + ".html")
        print("wrote \(base).json and \(base).html")
    }
}

struct AuditVerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "verify", abstract: "Recompute the audit trail's hash chain.")
    @OptionGroup var store: LogStoreOptions

    func run() async throws {
        let problems = try await store.withCompliance { _, compliance in try await compliance.audit.verify() }
        if problems.isEmpty {
            print("the audit trail is intact")
        } else {
            for problem in problems { Terminal.error(problem) }
            throw ExitCode(ExitStatus.problems)
        }
    }
}

/// `sigil account …`: real-name accounts, for administrators at the console.
struct AccountCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "account",
        abstract: "List and review real-name accounts (DSP Art. 9).",
        subcommands: [AccountListCommand.self, AccountReviewCommand.self]
    )
}

struct AccountListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List accounts (masked) as JSON.")
    @OptionGroup var store: LogStoreOptions
    @Option(help: "Only accounts in this status: pending, verified, rejected, suspended.") var status: String?

    func run() async throws {
        let wanted = try status.map { text in
            guard let status = Account.Status(rawValue: text) else {
                throw SigilError(.usage, "--status takes pending, verified, rejected or suspended")
            }
            return status
        }
        let accounts = try await store.withCompliance { _, compliance in try await compliance.accounts.list(status: wanted) }
        print(JSONValue.array(accounts.map(\.json)).prettyPrinted)
    }
}

struct AccountReviewCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "review", abstract: "Approve or reject a pending account.")
    @Argument(help: "The account id (acc_…).") var id: String
    @Flag(help: "Approve: the account becomes verified.") var approve = false
    @Flag(help: "Reject: the account becomes rejected (needs --note).") var reject = false
    @Option(help: "The reviewer's note (shown to the user on rejection).") var note: String?
    @OptionGroup var store: LogStoreOptions

    func run() async throws {
        guard approve != reject else { throw SigilError(.usage, "pass exactly one of --approve and --reject") }
        if reject, (note ?? "").isEmpty { throw SigilError(.usage, "--reject needs --note saying why") }
        let account = try await store.withCompliance { _, compliance in
            try await compliance.accounts.review(id, approve: approve, note: note, actor: "cli")
        }
        print(account.json.prettyPrinted)
    }
}

/// `sigil agreement …`: the user-agreement versions an explicit-label opt-out may cite (Labeling Measures Arts. 8–9).
struct AgreementCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agreement",
        abstract: "Publish and list user-agreement versions (Labeling Measures Arts. 8–9).",
        subcommands: [AgreementPublishCommand.self, AgreementListCommand.self]
    )
}

struct AgreementPublishCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "publish",
        abstract: "Record a version of the user agreement and the SHA-256 of its text.",
        discussion: "A published version is never changed; `sigil label --opt-out-agreement` and POST /v1/label accept only published versions."
    )
    @Argument(help: "The version's name, as opt-outs will cite it (e.g. tos-2025-09).") var version: String
    @Argument(help: "The agreement's text as published (any file; its SHA-256 is recorded).") var file: String
    @OptionGroup var store: LogStoreOptions

    func run() async throws {
        let digest = LowerHex.encode(RecordKeeper.contentSHA256(try FileIO.read(file)))
        let agreements = try await store.withCompliance { _, compliance in
            try await compliance.agreements.publish(version: version, sha256: digest, actor: "cli")
            return try await compliance.agreements.list()
        }
        print(JSONValue.object([.init("agreements", .array(agreements))]).prettyPrinted)
    }
}

struct AgreementListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "Print the published versions as JSON.")
    @OptionGroup var store: LogStoreOptions

    func run() async throws {
        let agreements = try await store.withCompliance { _, compliance in try await compliance.agreements.list() }
        print(JSONValue.object([.init("agreements", .array(agreements))]).prettyPrinted)
    }
}

/// `sigil pii …`: the key that seals personal data at rest.
struct PIICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pii",
        abstract: "Manage the personal-data key (names, phone and ID numbers, consent subjects, prompts).",
        subcommands: [PIIRotateCommand.self]
    )
}

struct PIIRotateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotate",
        abstract: "Re-seal all personal data under a new key, in one transaction.",
        discussion: """
            Stop every server on this database first: one still running would keep sealing with the old key. The \
            old key is kept as compliance/pii-retired-FINGERPRINT.key, because backups taken before the rotation \
            need it; destroy it when they expire. Pending phone codes are dropped (their holders ask for a new \
            one). If the rotation is interrupted, servers refuse to start until this command is run again, which \
            finishes it.
            """
    )
    @OptionGroup var store: LogStoreOptions
    @Flag(help: "Print the result as JSON.") var json = false

    func run() async throws {
        let keystore = store.location.keystore
        let outcome = try await store.withKeeper { keeper in
            try await ComplianceSchema.migrate(keeper.store.database)
            return try await PersonalDataRotation(database: keeper.store.database).rotate(keystore: keystore, actor: "cli")
        }
        if json {
            print(outcome.json.prettyPrinted)
        } else if outcome.resumed {
            print(
                "finished an interrupted rotation: key \(outcome.oldFingerprint) → \(outcome.newFingerprint); the old key is kept at \(outcome.retiredKeyPath)"
            )
        } else {
            print(
                """
                re-sealed \(outcome.accounts) accounts, \(outcome.consents) consents, \(outcome.generations) prompts and \(outcome.complaints) complaint \
                contacts under key \(outcome.newFingerprint) (was \(outcome.oldFingerprint)); dropped \(outcome.phoneCodesCleared) pending phone codes
                the old key is kept at \(outcome.retiredKeyPath): destroy it when the backups taken before now expire
                """)
        }
    }
}
