import Foundation
import Sigil

/// How `sigil serve` runs. Every setting comes from, in rising precedence: the defaults here, a JSON file
/// (`--config` or `SIGIL_CONFIG`), the environment (`SIGIL_*`), and command-line flags.
///
/// ```json
/// {"host": "0.0.0.0", "port": 8080, "database": "postgres://sigil@db/sigil", "workers": 4}
/// ```
public struct ServerConfiguration: Sendable, Hashable {
    /// The address to listen on.
    public var host = "127.0.0.1"
    /// The port (0 picks a free one).
    public var port = 8080
    /// The data directory (SQLite file, keystore); nil resolves `SIGIL_DATA`, then the XDG default.
    public var data: String?
    /// A keystore directory that replaces `<data>/keys`.
    public var keys: String?
    /// A PostgreSQL URL; nil uses the SQLite file in the data directory.
    public var database: String?
    /// The `ContentProducer` for labels made with keys that carry no provider code.
    public var producer: String?
    /// The log's origin line, used when the log is created.
    public var logOrigin: String?
    /// The largest request body accepted (413 above it).
    public var maxBodyBytes = 64 * 1024 * 1024
    /// The largest image accepted, in pixels (checked from the header before decoding).
    public var maxPixels = 100_000_000
    /// Image jobs that run at once (default: the number of cores).
    public var workers = ProcessInfo.processInfo.activeProcessorCount
    /// Image jobs that may wait for a worker; more get 503 at once (default: 4 per worker).
    public var queueDepth: Int?
    /// How long a job may wait for a worker before it gets 503, in seconds.
    public var queueTimeoutSeconds = 10.0
    /// Connections idle longer than this are closed, in seconds.
    public var idleTimeoutSeconds = 30.0
    /// Public `POST /v1/verify` requests per client address per minute.
    public var verifyPerMinute = 600
    /// The burst a client may spend at once before the per-minute rate applies.
    public var verifyBurst = 60
    /// The verify quota per minute of a platform's key (one with a provider code) that sets none of its own; nil (the
    /// default) leaves such keys unlimited, like the provider's own keys (decision 0404).
    public var platformVerifyPerMinute: Int?
    /// Verdicts kept in memory by content hash (decision 0407); 0 turns the verify cache off, the shared table too.
    public var verifyCacheEntries = 10_000
    /// The most bytes one `POST /v1/verify/batch` may send (each file is limited by ``maxBodyBytes``).
    public var batchMaxBytes = 4 * 1024 * 1024 * 1024
    /// The most files one batch may hold.
    public var batchMaxFiles = 10_000
    /// The addresses of the proxies in front of the server. A request whose peer is one of them is attributed to the
    /// right-most `X-Forwarded-For` address that is not (see ``ClientAddress``); empty ignores the header.
    public var trustedProxies: [String] = []
    /// Days the provider publishes for answering a complaint (DSP Art. 12).
    public var complaintResponseDays = 15
    /// The provider's duties: `POST /v1/label` needs a `generationId` from `POST /v1/generations` (a verified
    /// account, consent, screening). On by default; `sigil serve --no-duties` turns it off for a pure labeling
    /// deployment, which is logged, audited and shown in `/readyz`.
    public var requireGeneration = true
    /// How often a server looks for a newer screening library, in seconds.
    public var screeningReloadSeconds = 1.0
    /// The SMS gateway (docs/DUTIES.md); nil writes codes to the log and `<data>/dev-sms.jsonl` instead.
    public var smsGatewayURL: String?
    /// The bearer token for the SMS gateway.
    public var smsGatewayToken: String?
    /// The identity-verification service (docs/DUTIES.md); nil sends every account to manual review.
    public var identityServiceURL: String?
    /// The bearer token for the identity-verification service.
    public var identityServiceToken: String?
    /// The text generator's tokenizer (tokenizer.json or .gguf): `/v1/verify` tests text and documents for the
    /// provider's text mark (decision 0604); nil reports the text mark as not tested.
    public var textMarkTokenizer: String?

    /// The OpenAI-compatible model server `POST /v1/chat/completions` forwards to (decision 0408): its base URL
    /// (`http://model:8000/v1`, to which `/chat/completions` is added) or the endpoint itself; nil answers that route
    /// with 501.
    public var chatUpstream: String?
    /// The bearer token Sigil sends to ``chatUpstream``. The client's `Authorization` (its Sigil key) is never
    /// forwarded; without this setting the upstream gets no `Authorization` at all.
    public var chatUpstreamKey: String?
    /// The longest the chat upstream may stay silent, in seconds: the whole answer of a non-streamed completion, the
    /// gap between two chunks of a stream.
    public var chatUpstreamTimeoutSeconds = 300.0

    /// Jobs (`POST /v1/jobs`, decision 0411) this server runs at once; 0 runs none (the server still queues them for
    /// others on the same database).
    public var jobWorkers = 1
    /// The largest file a job may upload (8 GiB by default); it is streamed to disk, never held in memory.
    public var maxJobBytes: Int64 = 8 * 1024 * 1024 * 1024
    /// The jobs folder (uploads and results); nil is `<data>/jobs`. Servers sharing a database's queue must share it.
    public var jobsDirectory: String?
    /// How long a runner's claim on a job lasts without renewal (renewed every second): a killed server's job is
    /// taken over this long after its last renewal.
    public var jobLeaseSeconds = 60.0
    /// How often an idle runner looks for a queued job, in seconds.
    public var jobPollSeconds = 1.0
    /// How long a finished job and its files are kept, in hours.
    public var jobRetentionHours = 24.0

    /// Development mode (`sigil serve --development`): runs with development keys and the development SMS sender,
    /// which a production start refuses.
    public var development = false

    public init() {}

    /// The queue depth in force.
    public var effectiveQueueDepth: Int { queueDepth ?? 4 * max(1, workers) }

    /// The settings a file, the environment or the flags may give; nil leaves a setting alone.
    public struct Overrides: Sendable, Hashable, Codable {
        public var host: String?
        public var port: Int?
        public var data: String?
        public var keys: String?
        public var database: String?
        public var producer: String?
        public var logOrigin: String?
        public var maxBodyBytes: Int?
        public var maxPixels: Int?
        public var workers: Int?
        public var queueDepth: Int?
        public var queueTimeoutSeconds: Double?
        public var idleTimeoutSeconds: Double?
        public var verifyPerMinute: Int?
        public var verifyBurst: Int?
        public var platformVerifyPerMinute: Int?
        public var verifyCacheEntries: Int?
        public var batchMaxBytes: Int?
        public var batchMaxFiles: Int?
        public var trustedProxies: [String]?
        public var complaintResponseDays: Int?
        public var requireGeneration: Bool?
        public var screeningReloadSeconds: Double?
        public var smsGatewayURL: String?
        public var smsGatewayToken: String?
        public var identityServiceURL: String?
        public var textMarkTokenizer: String?
        public var identityServiceToken: String?
        public var chatUpstream: String?
        public var chatUpstreamKey: String?
        public var chatUpstreamTimeoutSeconds: Double?
        public var jobWorkers: Int?
        public var maxJobBytes: Int64?
        public var jobsDirectory: String?
        public var jobLeaseSeconds: Double?
        public var jobPollSeconds: Double?
        public var jobRetentionHours: Double?
        public var development: Bool?

        public init() {}
    }

    /// Applies `overrides` on top of this configuration.
    public mutating func apply(_ o: Overrides) {
        if let v = o.host { host = v }
        if let v = o.port { port = v }
        if let v = o.data { data = v }
        if let v = o.keys { keys = v }
        if let v = o.database { database = v }
        if let v = o.producer { producer = v }
        if let v = o.logOrigin { logOrigin = v }
        if let v = o.maxBodyBytes { maxBodyBytes = v }
        if let v = o.maxPixels { maxPixels = v }
        if let v = o.workers { workers = v }
        if let v = o.queueDepth { queueDepth = v }
        if let v = o.queueTimeoutSeconds { queueTimeoutSeconds = v }
        if let v = o.idleTimeoutSeconds { idleTimeoutSeconds = v }
        if let v = o.verifyPerMinute { verifyPerMinute = v }
        if let v = o.verifyBurst { verifyBurst = v }
        if let v = o.platformVerifyPerMinute { platformVerifyPerMinute = v }
        if let v = o.verifyCacheEntries { verifyCacheEntries = v }
        if let v = o.batchMaxBytes { batchMaxBytes = v }
        if let v = o.batchMaxFiles { batchMaxFiles = v }
        if let v = o.trustedProxies { trustedProxies = v }
        if let v = o.complaintResponseDays { complaintResponseDays = v }
        if let v = o.requireGeneration { requireGeneration = v }
        if let v = o.screeningReloadSeconds { screeningReloadSeconds = v }
        if let v = o.smsGatewayURL { smsGatewayURL = v }
        if let v = o.smsGatewayToken { smsGatewayToken = v }
        if let v = o.identityServiceURL { identityServiceURL = v }
        if let v = o.textMarkTokenizer { textMarkTokenizer = v }
        if let v = o.identityServiceToken { identityServiceToken = v }
        if let v = o.chatUpstream { chatUpstream = v }
        if let v = o.chatUpstreamKey { chatUpstreamKey = v }
        if let v = o.chatUpstreamTimeoutSeconds { chatUpstreamTimeoutSeconds = v }
        if let v = o.jobWorkers { jobWorkers = v }
        if let v = o.maxJobBytes { maxJobBytes = v }
        if let v = o.jobsDirectory { jobsDirectory = v }
        if let v = o.jobLeaseSeconds { jobLeaseSeconds = v }
        if let v = o.jobPollSeconds { jobPollSeconds = v }
        if let v = o.jobRetentionHours { jobRetentionHours = v }
        if let v = o.development { development = v }
    }

    /// The environment variable of each setting.
    public static let environmentNames: [String: String] = [
        "host": "SIGIL_HOST", "port": "SIGIL_PORT", "data": "SIGIL_DATA", "keys": "SIGIL_KEYS", "database": "SIGIL_DATABASE",
        "producer": "SIGIL_PRODUCER", "logOrigin": "SIGIL_LOG_ORIGIN", "maxBodyBytes": "SIGIL_MAX_BODY_BYTES",
        "maxPixels": "SIGIL_MAX_PIXELS", "workers": "SIGIL_WORKERS", "queueDepth": "SIGIL_QUEUE_DEPTH",
        "queueTimeoutSeconds": "SIGIL_QUEUE_TIMEOUT", "idleTimeoutSeconds": "SIGIL_IDLE_TIMEOUT",
        "verifyPerMinute": "SIGIL_VERIFY_PER_MINUTE", "verifyBurst": "SIGIL_VERIFY_BURST",
        "platformVerifyPerMinute": "SIGIL_PLATFORM_VERIFY_PER_MINUTE", "verifyCacheEntries": "SIGIL_VERIFY_CACHE_ENTRIES",
        "batchMaxBytes": "SIGIL_BATCH_MAX_BYTES", "batchMaxFiles": "SIGIL_BATCH_MAX_FILES", "trustedProxies": "SIGIL_TRUSTED_PROXIES",
        "complaintResponseDays": "SIGIL_COMPLAINT_RESPONSE_DAYS", "requireGeneration": "SIGIL_REQUIRE_GENERATION",
        "screeningReloadSeconds": "SIGIL_SCREENING_RELOAD", "smsGatewayURL": "SIGIL_SMS_GATEWAY_URL",
        "smsGatewayToken": "SIGIL_SMS_GATEWAY_TOKEN", "identityServiceURL": "SIGIL_IDENTITY_SERVICE_URL",
        "textMarkTokenizer": "SIGIL_TEXTMARK_TOKENIZER",
        "identityServiceToken": "SIGIL_IDENTITY_SERVICE_TOKEN", "development": "SIGIL_DEVELOPMENT",
        "chatUpstream": "SIGIL_CHAT_UPSTREAM", "chatUpstreamKey": "SIGIL_CHAT_UPSTREAM_KEY",
        "chatUpstreamTimeoutSeconds": "SIGIL_CHAT_UPSTREAM_TIMEOUT", "jobWorkers": "SIGIL_JOB_WORKERS",
        "maxJobBytes": "SIGIL_MAX_JOB_BYTES", "jobsDirectory": "SIGIL_JOBS_DIRECTORY", "jobLeaseSeconds": "SIGIL_JOB_LEASE",
        "jobPollSeconds": "SIGIL_JOB_POLL", "jobRetentionHours": "SIGIL_JOB_RETENTION_HOURS",
    ]

    /// Reads the overrides the environment gives.
    ///
    /// - Throws: ``SigilError`` `.usage` naming a variable whose value is not a number or boolean where one is needed.
    public static func overrides(environment: [String: String]) throws -> Overrides {
        var o = Overrides()
        func value(_ key: String) -> String? { environmentNames[key].flatMap { environment[$0] }.flatMap { $0.isEmpty ? nil : $0 } }
        func int(_ key: String) throws -> Int? {
            guard let text = value(key) else { return nil }
            guard let n = Int(text) else { throw SigilError(.usage, "\(environmentNames[key]!)=\(text) is not a whole number") }
            return n
        }
        func double(_ key: String) throws -> Double? {
            guard let text = value(key) else { return nil }
            guard let n = Double(text) else { throw SigilError(.usage, "\(environmentNames[key]!)=\(text) is not a number") }
            return n
        }
        o.host = value("host")
        o.port = try int("port")
        o.data = value("data")
        o.keys = value("keys")
        o.database = value("database")
        o.producer = value("producer")
        o.logOrigin = value("logOrigin")
        o.maxBodyBytes = try int("maxBodyBytes")
        o.maxPixels = try int("maxPixels")
        o.workers = try int("workers")
        o.queueDepth = try int("queueDepth")
        o.queueTimeoutSeconds = try double("queueTimeoutSeconds")
        o.idleTimeoutSeconds = try double("idleTimeoutSeconds")
        o.verifyPerMinute = try int("verifyPerMinute")
        o.verifyBurst = try int("verifyBurst")
        o.platformVerifyPerMinute = try int("platformVerifyPerMinute")
        o.verifyCacheEntries = try int("verifyCacheEntries")
        o.batchMaxBytes = try int("batchMaxBytes")
        o.batchMaxFiles = try int("batchMaxFiles")
        func bool(_ key: String) throws -> Bool? {
            guard let text = value(key) else { return nil }
            switch text.lowercased() {
            case "1", "true", "yes": return true
            case "0", "false", "no": return false
            default: throw SigilError(.usage, "\(environmentNames[key]!)=\(text) is not true or false")
            }
        }
        o.trustedProxies = value("trustedProxies").map(ClientAddress.parseList)
        o.complaintResponseDays = try int("complaintResponseDays")
        o.requireGeneration = try bool("requireGeneration")
        o.screeningReloadSeconds = try double("screeningReloadSeconds")
        o.smsGatewayURL = value("smsGatewayURL")
        o.smsGatewayToken = value("smsGatewayToken")
        o.identityServiceURL = value("identityServiceURL")
        o.textMarkTokenizer = value("textMarkTokenizer")
        o.identityServiceToken = value("identityServiceToken")
        o.chatUpstream = value("chatUpstream")
        o.chatUpstreamKey = value("chatUpstreamKey")
        o.chatUpstreamTimeoutSeconds = try double("chatUpstreamTimeoutSeconds")
        o.jobWorkers = try int("jobWorkers")
        o.maxJobBytes = try int("maxJobBytes").map(Int64.init)
        o.jobsDirectory = value("jobsDirectory")
        o.jobLeaseSeconds = try double("jobLeaseSeconds")
        o.jobPollSeconds = try double("jobPollSeconds")
        o.jobRetentionHours = try double("jobRetentionHours")
        o.development = try bool("development")
        return o
    }

    /// Reads a JSON configuration file.
    ///
    /// - Throws: ``SigilError`` `.io` when it cannot be read, `.usage` naming the problem when it is not a JSON
    ///   object of known settings.
    public static func overrides(file path: String) throws -> Overrides {
        let bytes = try FileIO.read(path)
        guard case .object(let members)? = try? JSONValue.parse(String(decoding: bytes, as: UTF8.self)) else {
            throw SigilError(.usage, "the configuration file is not a JSON object", path: path)
        }
        let known = Set(environmentNames.keys)
        if let unknown = members.first(where: { !known.contains($0.key) }) {
            throw SigilError(.usage, "unknown setting \"\(unknown.key)\"; known: \(known.sorted().joined(separator: ", "))", path: path)
        }
        do {
            let decoder = JSONDecoder()
            return try decoder.decode(Overrides.self, from: Data(bytes))
        } catch DecodingError.typeMismatch(_, let context), DecodingError.dataCorrupted(let context) {
            throw SigilError(.usage, "setting \"\(context.codingPath.map(\.stringValue).joined(separator: "."))\" has the wrong type", path: path)
        } catch {
            throw SigilError(.usage, "cannot read the configuration: \(error)", path: path)
        }
    }

    /// Defaults, then the file (`file` or `SIGIL_CONFIG`), then the environment, then `flags`; validated.
    public static func load(file: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment, flags: Overrides = Overrides())
        throws -> ServerConfiguration
    {
        var configuration = ServerConfiguration()
        if let path = file ?? environment["SIGIL_CONFIG"].flatMap({ $0.isEmpty ? nil : $0 }) {
            configuration.apply(try overrides(file: path))
        }
        if environment["SIGIL_TRUST_FORWARDED_FOR"] != nil {
            throw SigilError(
                .usage,
                "SIGIL_TRUST_FORWARDED_FOR is gone: list the proxies' addresses in SIGIL_TRUSTED_PROXIES (comma-separated), so clients cannot name themselves"
            )
        }
        configuration.apply(try overrides(environment: environment))
        configuration.apply(flags)
        try configuration.validate()
        return configuration
    }

    /// Checks ranges and the producer code.
    ///
    /// - Throws: ``SigilError`` `.usage` naming the setting.
    public func validate() throws {
        guard (0...65535).contains(port) else { throw SigilError(.usage, "port \(port) is not 0…65535") }
        guard maxBodyBytes > 0 else { throw SigilError(.usage, "maxBodyBytes must be positive") }
        guard maxPixels > 0 else { throw SigilError(.usage, "maxPixels must be positive") }
        guard workers > 0 else { throw SigilError(.usage, "workers must be at least 1") }
        if let queueDepth, queueDepth < 0 { throw SigilError(.usage, "queueDepth must not be negative") }
        guard queueTimeoutSeconds > 0, idleTimeoutSeconds > 0 else { throw SigilError(.usage, "timeouts must be positive") }
        guard verifyPerMinute > 0, verifyBurst > 0 else { throw SigilError(.usage, "verifyPerMinute and verifyBurst must be positive") }
        if let platformVerifyPerMinute, platformVerifyPerMinute < 1 {
            throw SigilError(.usage, "platformVerifyPerMinute must be at least 1 (leave it out for no quota)")
        }
        guard verifyCacheEntries >= 0 else { throw SigilError(.usage, "verifyCacheEntries must not be negative") }
        guard batchMaxBytes > 0, batchMaxFiles > 0 else { throw SigilError(.usage, "batchMaxBytes and batchMaxFiles must be positive") }
        guard (1...365).contains(complaintResponseDays) else { throw SigilError(.usage, "complaintResponseDays must be 1…365") }
        guard screeningReloadSeconds >= 0 else { throw SigilError(.usage, "screeningReloadSeconds must not be negative") }
        guard chatUpstreamTimeoutSeconds > 0, chatUpstreamTimeoutSeconds <= 86_400 else {
            throw SigilError(.usage, "chatUpstreamTimeoutSeconds must be between 0 and 86400 seconds (a day), got \(chatUpstreamTimeoutSeconds)")
        }
        if let chatUpstream, URL(string: chatUpstream)?.host?.isEmpty != false {
            throw SigilError(.usage, "chatUpstream must be an http or https URL with a host (http://model:8000/v1)")
        }
        for (name, url) in [("smsGatewayURL", smsGatewayURL), ("identityServiceURL", identityServiceURL), ("chatUpstream", chatUpstream)] {
            if let url, URL(string: url)?.scheme.map({ ["http", "https"].contains($0) }) != true {
                throw SigilError(.usage, "\(name) must be an http or https URL")
            }
        }
        if let bad = trustedProxies.first(where: { !ClientAddress.isAddress(ClientAddress.normalize($0)) }) {
            throw SigilError(.usage, "trustedProxies takes IP addresses; \"\(bad)\" is not one")
        }
        guard (0...64).contains(jobWorkers) else { throw SigilError(.usage, "jobWorkers must be 0…64, got \(jobWorkers)") }
        guard maxJobBytes > 0, maxJobBytes <= 1 << 40 else { throw SigilError(.usage, "maxJobBytes must be 1 byte…1 TiB") }
        guard (3...86_400).contains(jobLeaseSeconds), (0.05...60).contains(jobPollSeconds), (0.01...8_760).contains(jobRetentionHours) else {
            throw SigilError(
                .usage,
                "jobLeaseSeconds must be 3…86400 (it is renewed every second), jobPollSeconds 0.05…60, jobRetentionHours 0.01…8760 (a year)")
        }
        if let producer { _ = try ProviderCode(producer) }
        if let database, !(database.hasPrefix("postgres://") || database.hasPrefix("postgresql://")) {
            throw SigilError(
                .usage, "database takes a PostgreSQL URL (postgres://user:password@host:port/database); SQLite lives in the data directory")
        }
    }
}
