/// How to open a log: its identity when creating it, its retention period and its signing key.
public struct LogConfiguration: Sendable {
    /// The origin a new log gets when none is configured. Set a real one (e.g. `log.provider.example/aigc`) before
    /// publishing checkpoints: the origin is the log's public name and cannot change.
    public static let defaultOrigin = "sigil.local/generation-log"
    /// Six months, counted as the longest six consecutive months (184 days) — Measures Art. 9's minimum.
    public static let minimumRetentionDays = 184
    /// The retention period a new log gets.
    public static let defaultRetentionDays = minimumRetentionDays

    /// The origin: required to match an existing log's; used to create a new one. Nil accepts the stored origin
    /// (or ``defaultOrigin`` for a new log).
    public var origin: String?
    /// Days an entry stays readable; nil keeps the stored value (or ``defaultRetentionDays``). A new value is stored.
    public var retentionDays: Int?
    /// The 32-byte Ed25519 private key that signs checkpoints; without it the store is read-only.
    public var signingKey: [UInt8]?
    /// Most entries integrated per transaction (each such step signs one checkpoint).
    public var integrationBatch: Int = 65_536
    /// Whether opening integrates entries appended but not yet in a checkpoint (crash recovery).
    public var integrateOnOpen = true

    public init(origin: String? = nil, retentionDays: Int? = nil, signingKey: [UInt8]? = nil) {
        self.origin = origin
        self.retentionDays = retentionDays
        self.signingKey = signingKey
    }

    /// Checks an origin: a schema-less URL-like name with no white space or `+` (it is also the key name).
    ///
    /// - Throws: ``SigilError`` `.usage` naming the problem.
    public static func checkOrigin(_ origin: String) throws {
        do {
            try SignedNote.checkKeyName(origin)
        } catch let error as SigilError {
            throw SigilError(.usage, "the log origin \"\(origin)\" is not usable: \(error.message)")
        }
        guard !origin.contains("://"), !origin.hasSuffix("/"), origin.utf8.count <= 256 else {
            throw SigilError(.usage, "the log origin \"\(origin)\" must be a schema-less URL without a trailing slash, e.g. log.example.com/aigc")
        }
    }

    /// Checks a retention period against the legal minimum.
    ///
    /// - Throws: ``SigilError`` `.usage` when shorter than ``minimumRetentionDays``.
    public static func checkRetention(_ days: Int) throws {
        guard days >= minimumRetentionDays, days <= 36_500 else {
            throw SigilError(
                .usage,
                "a retention period of \(days) days is outside \(minimumRetentionDays)…36500: records must be kept at least six months (Labeling Measures Art. 9)"
            )
        }
    }
}
