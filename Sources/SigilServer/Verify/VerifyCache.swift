import Foundation
import Sigil

/// A verdict the verify cache keeps: the report's JSON members (as `POST /v1/verify` answers, without `file`,
/// `record` and `proof`, which are looked up on every request) and what the record lookup needs.
struct CachedVerdict: Sendable {
    var report: [JSONValue.Member]
    var verdict: String
    var produceID: String?
    var perceptualHash: UInt64?
    /// The sound's Chromaprint, for the record lookup by sound (decision 0033). Kept in memory only: a verdict read
    /// from the shared table has none, and its record is then looked up by ProduceID alone.
    var audioFingerprint: AudioFingerprint?
    /// An unlabeled video's frames, for the record lookup by frames (decision 0309); in memory only, like the sound's.
    var videoFingerprint: VideoFingerprint?

    init(
        report: [JSONValue.Member], verdict: String, produceID: String?, perceptualHash: UInt64?, audioFingerprint: AudioFingerprint? = nil,
        videoFingerprint: VideoFingerprint? = nil
    ) {
        self.report = report
        self.verdict = verdict
        self.produceID = produceID
        self.perceptualHash = perceptualHash
        self.audioFingerprint = audioFingerprint
        self.videoFingerprint = videoFingerprint
    }

    init(_ report: VerificationReport) {
        self.init(
            report: (report.json(file: nil).members ?? []) + DevelopmentKeys.jsonMembers(report.c2pa?.signer),
            verdict: report.verdict.rawValue, produceID: report.label?.produceID, perceptualHash: report.perceptualHash,
            audioFingerprint: report.audioFingerprint, videoFingerprint: report.videoFingerprint)
    }
}

/// Verdicts by content (decision 0407): the key is SHA-256 of the file's bytes together with a fingerprint of every
/// option that changes the verdict (decoding, the pixel limit, the watermark key, the label keys, the trust anchors,
/// the formats read, and ``revision``), so a re-upload of the same file under the same options is answered without
/// verifying it again, and nothing is reused across keys or options.
///
/// A bounded LRU in memory (``capacity`` entries) in front of an optional table shared by every server on the same
/// database (``VerifyCacheStore``). Writes to the table are batched (``flushEvery``), so a miss does not wait for a
/// commit; a cache that fails only costs a verification, never an answer.
actor VerifyCache {
    /// Where a cached verdict came from.
    enum Source: String, Sendable {
        case memory, store
    }

    /// Bumped whenever verification's output changes, so verdicts from an older Sigil in a shared table are not
    /// served by a newer one.
    /// 2: a video's opening label is checked in its frames (decision 0412).
    static let revision = 2
    /// Table writes are collected and committed together once this many are pending.
    static let flushEvery = 32

    let capacity: Int
    let store: VerifyCacheStore?
    private var entries: [String: (verdict: CachedVerdict, used: UInt64)] = [:]
    private var tick: UInt64 = 0
    private var pending: [(key: String, verdict: CachedVerdict)] = []
    private var written = 0

    init(capacity: Int, store: VerifyCacheStore?) {
        self.capacity = max(1, capacity)
        self.store = store
    }

    /// The cache key of `bytes` verified with options of `fingerprint`.
    static func key(_ bytes: [UInt8], fingerprint: String) -> String {
        LowerHex.encode(RecordKeeper.contentSHA256(bytes)) + "." + fingerprint
    }

    /// A stable digest (32 hex digits) of the options that change a verdict.
    static func fingerprint(_ options: Verifier.Options) -> String {
        var material = Array("sigil-verify-cache/\(revision)\ndecode=\(options.decodePixels)\nmaxPixels=\(options.maxPixels)\n".utf8)
        material += Array("provenance=\(options.checkProvenance)\nformats=".utf8)
        material += Array(options.registry.formats.map(\.id).joined(separator: ",").utf8)
        material += Array("\nwatermark=".utf8) + (options.watermarkKey.map { RecordKeeper.contentSHA256($0.bytes) } ?? [])
        // Whether a PDF's text is read (poppler installed) changes its `explicitText`.
        if options.pdftotext != nil { material += Array("\npdftotext".utf8) }
        if let textMark = options.textMark {
            material += Array("\ntextmark=\(textMark.key.keyID)/\(textMark.scheme.version)/\(textMark.tokenizer?.identity ?? "")".utf8)
        }
        for key in options.labelKeys.map(RecordKeeper.contentSHA256).sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            material += Array("\nlabelKey=".utf8) + key
        }
        for anchor in options.trustAnchors.certificates.map({ RecordKeeper.contentSHA256($0.der) }).sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            material += Array("\nanchor=".utf8) + anchor
        }
        return LowerHex.encode(Array(RecordKeeper.contentSHA256(material).prefix(16)))
    }

    /// The verdict cached under `key`, from memory or else the shared table.
    func verdict(for key: String) async -> (CachedVerdict, Source)? {
        tick += 1
        if var entry = entries[key] {
            entry.used = tick
            entries[key] = entry
            return (entry.verdict, .memory)
        }
        if let waiting = pending.last(where: { $0.key == key }) {
            remember(key, waiting.verdict)
            return (waiting.verdict, .memory)
        }
        guard let store, let found = try? await store.verdict(for: key) else { return nil }
        remember(key, found)
        return (found, .store)
    }

    /// Keeps `verdict` under `key`, in memory at once and in the shared table with the next flush.
    func insert(_ verdict: CachedVerdict, for key: String) async {
        remember(key, verdict)
        guard store != nil else { return }
        pending.append((key, verdict))
        if pending.count >= Self.flushEvery { await flush() }
    }

    /// Writes the pending verdicts to the shared table, and now and then drops its expired rows.
    func flush() async {
        guard let store, !pending.isEmpty else { return }
        let batch = pending
        pending.removeAll()
        try? await store.insert(batch)
        written += batch.count
        if written >= 1024 {
            written = 0
            try? await store.prune()
        }
    }

    /// Entries in memory now.
    var count: Int { entries.count }

    private func remember(_ key: String, _ verdict: CachedVerdict) {
        tick += 1
        entries[key] = (verdict, tick)
        guard entries.count > capacity else { return }
        // Drop the least recently used eighth at once, so eviction costs O(log n) per insert on average.
        let drop = max(1, capacity / 8)
        let cutoff = entries.values.map(\.used).sorted()[drop - 1]
        entries = entries.filter { $0.value.used > cutoff }
    }
}
