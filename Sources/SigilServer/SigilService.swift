import Foundation
import Logging
import Mustache
import Sigil
import SigilAccess
import SigilCompliance
import SigilStorePostgres

/// Everything a running server shares between requests: the store and its log, the API keys, the provider's keys,
/// the loaded font, the limits and the metrics. Opened once by ``open(_:logger:)``; each ``SigilServer`` route reads
/// it, and nothing in it is global.
public struct SigilService: Sendable {
    public let configuration: ServerConfiguration
    /// The generation records and the transparency log.
    public let keeper: RecordKeeper
    /// The API keys (same database).
    public let apiKeys: APIKeyStore
    /// Accounts, consents, generations, screening, complaints, agreements and the audit log (same database).
    public let compliance: ComplianceService
    let keyCache: APIKeyCache
    /// Bounds image work.
    public let limiter: WorkLimiter
    let verifyRate: RateLimiter
    /// The verify quotas of keys that have one (decision 0404), by key id.
    let keyQuotas: RateLimiter
    /// Verdicts by content hash (decision 0407); nil when ``ServerConfiguration/verifyCacheEntries`` is 0.
    let verifyCache: VerifyCache?
    /// ``ServerConfiguration/trustedProxies``, normalized.
    let trustedProxies: Set<String>
    public let metrics: ServerMetrics
    let watermarkKey: WatermarkKey
    let provenanceKeys: ProvenanceKeys
    let font: Font
    /// The ContentProducer for keys without a provider code.
    let producer: ProviderCode
    /// The verifier for uploaded files (this provider's watermark key and label keys).
    public let verifier: Verifier
    let page: VerifyPage
    let adminTemplate: MustacheTemplate
    let lifecycle: Lifecycle
    /// The job queue (decision 0411), in the same database.
    let jobs: JobStore
    /// The jobs folder.
    let jobFiles: JobFiles
    /// The model server `POST /v1/chat/completions` forwards to (decision 0408); nil when none is configured.
    let chatUpstream: ChatUpstream?
    /// Development keys created while opening (the CLI prints each).
    public let notices: [DevelopmentKeyNotice]
    /// The admin key created on first start — its token is shown once, here, and never stored.
    public let firstAdminToken: APIKeyToken?

    /// Opens the store (creating the SQLite file on first start), loads or creates the keys, and creates the first
    /// admin API key when the store has no live one.
    ///
    /// - Throws: ``SigilError`` for a bad configuration, an unreachable database or unreadable keys.
    public static func open(_ configuration: ServerConfiguration, logger: Logger = Logger(label: "sigil.server")) async throws -> SigilService {
        try configuration.validate()
        let location = RecordKeeper.Location(
            data: configuration.data, keys: configuration.keys, database: configuration.database, drivers: [.postgres])
        let dataPath = location.dataDirectory.path
        try location.dataDirectory.create()
        let (watermarker, watermarkNotice) = try WatermarkKeys.load(dataDirectory: dataPath, keysDirectory: configuration.keys)
        let (provenance, provenanceNotices) = try ProvenanceKeyLoader.load(
            dataDirectory: dataPath, keysDirectory: configuration.keys, passphrase: try ProvenanceKeyLoader.passphrase())
        let font = try Font(path: try FontLocator.locate(explicit: nil))
        let keeper = try await RecordKeeper.open(location, origin: configuration.logOrigin)
        do {
            let (vault, vaultNotice) = try PersonalDataVault.load(from: location.keystore)
            // Production mode: development keys and the development SMS sender need --development. Checked before
            // the first admin key is made, so a refused start shows no token it then loses.
            let development = Self.developmentParts(
                configuration, keystore: location.keystore, provenance: provenance,
                notices: ([watermarkNotice, vaultNotice] + provenanceNotices).compactMap { $0 } + keeper.notices)
            if !development.isEmpty {
                guard configuration.development else {
                    throw SigilError(
                        .usage,
                        "sigil serve refuses development keys and senders outside development mode: \(development.joined(separator: "; ")). Provision real ones (sigil keys, smsGatewayURL) or start with --development"
                    )
                }
                logger.warning("development mode (--development): \(development.joined(separator: "; "))")
            }
            try await ComplianceSchema.migrate(keeper.store.database)
            let apiKeys = try await APIKeyStore.open(keeper.store.database)
            var adminToken: APIKeyToken?
            if try await !apiKeys.hasLiveKey(scope: .admin) {
                let created = try await apiKeys.create(name: "first admin (created on first start)", scopes: [.admin])
                adminToken = created.token
                try await AuditLog(database: keeper.store.database).record(
                    actor: "system", action: "apikey.create", subject: created.key.id,
                    detail: ["scopes": "admin", "name": created.key.name])
                logger.notice("created the first admin API key; its token was printed once and is stored only as a hash")
            }
            if !configuration.requireGeneration {
                logger.warning(
                    "duties are off (--no-duties): POST /v1/label labels without a generation, so no real-name account, consent or prompt screening is checked"
                )
                try await AuditLog(database: keeper.store.database).record(
                    actor: "system", action: AuditExport.dutiesOffAction, subject: "server",
                    detail: ["requireGeneration": "false"])
            }
            var duties = ComplianceService.Configuration()
            duties.complaintResponseDays = configuration.complaintResponseDays
            duties.requireGeneration = configuration.requireGeneration
            duties.screeningReloadInterval = .milliseconds(Int64(configuration.screeningReloadSeconds * 1000))
            let sms: any SMSSender =
                try configuration.smsGatewayURL.map { try HTTPSMSGateway(url: Self.url($0), token: configuration.smsGatewayToken) }
                ?? DevelopmentSMSSender(logger: logger, outbox: location.dataDirectory.appending("dev-sms.jsonl"))
            if configuration.smsGatewayURL == nil {
                logger.notice(
                    "no SMS gateway configured: one-time messages go, masked, to the log and \(location.dataDirectory.appending("dev-sms.jsonl")) (development mode only)"
                )
            }
            let identity: (any IdentityVerifier)? = try configuration.identityServiceURL.map {
                HTTPIdentityVerifier(url: try Self.url($0), token: configuration.identityServiceToken)
            }
            let compliance = ComplianceService(
                database: keeper.store.database, vault: vault, sms: sms, identityVerifier: identity,
                configuration: duties, logger: logger)
            var verifyCache: VerifyCache?
            if configuration.verifyCacheEntries > 0 {
                verifyCache = VerifyCache(capacity: configuration.verifyCacheEntries, store: try await VerifyCacheStore.open(keeper.store.database))
            }
            let jobs = try await JobStore.open(keeper.store.database)
            let jobFiles = JobFiles(root: configuration.jobsDirectory ?? location.dataDirectory.appending("jobs"))
            do {
                try FileManager.default.createDirectory(atPath: jobFiles.root, withIntermediateDirectories: true)
            } catch {
                throw SigilError(.io, "cannot create the jobs folder: \(error.localizedDescription)", path: jobFiles.root)
            }
            var options = Verifier.Options()
            options.maxPixels = configuration.maxPixels
            options.watermarkKey = watermarker.key
            // The explicit text label of a PDF is read from poppler's text, when poppler is installed (decision 0409).
            options.pdftotext = PDFText.locate()
            if let tokenizer = configuration.textMarkTokenizer {
                options.textMark = TextMarkDetector(
                    key: try TextMarkKey(watermarkKeyBytes: watermarker.key.bytes), tokenizer: try TextTokenizer.load(path: tokenizer))
            }
            options.labelKeys = ProvenanceKeyLoader.keystore(dataDirectory: dataPath, keysDirectory: configuration.keys).publicLabelKeys()
            // The server keeps a log, so sounds are fingerprinted for the record lookup by sound.
            options.fingerprintAudio = true
            options.fingerprintVideo = true
            return SigilService(
                configuration: configuration, keeper: keeper, apiKeys: apiKeys, compliance: compliance, keyCache: APIKeyCache(store: apiKeys),
                limiter: WorkLimiter(
                    workers: configuration.workers, queueDepth: configuration.effectiveQueueDepth,
                    queueTimeout: .milliseconds(Int(configuration.queueTimeoutSeconds * 1000))),
                verifyRate: RateLimiter(perMinute: configuration.verifyPerMinute, burst: configuration.verifyBurst),
                keyQuotas: RateLimiter(perMinute: 60, burst: 10), verifyCache: verifyCache,
                trustedProxies: Set(configuration.trustedProxies.map(ClientAddress.normalize)),
                metrics: ServerMetrics(), watermarkKey: watermarker.key, provenanceKeys: provenance, font: font,
                producer: try configuration.producer.map(ProviderCode.init) ?? .development,
                verifier: Verifier(options: options),
                page: try VerifyPage(responseDays: configuration.complaintResponseDays, pdftoppm: PDFFirstPage.locate()),
                adminTemplate: try MustacheTemplate(string: try Resources.text("admin.mustache")), lifecycle: Lifecycle(),
                jobs: jobs, jobFiles: jobFiles,
                // Made last: its HTTP client must be shut down, which only close() does.
                chatUpstream: ChatUpstream.make(configuration),
                notices: ([watermarkNotice, vaultNotice] + provenanceNotices).compactMap { $0 } + keeper.notices, firstAdminToken: adminToken)
        } catch {
            try? await keeper.close()
            throw error
        }
    }

    /// The development parts a server would run with: keys created on first use (now or before, and not replaced
    /// since), the development C2PA chain, the development SMS sender.
    static func developmentParts(
        _ configuration: ServerConfiguration, keystore: Keystore, provenance: ProvenanceKeys,
        notices: [DevelopmentKeyNotice]
    ) -> [String] {
        var items = notices.map(\.name)
        for item in DevelopmentKeys.marked(
            [WatermarkKeys.itemName, LogKeys.signingKeyItem, LogKeys.pseudonymizationKeyItem, PersonalDataVault.keyItem],
            in: keystore) where !items.contains(item)
        {
            items.append(item)
        }
        if DevelopmentKeys.isDevelopment(provenance), !items.contains(where: { $0.hasPrefix("c2pa") }) {
            items.append("c2pa signer (development CA chain, O=\(DevelopmentKeys.organization))")
        }
        if configuration.smsGatewayURL == nil { items.append("the development SMS sender (no smsGatewayURL)") }
        return items
    }

    static func url(_ text: String) throws -> URL {
        guard let url = URL(string: text) else { throw SigilError(.usage, "\(text) is not a URL") }
        return url
    }

    /// The fingerprint of `options` in the verify cache's keys: verdicts are reused only under equal fingerprints
    /// (decision 0407).
    public static func verifyCacheFingerprint(_ options: Verifier.Options) -> String { VerifyCache.fingerprint(options) }

    /// Writes the verify cache's pending verdicts to the shared table now (they are written in batches otherwise).
    public func flushVerifyCache() async { await verifyCache?.flush() }

    /// Stops taking image work, waits for running jobs, and closes the store. Call after the HTTP server has drained.
    public func close() async {
        await lifecycle.setDraining()
        await limiter.shutdown()
        await verifyCache?.flush()
        await chatUpstream?.shutdown()
        try? await compliance.tally.flush()
        try? await keeper.close()
    }
}

/// Whether the server still takes work (`/readyz` says 503 once it drains).
actor Lifecycle {
    private(set) var draining = false
    func setDraining() { draining = true }
}
