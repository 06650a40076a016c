import Foundation
import Logging
import SigilKeys
import SigilStore

/// The provider's duties over one database: every store, the outside services (SMS gateway, identity
/// verification), and the decisions that combine them — authorising a generation, and checking a label request
/// against its generation.
public struct ComplianceService: Sendable {
    /// Settings with their defaults.
    public struct Configuration: Sendable, Hashable {
        /// Days the provider publishes for answering a complaint (DSP Art. 12).
        public var complaintResponseDays = 15
        /// How often a server looks for a newer screening library.
        public var screeningReloadInterval: Duration = .seconds(1)
        /// Whether `/v1/label` refuses requests without a `generationId` (the default; off only by an explicit choice).
        public var requireGeneration = true

        public init() {}
    }

    public let accounts: AccountStore
    public let consents: ConsentStore
    public let generations: GenerationStore
    public let screening: ScreeningStore
    public let screeningCache: ScreeningCache
    public let complaints: ComplaintStore
    public let agreements: AgreementStore
    public let counters: ActivityCounters
    /// Batches the public verification counts.
    public let tally: VerificationTally
    public let audit: AuditLog
    public let sms: any SMSSender
    public let identityVerifier: (any IdentityVerifier)?
    public let configuration: Configuration
    let logger: Logger

    public init(
        database: any LogDatabase, vault: PersonalDataVault, sms: any SMSSender, identityVerifier: (any IdentityVerifier)?,
        configuration: Configuration = Configuration(), logger: Logger = Logger(label: "sigil.compliance")
    ) {
        accounts = AccountStore(database: database, vault: vault)
        consents = ConsentStore(database: database, vault: vault)
        generations = GenerationStore(database: database, vault: vault)
        screening = ScreeningStore(database: database)
        screeningCache = ScreeningCache(store: screening, interval: configuration.screeningReloadInterval)
        complaints = ComplaintStore(database: database, vault: vault, responseDays: configuration.complaintResponseDays)
        agreements = AgreementStore(database: database)
        counters = ActivityCounters(database: database)
        tally = VerificationTally(counters: counters)
        audit = AuditLog(database: database)
        self.sms = sms
        self.identityVerifier = identityVerifier
        self.configuration = configuration
        self.logger = logger
    }

    // MARK: Accounts

    /// Registers an account: checks every field, asks the identity service when one is configured (its answer,
    /// or its failure, decides between automatic verification and manual review), and stores the account.
    public func register(_ application: AccountApplication, actor: String, now: RecordTime = .now()) async throws -> Account {
        var check = Account.IdentityCheck.manualReview
        var reason: String?
        var reference: String?
        if let identityVerifier {
            let request = IdentityVerificationRequest(
                kind: application.kind.rawValue, name: application.name,
                idNumber: application.kind == .individual ? application.identity : nil,
                uscc: application.kind == .organization ? application.identity : nil)
            do {
                let answer = try await identityVerifier.verify(request)
                check = answer.result == "match" ? .matched : .mismatched
                reason = answer.result == "match" ? nil : "identity service: " + (answer.reason ?? "name and number do not match")
                reference = answer.reference
            } catch {
                logger.warning("identity verification unavailable; the account goes to manual review", metadata: ["error": "\(error)"])
            }
        }
        let account = try await accounts.create(application, identityCheck: check, checkReason: reason, actor: actor, now: now)
        if let reference {
            try await audit.record(actor: "system", action: "account.identity-reference", subject: account.id, detail: ["reference": reference])
        }
        return account
    }

    /// Sends a one-time code to the account's phone.
    public func sendPhoneCode(_ id: String, now: RecordTime = .now()) async throws -> RecordTime {
        let (code, phone) = try await accounts.issuePhoneCode(id, now: now)
        let message = SMSMessage(
            to: "+86" + phone, template: "phone-verification", parameters: ["code": code],
            text: "【Sigil】您的验证码是 \(code)，5分钟内有效。Your verification code is \(code), valid for 5 minutes.")
        try await sms.send(message)
        return RecordTime(milliseconds: now.milliseconds + AccountStore.codeLifetimeMilliseconds)
    }

    // MARK: Generations

    /// Decides whether `account` may generate `category` content from `prompt`, and records the decision.
    ///
    /// Denied when: the account is not verified (DSP Art. 9); a face or voice category lacks a live consent granted
    /// to this account for that scope (Art. 14); the prompt hits a `block` rule (Art. 10). Held (decision `review`)
    /// when nothing but `review` rules stand in the way, until a reviewer decides
    /// (``GenerationStore/review(_:approve:note:actor:now:)``).
    ///
    /// - Throws: ``FieldError`` for a missing or malformed field (`account`, `category`, `prompt`, `consent`).
    public func authorize(
        account accountID: String?, category categoryText: String?, prompt: String?, consent consentID: String?,
        now: RecordTime = .now()
    ) async throws -> Generation {
        let accountID = try TextField.require(accountID, field: "account", limit: 64)
        guard let categoryText else { throw FieldError("category", "is required: dialogue, voice, face, scene or other") }
        let category: ServiceCategory
        do { category = try ServiceCategory(parsing: categoryText) } catch {
            throw FieldError("category", "must be dialogue, voice, face, scene or other")
        }
        guard let prompt, !prompt.isEmpty else { throw FieldError("prompt", "is required") }
        guard prompt.count <= 100_000 else { throw FieldError("prompt", "is over 100,000 characters") }
        let consentID = try TextField.check(consentID, field: "consent", limit: 64, required: false)
        guard let account = try await accounts.get(accountID) else { throw FieldError("account", "no account \(accountID.prefix(40))") }

        var reasons: [String] = []
        if let refusal = account.refusal { reasons.append("account: " + refusal) }
        if let scope = Self.consentScope(category) {
            if let consentID {
                if let consent = try await consents.get(consentID) {
                    if let refusal = consent.refusal(scope: scope, account: account.id, at: now) { reasons.append("consent: " + refusal) }
                } else {
                    reasons.append("consent: no consent \(consentID.prefix(40)) is registered")
                }
            } else {
                reasons.append(
                    "consent: \(category.contractName) generation edits a person's \(scope.rawValue) and needs that person's separate consent (DSP Art. 14); pass consent"
                )
            }
        }
        let screener = try await screeningCache.current()
        let hits = screener.screen(text: prompt)
        var held: [String] = []
        for hit in hits where hit.action != .allowAndLog {
            let reason = "screening: the prompt hits a \(hit.category) rule (\(hit.action.rawValue), library v\(screener.version))"
            if hit.action == .review { held.append(reason) } else { reasons.append(reason) }
        }
        let decision: Generation.Decision = !reasons.isEmpty ? .deny : held.isEmpty ? .allow : .review
        let generation = Generation(
            id: Identifier.make("gen"), account: account.id, category: category, consent: consentID,
            decision: decision, reasons: reasons + held, ruleVersion: screener.version, createdAt: now)
        try await generations.save(generation, prompt: prompt, hits: hits)
        return generation
    }

    /// The consent scope a category needs, if any.
    public static func consentScope(_ category: ServiceCategory) -> Consent.Scope? {
        switch category {
        case .face: .face
        case .voice: .voice
        default: nil
        }
    }

    /// Checks a label request against its generation, now: it must exist, have been allowed in the last 24 hours,
    /// and its account must still be verified and its consent still live (a revocation takes effect at once).
    ///
    /// - Throws: ``FieldError`` on `generationId` when unknown; ``SigilError`` `.refused` with the reason otherwise.
    public func checkLabel(generationID: String, now: RecordTime = .now()) async throws -> Generation {
        guard Identifier.isValid(generationID, prefix: "gen"), let generation = try await generations.get(generationID) else {
            throw FieldError("generationId", "no generation \(generationID.prefix(40)); authorise one with POST /v1/generations")
        }
        switch generation.decision {
        case .allow: break
        case .review: throw SigilError(.refused, "generation \(generationID) is held for review: \(generation.reasons.joined(separator: "; "))")
        case .deny: throw SigilError(.refused, "generation \(generationID) was denied: \(generation.reasons.joined(separator: "; "))")
        }
        guard now.milliseconds - generation.authorisedAt.milliseconds <= GenerationStore.lifetimeMilliseconds else {
            throw SigilError(.refused, "generation \(generationID) was authorised more than 24 hours ago; authorise the request again")
        }
        let account = try await accounts.require(generation.account)
        if let refusal = account.refusal { throw SigilError(.refused, refusal) }
        if let scope = Self.consentScope(generation.category) {
            guard let consentID = generation.consent, let consent = try await consents.get(consentID) else {
                throw SigilError(.refused, "generation \(generationID) has no consent on record")
            }
            if let refusal = consent.refusal(scope: scope, account: account.id, at: now) { throw SigilError(.refused, refusal) }
        }
        return generation
    }

    /// Screens an output image's perceptual hash with `screener` (the caller's current one); logs the hits and
    /// throws `.refused` on a block or review hit.
    public func screenOutput(perceptualHash: UInt64, screener: Screener, subject: String, account: String?, now: RecordTime = .now()) async throws {
        let hits = screener.screen(perceptualHash: perceptualHash)
        guard !hits.isEmpty else { return }
        try await screening.log(hits, stage: "output", subject: subject, account: account, version: screener.version, now: now)
        if let worst = Screener.action(of: hits), worst != .allowAndLog {
            let hit = hits.first { $0.action == worst }!
            throw SigilError(
                .refused,
                "the output matches a known \(hit.category) image (\(worst.rawValue), library v\(screener.version), distance \(hit.distance ?? 0))")
        }
    }
}
