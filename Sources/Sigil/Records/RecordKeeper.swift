import Crypto
import Foundation
import SigilLedger
import SigilStore
import SigilProvenance

/// Keeps the provider's generation records (DSP Art. 10 and 16; Labeling Measures Art. 9): opens the log store
/// (the SQLite file in the data directory, or a database by URL through a ``LogDatabaseDriver`` the caller hands
/// in), turns each ``LabelOutcome`` into a
/// ``GenerationRecord``, appends it, integrates it into the signed transparency log and hands back its index and,
/// on request, an offline inclusion proof.
public struct RecordKeeper: Sendable {
    /// Where the store lives.
    public struct Location: Sendable {
        /// The data directory (SQLite file and keystore).
        public var dataDirectory: DataDirectory
        /// A keystore directory that replaces `<data>/keys`.
        public var keysDirectory: String?
        /// A database URL (PostgreSQL); nil uses `<data>/sigil.sqlite`.
        public var databaseURL: String?
        /// The drivers that open ``databaseURL`` (the CLI and the server pass `.postgres` from `SigilStorePostgres`).
        public var drivers: [LogDatabaseDriver]

        /// The SQLite file's name inside the data directory.
        public static let sqliteFileName = "sigil.sqlite"

        /// `--data`, `--keys` and `--database`, each falling back to the environment (`SIGIL_DATA`,
        /// `SIGIL_DATABASE`) and then to the defaults. `drivers` open database URLs; without one, only the SQLite
        /// file can be opened.
        public init(
            data: String? = nil, keys: String? = nil, database: String? = nil, drivers: [LogDatabaseDriver] = [],
            environment: [String: String] = ProcessInfo.processInfo.environment
        ) {
            dataDirectory = DataDirectory.resolve(explicit: data, environment: environment)
            keysDirectory = keys
            self.drivers = drivers
            let fromEnvironment = environment["SIGIL_DATABASE"].flatMap { $0.isEmpty ? nil : $0 }
            databaseURL = database ?? fromEnvironment
        }

        /// The keystore holding the log's keys.
        public var keystore: Keystore { keysDirectory.map { Keystore(directory: $0) } ?? dataDirectory.keystore }
        /// The SQLite file path.
        public var sqlitePath: String { dataDirectory.appending(Self.sqliteFileName) }
        /// The database, for messages.
        public var description: String { databaseURL.map(LogDatabaseDriver.redacted) ?? sqlitePath }
    }

    /// What the caller knows about a generation beyond the labeled file.
    public struct Context: Sendable, Hashable {
        /// The DSP Art. 17 service category.
        public var serviceCategory: ServiceCategory
        /// The model name and version.
        public var model: String?
        /// The provider's reference for the account (pseudonymized before it reaches the log).
        public var accountReference: String?
        /// For an explicit-label opt-out (Measures Art. 9): the user-agreement version.
        public var optOutAgreement: String?
        /// For an explicit-label opt-out: the provider's reference for the recipient (pseudonymized).
        public var optOutRecipient: String?
        /// The watermark payload embedded, when the watermark mark was applied.
        public var watermarkPayload: [UInt8]?
        /// SHA-256 of the embedded C2PA manifest, when there is one.
        public var c2paManifestSHA256: [UInt8]?

        public init(
            serviceCategory: ServiceCategory = .other, model: String? = nil, accountReference: String? = nil,
            optOutAgreement: String? = nil, optOutRecipient: String? = nil,
            watermarkPayload: [UInt8]? = nil, c2paManifestSHA256: [UInt8]? = nil
        ) {
            self.serviceCategory = serviceCategory
            self.model = model
            self.accountReference = accountReference
            self.optOutAgreement = optOutAgreement
            self.optOutRecipient = optOutRecipient
            self.watermarkPayload = watermarkPayload
            self.c2paManifestSHA256 = c2paManifestSHA256
        }

        /// Checks the opt-out fields come together.
        ///
        /// - Throws: ``SigilError`` `.usage`.
        public func validate() throws {
            if (optOutAgreement == nil) != (optOutRecipient == nil) {
                throw SigilError(.usage, "an explicit-label opt-out needs both the agreement version and the recipient (Labeling Measures Art. 9)")
            }
        }
    }

    /// Where a record landed in the log.
    public struct Receipt: Sendable, Hashable {
        /// The record's index in the log.
        public var index: UInt64
        /// SHA-256(0x00 ‖ entry).
        public var leafHash: MerkleHash
        /// The checkpoint that includes it, after integration.
        public var checkpointSize: UInt64?
        /// The offline proof, when asked for.
        public var proof: TlogProof?

        /// `{"index", "leafHash", "checkpointSize"}` for `sigil label --json`.
        public var json: JSONValue {
            .object([
                .init("index", .number(String(index))),
                .init("leafHash", .string(leafHash.hex)),
                .init("checkpointSize", checkpointSize.map { .number(String($0)) } ?? .null),
            ])
        }
    }

    /// The log store.
    public let store: LogStore
    /// Where the store is.
    public let location: Location
    let pseudonymizer: Pseudonymizer?
    /// Development keys created while opening (the CLI warns about each).
    public let notices: [DevelopmentKeyNotice]

    /// Opens the store at `location`, loading (or creating, with a notice) the log's signing key and the account
    /// pseudonymization key, and integrating anything a crashed process left pending.
    ///
    /// - Throws: ``SigilError`` `.store`, `.schema`, `.usage` (origin or retention), `.invalidKey`.
    public static func open(_ location: Location, origin: String? = nil, retentionDays: Int? = nil) async throws -> RecordKeeper {
        let keystore = location.keystore
        let (seed, signingNotice) = try LogKeys.signingKey(in: keystore)
        let (pseudonymizer, pseudonymNotice) = try LogKeys.pseudonymizer(in: keystore)
        let database = try await openDatabase(location)
        do {
            let store = try await LogStore.open(
                database, configuration: LogConfiguration(origin: origin, retentionDays: retentionDays, signingKey: seed))
            return RecordKeeper(
                store: store, location: location, pseudonymizer: pseudonymizer, notices: [signingNotice, pseudonymNotice].compactMap { $0 })
        } catch {
            try? await database.close()
            throw error
        }
    }

    /// Opens an existing store for reading (verification): creates no database and no key. The signing key is
    /// used when present (so pending entries are integrated); without it the store is read-only.
    ///
    /// - Returns: nil when there is no SQLite file at the location.
    public static func openExisting(_ location: Location) async throws -> RecordKeeper? {
        if location.databaseURL == nil, !FileManager.default.fileExists(atPath: location.sqlitePath) { return nil }
        let keystore = location.keystore
        let seed = keystore.contains(LogKeys.signingKeyItem) ? try LogKeys.signingKey(in: keystore, create: false).seed : nil
        let pseudonymizer =
            keystore.contains(LogKeys.pseudonymizationKeyItem) ? try LogKeys.pseudonymizer(in: keystore, create: false).pseudonymizer : nil
        let database = try await openDatabase(location)
        do {
            let store = try await LogStore.open(database, configuration: LogConfiguration(signingKey: seed))
            return RecordKeeper(store: store, location: location, pseudonymizer: pseudonymizer, notices: [])
        } catch {
            try? await database.close()
            throw error
        }
    }

    /// The database at `location`: a URL through the location's driver for it, else the SQLite file (its directory
    /// created 0700).
    public static func openDatabase(_ location: Location) async throws -> any LogDatabase {
        if let url = location.databaseURL {
            guard let driver = location.drivers.first(where: { $0.opens(url) }) else {
                let known = location.drivers.flatMap(\.schemes).map { "\($0)://" }
                throw SigilError(
                    .usage,
                    known.isEmpty
                        ? "this program opens no database URLs (\(LogDatabaseDriver.redacted(url))); the SQLite file lives in the data directory"
                        : "--database takes a \(known.joined(separator: " or ")) URL (postgres://user:password@host:port/database); the SQLite file lives in the data directory"
                )
            }
            return try await driver.connect(url)
        }
        try location.dataDirectory.create()
        return try await SQLiteLogDatabase.open(path: location.sqlitePath)
    }

    /// Closes the store.
    public func close() async throws {
        try await store.close()
    }

    /// The record of a labeled file.
    ///
    /// - Parameter contentSHA256: the output's SHA-256 when `outcome.bytes` does not hold it (a labeled stream,
    ///   hashed as it was sent); nil to hash `outcome.bytes`.
    /// - Throws: ``SigilError`` `.invalidRecord` / `.usage` for bad context fields.
    public func record(
        for outcome: LabelOutcome, context: Context, contentSHA256: [UInt8]? = nil, time: RecordTime = .now()
    ) throws -> GenerationRecord {
        try record(
            for: outcome, context: context, contentSHA256: contentSHA256 ?? Self.contentSHA256(outcome.bytes),
            fingerprint: contentSHA256 == nil ? Self.fingerprint(outcome) : nil,
            manifestSHA256: outcome.c2paStoreSHA256 ?? Self.manifestStoreSHA256(outcome), time: time)
    }

    /// The record of a file labeled to `path`, when the labeler streamed it (``LabelOutcome/bytes`` empty): its
    /// SHA-256 from the outcome when labeling computed it (``LabelOutcome/fileSHA256``), else read from the file in
    /// chunks, its fingerprint from the file (a WAV's samples read in chunks; an image,
    /// compressed audio or a text read whole when within ``FileIO/maximumFileSize``; a video's keyframes hashed through
    /// ffmpeg, ``VideoFingerprint``), the manifest
    /// store's hash from the outcome. An outcome that holds its bytes is recorded from them.
    ///
    /// - Throws: ``SigilError`` `.io` when the file cannot be read, `.invalidRecord` / `.usage` for bad context fields.
    public func record(for outcome: LabelOutcome, context: Context, file path: String, time: RecordTime = .now()) throws -> GenerationRecord {
        guard outcome.bytes.isEmpty else { return try record(for: outcome, context: context, time: time) }
        var hasher = SHA256()
        var whole = outcome
        let fingerprint: ContentFingerprint? = try FileIO.withSource(path) { file in
            // The labeler may have hashed the file on the way (decision 0036); else it is read once more here.
            if outcome.fileSHA256 == nil { try file.forEachChunk(of: 0..<file.count) { hasher.update(data: $0) } }
            switch outcome.format.kind {
            case .video:
                // Its keyframes' hashes (decision 0309); without ffmpeg the record has none.
                return try? VideoFingerprint.recorded(of: path, tools: FFmpegTools.locate(timeout: .seconds(300))).contentFingerprint
            case .audio where outcome.format == .wav:
                return Self.recorded(try? AudioFingerprint.compute(wav: file))
            default:
                // Fingerprints of pictures, compressed sound and text need the whole file, within the in-memory limit.
                guard file.count <= FileIO.maximumFileSize else { return nil }
                whole.bytes = try file.read(0..<file.count)
                return Self.fingerprint(whole)
            }
        }
        return try record(
            for: outcome, context: context, contentSHA256: outcome.fileSHA256 ?? Array(hasher.finalize()), fingerprint: fingerprint,
            manifestSHA256: outcome.c2paStoreSHA256 ?? Self.manifestStoreSHA256(whole), time: time)
    }

    private func record(
        for outcome: LabelOutcome, context: Context, contentSHA256: [UInt8], fingerprint: ContentFingerprint?, manifestSHA256: [UInt8]?,
        time: RecordTime
    ) throws -> GenerationRecord {
        try context.validate()
        let pseudonymizer = try requirePseudonymizer()
        var optOut: GenerationRecord.ExplicitLabelOptOut?
        if let agreement = context.optOutAgreement, let recipient = context.optOutRecipient {
            guard !outcome.marks.contains(.explicit) else {
                throw SigilError(.usage, "an explicit-label opt-out was given but the explicit label was applied; drop it from --marks")
            }
            optOut = .init(agreementVersion: agreement, recipient: try pseudonymizer.tag(recipient, field: "recipient"))
        }
        let record = GenerationRecord(
            produceID: outcome.label.produceID, producer: outcome.label.contentProducer, serviceCategory: context.serviceCategory,
            model: context.model, account: try context.accountReference.map { try pseudonymizer.tag($0) }, time: time,
            contentSHA256: contentSHA256, fingerprint: fingerprint,
            watermarkPayload: context.watermarkPayload, marks: outcome.marks.map(\.rawValue),
            explicitLabelOptOut: optOut, c2paManifestSHA256: context.c2paManifestSHA256 ?? manifestSHA256
        )
        try record.validate()
        return record
    }

    /// Appends records (one transaction), integrates them and returns their receipts, with offline proofs when
    /// `proofs` is true.
    public func keep(_ records: [GenerationRecord], proofs: Bool = false) async throws -> [Receipt] {
        let range = try await store.append(records)
        let integration = try await store.integrate()
        var receipts: [Receipt] = []
        for (index, record) in zip(range, records) {
            var receipt = Receipt(index: index, leafHash: try record.leafHash(), checkpointSize: integration.checkpoint.checkpoint.size)
            if proofs { receipt.proof = try await store.tlogProof(index: index, size: integration.checkpoint.checkpoint.size) }
            receipts.append(receipt)
        }
        return receipts
    }

    /// The perceptual fingerprint of a labeled file: an image's DCT hash, a sound's Chromaprint (decision 0033), or the
    /// SimHash of a text's visible text without its label (text, Markdown, DOCX, and PDF when `pdftotext` is installed;
    /// decision 0605).
    static func fingerprint(_ outcome: LabelOutcome) -> ContentFingerprint? {
        if let hash = PerceptualHash.hash(imageBytes: outcome.bytes) { return .image(hash) }
        if outcome.format.kind == .audio {
            // A sound's Chromaprint (decision 0033): compressed audio is decoded with ffmpeg, when it is installed.
            return recorded(try? AudioFingerprint.compute(audio: outcome.bytes, format: outcome.format, tools: try? FFmpegTools.locate()))
        }
        let tool = outcome.format == .pdf ? PDFText.locate() : nil
        return TextFingerprint.hash(of: outcome.bytes, format: outcome.format, pdftotext: tool).map(ContentFingerprint.text)
    }

    /// A sound's Chromaprint as a record keeps it; nil when there is none or it is empty.
    static func recorded(_ print: AudioFingerprint?) -> ContentFingerprint? {
        guard let print, !print.values.isEmpty else { return nil }
        return .audio(print.values)
    }

    /// SHA-256 of the C2PA manifest store (its JUMBF bytes) embedded in a labeled file, when it carries one.
    static func manifestStoreSHA256(_ outcome: LabelOutcome) -> [UInt8]? {
        guard outcome.c2paManifest != nil, let carrier = MediaRegistry.standard.handler(for: outcome.format) as? any ManifestCarrying,
            let store = try? carrier.findManifestStores(in: outcome.bytes).first
        else { return nil }
        return Array(SHA256.hash(data: store.bytes))
    }

    /// SHA-256 of a file's bytes, as records store it.
    public static func contentSHA256(_ bytes: [UInt8]) -> [UInt8] { Array(SHA256.hash(data: bytes)) }

    /// A record from one line of a bulk import (see ``GenerationRecord/init(importLine:pseudonymizer:now:)``).
    public func record(importLine line: String, now: RecordTime) throws -> GenerationRecord {
        try GenerationRecord(importLine: line, pseudonymizer: try requirePseudonymizer(), now: now)
    }

    /// The pseudonymous tag the log uses for an account reference (to look up what an account received).
    public func accountTag(_ reference: String) throws -> String { try requirePseudonymizer().tag(reference) }

    func requirePseudonymizer() throws -> Pseudonymizer {
        guard let pseudonymizer else {
            throw SigilError(
                .usage, "the account pseudonymization key \(LogKeys.pseudonymizationKeyItem) is not in the keystore \(location.keystore.directory)")
        }
        return pseudonymizer
    }
}
