import ArgumentParser
import Foundation
import Logging
import Sigil
import SigilAccess
import SigilCompliance
import SigilServer
import SigilStorePostgres

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the HTTP API, the public verify page and the log's tiles.",
        discussion: """
            Settings come from the defaults, then a JSON file (--config or SIGIL_CONFIG), then SIGIL_* environment \
            variables, then these flags. The first start on an empty data directory creates the SQLite store and an \
            admin API key, whose token is printed once; development keys (created on first use) and the development \
            SMS sender are refused unless --development is given. The provider's duties are on: every label needs a \
            generation unless --no-duties. SIGTERM or Ctrl-C stops it gracefully: requests in flight finish first.
            """
    )

    @Option(help: "Address to listen on (default 127.0.0.1).") var host: String?
    @Option(help: "Port (default 8080; 0 picks a free one).") var port: Int?
    @Option(name: .customLong("data"), help: "Sigil's data directory (default: $SIGIL_DATA, else ~/.local/share/sigil).") var data: String?
    @Option(name: .customLong("keys"), help: "A keystore directory to use instead of DATA/keys.") var keys: String?
    @Option(help: "A PostgreSQL URL (postgres://…) instead of DATA/sigil.sqlite; also $SIGIL_DATABASE.") var database: String?
    @Option(help: "A JSON configuration file (also $SIGIL_CONFIG).") var config: String?
    @Option(help: "ContentProducer for keys without a provider code (default: the development code).") var producer: String?
    @Option(name: .customLong("workers"), help: "Image jobs at once (default: the number of cores).") var workers: Int?
    @Option(name: .customLong("queue-depth"), help: "Image jobs that may wait; more get 503 (default: 4 per worker).") var queueDepth: Int?
    @Option(name: .customLong("max-body"), help: "Largest request body in bytes (default 64 MiB).") var maxBody: Int?
    @Option(name: .customLong("max-pixels"), help: "Largest image in pixels (default 100 MP).") var maxPixels: Int?
    @Option(name: .customLong("job-workers"), help: "Jobs (POST /v1/jobs) this server runs at once; 0 only queues them (default 1).")
    var jobWorkers: Int?
    @Option(name: .customLong("log-origin"), help: "The log's origin, used when the log is created.") var logOrigin: String?
    @Option(
        name: .customLong("trusted-proxies"),
        help:
            "Comma-separated addresses of the proxies in front of the server; behind them the client is the right-most X-Forwarded-For address that is not a proxy (also $SIGIL_TRUSTED_PROXIES)."
    ) var trustedProxies: String?
    @Flag(
        name: .customLong("development"),
        help:
            "Development mode: run with development keys (created on first use) and the development SMS sender, which a production start refuses. Never in production."
    ) var development = false
    @Flag(
        name: .customLong("no-duties"),
        help:
            "Label without a generation (no account, consent or screening check): a pure labeling deployment. Logged at start, audited and shown in /readyz."
    ) var noDuties = false
    @Option(
        name: .customLong("chat-upstream"),
        help: ArgumentHelp(
            "The OpenAI-compatible model server POST /v1/chat/completions forwards to, labeling and recording each answer: its base URL (http://model:8000/v1) or the endpoint itself (also $SIGIL_CHAT_UPSTREAM). Its bearer token comes from $SIGIL_CHAT_UPSTREAM_KEY or the configuration file's chatUpstreamKey, never from the client.",
            valueName: "url")
    ) var chatUpstream: String?
    @Option(
        name: .customLong("chat-upstream-timeout"),
        help: "The longest the chat upstream may stay silent, in seconds: a whole non-streamed answer, or the gap between two chunks (default 300)."
    ) var chatUpstreamTimeout: Double?
    @Option(name: .customLong("ready-file"), help: "Write the bound address (host:port) to this file once listening.") var readyFile: String?

    func run() async throws {
        AllocatorTuning.applyForServer(environment: ProcessInfo.processInfo.environment)
        var flags = ServerConfiguration.Overrides()
        flags.host = host
        flags.port = port
        flags.data = data
        flags.keys = keys
        flags.database = database
        flags.producer = producer
        flags.workers = workers
        flags.queueDepth = queueDepth
        flags.maxBodyBytes = maxBody
        flags.maxPixels = maxPixels
        flags.jobWorkers = jobWorkers
        flags.logOrigin = logOrigin
        flags.chatUpstream = chatUpstream
        flags.chatUpstreamTimeoutSeconds = chatUpstreamTimeout
        if noDuties { flags.requireGeneration = false }
        if development { flags.development = true }
        flags.trustedProxies = trustedProxies.map(SigilServer.parseAddressList)
        let configuration = try ServerConfiguration.load(file: config, flags: flags)
        var logger = Logger(label: "sigil.server")
        logger.logLevel = .info
        let service = try await SigilService.open(configuration, logger: logger)
        for notice in service.notices { Terminal.warning(notice.description) }
        // What a killed server or label left in the temporary folder (decision 0038): its verifies and labels work there.
        Terminal.sweepWorkingFiles(in: [NSTemporaryDirectory()])
        if !configuration.requireGeneration {
            Terminal.warning("duties are off (--no-duties): labels are made without checking an account, consent or prompt screening")
        }
        if configuration.producer == nil {
            Terminal.warning("no producer configured: keys without a provider code label as the development code \(ProviderCode.development)")
        }
        if let token = service.firstAdminToken {
            FileHandle.standardOutput.write(
                Data(
                    """
                    Created the first admin API key. This is the only time its token is shown; it is stored only as a hash:

                        \(token)

                    Make more keys with: sigil apikey create --scope label --name NAME

                    """.utf8))
        }
        let readyFile = self.readyFile
        let database = service.keeper.location.description
        try await SigilServer.run(service: service, logger: logger) { host, port in
            let shown = host.contains(":") ? "[\(host)]" : host
            let line =
                "Sigil is serving on http://\(shown):\(port)/ — open it in a browser to check a file; the API is described at /openapi.json (store: \(database))\n"
            FileHandle.standardOutput.write(Data(line.utf8))
            if let readyFile { try? FileIO.writeAtomically(Array("\(host):\(port)\n".utf8), to: readyFile, durable: false) }
        }
    }
}

struct APIKeyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apikey",
        abstract: "Create, list and revoke the HTTP API's keys (stored hashed, in the same store as the log).",
        subcommands: [Create.self, List.self, Revoke.self]
    )

    struct StoreOptions: ParsableArguments {
        @Option(name: .customLong("data"), help: "Sigil's data directory (default: $SIGIL_DATA, else ~/.local/share/sigil).") var data: String?
        @Option(name: .customLong("keys"), help: "A keystore directory to use instead of DATA/keys.") var keys: String?
        @Option(help: "A PostgreSQL URL (postgres://…) instead of DATA/sigil.sqlite; also $SIGIL_DATABASE.") var database: String?

        /// Opens the store; `body` gets the keys and the audit log (key changes are admin actions and are audited).
        func withStore<T>(_ body: (APIKeyStore, AuditLog) async throws -> T) async throws -> T {
            try await RecordKeeper.Location(data: data, keys: keys, database: database, drivers: [.postgres]).withKeeper { keeper in
                try await ComplianceSchema.migrate(keeper.store.database)
                return try await body(try await APIKeyStore.open(keeper.store.database), AuditLog(database: keeper.store.database))
            }
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "create", abstract: "Create a key and print its token (shown only this once).")
        @Option(help: "Comma list of scopes: \(APIKey.Scope.known.map(\.rawValue).joined(separator: ", ")).") var scope: String
        @Option(help: "Who the key is for.") var name: String = "unnamed"
        @Option(name: .customLong("provider-code"), help: "The 27-character provider code the key acts as (required for propagate).")
        var providerCode: String?
        @Option(
            name: .customLong("verify-per-minute"),
            help: "The key's own quota of verifications per minute, each file of a batch counting (default: none).")
        var verifyPerMinute: Int?
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var store: StoreOptions

        func run() async throws {
            let scopes = try scope.split(separator: ",").map { try APIKey.Scope(parsing: String($0)) }
            let (key, token) = try await store.withStore { keys, audit in
                let created = try await keys.create(name: name, scopes: scopes, providerCode: providerCode, verifyPerMinute: verifyPerMinute)
                try await audit.record(
                    actor: "cli", action: "apikey.create", subject: created.key.id,
                    detail: ["scopes": created.key.scopes.map(\.rawValue).joined(separator: ","), "name": created.key.name])
                return created
            }
            if json {
                print(key.json.appending([.init("token", .string(token.description))]).prettyPrinted)
            } else {
                print(
                    "created key \(key.id) (\(key.scopes.map(\.rawValue).joined(separator: ","))) for \(key.name); its token, shown only now:\n\n    \(token)\n"
                )
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List keys (never their secrets).")
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var store: StoreOptions

        func run() async throws {
            let keys = try await store.withStore { keys, _ in try await keys.list() }
            if json {
                print(JSONValue.array(keys.map(\.json)).prettyPrinted)
                return
            }
            if keys.isEmpty { print("no API keys") }
            for key in keys {
                let state = key.revokedAt.map { "revoked \($0)" } ?? "live"
                print(
                    "\(key.id)  \(key.scopes.map(\.rawValue).joined(separator: ",").padding(toLength: 16, withPad: " ", startingAt: 0))  \(state.padding(toLength: 8, withPad: " ", startingAt: 0))  \(key.providerCode ?? "-")  \(key.name)"
                )
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "revoke", abstract: "Revoke a key; servers refuse it within 10 seconds.")
        @Argument(help: "The key's id (sigil apikey list).") var id: String
        @OptionGroup var store: StoreOptions

        func run() async throws {
            try await store.withStore { keys, audit in
                try await keys.revoke(id: id)
                try await audit.record(actor: "cli", action: "apikey.revoke", subject: id)
            }
            print("revoked \(id)")
        }
    }
}
