import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SQLKit
import Sigil
import SigilAccess
import SigilServer
import SigilTestSupport
import Testing

/// The API through a real server on loopback, a real SQLite store and real codecs.
@Suite("HTTP API", .serialized)
struct APITests {
    @Test("label → verify → record → proof: the labeled file verifies, its record is found and its proof checks offline")
    func labelVerifyRecordProof() async throws {
        let harness = try await ServerHarness.start()
        let verifier = try #require(harness.service.keeper.store.verifier)
        try await harness.run { client in
            let input = try ServerHarness.example("landscape.jpg")
            let labeled = try await client.post("/v1/label?model=test-model&serviceCategory=other", input, token: harness.labelToken)
            #expect(labeled.status == .ok, "\(labeled.text)")
            #expect(labeled.headers[.contentType] == "image/jpeg")
            let produceID = try #require(labeled.headers[HTTPField.Name("Sigil-Produce-ID")!])
            let index = try #require(labeled.headers[HTTPField.Name("Sigil-Log-Index")!].flatMap(UInt64.init))
            #expect(labeled.headers[HTTPField.Name("Sigil-Marks")!] == "explicit,implicit,watermark,c2pa")
            #expect(labeled.bytes != input)

            let report = try await client.post("/v1/verify", labeled.bytes).json()
            #expect(report["verdict"] as? String == "ai-generated")
            #expect(report["conformance"] as? String == "compliant")
            #expect((report["watermark"] as? [String: Any])?["matchesProduceID"] as? Bool == true)
            let record = try #require(report["record"] as? [String: Any])
            #expect(record["found"] as? Bool == true)
            #expect(record["sha256Matches"] as? Bool == true)
            #expect((report["proof"] as? [String: Any])?["status"] as? String == "valid")

            let records = try await client.get("/v1/records/\(produceID)", token: harness.labelToken)
            #expect(records.status == .ok)
            let items = try #require(try records.json()["records"] as? [[String: Any]])
            #expect(items.count == 1)
            #expect((items[0]["fields"] as? [String: Any])?["model"] as? String == "test-model")

            let proofText = try await client.get("/v1/log/proof/\(index)").text
            let proof = try TlogProof(text: proofText)
            let entry = try #require(proof.extra)
            let checkpoint = try proof.verify(leafHash: Merkle.leafHash(entry), verifiers: [verifier])
            #expect(checkpoint.size >= index + 1)
            #expect(try GenerationRecord(entry: entry).produceID == produceID)

            let note = try SignedNote(parsing: try await client.get("/v1/log/checkpoint").text)
            #expect(note.signatures.contains { verifier.verify(text: note.text, signature: $0.bytes) })
        }
    }

    @Test("every route but the public ones needs a live key with the right scope")
    func authentication() async throws {
        let harness = try await ServerHarness.start()
        let unused = try await harness.service.apiKeys.create(name: "soon revoked", scopes: [.label])
        try await harness.service.apiKeys.revoke(id: unused.key.id)
        try await harness.run { client in
            let image = try ServerHarness.example("gray.png")
            let none = try await client.post("/v1/label", image, type: "image/png")
            #expect(none.status == .unauthorized)
            #expect(none.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
            #expect(try none.errorCode() == "unauthorized")
            #expect(try await client.post("/v1/label", image, type: "image/png", token: "not-a-token").status == .unauthorized)
            let forged = APIKeyToken(parsing: harness.labelToken).map { APIKeyToken(id: $0.id, secret: String(repeating: "A", count: 43)) }!
            #expect(try await client.post("/v1/label", image, type: "image/png", token: forged.description).status == .unauthorized)
            #expect(try await client.post("/v1/label", image, type: "image/png", token: unused.token.description).status == .unauthorized)
            let wrongScope = try await client.post("/v1/label", image, type: "image/png", token: harness.propagateToken)
            #expect(wrongScope.status == .forbidden)
            #expect(try wrongScope.errorCode() == "forbidden")
            #expect(try await client.post("/v1/propagate", image, type: "image/png", token: harness.labelToken).status == .forbidden)
            #expect(try await client.get("/v1/records/01a1fe136df1e3ae8c58bb2007a558fe").status == .unauthorized)
            // The admin key may do everything; a key may not label in another provider's name.
            #expect(try await client.post("/v1/label?marks=explicit,implicit", image, type: "image/png", token: harness.adminToken).status == .ok)
            let impersonation = try await client.post(
                "/v1/label?producer=001191440300708461136T1308L", image, type: "image/png", token: harness.labelToken)
            #expect(impersonation.status == .forbidden)
            // Secrets are stored only as hashes.
            let rows = try await harness.service.keeper.store.database.withConnection { db in
                try await db.raw("SELECT secret_sha256 FROM api_keys").all().map { [UInt8](try $0.decode(column: "secret_sha256", as: Data.self)) }
            }
            #expect(rows.count == 4)
            #expect(rows.allSatisfy { $0.count == 32 })
        }
    }

    @Test("bad input gets a JSON error naming the problem, with the right status")
    func badInput() async throws {
        let harness = try await ServerHarness.start { $0.maxBodyBytes = 300_000 }
        try await harness.run { client in
            let jpeg = try ServerHarness.example("landscape.jpg")
            let text = try await client.post("/v1/verify", Array("hello".utf8), type: "application/x-tar")
            #expect(text.status == .unsupportedMediaType)
            #expect(try text.errorCode() == "unsupported-media-type")
            let notImage = try await client.post(
                "/v1/label", [0x00, 0x00, 0x9C, 0x00, 0xFF, 0x01, 0x00], type: "application/octet-stream", token: harness.labelToken)
            #expect(notImage.status == .unsupportedMediaType)
            #expect(try notImage.errorCode() == "unsupported-format")
            let truncated = try await client.post("/v1/label", Array(jpeg.prefix(jpeg.count / 3)), token: harness.labelToken)
            #expect(truncated.status == .unprocessableContent, "\(truncated.text)")
            #expect(try truncated.json()["error"] != nil)
            let big = try await client.post("/v1/verify", [UInt8](repeating: 0xFF, count: 400_000))
            #expect(big.status == .contentTooLarge)
            #expect(try big.errorCode() == "too-large")
            let bomb = try await client.post("/v1/label", Self.pngHeader(width: 50_000, height: 50_000), type: "image/png", token: harness.labelToken)
            #expect(bomb.status == .contentTooLarge)
            #expect(bomb.text.contains("50000"))
            let typo = try await client.post("/v1/label?mark=implicit", jpeg, token: harness.labelToken)
            #expect(typo.status == .badRequest)
            #expect(typo.text.contains("unknown option"))
            let badMark = try await client.post("/v1/label?marks=implicit,sparkles", jpeg, token: harness.labelToken)
            #expect(badMark.status == .badRequest)
            let badWording = try await client.post("/v1/label?text=hello", jpeg, token: harness.labelToken)
            #expect(badWording.status == .unprocessableContent)
            let unknown = try await client.get("/v1/nothing-here")
            #expect(unknown.status == .notFound)
            #expect(try unknown.errorCode() == "not-found")
            #expect(try await client.get("/v1/records/01a1fe136df1e3ae8c58bb2007a558fe", token: harness.labelToken).status == .notFound)
            #expect(try await client.get("/v1/log/proof/5").status == .notFound)
            #expect(try await client.get("/v1/log/tile/0/x000/001").status == .badRequest)
            let badMultipart = try await client.post("/v1/verify", Array("--x\r\nnothing".utf8), type: "multipart/form-data; boundary=x")
            #expect(badMultipart.status == .badRequest)
        }
    }

    /// A PNG that is only a signature and an IHDR declaring `width`×`height`.
    static func pngHeader(width: UInt32, height: UInt32) -> [UInt8] {
        func be(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
        let ihdr: [UInt8] = Array("IHDR".utf8) + be(width) + be(height) + [8, 2, 0, 0, 0]
        return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + be(13) + ihdr + be(crc32(ihdr)) + be(0) + Array("IEND".utf8)
            + be(crc32(Array("IEND".utf8)))
    }

    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    @Test("propagation writes the platform's fields into the one label and picks the Art. 6 tier")
    func propagation() async throws {
        let harness = try await ServerHarness.start()
        try await harness.run { client in
            let plain = try ServerHarness.example("portrait-gradient.jpg")
            // 1: a valid producer label.
            let labeled = try await client.post("/v1/label", plain, token: harness.labelToken).bytes
            let first = try await client.post(
                "/v1/propagate?propagateID=platform-0001", labeled, token: harness.propagateToken, accept: "application/json")
            #expect(first.status == .ok, "\(first.text)")
            let body = try first.json()
            #expect(body["basis"] as? String == "producer-label")
            let label = try #require(body["label"] as? [String: Any])
            #expect(label["Label"] as? String == "1")
            #expect(label["ContentPropagator"] as? String == ServerHarness.platformCode)
            #expect(label["PropagateID"] as? String == "platform-0001")
            #expect((label["ReservedCode2"] as? String)?.contains("SecurityData") == true)
            #expect((body["notice"] as? [String: Any])?["zh"] as? String == Verdict.aiGenerated.summary.zh)
            let fileText = try #require(body["file"] as? String)
            let propagated = try #require(Data(base64Encoded: fileText)).map { $0 }
            let report = try Verifier(
                options: {
                    var o = Verifier.Options()
                    o.decodePixels = false
                    return o
                }()
            ).verify(propagated)
            #expect(report.sites.count == 1, "GB 45438 6.1 c): one label per file")
            #expect(report.label?.contentPropagator == ServerHarness.platformCode)
            #expect(report.label?.produceID == (try Verifier().verify(labeled)).label?.produceID)
            #expect(report.conformance == .compliant)

            // 2: no label, but the uploader declares AI content (raw response with headers).
            let declared = try await client.post("/v1/propagate?declared=true", plain, token: harness.propagateToken)
            #expect(declared.headers[HTTPField.Name("Sigil-Label")!] == "2")
            #expect(declared.headers[HTTPField.Name("Sigil-Basis")!] == "user-declaration")
            #expect(declared.headers[HTTPField.Name("Sigil-Notice")!] == Verdict.possiblyAIGenerated.summary.en)
            #expect(try Verifier().verify(declared.bytes).label?.label == .possiblyAIGenerated)

            // 3: no label, no declaration, but Sigil's watermark is in the pixels.
            // (The implicit label is mandatory, so the metadata is stripped the way a platform's re-encode strips it.)
            let watermarked = try await client.post("/v1/label?marks=explicit,watermark", plain, token: harness.labelToken).bytes
            let watermarkedOnly = try JPEGCodec.encode(
                try JPEGCodec.decode(watermarked, maxPixels: 100_000_000).pixels, quality: 92,
                subsampling: JPEGCodec.Subsampling.s420)
            #expect(try Verifier().verify(watermarkedOnly).sites.isEmpty)
            let suspected = try await client.post("/v1/propagate", watermarkedOnly, token: harness.propagateToken)
            #expect(suspected.headers[HTTPField.Name("Sigil-Label")!] == "3")
            #expect(suspected.headers[HTTPField.Name("Sigil-Basis")!] == "detected-traces")

            // Nothing: the file comes back unchanged.
            let nothing = try await client.post("/v1/propagate", plain, token: harness.propagateToken)
            #expect(nothing.headers[HTTPField.Name("Sigil-Label")!] == "none")
            #expect(nothing.bytes == plain)
        }
    }

    @Test("multipart uploads, the page's form post and the options part")
    func multipartAndPage() async throws {
        let harness = try await ServerHarness.start()
        try await harness.run { client in
            let png = try ServerHarness.example("alpha.png")
            let form = multipart(file: png, filename: "alpha.png", fields: ["options": #"{"marks": "explicit,implicit"}"#])
            let labeled = try await client.post("/v1/label", form.body, type: form.type, token: harness.labelToken)
            #expect(labeled.status == .ok, "\(labeled.text)")
            #expect(labeled.headers[HTTPField.Name("Sigil-Marks")!] == "explicit,implicit")
            #expect(labeled.headers[.contentType] == "image/png")

            let page = try await client.get("/")
            #expect(page.status == .ok)
            #expect(page.text.contains("id=\"upload\""))
            let upload = multipart(file: labeled.bytes, filename: "labeled.png")
            let result = try await client.post("/", upload.body, type: upload.type)
            #expect(result.status == .ok)
            #expect(result.text.contains("data-verdict=\"ai-generated\""))
            #expect(result.text.contains(Verdict.aiGenerated.summary.zh))
            #expect(result.text.contains("labeled.png"))
            let bad = multipart(file: [0x00, 0x01, 0x02, 0x03] + Array("not a known format".utf8), filename: "x.bin")
            let refused = try await client.post("/", bad.body, type: bad.type)
            #expect(refused.status == .unsupportedMediaType)
            #expect(refused.text.contains("data-verdict=\"error\""))
            #expect(try await client.get("/static/style.css").status == .ok)
            #expect(try await client.get("/static/../Package.swift").status == .notFound)
        }
    }

    @Test("verify is rate-limited per client address")
    func rateLimit() async throws {
        let harness = try await ServerHarness.start {
            $0.verifyBurst = 2
            $0.verifyPerMinute = 1
        }
        try await harness.run { client in
            let image = try ServerHarness.example("gray.png")
            #expect(try await client.post("/v1/verify?decode=false", image, type: "image/png").status == .ok)
            #expect(try await client.post("/v1/verify?decode=false", image, type: "image/png").status == .ok)
            let third = try await client.post("/v1/verify?decode=false", image, type: "image/png")
            #expect(third.status == .tooManyRequests)
            #expect(third.headers[.retryAfter].flatMap(Int.init).map { $0 >= 1 } == true)
            #expect(try third.errorCode() == "rate-limited")
        }
    }

    @Test("the tiles rebuild the checkpoint's root, and the entry bundle holds the records")
    func tiles() async throws {
        let harness = try await ServerHarness.start()
        try await harness.run { client in
            let image = try ServerHarness.example("gray.png")
            for _ in 0..<3 {
                #expect(try await client.post("/v1/label?marks=explicit,implicit", image, type: "image/png", token: harness.labelToken).status == .ok)
            }
            let note = try SignedNote(parsing: try await client.get("/v1/log/checkpoint").text)
            let checkpoint = try Checkpoint(text: note.text)
            #expect(checkpoint.size == 3)
            let tile = try await client.get("/v1/log/tile/0/000.p/3")
            #expect(tile.status == .ok)
            #expect(tile.bytes.count == 96)
            let hashes = try stride(from: 0, to: 96, by: 32).map { try MerkleHash(bytes: Data(tile.bytes[$0..<$0 + 32])) }
            #expect(Merkle.root(of: hashes) == checkpoint.root)
            let bundle = try await client.get("/v1/log/tile/entries/000.p/3").bytes
            var offset = 0
            var leaves: [MerkleHash] = []
            while offset < bundle.count {
                let length = Int(bundle[offset]) << 8 | Int(bundle[offset + 1])
                let entry = Array(bundle[offset + 2..<offset + 2 + length])
                _ = try GenerationRecord(entry: entry)
                leaves.append(Merkle.leafHash(entry))
                offset += 2 + length
            }
            #expect(leaves == hashes)
            #expect(try await client.get("/v1/log/tile/0/000.p/4").status == .notFound)
            #expect(try await client.get("/v1/log/tile/0/000").status == .notFound)
            // Indices near 2^64 are refused, not overflowed.
            #expect(try await client.get("/v1/log/tile/0/x018/x446/x744/x073/x709/x551/615").status == .notFound)
            #expect(try await client.get("/v1/log/tile/entries/x018/x446/x744/x073/x709/x551/615.p/255").status == .notFound)
        }
    }

    @Test("health, readiness and Prometheus metrics")
    func healthAndMetrics() async throws {
        let harness = try await ServerHarness.start()
        try await harness.run { client in
            #expect(try await client.get("/healthz").status == .ok)
            let ready = try await client.get("/readyz").json()
            #expect(ready["status"] as? String == "ready")
            #expect(
                try await client.post("/v1/label", try ServerHarness.example("gray.png"), type: "image/png", token: harness.labelToken).status == .ok)
            #expect(try await client.post("/v1/verify?decode=false", try ServerHarness.example("gray.png"), type: "image/png").status == .ok)
            let metrics = try await client.get("/metrics").text
            #expect(metrics.contains(#"sigil_http_requests_total{method="POST",route="/v1/label",status="200"} 1"#))
            #expect(metrics.contains(#"sigil_labels_total{kind="watermark",format="png"} 1"#))
            #expect(metrics.contains(#"sigil_verifications_total{verdict="no-label"} 1"#))
            #expect(metrics.contains("sigil_http_request_duration_seconds_bucket"))
        }
    }

    @Test("openapi.json documents exactly the routes the router serves")
    func openAPIMatchesRoutes() async throws {
        let harness = try await ServerHarness.start()
        let routes = Set(
            SigilServer.router(service: harness.service).routes.map { route -> String in
                let path = route.path.description.split(separator: "/").map { part -> String in
                    if part == "**" { return "{tilePath}" }
                    if part.hasPrefix(":") { return "{\(part.dropFirst())}" }
                    return String(part)
                }.joined(separator: "/")
                return "\(route.method.rawValue.lowercased()) /\(path)"
            })
        try await harness.run { client in
            let response = try await client.get("/openapi.json")
            let document = try response.json()
            #expect(document["openapi"] as? String == "3.1.0")
            let paths = try #require(document["paths"] as? [String: [String: Any]])
            var documented: Set<String> = []
            for (path, operations) in paths {
                for method in operations.keys where ["get", "post", "put", "delete", "patch"].contains(method) {
                    documented.insert("\(method) \(path)")
                }
            }
            #expect(
                documented == routes,
                "undocumented: \(routes.subtracting(documented).sorted()); not served: \(documented.subtracting(routes).sorted())")
        }
    }
}
