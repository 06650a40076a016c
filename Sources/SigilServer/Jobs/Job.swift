import Foundation
import Sigil

/// One asynchronous job (decision 0411): a file uploaded to `POST /v1/jobs`, labeled by whichever server's
/// ``JobRunner`` claims it first, its result kept for download. The row lives in the store (``JobStore``), the files
/// in the jobs folder (``JobFiles``), so a restart or another server on the same database loses no job.
struct Job: Sendable, Hashable {
    /// Where a job is in its life.
    enum State: String, Sendable, Hashable {
        /// Waiting for a runner.
        case queued
        /// Claimed by ``Job/worker`` until ``Job/leaseUntil``; past the lease another runner takes it over.
        case running
        /// Finished: ``Job/result`` holds the report, the output is ready to download.
        case done
        /// Failed: ``Job/errorCode`` and ``Job/errorMessage`` say why.
        case failed
    }

    /// `job_` and 32 hex digits.
    var id: String
    /// What the job does; `label` is the one kind so far.
    var kind: String
    var state: State
    /// The API key that submitted it (only that key, or an admin key, reads it).
    var keyID: String
    /// The request's options (query, form fields, `options` JSON), as the synchronous route takes them.
    var options: [String: String]
    /// The uploaded file's name, when the form gave one.
    var filename: String?
    /// The extension the input and output files carry (from the filename, else the sniffed format).
    var fileExtension: String
    var inputBytes: Int64
    var createdAt: RecordTime
    var startedAt: RecordTime?
    var finishedAt: RecordTime?
    /// The runner holding the job (a server's random name).
    var worker: String?
    var leaseUntil: RecordTime?
    /// How many times a runner claimed it (a claim is the fencing token of every later write).
    var attempts: Int
    /// The fraction done, 0…1, when the work reports it (a video's re-encode).
    var progress: Double?
    /// The finished job's report (the labeling report, its record and receipt).
    var result: JSONValue?
    var errorCode: String?
    var errorMessage: String?
    var outputBytes: Int64?

    /// A new job's identifier.
    static func makeID() -> String {
        var generator = SystemRandomNumberGenerator()
        return "job_" + LowerHex.encode((0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }

    /// Whether `text` has the form of a job identifier (checked before it reaches a query or a path).
    static func isValidID(_ text: String) -> Bool {
        text.utf8.count == 36 && text.hasPrefix("job_") && text.utf8.dropFirst(4).allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }

    /// The job as `GET /v1/jobs/{id}` shows it.
    var json: JSONValue {
        var members: [JSONValue.Member] = [
            .init("id", .string(id)), .init("kind", .string(kind)), .init("status", .string(state.rawValue)),
        ]
        if let filename { members.append(.init("filename", .string(filename))) }
        members.append(.init("inputBytes", .number(String(inputBytes))))
        members.append(.init("createdAt", .string(createdAt.description)))
        if let startedAt { members.append(.init("startedAt", .string(startedAt.description))) }
        if let finishedAt { members.append(.init("finishedAt", .string(finishedAt.description))) }
        members.append(.init("attempts", .int(attempts)))
        if state == .running || state == .done {
            let fraction = state == .done ? 1 : min(max(progress ?? 0, 0), 1)
            members.append(.init("progress", .number(String(format: "%.3f", fraction))))
        }
        if state == .done, let outputBytes { members.append(.init("outputBytes", .number(String(outputBytes)))) }
        if let result { members.append(.init("result", result)) }
        if let errorCode {
            members.append(.init("error", .object([.init("code", .string(errorCode)), .init("message", .string(errorMessage ?? ""))])))
        }
        var links: [JSONValue.Member] = [.init("self", .string("/v1/jobs/\(id)"))]
        if state == .done { links.append(.init("result", .string("/v1/jobs/\(id)/result"))) }
        members.append(.init("links", .object(links)))
        return .object(members)
    }
}
