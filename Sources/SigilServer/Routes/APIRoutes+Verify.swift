import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Sigil
import SigilAccess
import SigilCompliance

extension APIRoutes {
    static let verifyOptions: Set<String> = ["decode"]
    /// The scopes that verify under a key's own quota instead of the per-client limit (an admin key may, too).
    static let verifyScopes: [APIKey.Scope] = [.verify, .propagate]

    /// `POST /v1/verify`: the `sigil verify --json` report, with the record this log holds for the file and its proof
    /// status. Public and rate-limited per client address; with a bearer key of scope `verify` or `propagate`, the
    /// key's own quota applies instead (decision 0404).
    func verify(_ request: Request, context: SigilRequestContext) async throws -> Response {
        try await admitVerification(request, context)
        let upload = try await Upload.read(request, limit: service.configuration.maxBodyBytes)
        try upload.options.check(known: Self.verifyOptions)
        let verified = try await verifyFile(upload.bytes, decode: try upload.options.bool("decode") ?? true)
        let file: [JSONValue.Member] = upload.filename.map { [.init("file", .string($0))] } ?? []
        return Self.json(.object(file + verified.members), headers: [.sigilCache: verified.cache])
    }

    /// `POST /v1/verify/batch` (scope `verify` or `propagate`): many files — `multipart/form-data` parts or an
    /// `application/x-tar` stream — answered as NDJSON, one line per file as it finishes (decision 0405).
    func verifyBatch(_ request: Request, context: SigilRequestContext) async throws -> Response {
        let key = try context.requireAPIKey()
        let options = RequestOptions(query: request.uri.queryParameters.map { (String($0.key), String($0.value)) })
        try options.check(known: Self.verifyOptions)
        let decode = try options.bool("decode") ?? true
        let limit = service.configuration.batchMaxBytes
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
            throw APIError(.contentTooLarge, "too-large", "the batch is \(length) bytes, over the server's limit of \(limit)")
        }
        let contentType = request.headers[.contentType] ?? ""
        let layout: BatchLayout
        switch contentType.split(separator: ";").first.map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) ?? "" {
        case "multipart/form-data":
            guard let boundary = Upload.boundary(contentType) else {
                throw APIError(.badRequest, "bad-multipart", "multipart/form-data needs a boundary parameter")
            }
            layout = .multipart(boundary: boundary)
        case "application/x-tar": layout = .tar
        case let other:
            throw APIError(
                .unsupportedMediaType, "unsupported-media-type", "send the files as multipart/form-data or one application/x-tar stream; got \(other)"
            )
        }
        let batch = BatchVerification(routes: self, key: key, decode: decode, layout: layout, inFlight: service.limiter.workers + 1)
        let body = request.body
        return Response(
            status: .ok, headers: [.contentType: "application/x-ndjson"],
            body: ResponseBody { writer in
                try await batch.run(body, writer: &writer)
                try await writer.finish(nil)
            })
    }

    /// Admits one verification: without an `Authorization` header, the per-client limit; with one, a key that may
    /// verify (else 401/403) and its quota.
    func admitVerification(_ request: Request, _ context: SigilRequestContext) async throws {
        guard request.headers[.authorization] != nil else { return try await rateLimit(request, context) }
        try await takeQuota(try await APIKeyAuthentication(keys: service.keyCache, scopes: Self.verifyScopes).authenticate(request))
    }

    /// Takes one verification from `key`'s quota: its own, else ``ServerConfiguration/platformVerifyPerMinute`` for a
    /// platform's key (one with a provider code), else none. The burst is ten seconds' worth.
    ///
    /// - Throws: ``APIError`` 429 with `Retry-After` when the quota is spent.
    func takeQuota(_ key: APIKey) async throws {
        guard let perMinute = key.verifyPerMinute ?? (key.providerCode != nil ? service.configuration.platformVerifyPerMinute : nil) else {
            return
        }
        if let wait = await service.keyQuotas.take(key.id, perMinute: perMinute, burst: max(1, perMinute / 6)) {
            service.metrics.refused(reason: "quota")
            throw APIError(
                .tooManyRequests, "quota-exceeded", "the key \(key.id) has spent its verify quota of \(perMinute) per minute; retry in \(wait) s",
                headers: [.retryAfter: String(wait)])
        }
    }

    /// A verified file as the API answers it: the report's members, then `record` and `proof`.
    struct VerifiedFile: Sendable {
        var members: [JSONValue.Member]
        /// `memory` or `store` when the verdict came from the cache, `miss` when it was verified now, `off` without a cache.
        var cache: String
    }

    /// Verifies bytes — from the verify cache when the same bytes were verified with the same options — and checks
    /// the record in this log (never cached: a record may be added later). With `waitForWorker` (batches) a full
    /// work queue is waited out instead of answered with 503.
    func verifyFile(_ bytes: [UInt8], decode: Bool, waitForWorker: Bool = false) async throws -> VerifiedFile {
        var verifier = service.verifier
        verifier.options.decodePixels = decode
        let key = service.verifyCache.map { _ in VerifyCache.key(bytes, fingerprint: VerifyCache.fingerprint(verifier.options)) }
        let verdict: CachedVerdict
        let cache: String
        if let cached = await cachedVerdict(key) {
            verdict = cached.0
            cache = cached.1.rawValue
        } else {
            let job: @Sendable () throws -> VerificationReport = { [verifier] in
                var report = try verifier.verify(bytes)
                Self.checkOpeningLabel(verifier, bytes, into: &report)
                return report
            }
            let report = try await waitForWorker ? patientWork(job) : work(job)
            verdict = CachedVerdict(report)
            // A check that could not run this time (ffmpeg missing or timed out) is not kept for the next upload.
            let unchecked: Set<Finding.Code> = [.videoLabelUnchecked, .videoWatermarkUnchecked]
            // An unlabeled video's verdict is not kept either: its record is looked up by its frames, which the shared
            // table does not hold.
            let byFrames = report.format?.kind == .video && report.label == nil
            if let key, !byFrames, !report.findings.contains(where: { unchecked.contains($0.code) }) {
                await service.verifyCache?.insert(verdict, for: key)
            }
            cache = key == nil ? "off" : "miss"
        }
        if key != nil { service.metrics.verifyCache(cache) }
        let check = await RecordCheck.check(
            bytes: bytes, produceID: verdict.produceID, proof: nil, keeper: service.keeper, verifiers: [], keystore: nil,
            perceptualHash: verdict.perceptualHash, decode: decode, audioFingerprint: verdict.audioFingerprint,
            videoFingerprint: verdict.videoFingerprint)
        service.metrics.verified(verdict: verdict.verdict)
        try? await service.compliance.tally.count(verdict: verdict.verdict)
        return VerifiedFile(members: verdict.report + check.jsonMembers, cache: cache)
    }

    private func cachedVerdict(_ key: String?) async -> (CachedVerdict, VerifyCache.Source)? {
        guard let key, let cache = service.verifyCache else { return nil }
        return await cache.verdict(for: key)
    }

    /// A video's opening-frames label (GB 45438 5.4) checked in its decoded frames, and an unlabeled video's frames
    /// hashed for the record lookup (decision 0309), from a private working copy of the upload (ffmpeg reads files);
    /// other kinds, and metadata-only verification, are left alone.
    static func checkOpeningLabel(_ verifier: Verifier, _ bytes: [UInt8], into report: inout VerificationReport) {
        guard verifier.options.decodePixels, let format = report.format, format.kind == .video else { return }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(WorkingFile.tag() + "-opening." + format.fileExtension).path
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            try FileIO.writeAtomically(bytes, to: path, durable: false)
        } catch {
            report.findings.append(Finding(.videoLabelUnchecked, .warning, "the opening-frames label was not checked: \(error)"))
            return
        }
        verifier.checkOpeningLabel(at: path, into: &report)
        verifier.fingerprintVideo(at: path, into: &report)
    }

    /// Runs image work on a worker, waiting (100 ms at a time) while the queue is full instead of refusing.
    func patientWork<T: Sendable>(_ job: @escaping @Sendable () throws -> T) async throws -> T {
        while true {
            do {
                return try await service.limiter.run(job)
            } catch WorkLimiter.Refusal.queueFull, WorkLimiter.Refusal.timedOut {
                try await Task.sleep(for: .milliseconds(100))
            } catch let refusal as WorkLimiter.Refusal {
                throw refusal.apiError
            }
        }
    }

    /// Verifies bytes on a worker and checks the record in this log (the verify page, which shows the whole report).
    /// `fileExtension` (the upload's file name's) tells Markdown and HTML from plain text.
    func verifyUpload(_ bytes: [UInt8], decode: Bool, fileExtension: String? = nil) async throws -> (VerificationReport, RecordCheck) {
        var verifier = service.verifier
        verifier.options.decodePixels = decode
        verifier.options.outlineAudio = true // the page draws the waveform
        let report = try await work { [verifier] in
            var report = try verifier.verify(bytes, fileExtension: fileExtension)
            Self.checkOpeningLabel(verifier, bytes, into: &report)
            return report
        }
        let check = await RecordCheck.check(
            bytes: bytes, produceID: report.label?.produceID, proof: nil, keeper: service.keeper, verifiers: [], keystore: nil,
            perceptualHash: report.perceptualHash, decode: decode, audioFingerprint: report.audioFingerprint,
            videoFingerprint: report.videoFingerprint)
        service.metrics.verified(verdict: report.verdict.rawValue)
        try? await service.compliance.tally.count(verdict: report.verdict.rawValue)
        return (report, check)
    }
}

extension HTTPField.Name {
    /// Whether a verdict came from the verify cache: `memory`, `store`, `miss` or `off`.
    static let sigilCache = HTTPField.Name("Sigil-Cache")!
}
