import Foundation
import HTTPTypes
import Sigil
import SigilAccess
import SigilTestSupport
import Testing

@testable import SigilServer

/// `POST /v1/jobs` against live servers (decision 0411): the upload streamed to the jobs folder, the job kept in the
/// store through a restart and a killed runner, the result downloaded; two servers on one PostgreSQL share the queue.
@Suite("asynchronous jobs")
struct JobsAPITests {
    static let clip = TestPaths.shared.appendingPathComponent("media/video/cup_640x480_25.avi")
    static var canLabelVideo: Bool {
        FileManager.default.fileExists(atPath: clip.path) && TestPaths.which("ffmpeg") != nil && TestPaths.which("ffprobe") != nil
    }

    /// Polls the job until it is done or failed.
    static func waitForJob(_ client: LiveClient, _ id: String, token: String, timeout: Duration = .seconds(900)) async throws -> [String: Any] {
        let clock = ContinuousClock()
        let start = clock.now
        while clock.now - start < timeout {
            let response = try await client.get("/v1/jobs/\(id)", token: token)
            #expect(response.status == .ok, "\(response.text)")
            let job = try response.json()
            if let status = job["status"] as? String, status == "done" || status == "failed" { return job }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw HarnessError("job \(id) did not finish within \(timeout)")
    }

    @Test(
        "a video job survives a restart and a killed runner: queued while no runner runs, taken over after the lease, done once, its result labeled",
        .enabled(if: canLabelVideo, "needs ffmpeg and ../shared/media/video"))
    func restartAndTakeover() async throws {
        // Server A queues but runs no jobs; the job stays queued, and its result is not there yet.
        let a = try await ServerHarness.start { $0.jobWorkers = 0 }
        let data = a.directory.appendingPathComponent("data").path
        let token = a.labelToken
        let video = try FileIO.read(Self.clip.path)
        let form = multipart(file: video, filename: "cup.avi", fields: ["produceID": "job-restart-0001"])
        let (id, deadClaim) = try await a.runKeepingData { client in
            let submitted = try await client.post("/v1/jobs", form.body, type: form.type, token: token)
            #expect(submitted.status == .accepted, "\(submitted.text)")
            let job = try submitted.json()
            let id = try (job["id"] as? String).orThrow("no id")
            #expect(submitted.headers[.location] == "/v1/jobs/\(id)")
            #expect(job["status"] as? String == "queued")
            #expect(job["inputBytes"] as? Int == video.count)
            let early = try await client.get("/v1/jobs/\(id)/result", token: token)
            #expect(early.status == .conflict)
            #expect(try early.errorCode() == "job-not-done")
            // Another label key does not see it.
            let other = try await a.service.apiKeys.create(name: "other", scopes: [.label]).token.description
            #expect(try await client.get("/v1/jobs/\(id)", token: other).status == .notFound)
            let ready = try await client.get("/readyz").json()
            #expect((ready["jobs"] as? [String: Any])?["queued"] as? Int == 1)
            // A runner of a server that is then killed claims it, with a lease that soon runs out.
            let claim = try await a.service.jobs.claim(worker: "killed-server", lease: .milliseconds(1), maxAttempts: 3)
            #expect(claim?.id == id)
            return (id, try claim.orThrow("no claim"))
        }

        // Server B on the same data directory takes the job over once the lease has run out, and finishes it.
        let b = try await ServerHarness.start {
            $0.data = data
            $0.jobWorkers = 1
            $0.jobPollSeconds = 0.2
        }
        try await b.run { client in
            let job = try await Self.waitForJob(client, id, token: token)
            #expect(job["status"] as? String == "done", "\(job)")
            #expect(job["attempts"] as? Int == 2, "claimed by the killed runner, then by B")
            #expect(job["progress"] as? Double == 1)
            let result = try (job["result"] as? [String: Any]).orThrow("no result: \(job)")
            let marks = result["marks"] as? [String] ?? []
            #expect(marks.contains("implicit") && marks.contains("explicit"), "\(marks)")
            let record = try (result["record"] as? [String: Any]).orThrow("no record")
            let index = try (record["index"] as? Int).orThrow("no index")
            // The killed runner's late writes change nothing.
            #expect(try await b.service.jobs.finish(deadClaim, result: .object([:]), outputBytes: 1) == false)

            let download = try await client.get("/v1/jobs/\(id)/result", token: token)
            #expect(download.status == .ok)
            #expect(download.headers[.contentType] == "video/x-msvideo" || download.headers[.contentType] == "video/avi", "\(download.headers)")
            #expect(download.headers[HTTPField.Name("Sigil-Produce-ID")!] == "job-restart-0001")
            #expect(download.headers[HTTPField.Name("Sigil-Log-Index")!] == String(index))
            #expect(download.bytes.count == job["outputBytes"] as? Int)
            // POST /v1/verify checks the opening label in the decoded frames, as sigil verify does for a file.
            let verified = try await client.post("/v1/verify", download.bytes, type: "video/x-msvideo").json()
            #expect(verified["verdict"] as? String == "ai-generated")
            #expect(verified["conformance"] as? String == "compliant", "\(verified["conformance"] ?? "")")
            let report = try b.service.verifier.verify(download.bytes, fileExtension: "avi")
            #expect(report.label?.produceID == "job-restart-0001")
            let opening = try (verified["explicit"] as? [String: Any]).orThrow("no opening label check: \(verified.keys)")
            #expect(opening["source"] as? String == "sigil-video-metadata")
            #expect(opening["meetsGB5_4"] as? Bool == true, "\(opening)")
            #expect((opening["shownFor"] as? Double ?? 0) >= 2)
            // The labeled file is the record's: its SHA-256 is what the log holds.
            let records = try await b.service.keeper.store.records(produceID: "job-restart-0001")
            #expect(records.count == 1, "one record for one job, though two runners claimed it")
            #expect(records.first?.record.contentSHA256 == RecordKeeper.contentSHA256(download.bytes))
        }
    }

    @Test("bad job uploads get a clear error and leave no file: empty, unknown bytes, over the limit, a cut-off form, unknown options")
    func badUploads() async throws {
        let harness = try await ServerHarness.start {
            $0.jobWorkers = 0
            $0.maxJobBytes = 4096
        }
        let jobs = harness.directory.appendingPathComponent("data/jobs").path
        let token = harness.labelToken
        try await harness.run { client in
            let empty = try await client.post("/v1/jobs", [], type: "application/octet-stream", token: token)
            #expect(empty.status == .badRequest)
            #expect(try empty.errorCode() == "empty-file")
            let unknown = try await client.post(
                "/v1/jobs", [UInt8](repeating: 0, count: 64) + [0xFF, 0xFE, 0x00, 0x01], type: "application/octet-stream", token: token)
            #expect(unknown.status == .unsupportedMediaType, "\(unknown.text)")
            let big = try await client.post("/v1/jobs", Array(repeating: 0, count: 5000), type: "application/octet-stream", token: token)
            #expect(big.status == .contentTooLarge)
            let png = try ServerHarness.example("gray.png")
            var form = multipart(file: png, filename: "gray.png")
            form.body.removeLast(30)
            let cut = try await client.post("/v1/jobs", form.body, type: form.type, token: token)
            #expect(cut.status == .badRequest, "\(cut.text)")
            #expect(try cut.errorCode() == "bad-multipart")
            let typo = try await client.post("/v1/jobs?markz=implicit", png, type: "image/png", token: token)
            #expect(typo.status == .badRequest, "\(typo.text)")
            let kind = try await client.post("/v1/jobs?kind=transcode", png, type: "image/png", token: token)
            #expect(kind.status == .badRequest)
            let anonymous = try await client.post("/v1/jobs", png, type: "image/png")
            #expect(anonymous.status == .unauthorized)
            #expect(try await client.get("/v1/jobs/job_0123", token: token).status == .notFound)
            // None of them left a folder or a working file behind.
            #expect(try FileManager.default.contentsOfDirectory(atPath: jobs) == [])
        }
    }

    @Test(
        "two servers on one PostgreSQL share the job queue: every job runs once, the log holds one record each",
        .enabled(if: PostgresTestServer.available, "needs Debian's postgresql package"))
    func twoServersShareTheQueue() async throws {
        let url = try await PostgresTestServer.freshDatabaseURL()
        let shared = try TestPaths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: shared) }
        func configure(_ c: inout ServerConfiguration) {
            c.database = url
            c.keys = shared.appendingPathComponent("keys").path
            c.jobsDirectory = shared.appendingPathComponent("jobs").path
            c.jobWorkers = 1
            c.jobPollSeconds = 0.1
        }
        let a = try await ServerHarness.start(configure)
        let b = try await ServerHarness.start(configure)
        let token = a.labelToken
        let png = try ServerHarness.example("gray.png")
        let count = 6
        try await a.run { clientA in
            try await b.run { clientB in
                var ids: [String] = []
                for n in 0..<count {
                    let client = n % 2 == 0 ? clientA : clientB
                    let submitted = try await client.post(
                        "/v1/jobs?marks=explicit,implicit&produceID=job-pg-\(n)", png, type: "image/png", token: token)
                    #expect(submitted.status == .accepted, "\(submitted.text)")
                    ids.append(try (try submitted.json()["id"] as? String).orThrow("no id"))
                }
                for id in ids {
                    let job = try await Self.waitForJob(clientB, id, token: token)
                    #expect(job["status"] as? String == "done", "\(job)")
                    #expect(job["attempts"] as? Int == 1)
                }
                let size = try await a.service.keeper.store.nextIndex()
                #expect(size == UInt64(count), "one record per job")
                for n in 0..<count {
                    #expect(try await a.service.keeper.store.records(produceID: "job-pg-\(n)").count == 1)
                }
            }
        }
    }
}

extension ServerHarness {
    /// ``run(_:)`` that closes the store but keeps the data directory (a later server opens it again).
    func runKeepingData<T: Sendable>(_ body: @escaping @Sendable (LiveClient) async throws -> T) async throws -> T {
        let app = SigilServer.application(service: service)
        do {
            let value = try await LiveClient.run(app, body)
            await service.close()
            return value
        } catch {
            await service.close()
            throw error
        }
    }
}
