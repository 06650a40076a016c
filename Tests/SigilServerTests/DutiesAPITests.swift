import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Sigil
import SigilAccess
import SigilCompliance
@testable import SigilServer
import SigilTestSupport
import Testing

extension LiveClient {
    /// Sends a JSON body.
    func send(_ method: HTTPRequest.Method, _ uri: String, _ body: [String: Any]? = nil, token: String? = nil) async throws -> LiveResponse {
        var headers: HTTPFields = [:]
        if let token { headers[.authorization] = "Bearer \(token)" }
        var buffer: ByteBuffer?
        if let body {
            headers[.contentType] = "application/json"
            buffer = ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body))
        }
        return try await execute(uri: uri, method: method, headers: headers, body: buffer)
    }
}

extension LiveResponse {
    /// The `field` of a 422 error body.
    func errorField() throws -> String? { (try json()["error"] as? [String: Any])?["field"] as? String }
}

/// The outside services a provider plugs in — an SMS gateway and an identity-verification service — as small HTTP
/// servers speaking the protocols in docs/DUTIES.md. The identity service matches 张三丰 with any number.
final class FakeOutsideServices: @unchecked Sendable {
    private let lock = NSLock()
    private var messages: [[String: Any]] = []
    private var identityRequests = 0

    var sms: [[String: Any]] { lock.withLock { messages } }
    var identityCalls: Int { lock.withLock { identityRequests } }

    func run(_ body: @escaping @Sendable (Int) async throws -> Void) async throws {
        let router = Router()
        router.post("/sms") { request, _ -> Response in
            guard request.headers[.authorization] == "Bearer sms-secret" else { return Response(status: .unauthorized) }
            let buffer = try await request.body.collect(upTo: 65536)
            let object = try JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) as? [String: Any] ?? [:]
            self.lock.withLock { self.messages.append(object) }
            return Response(status: .accepted)
        }
        router.post("/identity") { request, _ -> Response in
            let buffer = try await request.body.collect(upTo: 65536)
            let object = try JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) as? [String: Any] ?? [:]
            self.lock.withLock { self.identityRequests += 1 }
            let match = object["name"] as? String == "张三丰" && (object["idNumber"] as? String)?.count == 18
            let answer = match ? #"{"result":"match","reference":"chk-001"}"# : #"{"result":"mismatch","reason":"name and number differ"}"#
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: answer)))
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in try await body(try #require(client.port)) }
    }
}

/// A resident identity number with a valid check character, varied by `n`.
func testIDNumber(_ n: Int) -> String {
    let body = "1101051990010" + String(format: "%04d", 1000 + n)
    return body + String(ResidentIDNumber.checkCharacter(for: body)!)
}

@Suite("Provider duties over HTTP")
struct DutiesAPITests {
    /// Registers an account and approves it as admin; returns its id.
    static func verifiedAccount(_ client: LiveClient, _ harness: ServerHarness, n: Int) async throws -> String {
        let created = try await client.send(
            .post, "/v1/accounts", ["kind": "individual", "name": "王五", "phone": "13900139000", "idNumber": testIDNumber(n)],
            token: harness.labelToken)
        #expect(created.status == .created, "\(created.text)")
        let id = try #require(try created.json()["id"] as? String)
        let reviewed = try await client.send(
            .post, "/v1/accounts/\(id)/review", ["decision": "approve", "note": "documents checked"], token: harness.adminToken)
        #expect(reviewed.status == .ok)
        return id
    }

    @Test("accounts: fields checked by name, pending until reviewed, reviews admin-only, data masked")
    func accounts() async throws {
        let harness = try await ServerHarness.start()
        try await harness.run { client in
            let base: [String: Any] = ["kind": "individual", "name": "张三", "phone": "13800138000"]
            for (patch, field) in [
                (["idNumber": "110105194912310021"], "idNumber"), (["idNumber": "11010519491231002X", "phone": "12345"], "phone"),
                (["kind": "organization", "uscc": "91440300708461136A"], "uscc"), (["kind": "organization", "uscc": "123"], "uscc"),
                (["kind": "person", "idNumber": "11010519491231002X"], "kind"),
            ] as [([String: String], String)] {
                let bad = try await client.send(.post, "/v1/accounts", base.merging(patch) { $1 }, token: harness.labelToken)
                #expect(bad.status == .unprocessableContent, "\(patch)")
                #expect(try bad.errorField() == field, "\(bad.text)")
            }
            #expect(try await client.send(.post, "/v1/accounts", base.merging(["idNumber": "11010519491231002X"]) { $1 }).status == .unauthorized)
            let unknown = try await client.send(
                .post, "/v1/accounts", base.merging(["idNumber": "11010519491231002X", "age": "3"]) { $1 }, token: harness.labelToken)
            #expect(unknown.status == .badRequest)

            let created = try await client.send(
                .post, "/v1/accounts", base.merging(["idNumber": "11010519491231002X"]) { $1 }, token: harness.labelToken)
            #expect(created.status == .created)
            let account = try created.json()
            let id = try #require(account["id"] as? String)
            #expect(account["status"] as? String == "pending")
            #expect(account["idNumber"] as? String == "1101**********002X")
            #expect(account["phone"] as? String == "138****8000")
            #expect(!created.text.contains("13800138000") && !created.text.contains("张三"))
            let duplicate = try await client.send(
                .post, "/v1/accounts", base.merging(["idNumber": "11010519491231002X"]) { $1 }, token: harness.labelToken)
            #expect(duplicate.status == .conflict)

            let org = try await client.send(
                .post, "/v1/accounts",
                [
                    "kind": "organization", "name": "深圳某科技有限公司", "phone": "+86 13700137000",
                    "uscc": "91440300708461136T",
                ], token: harness.labelToken)
            #expect(org.status == .created)
            #expect(try org.json()["uscc"] as? String == "9144**********136T")

            // Pending accounts are refused, with the reason.
            let refused = try await client.send(
                .post, "/v1/generations", ["account": id, "category": "other", "prompt": "a cat"], token: harness.labelToken)
            #expect(refused.status == .ok)
            #expect(try refused.json()["decision"] as? String == "deny")
            #expect((try refused.json()["reasons"] as? [String])?.first?.contains("pending real-name verification") == true)
            #expect(try refused.json()["generationId"] == nil)
            let labeled = try await client.post("/v1/label?account=\(id)", try ServerHarness.example("landscape.jpg"), token: harness.labelToken)
            #expect(labeled.status == .forbidden)
            #expect(try labeled.errorCode() == "refused")

            // Only admins review; a rejection needs a note; a decided account is not reviewed twice.
            #expect(
                try await client.send(.post, "/v1/accounts/\(id)/review", ["decision": "approve"], token: harness.labelToken).status == .forbidden)
            #expect(
                try await client.send(.post, "/v1/accounts/\(id)/review", ["decision": "reject"], token: harness.adminToken).status
                    == .unprocessableContent)
            #expect(
                try await client.send(.post, "/v1/accounts/\(id)/review", ["decision": "maybe"], token: harness.adminToken).status
                    == .unprocessableContent)
            let approved = try await client.send(
                .post, "/v1/accounts/\(id)/review", ["decision": "approve", "note": "ok"], token: harness.adminToken)
            #expect(try approved.json()["status"] as? String == "verified")
            #expect(
                try await client.send(.post, "/v1/accounts/\(id)/review", ["decision": "reject", "note": "x"], token: harness.adminToken).status
                    == .conflict)
            let allowed = try await client.send(
                .post, "/v1/generations", ["account": id, "category": "other", "prompt": "a cat"], token: harness.labelToken)
            #expect(try allowed.json()["decision"] as? String == "allow")

            // Suspension refuses at once.
            #expect(try await client.send(.post, "/v1/accounts/\(id)/suspend", ["reason": "abuse report"], token: harness.adminToken).status == .ok)
            let suspended = try await client.send(
                .post, "/v1/generations", ["account": id, "category": "other", "prompt": "a cat"], token: harness.labelToken)
            #expect((try suspended.json()["reasons"] as? [String])?.first?.contains("suspended: abuse report") == true)
            let pending = try await client.get("/v1/accounts?status=suspended", token: harness.adminToken)
            #expect((try pending.json()["accounts"] as? [[String: Any]])?.map { $0["id"] as? String } == [id])

            // Every change is in the audit log, chained.
            let audit = try await client.get("/v1/audit/events", token: harness.adminToken)
            #expect(try audit.json()["chainIntact"] as? Bool == true)
            let actions = (try audit.json()["events"] as? [[String: Any]])?.compactMap { $0["action"] as? String } ?? []
            #expect(actions.contains("account.review") && actions.contains("account.suspend") && actions.filter { $0 == "account.create" }.count == 2)
            #expect(actions.last == "apikey.create") // the oldest event: the first admin key, created when the store was opened
            #expect(try await client.get("/v1/audit/events", token: harness.labelToken).status == .forbidden)
        }
    }

    @Test("SMS codes and identity checks go through the configured outside services")
    func outsideServices() async throws {
        let fakes = FakeOutsideServices()
        try await fakes.run { port in
            let harness = try await ServerHarness.start {
                $0.smsGatewayURL = "http://127.0.0.1:\(port)/sms"
                $0.smsGatewayToken = "sms-secret"
                $0.identityServiceURL = "http://127.0.0.1:\(port)/identity"
            }
            try await harness.run { client in
                let created = try await client.send(
                    .post, "/v1/accounts",
                    [
                        "kind": "individual", "name": "张三丰", "phone": "13800138000",
                        "idNumber": testIDNumber(1),
                    ], token: harness.labelToken)
                let id = try #require(try created.json()["id"] as? String)
                #expect(try created.json()["identityCheck"] as? String == "matched")
                #expect(try created.json()["status"] as? String == "pending") // the phone is not confirmed yet
                let sent = try await client.send(.post, "/v1/accounts/\(id)/phone/code", token: harness.labelToken)
                #expect(sent.status == .accepted)
                let message = try #require(fakes.sms.last)
                #expect(message["to"] as? String == "+8613800138000")
                let code = try #require((message["parameters"] as? [String: String])?["code"])
                #expect(code.count == 6)
                // A resend too soon is refused.
                #expect(try await client.send(.post, "/v1/accounts/\(id)/phone/code", token: harness.labelToken).status == .conflict)
                let wrong = try await client.send(
                    .post, "/v1/accounts/\(id)/phone/confirm", ["code": code == "123456" ? "654321" : "123456"], token: harness.labelToken)
                #expect(wrong.status == .unprocessableContent)
                #expect(try wrong.errorField() == "code")
                let right = try await client.send(.post, "/v1/accounts/\(id)/phone/confirm", ["code": code], token: harness.labelToken)
                #expect(try right.json()["status"] as? String == "verified")

                let mismatch = try await client.send(
                    .post, "/v1/accounts",
                    [
                        "kind": "individual", "name": "李四", "phone": "13800138001",
                        "idNumber": testIDNumber(2),
                    ], token: harness.labelToken)
                #expect(try mismatch.json()["status"] as? String == "rejected")
                #expect((try mismatch.json()["statusReason"] as? String)?.contains("name and number differ") == true)
                #expect(fakes.identityCalls == 2)
            }
        }
        // The service down: manual review, not an error.
        let harness = try await ServerHarness.start { $0.identityServiceURL = "http://127.0.0.1:\(try! PostgresTestServer.freePort())/identity" }
        try await harness.run { client in
            let created = try await client.send(
                .post, "/v1/accounts",
                [
                    "kind": "individual", "name": "张三丰", "phone": "13800138000",
                    "idNumber": testIDNumber(3),
                ], token: harness.labelToken)
            #expect(created.status == .created)
            #expect(try created.json()["identityCheck"] as? String == "manual-review")
            // Without a gateway the development sender writes the code to the data directory's outbox.
            let id = try #require(try created.json()["id"] as? String)
            #expect(try await client.send(.post, "/v1/accounts/\(id)/phone/code", token: harness.labelToken).status == .accepted)
            let outbox = try String(contentsOfFile: harness.directory.appendingPathComponent("data/dev-sms.jsonl").path, encoding: .utf8)
            // … masked: neither the number nor the code is written in plain text.
            #expect(outbox.contains("+86138****8000") && outbox.contains("phone-verification"), "\(outbox)")
            #expect(!outbox.contains("13800138000"))
            #expect(outbox.firstMatch(of: #/\d{6}/#) == nil, "the one-time code is masked: \(outbox)")
        }
    }

    @Test("consents gate face and voice generation; revocation takes effect at once; evidence must match its hash")
    func consentsAndGenerations() async throws {
        let harness = try await ServerHarness.start { $0.maxBodyBytes = 4 * 1024 * 1024 }
        try await harness.run { client in
            let account = try await Self.verifiedAccount(client, harness, n: 10)
            let other = try await Self.verifiedAccount(client, harness, n: 11)
            let form = Array("I, 李四, consent to my face being used in the film 'Spring' by account \(account).".utf8)
            let digest = SHA256Hex.of(form)
            let consentBody: [String: Any] = [
                "subjectName": "李四", "scope": "face", "granteeAccount": account, "purpose": "film 'Spring'",
                "evidenceSha256": digest, "validUntil": "2099-12-31T00:00:00Z",
            ]
            for (patch, field) in [
                (["validUntil": "2020-01-01"], "validUntil"), (["validUntil": "soon"], "validUntil"), (["evidenceSha256": "abc"], "evidenceSha256"),
                (["scope": "body"], "scope"), (["granteeAccount": "acc_nobody"], "granteeAccount"), (["subjectName": ""], "subjectName"),
            ] {
                let bad = try await client.send(.post, "/v1/consents", consentBody.merging(patch) { $1 }, token: harness.labelToken)
                #expect(bad.status == .unprocessableContent, "\(patch)")
                #expect(try bad.errorField() == field, "\(bad.text)")
            }
            let granted = try await client.send(.post, "/v1/consents", consentBody, token: harness.labelToken)
            #expect(granted.status == .created)
            let consent = try #require(try granted.json()["id"] as? String)

            // Evidence: the changed form is refused, the real one recorded, an oversized upload refused.
            var tampered = form
            tampered[tampered.count - 2] ^= 0x20
            let changed = try await client.post("/v1/consents/\(consent)/evidence", tampered, type: "application/pdf", token: harness.labelToken)
            let put = { (bytes: [UInt8]) in
                try await client.execute(
                    uri: "/v1/consents/\(consent)/evidence", method: .put,
                    headers: [.authorization: "Bearer \(harness.labelToken)", .contentType: "application/pdf"], body: ByteBuffer(bytes: bytes))
            }
            #expect(changed.status == .notFound || changed.status == .methodNotAllowed) // evidence is PUT
            let mismatch = try await put(tampered)
            #expect(mismatch.status == .unprocessableContent)
            #expect(try mismatch.errorField() == "evidence")
            #expect(try await put(form).status == .ok)
            #expect(try await put([UInt8](repeating: 1, count: 5 * 1024 * 1024)).status == .contentTooLarge)
            #expect(try await client.get("/v1/consents/\(consent)", token: harness.labelToken).json()["evidenceChecked"] as? Bool == true)

            // Face without consent, with another account's consent, with the right one.
            let none = try await client.send(
                .post, "/v1/generations", ["account": account, "category": "face", "prompt": "put her face on the poster"], token: harness.labelToken)
            #expect(try none.json()["decision"] as? String == "deny")
            let notTheirs = try await client.send(
                .post, "/v1/generations", ["account": other, "category": "face", "prompt": "x", "consent": consent], token: harness.labelToken)
            #expect((try notTheirs.json()["reasons"] as? [String])?.contains { $0.contains("granted to another account") } == true)
            let voice = try await client.send(
                .post, "/v1/generations", ["account": account, "category": "voice", "prompt": "x", "consent": consent], token: harness.labelToken)
            #expect(try voice.json()["decision"] as? String == "deny")
            let allowed = try await client.send(
                .post, "/v1/generations", ["account": account, "category": "face", "prompt": "put her face on the poster", "consent": consent],
                token: harness.labelToken)
            #expect(try allowed.json()["decision"] as? String == "allow")
            #expect(try allowed.json()["category"] as? String == "face")
            let generation = try #require(try allowed.json()["generationId"] as? String)
            let badCategory = try await client.send(
                .post, "/v1/generations", ["account": account, "category": "hologram", "prompt": "x"], token: harness.labelToken)
            #expect(try badCategory.errorField() == "category")

            // Label under the generation: the record carries the category and the account's tag.
            let labeled = try await client.post(
                "/v1/label?generationId=\(generation)&marks=explicit,implicit", try ServerHarness.example("landscape.jpg"),
                token: harness.labelToken, accept: "application/json")
            #expect(labeled.status == .ok, "\(labeled.text.prefix(300))")
            let fields = try #require((try labeled.json()["record"] as? [String: Any]))
            _ = fields
            let produceID = try #require(labeled.headers[.init("Sigil-Produce-ID")!])
            let stored = try await harness.service.keeper.store.records(produceID: produceID)
            #expect(stored.first?.record.serviceCategory == .face)
            #expect(stored.first?.record.account == (try harness.service.keeper.accountTag(account)))
            #expect(try await harness.service.compliance.generations.outputs(generation).map(\.produceID) == [produceID])
            let mismatchCategory = try await client.post(
                "/v1/label?generationId=\(generation)&serviceCategory=voice", try ServerHarness.example("landscape.jpg"), token: harness.labelToken)
            #expect(mismatchCategory.status == .badRequest)
            let unknown = try await client.post(
                "/v1/label?generationId=gen_00000000000000000000000000000000", try ServerHarness.example("landscape.jpg"), token: harness.labelToken)
            #expect(try unknown.errorField() == "generationId")

            // The admin page lists the consent, masked, with the checked evidence; revoking there needs the admin scope
            // and the page's token.
            let reviewer = try await harness.service.apiKeys.create(name: "consent reviewer", scopes: [.reviewer]).token.description
            let reviewerPage = try await client.execute(uri: "/admin/consents", method: .get, headers: [.cookie: "sigil_admin=\(reviewer)"])
            #expect(reviewerPage.status == .ok)
            #expect(
                reviewerPage.text.contains("consent-\(consent)") && reviewerPage.text.contains("file checked")
                    && !reviewerPage.text.contains("revoke-form"))
            #expect(!reviewerPage.text.contains("李四"), "the depicted person's name is masked")
            let cookie = "sigil_admin=\(harness.adminToken)"
            let consentsPage = try await client.execute(uri: "/admin/consents", method: .get, headers: [.cookie: cookie])
            #expect(consentsPage.text.contains("revoke-form") && consentsPage.text.contains(digest))
            let csrf = try #require(consentsPage.text.firstMatch(of: /name="csrf" value="([^"]+)"/)?.1)
            let reviewerCSRF = AdminRoutes.csrf(for: reviewer) // the page shows a reviewer no form to take it from
            let revoke = { (cookie: String, body: String) in
                try await client.execute(
                    uri: "/admin/consents/\(consent)/revoke", method: .post,
                    headers: [.cookie: cookie, .contentType: "application/x-www-form-urlencoded"], body: ByteBuffer(string: body))
            }
            #expect(try await revoke("sigil_admin=\(reviewer)", "csrf=\(reviewerCSRF)").status == .forbidden)
            #expect(try await revoke(cookie, "").status == .forbidden, "no page token")
            #expect(try await client.get("/v1/consents/\(consent)", token: harness.labelToken).json()["status"] as? String == "live")

            // Revoked: the same generation is refused at label time, and new ones are denied.
            let revoked = try await revoke(cookie, "csrf=\(csrf)")
            #expect(revoked.status == .seeOther && revoked.headers[.location] == "/admin/consents?revoked=\(consent)")
            #expect(try await client.get("/v1/consents/\(consent)", token: harness.labelToken).json()["status"] as? String == "revoked")
            #expect(try await client.send(.delete, "/v1/consents/\(consent)", token: harness.labelToken).status == .conflict)
            let afterPage = try await client.execute(uri: "/admin/consents", method: .get, headers: [.cookie: cookie])
            #expect(afterPage.text.contains("revoked ") && !afterPage.text.contains("revoke-form"))
            let afterRevoke = try await client.post(
                "/v1/label?generationId=\(generation)", try ServerHarness.example("landscape.jpg"), token: harness.labelToken)
            #expect(afterRevoke.status == .forbidden)
            #expect(afterRevoke.text.contains("revoked"))
            let denied = try await client.send(
                .post, "/v1/generations", ["account": account, "category": "face", "prompt": "again", "consent": consent], token: harness.labelToken)
            #expect(try denied.json()["decision"] as? String == "deny")

            let actions = try await harness.service.compliance.audit.events().map(\.action)
            for action in ["consent.grant", "consent.evidence-mismatch", "consent.evidence-checked", "consent.revoke"] {
                #expect(actions.contains(action), "\(action)")
            }
        }
    }

    @Test("screening: normalised phrases, regexes and image hashes; hot reload; every hit logged with its version")
    func screening() async throws {
        let harness = try await ServerHarness.start { $0.screeningReloadSeconds = 0 }
        try await harness.run { client in
            let account = try await Self.verifiedAccount(client, harness, n: 20)
            let image = try ServerHarness.example("landscape.jpg")
            let hash = try #require(PerceptualHash.hash(imageBytes: image))
            let library =
                "violence\t炸弹\nfraud\tre:代开.{0,4}发票\treview\nads\t加微信\tallow-and-log\nknown-image\tphash:\(String(format: "%016llx", hash))\n"
            let put = { (text: String, token: String) in
                try await client.execute(
                    uri: "/v1/screening/library", method: .put,
                    headers: [.authorization: "Bearer \(token)", .contentType: "text/tab-separated-values"],
                    body: ByteBuffer(string: text))
            }
            #expect(try await put(library, harness.labelToken).status == .forbidden)
            let bad = try await put("violence\n", harness.adminToken)
            #expect(bad.status == .badRequest)
            #expect(bad.text.contains("line 1"))
            let installed = try await put(library, harness.adminToken)
            #expect(installed.status == .created)
            #expect(try installed.json()["version"] as? Int == 1)

            for prompt in ["怎么做炸弹", "怎么做炸彈", "怎么做 炸 - 弹"] {
                let decision = try await client.send(
                    .post, "/v1/generations", ["account": account, "category": "other", "prompt": prompt], token: harness.labelToken)
                #expect(try decision.json()["decision"] as? String == "deny", "\(prompt)")
                #expect((try decision.json()["reasons"] as? [String])?.first?.contains("library v1") == true)
            }

            // A review rule holds the request until a reviewer decides; labeling under it is refused meanwhile.
            let heldAnswer = try await client.send(
                .post, "/v1/generations", ["account": account, "category": "other", "prompt": "可以代开 发票吗"], token: harness.labelToken)
            #expect(try heldAnswer.json()["decision"] as? String == "review")
            let heldID = try #require(try heldAnswer.json()["generationId"] as? String)
            let other = try ServerHarness.example("gray.png")
            let early = try await client.post("/v1/label?generationId=\(heldID)", other, token: harness.labelToken)
            #expect(early.status == .forbidden && early.text.contains("held for review"), "\(early.text)")
            let reviewer = try await harness.service.apiKeys.create(name: "screening reviewer", scopes: [.reviewer]).token.description
            #expect(try await client.get("/v1/generations/held", token: harness.labelToken).status == .forbidden)
            let queue = try #require(try await client.get("/v1/generations/held", token: reviewer).json()["held"] as? [[String: Any]])
            #expect(queue.count == 1 && queue.first?["prompt"] as? String == "可以代开 发票吗" && queue.first?["generationId"] as? String == heldID)
            #expect(
                try await client.send(.post, "/v1/generations/\(heldID)/review", ["decision": "approve"], token: harness.labelToken).status
                    == .forbidden)
            #expect(try await client.send(.post, "/v1/generations/\(heldID)/review", ["decision": "reject"], token: reviewer).errorField() == "note")
            let approved = try await client.send(
                .post, "/v1/generations/\(heldID)/review", ["decision": "approve", "note": "a film script"], token: reviewer)
            #expect(approved.status == .ok)
            #expect(try approved.json()["decision"] as? String == "allow")
            #expect((try approved.json()["review"] as? [String: Any])?["note"] as? String == "a film script")
            #expect(try await client.send(.post, "/v1/generations/\(heldID)/review", ["decision": "approve"], token: reviewer).status == .conflict)
            #expect(try await client.get("/v1/generations/\(heldID)", token: harness.labelToken).json()["decision"] as? String == "allow")
            #expect(try await client.get("/v1/generations/gen_00000000000000000000000000000000", token: harness.labelToken).status == .notFound)
            #expect(try await client.post("/v1/label?generationId=\(heldID)", other, token: harness.labelToken).status == .ok)

            // The same queue on the admin pages: the prompt is shown, and a denial there needs a note and the page's token.
            let second = try await client.send(
                .post, "/v1/generations", ["account": account, "category": "other", "prompt": "代开 增值税发票"], token: harness.labelToken)
            let secondID = try #require(try second.json()["generationId"] as? String)
            let cookie = "sigil_admin=\(reviewer)"
            let adminPage = try await client.execute(uri: "/admin/generations", method: .get, headers: [.cookie: cookie])
            #expect(adminPage.status == .ok)
            #expect(
                adminPage.text.contains("generation-\(secondID)") && adminPage.text.contains("代开 增值税发票")
                    && !adminPage.text.contains("generation-\(heldID)"))
            let csrf = try #require(adminPage.text.firstMatch(of: /name="csrf" value="([^"]+)"/)?.1)
            let form = { (body: String) in
                try await client.execute(
                    uri: "/admin/generations/\(secondID)/review", method: .post,
                    headers: [.cookie: cookie, .contentType: "application/x-www-form-urlencoded"], body: ByteBuffer(string: body))
            }
            #expect(try await form("decision=reject&note=&csrf=\(csrf)").status == .unprocessableContent)
            #expect(try await form("decision=reject&note=not+in+a+script").status == .forbidden, "no page token")
            let denied = try await form("decision=reject&note=not+in+a+script&csrf=\(csrf)")
            #expect(denied.status == .seeOther && denied.headers[.location] == "/admin/generations?done=\(secondID)")
            let after = try await client.get("/v1/generations/\(secondID)", token: harness.labelToken)
            #expect(try after.json()["decision"] as? String == "deny")
            #expect((try after.json()["review"] as? [String: Any])?["note"] as? String == "not in a script")
            let logged = try await client.send(
                .post, "/v1/generations", ["account": account, "category": "other", "prompt": "加 微 信 领取"], token: harness.labelToken)
            #expect(try logged.json()["decision"] as? String == "allow")

            // The output screen: a known image is refused at label time.
            let blocked = try await client.post("/v1/label", image, token: harness.labelToken)
            #expect(blocked.status == .forbidden)
            #expect(blocked.text.contains("known-image"))

            let hits = try await client.get("/v1/screening/hits", token: harness.adminToken)
            let list = try #require(try hits.json()["hits"] as? [[String: Any]])
            #expect(list.count == 7)
            #expect(Set(list.compactMap { $0["stage"] as? String }) == ["prompt", "output"])
            #expect(list.allSatisfy { $0["ruleVersion"] as? Int == 1 })
            // The same hits on the admin page: one row each, with stage and category, and never the text that matched.
            let hitsPage = try await client.execute(uri: "/admin/screening", method: .get, headers: [.cookie: cookie])
            #expect(hitsPage.status == .ok)
            #expect(hitsPage.text.components(separatedBy: "<td class=\"action\">").count - 1 == 7)
            #expect(
                hitsPage.text.contains("<td>violence</td>") && hitsPage.text.contains("<td>known-image</td>")
                    && hitsPage.text.contains("<td>output</td>"))
            #expect(!hitsPage.text.contains("炸弹") && !hitsPage.text.contains("代开"))
            #expect(try await client.execute(uri: "/admin/screening", method: .get).status == .seeOther, "signed out")

            // Version 2 drops the image and the phrase: picked up without a restart.
            #expect(try await put("fraud\tre:代开.{0,4}发票\treview\n", harness.adminToken).status == .created)
            let now = try await client.send(
                .post, "/v1/generations", ["account": account, "category": "other", "prompt": "怎么做炸弹"], token: harness.labelToken)
            #expect(try now.json()["decision"] as? String == "allow")
            #expect(try now.json()["screeningVersion"] as? Int == 2)
            #expect(try await client.post("/v1/label", image, token: harness.labelToken).status == .ok)
        }
    }

    @Test("complaints: public filing with a deadline, the workflow for reviewers, refutations linked to records")
    func complaints() async throws {
        let harness = try await ServerHarness.start()
        let reviewer = try await harness.service.apiKeys.create(name: "t&s reviewer", scopes: [.reviewer]).token.description
        try await harness.run { client in
            let missing = try await client.send(.post, "/v1/reports", ["kind": "report", "category": "rumour"])
            #expect(missing.status == .unprocessableContent)
            #expect(try missing.errorField() == "description")
            #expect(try await client.send(.post, "/v1/reports", ["kind": "shout", "description": "x"]).errorField() == "kind")
            let filed = try await client.send(
                .post, "/v1/reports",
                [
                    "kind": "report", "category": "rumour", "description": "This photo of a flood is fake.",
                    "contact": "someone@example.com",
                ])
            #expect(filed.status == .created)
            let receipt = try filed.json()
            let id = try #require(receipt["id"] as? String)
            #expect(receipt["status"] as? String == "received")
            let due = try RecordTime.parse(try #require(receipt["dueAt"] as? String), field: "dueAt")
            let days = Double(due.milliseconds - RecordTime.now().milliseconds) / 86_400_000
            #expect(days > 14.99 && days <= 15)
            #expect(!filed.text.contains("someone@example.com"))

            let status = try await client.get("/v1/reports/\(id)")
            #expect(try status.json()["status"] as? String == "received")
            #expect(try await client.get("/v1/reports", token: harness.labelToken).status == .forbidden)
            let queue = try await client.get("/v1/reports?open=true", token: reviewer)
            #expect((try queue.json()["reports"] as? [[String: Any]])?.first?["description"] as? String == "This photo of a flood is fake.")

            #expect(
                try await client.send(.post, "/v1/reports/\(id)/status", ["status": "resolved", "response": "x"], token: reviewer).status == .conflict
            )
            #expect(try await client.send(.post, "/v1/reports/\(id)/status", ["status": "reviewing"], token: reviewer).status == .ok)
            #expect(try await client.send(.post, "/v1/reports/\(id)/status", ["status": "resolved"], token: reviewer).errorField() == "response")

            // The rumour was made here: refute it, linked to the record.
            let labeled = try await client.post("/v1/label", try ServerHarness.example("landscape.jpg"), token: harness.labelToken)
            let produceID = try #require(labeled.headers[.init("Sigil-Produce-ID")!])
            let unknown = try await client.send(
                .post, "/v1/refutations", ["title": "t", "statement": "s", "produceIDs": ["NOSUCHID000000000001"]], token: reviewer)
            #expect(try unknown.errorField() == "produceIDs")
            let refuted = try await client.send(
                .post, "/v1/refutations",
                [
                    "title": "关于“洪水照片”的辟谣", "statement": "该图片由人工智能生成，并非真实场景。",
                    "produceIDs": [produceID], "complaint": id, "reportedTo": "CAC",
                ], token: reviewer)
            #expect(refuted.status == .created)
            let closed = try await client.send(
                .post, "/v1/reports/\(id)/status", ["status": "resolved", "response": "Refuted; see /v1/refutations."], token: reviewer)
            #expect(try closed.json()["status"] as? String == "resolved")
            #expect((try closed.json()["events"] as? [Any])?.count == 3)
            let publicList = try await client.get("/v1/refutations")
            #expect((try publicList.json()["refutations"] as? [[String: Any]])?.first?["produceIDs"] as? [String] == [produceID])
            #expect(try await client.get("/v1/reports/\(id)").json()["response"] as? String == "Refuted; see /v1/refutations.")

            // The page's form files one too.
            let page = try await client.execute(
                uri: "/report", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "kind=complaint&category=label&description=No+AI+label+on+this+%E5%9B%BE"))
            #expect(page.status == .created)
            #expect(page.text.contains("report-receipt"))
            let emptyForm = try await client.execute(
                uri: "/report", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "kind=complaint"))
            #expect(emptyForm.status == .unprocessableContent)
            #expect(emptyForm.text.contains("description"))
        }
    }

    @Test("opt-out only under a published agreement; the filing report counts what happened")
    func optOutAndAuditExport() async throws {
        let harness = try await ServerHarness.start()
        try await harness.run { client in
            let account = try await Self.verifiedAccount(client, harness, n: 30)
            let image = try ServerHarness.example("landscape.jpg")
            let unpublished = try await client.post(
                "/v1/label?marks=implicit,watermark&optOutAgreement=ua-2026-09&recipient=\(account)", image, token: harness.labelToken)
            #expect(unpublished.status == .unprocessableContent)
            #expect(try unpublished.errorField() == "optOutAgreement")
            let digest = String(repeating: "cd", count: 32)
            #expect(
                try await client.send(.post, "/v1/agreements", ["version": "ua-2026-09", "sha256": digest], token: harness.labelToken).status
                    == .forbidden)
            #expect(
                try await client.send(.post, "/v1/agreements", ["version": "ua-2026-09", "sha256": digest], token: harness.adminToken).status
                    == .created)
            #expect(
                try await client.send(.post, "/v1/agreements", ["version": "ua-2026-09", "sha256": digest], token: harness.adminToken).status
                    == .conflict)
            let withExplicit = try await client.post("/v1/label?optOutAgreement=ua-2026-09&recipient=\(account)", image, token: harness.labelToken)
            #expect(withExplicit.status == .badRequest)
            let optedOut = try await client.post(
                "/v1/label?marks=implicit,watermark&optOutAgreement=ua-2026-09&recipient=\(account)&account=\(account)", image,
                token: harness.labelToken)
            #expect(optedOut.status == .ok, "\(optedOut.text.prefix(300))")
            #expect(try await client.post("/v1/label", image, token: harness.labelToken).status == .ok)
            let verified = try await client.post("/v1/verify", optedOut.bytes)
            #expect(verified.status == .ok)
            _ = try await client.send(.post, "/v1/reports", ["description": "spam"])

            let today = String(RecordTime.now().description.prefix(10))
            let tomorrow = String(RecordTime(milliseconds: RecordTime.now().milliseconds + 86_400_000).description.prefix(10))
            let export = try await client.get("/v1/audit/export?from=\(today)&to=\(tomorrow)", token: harness.adminToken)
            #expect(export.status == .ok)
            let report = try export.json()
            let labels = try #require(report["labels"] as? [String: Any])
            #expect(labels["total"] as? Int == 2)
            #expect((labels["byMark"] as? [String: Int])?["explicit"] == 1)
            #expect((labels["byMark"] as? [String: Int])?["implicit"] == 2)
            #expect(((labels["explicitLabelOptOuts"] as? [String: Any])?["byAgreement"] as? [String: Int])?["ua-2026-09"] == 1)
            #expect(((report["verifications"] as? [String: Any])?["total"] as? Int) == 1)
            #expect((report["accounts"] as? [String: Int])?["verified"] == 1)
            #expect(((report["complaints"] as? [String: Any])?["received"] as? Int) == 1)
            #expect(((report["audit"] as? [String: Any])?["chainIntact"] as? Bool) == true)
            #expect((report["labelingMethod"] as? [Any])?.count == 6)
            #expect((report["log"] as? [String: Any])?["latestCheckpoint"] != nil)
            let html = try await client.execute(
                uri: "/v1/audit/export?from=\(today)&to=\(tomorrow)", method: .get,
                headers: [.authorization: "Bearer \(harness.adminToken)", .accept: "text/html"])
            #expect(html.text.contains("标识方法说明") && html.text.contains("ua-2026-09"))
            let empty = try await client.get("/v1/audit/export?from=\(tomorrow)&to=\(today)", token: harness.adminToken)
            #expect(empty.status == .badRequest)
            #expect(try await client.get("/v1/audit/export?from=\(today)&to=\(tomorrow)", token: harness.labelToken).status == .forbidden)
        }
    }
}

enum SHA256Hex {
    static func of(_ bytes: [UInt8]) -> String {
        let digest = RecordKeeper.contentSHA256(bytes)
        return digest.map { String(format: "%02x", $0) }.joined()
    }
}

@Suite("Duties from the command line", .enabled(if: TestPaths.sigilBinary != nil, "needs the built sigil executable"))
struct DutiesCommandTests {
    @Test("sigil screening load installs a library a running server picks up; sigil audit export writes JSON and HTML")
    func screeningLoadAndAuditExport() async throws {
        let sigil = try #require(TestPaths.sigilBinary)
        let harness = try await ServerHarness.start { $0.screeningReloadSeconds = 0 }
        let data = harness.directory.appendingPathComponent("data").path
        let work = try TestPaths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: work) }
        try await harness.run { client in
            let account = try await DutiesAPITests.verifiedAccount(client, harness, n: 50)
            let before = try await client.send(
                .post, "/v1/generations", ["account": account, "category": "dialogue", "prompt": "写一篇 假 新 闻"], token: harness.labelToken)
            #expect(try before.json()["decision"] as? String == "allow")

            let bad = work.appendingPathComponent("bad.tsv")
            try "rumour\t假新闻\nrumour\n".write(to: bad, atomically: true, encoding: .utf8)
            let refused = try TestProcess.run(sigil, ["screening", "load", bad.path, "--data", data])
            #expect(refused.status != 0)
            #expect(refused.stderr.contains("line 2"))

            let file = work.appendingPathComponent("library.tsv")
            try "# rumours\nrumour\t假新闻\nfraud\tre:代开.{0,4}发票\treview\n".write(to: file, atomically: true, encoding: .utf8)
            let loaded = try TestProcess.run(sigil, ["screening", "load", file.path, "--data", data, "--json"])
            #expect(loaded.status == 0, "\(loaded.stderr)")
            #expect(loaded.stdout.contains("\"version\": 1") && loaded.stdout.contains("\"phrases\": 1"))

            let after = try await client.send(
                .post, "/v1/generations", ["account": account, "category": "dialogue", "prompt": "写一篇 假 新 闻"], token: harness.labelToken)
            #expect(try after.json()["decision"] as? String == "deny")

            let today = String(RecordTime.now().description.prefix(10))
            let tomorrow = String(RecordTime(milliseconds: RecordTime.now().milliseconds + 86_400_000).description.prefix(10))
            let out = work.appendingPathComponent("report").path
            let exported = try TestProcess.run(sigil, ["audit", "export", "--from", today, "--to", tomorrow, "-o", out, "--data", data])
            #expect(exported.status == 0, "\(exported.stderr)")
            let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + ".json"))) as? [String: Any]
            let screening = json?["screening"] as? [String: Any]
            #expect((screening?["libraries"] as? [Any])?.count == 1)
            #expect(screening?["total"] as? Int == 1)
            #expect((json?["generations"] as? [[String: Any]])?.count == 2)
            let html = try String(contentsOfFile: out + ".html", encoding: .utf8)
            #expect(html.contains("标识方法说明") && html.contains("screening.install"))
            let verified = try TestProcess.run(sigil, ["audit", "verify", "--data", data])
            #expect(verified.status == 0 && verified.stdout.contains("intact"))
            let listed = try TestProcess.run(sigil, ["account", "list", "--status", "verified", "--data", data])
            #expect(listed.stdout.contains(account))
        }
    }
}
