import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Sigil
import SigilAccess
import SigilServer
import SigilTestSupport
import Testing

/// Verification at platform scale (issue 23): keyed verify with per-key quotas, the batch route, metadata-only
/// verification and the verify cache, on a real server on loopback.
struct VerifyScaleTests {
    static func lines(_ text: String) throws -> [[String: Any]] {
        try text.split(separator: "\n").map { line in
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                throw HarnessError("not a JSON object: \(line)")
            }
            return object
        }
    }

    @Test("a burst of 200 keyed verifies on 8 connections gets no 429, while the public route keeps its per-client limit")
    func keyedBurst() async throws {
        let harness = try await ServerHarness.start {
            // One token a minute after the burst: the ten anonymous requests below meet the limit however slow the
            // machine is.
            $0.verifyBurst = 5
            $0.verifyPerMinute = 1
            $0.queueDepth = 64
        }
        let token = try await harness.service.apiKeys.create(name: "platform backend", scopes: [.verify]).token.description
        let image = try ServerHarness.example("gray.png")
        try await harness.run { client in
            let port = try #require(client.port)
            let statuses = try await withThrowingTaskGroup(of: [HTTPResponse.Status].self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        // 300 s, as LiveClient: a full suite shares 2 cores with this burst.
                        func connect() -> TestClient {
                            let connection = TestClient(host: "127.0.0.1", port: port, configuration: .init(timeout: .seconds(300)))
                            connection.connect()
                            return connection
                        }
                        var connection = connect()
                        var statuses: [HTTPResponse.Status] = []
                        for _ in 0..<25 {
                            // A connection that fails under a full suite's load (never a status) is opened again, up to
                            // three times a request: what is counted is the answers, and a 429 is an answer.
                            var attempt = 0
                            while true {
                                do {
                                    statuses.append(try await connection.post("/v1/verify", image, type: "image/png", token: token).status)
                                    break
                                } catch  where attempt < 2 && !(error is CancellationError) {
                                    attempt += 1
                                    try? await connection.shutdown()
                                    connection = connect()
                                }
                            }
                        }
                        try await connection.shutdown()
                        return statuses
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            #expect(statuses.count == 200)
            #expect(!statuses.contains(.tooManyRequests), "\(Dictionary(grouping: statuses, by: \.code).mapValues(\.count))")
            // A 503 is the worker queue's backpressure on a busy test machine, never the rate limit.
            #expect(statuses.allSatisfy { $0 == .ok || $0 == .serviceUnavailable })
            #expect(statuses.contains(.ok))
            // Anonymous requests from the same address still meet the public limit, with Retry-After on every 429.
            var refused: [LiveResponse] = []
            for _ in 0..<10 {
                let response = try await client.post("/v1/verify?decode=false", image, type: "image/png")
                if response.status == .tooManyRequests { refused.append(response) }
            }
            #expect(!refused.isEmpty)
            #expect(refused.allSatisfy { $0.headers[.retryAfter].flatMap(Int.init).map { $0 >= 1 } == true })
        }
    }

    @Test("a key's own quota gives 429 with Retry-After when spent; propagate keys verify, label keys and bad tokens are refused")
    func quotas() async throws {
        let harness = try await ServerHarness.start()
        let limited = try await harness.service.apiKeys.create(name: "metered", scopes: [.verify], verifyPerMinute: 6).token.description
        let image = try ServerHarness.example("gray.png")
        try await harness.run { client in
            #expect(try await client.post("/v1/verify?decode=false", image, type: "image/png", token: limited).status == .ok)
            let spent = try await client.post("/v1/verify?decode=false", image, type: "image/png", token: limited)
            #expect(spent.status == .tooManyRequests)
            #expect(try spent.errorCode() == "quota-exceeded")
            #expect(spent.headers[.retryAfter].flatMap(Int.init).map { $0 >= 1 } == true)
            #expect(try await client.post("/v1/verify?decode=false", image, type: "image/png", token: harness.propagateToken).status == .ok)
            #expect(try await client.post("/v1/verify?decode=false", image, type: "image/png", token: harness.adminToken).status == .ok)
            #expect(try await client.post("/v1/verify?decode=false", image, type: "image/png", token: harness.labelToken).status == .forbidden)
            let forged = "sgk_0123456789abcdef_" + String(repeating: "A", count: 43)
            #expect(try await client.post("/v1/verify?decode=false", image, type: "image/png", token: forged).status == .unauthorized)
        }
    }

    @Test("the same bytes with the same options come from the cache (the same verdict, counted as a hit); other options miss")
    func cacheHitAndMiss() async throws {
        let harness = try await ServerHarness.start()
        let image = try ServerHarness.example("landscape.jpg")
        try await harness.run { client in
            let first = try await client.post("/v1/verify", image)
            #expect(first.status == .ok)
            #expect(first.headers[.sigilCacheName] == "miss")
            let second = try await client.post("/v1/verify", image)
            #expect(second.headers[.sigilCacheName] == "memory")
            #expect(second.text == first.text, "a cached verdict is the verdict")
            let metadataOnly = try await client.post("/v1/verify?decode=false", image)
            #expect(metadataOnly.headers[.sigilCacheName] == "miss", "decode=false is another verdict")
            #expect(try metadataOnly.json()["decoded"] as? Bool == false)
            var changed = image
            changed[changed.count - 3] ^= 0x01 // other bytes, another hash
            #expect(try await client.post("/v1/verify", changed).headers[.sigilCacheName] == "miss")
            let metrics = try await client.get("/metrics").text
            #expect(metrics.contains(#"sigil_verify_cache_total{result="memory"} 1"#), "\(metrics)")
            #expect(metrics.contains(#"sigil_verify_cache_total{result="miss"} 3"#))
        }
    }

    @Test("a second server on the same database answers from the shared table; another watermark key never reuses a verdict")
    func sharedCache() async throws {
        let harness = try await ServerHarness.start()
        let image = try ServerHarness.example("portrait-gradient.jpg")
        let configuration = harness.service.configuration
        let options = harness.service.verifier.options
        try await harness.run { client in
            let verified = try await client.post("/v1/verify?decode=false", image, type: "image/jpeg")
            #expect(verified.headers[.sigilCacheName] == "miss")
            await harness.service.flushVerifyCache()
            // A second server on the same data directory (store and keys): its memory is empty, the table is not.
            let again = try await SigilService.open(configuration)
            try await LiveClient.run(SigilServer.application(service: again)) { other in
                let response = try await other.post("/v1/verify?decode=false", image, type: "image/jpeg")
                #expect(response.headers[.sigilCacheName] == "store")
                #expect(response.text == verified.text)
            }
            await again.close()
        }
        let before = SigilService.verifyCacheFingerprint(options)
        var changed = options
        changed.watermarkKey = WatermarkKey.generate()
        #expect(SigilService.verifyCacheFingerprint(changed) != before)
        changed = options
        changed.decodePixels.toggle()
        #expect(SigilService.verifyCacheFingerprint(changed) != before)
        changed = options
        changed.labelKeys.removeAll()
        #expect(SigilService.verifyCacheFingerprint(changed) != before)
        #expect(SigilService.verifyCacheFingerprint(options) == before, "the fingerprint is stable")
    }

    @Test("metadata-only verification decodes nothing and says so")
    func metadataOnly() async throws {
        let harness = try await ServerHarness.start()
        try await harness.run { client in
            let labeled = try await client.post(
                "/v1/label?model=test-model&serviceCategory=other", try ServerHarness.example("landscape.jpg"), token: harness.labelToken)
            #expect(labeled.status == .ok)
            let report = try await client.post("/v1/verify?decode=false", labeled.bytes).json()
            #expect(report["decoded"] as? Bool == false)
            #expect(report["verdict"] as? String == "ai-generated")
            #expect(report["watermark"] is NSNull)
            #expect((report["explicit"] as? [String: Any])?["presence"] is NSNull)
            let findings = try #require(report["findings"] as? [[String: Any]])
            #expect(findings.contains { $0["code"] as? String == "verify.not-decoded" })
            #expect((report["record"] as? [String: Any])?["found"] as? Bool == true)
            #expect((report["record"] as? [String: Any])?["perceptualDistance"] is NSNull, "no perceptual hash without decoding")
            let full = try await client.post("/v1/verify", labeled.bytes).json()
            #expect(full["decoded"] as? Bool == true)
            #expect((full["watermark"] as? [String: Any])?["matchesProduceID"] as? Bool == true)
            #expect((full["record"] as? [String: Any])?["perceptualDistance"] is Int)
        }
    }

    @Test("a multipart batch answers one NDJSON line per part, with its index and name; a bad or oversized part is its own error line")
    func multipartBatch() async throws {
        let harness = try await ServerHarness.start { $0.maxBodyBytes = 40_000 }
        let token = try await harness.service.apiKeys.create(name: "platform", scopes: [.verify]).token.description
        let files: [(String, [UInt8])] = [
            ("gray.png", try ServerHarness.example("gray.png")), ("note.md", try ServerHarness.example("note.md")),
            ("junk.bin", [0xDE, 0xAD, 0xBE, 0xEF]), ("landscape.jpg", try ServerHarness.example("landscape.jpg")), // over 40,000 bytes
        ]
        let boundary = "batch-\(UUID().uuidString)"
        var body: [UInt8] = []
        for (name, bytes) in files {
            body +=
                Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(name)\"\r\n\r\n".utf8) + bytes
                + Array("\r\n".utf8)
        }
        body += Array("--\(boundary)--\r\n".utf8)
        let form = body
        try await harness.run { client in
            let response = try await client.post(
                "/v1/verify/batch?decode=false", form, type: "multipart/form-data; boundary=\(boundary)", token: token)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/x-ndjson")
            let lines = try Self.lines(response.text)
            #expect(lines.count == 4)
            let byIndex = Dictionary(uniqueKeysWithValues: lines.compactMap { line in (line["index"] as? Int).map { ($0, line) } })
            #expect(Set(byIndex.keys) == [0, 1, 2, 3])
            for (index, (name, _)) in files.enumerated() { #expect(byIndex[index]?["name"] as? String == name) }
            #expect(byIndex[0]?["verdict"] as? String == "no-label")
            #expect(byIndex[1]?["format"] as? String == "markdown")
            #expect(byIndex[2]?["verdict"] as? String == "no-label" || byIndex[2]?["error"] != nil, "four stray bytes get a line too")
            #expect((byIndex[3]?["error"] as? [String: Any])?["code"] as? String == "too-large")
            // Without a key the batch route is refused.
            #expect(try await client.post("/v1/verify/batch", form, type: "multipart/form-data; boundary=\(boundary)").status == .unauthorized)
        }
    }

    @Test(
        "a tar batch answers every regular file of the stream; a truncated stream ends with an error line",
        .enabled(if: TestPaths.which("tar") != nil))
    func tarBatch() async throws {
        let harness = try await ServerHarness.start()
        let dir = try TestPaths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let names = ["alpha.png", "gray.png", "meadow.webp", "note.md", "report.pdf"]
        let tar = dir.appendingPathComponent("batch.tar").path
        let run = try TestProcess.run(TestPaths.which("tar")!, ["-cf", tar, "-C", TestPaths.examples.path] + names)
        #expect(run.status == 0, "\(run.stderr)")
        let body = try FileIO.read(tar)
        try await harness.run { client in
            let response = try await client.post("/v1/verify/batch?decode=false", body, type: "application/x-tar", token: harness.propagateToken)
            let lines = try Self.lines(response.text)
            #expect(Set(lines.compactMap { $0["name"] as? String }) == Set(names))
            #expect(lines.allSatisfy { $0["verdict"] != nil }, "\(response.text)")
            let cut = try await client.post(
                "/v1/verify/batch?decode=false", Array(body.prefix(3000)), type: "application/x-tar", token: harness.propagateToken)
            let last = try #require(try Self.lines(cut.text).last)
            #expect(last["index"] == nil)
            #expect((last["error"] as? [String: Any])?["code"] as? String == "truncated")
        }
    }
}

extension HTTPField.Name {
    static let sigilCacheName = HTTPField.Name("Sigil-Cache")!
}
