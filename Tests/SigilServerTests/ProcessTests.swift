import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Sigil
import SigilImaging
import SigilStorePostgres
import SigilTestSupport
import Testing

/// `sigil serve` as a process: first start, graceful shutdown, and two servers on one PostgreSQL database.
@Suite("sigil serve processes", .serialized, .enabled(if: TestPaths.sigilBinary != nil, "needs the built sigil executable"))
struct ProcessTests {
    @Test("first start prints an admin key once; SIGTERM lets an in-flight label finish and keeps its record")
    func firstStartAndGracefulShutdown() async throws {
        let dir = try TestPaths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = dir.appendingPathComponent("data").path
        let server = try await ServeProcess.start(["--development", "--data", data, "--workers", "1", "--no-duties"], in: dir)
        let log = server.log
        let token = try #require(log.split(whereSeparator: \.isWhitespace).first { $0.hasPrefix("sgk_") }.map(String.init), "\(log)")
        #expect(log.contains("Sigil is serving on http://127.0.0.1:\(server.port)/"))
        #expect(FileManager.default.fileExists(atPath: data + "/sigil.sqlite"))

        // A 4 MP image takes long enough in a debug build to still be in flight when SIGTERM arrives.
        let (width, height) = (2400, 1700)
        var bytes = [UInt8](repeating: 0, count: width * height * 3)
        for y in 0..<height {
            for x in 0..<width {
                let i = (y * width + x) * 3
                bytes[i] = UInt8(x % 251)
                bytes[i + 1] = UInt8(y % 241)
                bytes[i + 2] = UInt8((x + y) % 239)
            }
        }
        let pixels = PixelBuffer(width: width, height: height, layout: .rgb, bytes: bytes)
        let jpeg = try JPEGCodec.encode(pixels, quality: 90, subsampling: JPEGCodec.Subsampling.s420)
        // The label request; one that fails before the worker sees it (its connection refused or reset on a machine
        // overloaded by the whole suite: CI, 2026-12-07) is made again on a new connection, up to three times.
        func startLabel() -> (TestClient, RequestOutcome, Task<TestClient.Response, any Error>) {
            let client = server.client()
            let outcome = RequestOutcome()
            let request = Task {
                do {
                    let response = try await client.post("/v1/label", jpeg, type: "image/jpeg", token: token)
                    await outcome.finish(status: response.status.code)
                    return response
                } catch {
                    await outcome.finish(status: -1, error: "\(error)")
                    throw error
                }
            }
            return (client, outcome, request)
        }
        var (client, outcome, request) = startLabel()
        var attempts = 1
        // Terminate only once the label is running on the worker. A fixed wait raced the upload on a loaded machine,
        // and a 60-s deadline was too short when the whole suite shares two cores (CI, 2026-12-04): wait as long as
        // the request itself is alive, up to five minutes, and say how it ended if it ended first.
        // A probe whose connection was closed under it (seen once with the machine overloaded: "I/O on closed
        // channel") is replaced; only the label request's own errors fail the test.
        var probe = server.client()
        let deadline = ContinuousClock.now + .seconds(300)
        var inFlight = false
        while !inFlight, ContinuousClock.now < deadline {
            if let status = await outcome.status {
                guard status == -1, attempts < 3 else { break }
                try? await client.shutdown()
                (client, outcome, request) = startLabel()
                attempts += 1
            }
            guard let ready = try? await probe.get("/readyz") else {
                try? await probe.shutdown()
                probe = server.client()
                try await Task.sleep(for: .milliseconds(50))
                continue
            }
            inFlight = ready.text.contains("\"running\" : 1") || ready.text.contains("\"running\": 1")
            if !inFlight { try await Task.sleep(for: .milliseconds(5)) }
        }
        try? await probe.shutdown()
        // The test is about a request in flight: without one it proves nothing, so it fails rather than passes.
        let failure = await outcome.error.map { ": \($0)" } ?? ""
        let early = await outcome.status.map { "the label was answered (\($0)\(failure)) before it was seen on the worker (\(attempts) attempts)" }
        try #require(inFlight, "\(early ?? "the label never reached a worker in 300 s"), so SIGTERM would not have met a request in flight")
        let terminatedAt = ContinuousClock.now
        server.terminate()
        let response = try await { () async throws in
            do {
                return try await request.value
            } catch {
                Issue.record("the label request in flight failed after SIGTERM: \(error)")
                throw error
            }
        }()
        let answeredAt = ContinuousClock.now
        #expect(answeredAt > terminatedAt)
        #expect(response.status == .ok, "\(response.text)")
        let produceID = try #require(response.headers[HTTPField.Name("Sigil-Produce-ID")!])
        try? await client.shutdown()
        #expect(try await server.waitForExit() == 0, "\(server.log)")

        // The acknowledged record is in the store, and a restart prints no second admin key.
        let keeper = try #require(try await RecordKeeper.openExisting(RecordKeeper.Location(data: data)))
        #expect(try await keeper.store.records(produceID: produceID).count == 1)
        #expect(try await keeper.store.audit().isClean)
        try await keeper.close()
        let again = try await ServeProcess.start(["--development", "--data", data, "--no-duties"], in: dir)
        #expect(!again.log.contains("sgk_"))
        again.terminate()
        #expect(try await again.waitForExit() == 0)
    }

    @Test(
        "two servers on one PostgreSQL database label concurrently into one consistent log",
        .enabled(if: PostgresTestServer.available, "needs Debian's postgresql package"))
    func twoServersOnePostgres() async throws {
        let dir = try TestPaths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = try await PostgresTestServer.freshDatabaseURL()
        let keys = dir.appendingPathComponent("keys").path
        let sigil = try #require(TestPaths.sigilBinary)
        let created = try TestProcess.run(
            sigil,
            [
                "apikey", "create", "--scope", "label", "--name", "load", "--json", "--database", url, "--keys", keys, "--data",
                dir.appendingPathComponent("admin").path,
            ])
        #expect(created.status == 0, "\(created.stderr)")
        let token = try #require((try JSONSerialization.jsonObject(with: Data(created.stdout.utf8)) as? [String: Any])?["token"] as? String)

        let a = try await ServeProcess.start(
            ["--development", "--database", url, "--keys", keys, "--data", dir.appendingPathComponent("a").path, "--no-duties"], in: dir)
        let b = try await ServeProcess.start(
            ["--development", "--database", url, "--keys", keys, "--data", dir.appendingPathComponent("b").path, "--no-duties"], in: dir)
        let image = try FileIO.read(TestPaths.examples.appendingPathComponent("gray.png").path)
        let perServer = 6
        let indices: [UInt64] = try await withThrowingTaskGroup(of: [UInt64].self) { group in
            for server in [a, b] {
                for _ in 0..<2 {
                    group.addTask {
                        let client = server.client()
                        var got: [UInt64] = []
                        for _ in 0..<(perServer / 2) {
                            let response = try await client.post("/v1/label?marks=explicit,implicit", image, type: "image/png", token: token)
                            guard response.status == .ok, let index = response.headers[HTTPField.Name("Sigil-Log-Index")!].flatMap(UInt64.init) else {
                                throw HarnessError("label failed: \(response.status) \(response.text)")
                            }
                            got.append(index)
                        }
                        try await client.shutdown()
                        return got
                    }
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        #expect(indices.count == 2 * perServer)
        #expect(Set(indices) == Set(0..<UInt64(2 * perServer)), "every index once, none skipped: \(indices.sorted())")

        // Both servers serve the same signed tree, and the audit recomputes it clean.
        let notes = try await [a, b].asyncMap { server in
            let client = server.client()
            defer { Task { try? await client.shutdown() } }
            return try await client.get("/v1/log/checkpoint").text
        }
        let sizes = try notes.map { try Checkpoint(text: try SignedNote(parsing: $0).text).size }
        #expect(sizes.allSatisfy { $0 == UInt64(2 * perServer) }, "\(sizes)")
        a.terminate()
        b.terminate()
        #expect(try await a.waitForExit() == 0)
        #expect(try await b.waitForExit() == 0)
        let keeper = try await RecordKeeper.open(
            RecordKeeper.Location(data: dir.appendingPathComponent("admin").path, keys: keys, database: url, drivers: [.postgres]))
        let audit = try await keeper.store.audit()
        try await keeper.close()
        #expect(audit.isClean, "\(audit.problems)")
        #expect(audit.entries == UInt64(2 * perServer))
        #expect(audit.integratedSize == UInt64(2 * perServer))
    }
}

extension ProcessTests {
    @Test(
        "a job outlives its servers: SIGKILL mid-job → taken over after the lease; SIGTERM mid-job → handed back at once; done once",
        .enabled(if: JobsAPITests.canLabelVideo, "needs ffmpeg and ../shared/media/video"))
    func jobSurvivesKillAndTerm() async throws {
        let dir = try TestPaths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = dir.appendingPathComponent("data").path
        let sigil = try #require(TestPaths.sigilBinary)
        let created = try TestProcess.run(sigil, ["apikey", "create", "--scope", "label", "--name", "jobs", "--json", "--data", data])
        #expect(created.status == 0, "\(created.stderr)")
        let token = try #require((try JSONSerialization.jsonObject(with: Data(created.stdout.utf8)) as? [String: Any])?["token"] as? String)
        let arguments = ["--development", "--data", data, "--no-duties"]
        let environment = ["SIGIL_JOB_LEASE": "3", "SIGIL_JOB_POLL": "0.2"]
        func job(_ server: ServeProcess, _ id: String) async throws -> [String: Any] {
            let client = server.client()
            defer { Task { try? await client.shutdown() } }
            let response = try await client.execute(
                TestClient.Request("/v1/jobs/\(id)", method: .get, headers: [.authorization: "Bearer \(token)"]))
            return try (try JSONSerialization.jsonObject(with: Data(response.text.utf8)) as? [String: Any]).orThrow(response.text)
        }
        func wait(_ server: ServeProcess, _ id: String, until done: ([String: Any]) -> Bool) async throws -> [String: Any] {
            let deadline = ContinuousClock.now + .seconds(900)
            while ContinuousClock.now < deadline {
                let state = try await job(server, id)
                if done(state) { return state }
                try await Task.sleep(for: .milliseconds(100))
            }
            throw HarnessError("job \(id) did not get there: \(try await job(server, id))")
        }

        // A runs the job and is killed while it runs.
        let a = try await ServeProcess.start(arguments, in: dir, environment: environment)
        let clip = try FileIO.read(JobsAPITests.clip.path)
        let client = a.client()
        let submitted = try await client.post("/v1/jobs?produceID=job-process-0001", clip, type: "video/x-msvideo", token: token)
        try await client.shutdown()
        #expect(submitted.status == .accepted, "\(submitted.text)")
        let id = try #require((try JSONSerialization.jsonObject(with: Data(submitted.text.utf8)) as? [String: Any])?["id"] as? String)
        _ = try await wait(a, id) { $0["status"] as? String == "running" }
        kill(a.process.processIdentifier, SIGKILL)
        _ = try await a.waitForExit()

        // B takes it over once the 3-s lease has run out, and gets SIGTERM while it runs: it hands the job back and
        // exits at once rather than finishing it.
        let b = try await ServeProcess.start(arguments, in: dir, environment: environment)
        let takenOver = try await wait(b, id) { $0["status"] as? String == "running" && $0["attempts"] as? Int == 2 }
        #expect(takenOver["status"] as? String == "running")
        let stopping = ContinuousClock.now
        b.terminate()
        #expect(try await b.waitForExit(timeout: .seconds(60)) == 0)
        #expect(ContinuousClock.now - stopping < .seconds(30), "SIGTERM does not wait for the job")
        #expect(b.log.contains("handed back to the queue"), "\(b.log)")

        // C finds it queued (the handed-back claim not counted) and finishes it: one record, the result downloads.
        let c = try await ServeProcess.start(arguments, in: dir, environment: environment)
        let done = try await wait(c, id) { ["done", "failed"].contains($0["status"] as? String ?? "") }
        #expect(done["status"] as? String == "done", "\(done)")
        #expect(done["attempts"] as? Int == 2, "A's claim counted, B's handed back: \(done)")
        let download = c.client()
        let result = try await download.execute(
            TestClient.Request("/v1/jobs/\(id)/result", method: .get, headers: [.authorization: "Bearer \(token)"]))
        try await download.shutdown()
        #expect(result.status == .ok)
        #expect((result.body?.readableBytes ?? 0) > clip.count / 2)
        c.terminate()
        #expect(try await c.waitForExit() == 0)
        let keeper = try await RecordKeeper.open(RecordKeeper.Location(data: data, keys: nil, database: nil, drivers: []))
        let records = try await keeper.store.records(produceID: "job-process-0001")
        try await keeper.close()
        #expect(records.count == 1, "three servers, one record")
    }
}

extension Array {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var out: [T] = []
        for element in self { out.append(try await transform(element)) }
        return out
    }
}

/// How a background request ended, for a poll loop that must stop when it does.
private actor RequestOutcome {
    /// The HTTP status, or `-1` when the request threw; `nil` while it runs.
    private(set) var status: Int?
    /// What the request threw, when it did.
    private(set) var error: String?

    func finish(status: Int, error: String? = nil) {
        self.status = status
        self.error = error
    }
}
