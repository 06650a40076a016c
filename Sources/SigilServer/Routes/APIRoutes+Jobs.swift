import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOPosix
import Sigil
import SigilAccess
import SigilCompliance

extension APIRoutes {
    /// `POST /v1/jobs` (scope `label`): a file to label as an asynchronous job (decision 0411) — a long video, a large
    /// file. The body is streamed to the jobs folder (at most ``ServerConfiguration/maxJobBytes``), the request
    /// checked as `POST /v1/label` checks it, and the job queued in the store; the answer is `202` with the job.
    func submitJob(_ request: Request, context: SigilRequestContext) async throws -> Response {
        let key = try context.requireAPIKey()
        let files = service.jobFiles
        let id = Job.makeID()
        try files.create(id)
        do {
            let upload = try await StreamedUpload.receive(request, to: files.folder(id) + "/upload", limit: service.configuration.maxJobBytes)
            var options = upload.options
            let kind = options.remove("kind").flatMap { $0.isEmpty ? nil : $0 } ?? "label"
            guard kind == "label" else { throw APIError(.badRequest, "bad-option", "option kind=\(kind) is not a job kind (label)") }
            try options.check(known: Self.labelOptions)
            // Checked now so that a request the job would refuse is refused at once; checked again when the job runs.
            _ = try await prepareLabel(options, key: key)
            let named = upload.filename.map(FileIO.fileExtension(of:)) ?? ""
            guard let format = MediaRegistry.standard.identify(upload.head, fileExtension: named)?.format else {
                throw APIError(.unsupportedMediaType, "unsupported-format", "the file is not in a format Sigil labels (its first bytes name none)")
            }
            // Only a video and a WAV are labeled without reading the whole file into memory (frame marks through
            // ffmpeg, streamed labels); any other file is held as /v1/label holds it, so its limit is the same.
            if format.kind != .video, format != .wav, upload.size > Int64(service.configuration.maxBodyBytes) {
                throw APIError(
                    .contentTooLarge, "too-large",
                    "a \(format.displayName) job is limited to \(service.configuration.maxBodyBytes) bytes, as POST /v1/label is: only video and WAV are labeled without reading the whole file; this one is \(upload.size)"
                )
            }
            let job = Job(
                id: id, kind: kind, state: .queued, keyID: key.id, options: options.values,
                filename: upload.filename, fileExtension: format.extensions.contains(named) ? named : format.fileExtension,
                inputBytes: upload.size, createdAt: .now(), attempts: 0)
            guard rename(upload.path, files.input(job)) == 0 else {
                throw SigilError(.io, "cannot move the upload into place (errno \(errno))", path: files.input(job))
            }
            try await service.jobs.insert(job)
            service.metrics.jobSubmitted(kind: kind)
            return Self.json(job.json, status: .accepted, headers: [.location: "/v1/jobs/\(id)"])
        } catch {
            files.remove(id)
            throw error
        }
    }

    /// `GET /v1/jobs/{id}` (scope `label` or `admin`): the job's status, progress, and when done its report.
    func job(_ request: Request, context: SigilRequestContext) async throws -> Response {
        Self.json(try await ownedJob(context).json)
    }

    /// `GET /v1/jobs/{id}/result` (scope `label` or `admin`): the labeled file, streamed from the jobs folder.
    func jobResult(_ request: Request, context: SigilRequestContext) async throws -> Response {
        let job = try await ownedJob(context)
        guard job.state == .done else {
            throw APIError(
                .conflict, "job-not-done",
                job.state == .failed
                    ? "job \(job.id) failed (\(job.errorCode ?? "error")): \(job.errorMessage ?? ""); it has no result"
                    : "job \(job.id) is \(job.state.rawValue); its result is ready when GET /v1/jobs/\(job.id) says done")
        }
        let path = service.jobFiles.output(job)
        guard FileManager.default.fileExists(atPath: path) else {
            throw APIError(.gone, "gone", "job \(job.id)'s result is no longer kept")
        }
        var headers: HTTPFields = [
            .contentType: MediaRegistry.standard.formats.first { $0.extensions.contains(job.fileExtension) }?.mimeType ?? "application/octet-stream",
            .contentDisposition: "attachment; filename=\"labeled.\(job.fileExtension)\"",
        ]
        if case .object(let members)? = job.result, case .object(let record)? = members.first(where: { $0.key == "record" })?.value {
            for member in record {
                switch (member.key, member.value) {
                case ("index", .number(let n)): headers[.sigilLogIndex] = n
                case ("leafHash", .string(let s)): headers[.sigilLeafHash] = s
                default: break
                }
            }
        }
        if case .object(let members)? = job.result, case .object(let label)? = members.first(where: { $0.key == "label" })?.value,
            case .string(let produceID)? = label.first(where: { $0.key == "ProduceID" })?.value
        {
            headers[.sigilProduceID] = produceID
        }
        let body = try await FileIO(threadPool: .singleton).loadFile(path: path, context: context)
        return Response(status: .ok, headers: headers, body: body)
    }

    /// The job the path names, when the request's key submitted it or is an admin key; 404 otherwise.
    private func ownedJob(_ context: SigilRequestContext) async throws -> Job {
        let key = try context.requireAPIKey()
        let id = try context.parameters.require("id")
        guard Job.isValidID(id), let job = try await service.jobs.job(id), job.keyID == key.id || key.scopes.contains(.admin) else {
            throw APIError(.notFound, "not-found", "no job \(id) for this key")
        }
        return job
    }

    /// Runs a claimed label job: the request checked again (the key still live, the generation still usable), the
    /// file labeled from the jobs folder into its output with the kernel copying what the labels leave alone, the
    /// record kept in the log — only while this runner still holds the job.
    func runJob(_ job: Job, control: JobControl) async throws -> JobOutcome {
        guard let key = try await service.apiKeys.key(id: job.keyID), key.revokedAt == nil, key.scopes.contains(.label) else {
            throw SigilError(.refused, "the API key that submitted this job was revoked or lost its label scope")
        }
        let options = RequestOptions(query: job.options.map { ($0.key, $0.value) })
        let prepared = try await prepareLabel(options, key: key)
        let (input, output) = (service.jobFiles.input(job), service.jobFiles.output(job))
        let format = MediaRegistry.standard.formats.first { $0.extensions.contains(job.fileExtension) }
        guard format?.kind == .video || format == .wav || job.inputBytes <= Int64(service.configuration.maxBodyBytes) else {
            throw SigilError(.tooLarge, "the file is over this server's maxBodyBytes; only video and WAV jobs may be larger")
        }
        if format?.kind == .image { try await screenImage(try FileIO.read(input), prepared, patient: true) }
        let (font, keeper, watermarkKey, context) = (service.font, service.keeper, prepared.policy.watermarkKey, prepared.context)
        let (outcome, record) = try await control.blocking {
            let labeler = try Labeler(policy: prepared.policy, preloadedFont: font)
            let outcome = try labeler.labelFile(at: input, to: output, durable: true, keepBytes: false) { control.report(progress: $0) }
            var recordContext = context
            recordContext.watermarkPayload = outcome.watermarkPayload(key: watermarkKey)
            return (outcome, try keeper.record(for: outcome, context: recordContext, file: output))
        }
        try await control.confirmClaim()
        let receipt = try await keepLabel(outcome, record: record, prepared, key: key, proofs: try options.bool("proof") ?? false)
        let size = ((try? FileManager.default.attributesOfItem(atPath: output))?[.size] as? NSNumber)?.int64Value ?? 0
        return JobOutcome(
            result: Self.labelReport(outcome, filename: job.filename, receipt: receipt, marksAdded: prepared.marksAdded), outputBytes: size)
    }
}

extension HTTPField.Name {
    static let contentDisposition = HTTPField.Name("Content-Disposition")!
}
