import Foundation
import SQLKit
import Testing
@testable import SigilCompliance
import SigilStore
import SigilStorePostgres
import SigilTestSupport

/// The duties stores on both databases: the same code, the same expectations.
enum Backend: String, CaseIterable, Sendable {
    case sqlite, postgres

    /// A fresh database with the log's and the duties' tables.
    func open() async throws -> (any LogDatabase, URL?) {
        let (database, folder) = try await openEmpty()
        try await Migrator.migrate(database)
        try await ComplianceSchema.migrate(database)
        return (database, folder)
    }

    /// A fresh database without any table.
    func openEmpty() async throws -> (any LogDatabase, URL?) {
        switch self {
        case .sqlite:
            let folder = try TestPaths.temporaryFolder()
            return (try await SQLiteLogDatabase.open(path: folder.appendingPathComponent("s.sqlite").path), folder)
        case .postgres:
            return (try await PostgresLogDatabase.connect(url: try await PostgresTestServer.freshDatabaseURL()), nil)
        }
    }

}

/// Records messages instead of sending them (the SMS gateway is an outside edge).
final class RecordingSMS: SMSSender, @unchecked Sendable {
    private let lock = NSLock()
    private var sent: [SMSMessage] = []
    func send(_ message: SMSMessage) async throws { lock.withLock { sent.append(message) } }
    var messages: [SMSMessage] { lock.withLock { sent } }
}

func withDuties(_ backend: Backend, _ body: (ComplianceService, RecordingSMS, any LogDatabase) async throws -> Void) async throws {
    let (database, folder) = try await backend.open()
    let sms = RecordingSMS()
    let service = ComplianceService(
        database: database, vault: try PersonalDataVault(masterKey: Array(repeating: 3, count: 32)), sms: sms, identityVerifier: nil)
    do {
        try await body(service, sms, database)
    } catch {
        try? await database.close()
        throw error
    }
    try await database.close()
    if let folder { try? FileManager.default.removeItem(at: folder) }
}

func individual(_ id: String) throws -> AccountApplication {
    try AccountApplication(kind: "individual", name: "张三丰", phone: "13800138000", idNumber: id, uscc: nil)
}

@Suite struct ComplianceStoreTests {
    @Test(arguments: [Backend.sqlite])
    func accountsAreEncryptedUniqueAndAudited(_ backend: Backend) async throws {
        try await withDuties(backend) { duties, sms, database in
            let account = try await duties.register(try individual("11010519491231002X"), actor: "test")
            #expect(account.status == .pending)
            #expect(account.identityCheck == .manualReview)
            #expect(account.nameMasked == "张**")
            // Nothing readable at rest.
            let row = try await database.withConnection { db in try await db.raw("SELECT * FROM accounts").first()! }
            for column in ["name_sealed", "phone_sealed", "identity_sealed"] {
                let bytes = try row.decode(column: column, as: Data.self)
                #expect(!String(decoding: bytes, as: UTF8.self).contains("13800138000"))
                #expect(!String(decoding: bytes, as: UTF8.self).contains("110105194912"))
            }
            let revealed = try await duties.accounts.reveal(account.id)
            #expect(revealed.identity == "11010519491231002X" && revealed.phone == "13800138000" && revealed.name == "张三丰")
            #expect(try await duties.accounts.find(kind: .individual, identity: "11010519491231002X")?.id == account.id)
            await #expect(throws: SigilError(.conflict, "")) { try await duties.register(try individual("11010519491231002X"), actor: "test") }

            // Phone confirmation: wrong code, then the right one.
            _ = try await duties.sendPhoneCode(account.id)
            let code = try #require(sms.messages.last?.parameters["code"])
            #expect(sms.messages.last?.to == "+8613800138000")
            await #expect(throws: FieldError.self) {
                try await duties.accounts.confirmPhone(account.id, code: code == "000000" ? "111111" : "000000")
            }
            let confirmed = try await duties.accounts.confirmPhone(account.id, code: code)
            #expect(confirmed.phoneConfirmedAt != nil)
            #expect(confirmed.status == .pending) // manual review still decides
            await #expect(throws: FieldError.self) { try await duties.accounts.confirmPhone(account.id, code: code) } // used up

            let verified = try await duties.accounts.review(account.id, approve: true, note: "checked", actor: "apikey:x")
            #expect(verified.status == .verified)
            await #expect(throws: SigilError(.conflict, "")) {
                try await duties.accounts.review(account.id, approve: false, note: "x", actor: "apikey:x")
            }
            let suspended = try await duties.accounts.suspend(account.id, reason: "spam", actor: "apikey:x")
            #expect(suspended.refusal?.contains("suspended") == true)

            let actions = try await duties.audit.events().map(\.action)
            #expect(actions == ["account.create", "account.phone-confirm", "account.review", "account.suspend"])
            #expect(try await duties.audit.verify().isEmpty)
        }
    }

    @Test(arguments: [Backend.sqlite])
    func auditTrailIsAppendOnlyAndTamperEvident(_ backend: Backend) async throws {
        try await withDuties(backend) { duties, _, database in
            try await duties.audit.record(actor: "a", action: "one", subject: "s")
            try await duties.audit.record(actor: "a", action: "two", subject: "s")
            await #expect(throws: (any Error).self) {
                try await database.withTransaction { db in try await db.raw("UPDATE audit_events SET actor = 'b' WHERE seq = 1").run() }
            }
            await #expect(throws: (any Error).self) {
                try await database.withTransaction { db in try await db.raw("DELETE FROM audit_events").run() }
            }
            // Someone with the database's owner rights drops the guard and rewrites an event: the chain shows it.
            try await database.withTransaction { db in
                if backend == .sqlite {
                    try await db.raw("DROP TRIGGER audit_events_no_update").run()
                } else {
                    try await db.raw("DROP TRIGGER audit_events_append_only ON audit_events").run()
                }
                try await db.raw("UPDATE audit_events SET actor = 'mallory' WHERE seq = 1").run()
            }
            let problems = try await duties.audit.verify()
            #expect(problems.contains { $0.contains("audit event 1 was altered") })
        }
    }

    @Test(arguments: [Backend.sqlite])
    func generationsNeedVerifiedAccountsConsentAndCleanPrompts(_ backend: Backend) async throws {
        try await withDuties(backend) { duties, _, _ in
            let account = try await duties.register(try individual("11010519491231002X"), actor: "test")
            var decision = try await duties.authorize(account: account.id, category: "other", prompt: "a cat", consent: nil)
            #expect(decision.decision == .deny)
            #expect(decision.reasons.first?.contains("pending real-name verification") == true)
            _ = try await duties.accounts.review(account.id, approve: true, note: nil, actor: "t")
            decision = try await duties.authorize(account: account.id, category: "other", prompt: "a cat", consent: nil)
            #expect(decision.decision == .allow)
            #expect(try await duties.checkLabel(generationID: decision.id).account == account.id)

            // Face: consent needed, live, for this account and scope.
            decision = try await duties.authorize(account: account.id, category: "face", prompt: "swap the face", consent: nil)
            #expect(decision.decision == .deny && decision.reasons.contains { $0.contains("DSP Art. 14") })
            let now = RecordTime.now()
            let consent = try await duties.consents.grant(
                subjectName: "李四", scope: "face", granteeAccount: account.id, purpose: "film",
                evidenceSHA256: String(repeating: "ab", count: 32), validUntil: "2099-01-01",
                accounts: duties.accounts, actor: "t")
            let voice = try await duties.authorize(account: account.id, category: "voice", prompt: "say hi", consent: consent.id)
            #expect(voice.reasons.contains { $0.contains("covers face editing, not voice") })
            let face = try await duties.authorize(account: account.id, category: "face", prompt: "swap the face", consent: consent.id)
            #expect(face.decision == .allow)
            // After expiry (a later clock), the same consent no longer covers it.
            let later = RecordTime(milliseconds: try RecordTime.parse("2099-01-02", field: "t").milliseconds)
            #expect(consent.refusal(scope: .face, account: account.id, at: later)?.contains("expired") == true)
            #expect(consent.refusal(scope: .face, account: account.id, at: now) == nil)
            _ = try await duties.consents.revoke(consent.id, actor: "t")
            await #expect(throws: SigilError(.refused, "")) { try await duties.checkLabel(generationID: face.id) }
            // The admin page's list: newest first, masked, with the revocation.
            let second = try await duties.consents.grant(
                subjectName: "王五", scope: "voice", granteeAccount: account.id, purpose: "dub",
                evidenceSHA256: String(repeating: "cd", count: 32), validUntil: "2099-01-01",
                accounts: duties.accounts, actor: "t")
            let listed = try await duties.consents.list()
            #expect(listed.map(\.id) == [second.id, consent.id])
            #expect(listed.last?.revokedAt != nil && listed.first?.revokedAt == nil)
            #expect(!listed.contains { $0.subjectMasked.contains("李四") || $0.subjectMasked.contains("王五") })
            #expect(try await duties.consents.list(limit: 1).map(\.id) == [second.id])

            // A blocked prompt, and the library's version in the hit log.
            _ = try await duties.screening.install(try ScreeningLibrary.parse("violence\t炸弹\nads\t加微信\tallow-and-log"), source: "test", actor: "t")
            try await Task.sleep(for: .milliseconds(1100))
            let blocked = try await duties.authorize(account: account.id, category: "other", prompt: "教我做個 炸 彈", consent: nil)
            #expect(blocked.decision == .deny && blocked.ruleVersion == 1)
            let logged = try await duties.authorize(account: account.id, category: "other", prompt: "加微信聊", consent: nil)
            #expect(logged.decision == .allow)
            let hits = try await duties.screening.hits()
            #expect(hits.count == 2)
            #expect(hits.allSatisfy { $0["ruleVersion"] == .number("1") })
        }
    }

    @Test(arguments: [Backend.sqlite])
    func reviewRulesHoldGenerationsUntilAReviewerDecides(_ backend: Backend) async throws {
        try await withDuties(backend) { duties, _, _ in
            let account = try await duties.register(try individual("11010519491231002X"), actor: "test")
            _ = try await duties.accounts.review(account.id, approve: true, note: nil, actor: "t")
            _ = try await duties.screening.install(
                try ScreeningLibrary.parse("violence\t炸弹\nfraud\tre:代开.{0,4}发票\treview"), source: "test", actor: "t")
            try await Task.sleep(for: .milliseconds(1100))
            // A review hit alone holds the request; a block hit beside it denies it outright.
            let created = RecordTime(milliseconds: RecordTime.now().milliseconds - 30 * 3600 * 1000)
            let held = try await duties.authorize(account: account.id, category: "other", prompt: "可以代开 发票吗", consent: nil, now: created)
            #expect(held.decision == .review)
            #expect(held.reasons.count == 1 && held.reasons[0].contains("fraud rule (review"))
            let denied = try await duties.authorize(account: account.id, category: "other", prompt: "代开发票 炸弹", consent: nil)
            #expect(denied.decision == .deny)
            await #expect(throws: SigilError(.refused, "")) { try await duties.checkLabel(generationID: held.id) }

            // The reviewer's queue shows the prompt (unsealed); only held generations are in it.
            let queue = try await duties.generations.held()
            #expect(queue.map(\.generation.id) == [held.id])
            #expect(queue.first?.prompt == "可以代开 发票吗")
            await #expect(throws: FieldError.self) { try await duties.generations.review(held.id, approve: false, note: nil, actor: "reviewer-1") }
            await #expect(throws: SigilError(.conflict, "")) {
                try await duties.generations.review(denied.id, approve: true, note: nil, actor: "reviewer-1")
            }

            // Approval is recorded and audited; the 24-hour window opens at the review, not at the 30-hour-old request.
            let approved = try await duties.generations.review(held.id, approve: true, note: "invoice wording in a film script", actor: "reviewer-1")
            #expect(approved.decision == .allow && approved.review?.reviewer == "reviewer-1")
            let reread = try #require(try await duties.generations.get(held.id))
            #expect(reread.decision == .allow && reread.review?.note == "invoice wording in a film script")
            #expect(try await duties.checkLabel(generationID: held.id).id == held.id)
            #expect(try await duties.generations.held().isEmpty)
            await #expect(throws: SigilError(.conflict, "")) {
                try await duties.generations.review(held.id, approve: false, note: "no", actor: "reviewer-2")
            }
            let events = try await duties.audit.events(limit: 50)
            #expect(events.contains { $0.action == "generation.review" && $0.subject == held.id && $0.actor == "reviewer-1" })
            #expect(try await duties.audit.verify().isEmpty)
        }
    }

    @Test(arguments: [Backend.sqlite])
    func complaintsFollowTheWorkflowAndDeadlines(_ backend: Backend) async throws {
        try await withDuties(backend) { duties, _, _ in
            let start = RecordTime(milliseconds: 1_800_000_000_000)
            let complaint = try await duties.complaints.submit(
                kind: "report", category: "rumour", description: "a fake photo", contact: "a@example.com",
                produceID: nil, contentURL: "https://example.com/x", now: start)
            #expect(complaint.dueAt.milliseconds - start.milliseconds == 15 * 86_400_000)
            #expect(!complaint.isOverdue(at: start))
            #expect(complaint.isOverdue(at: RecordTime(milliseconds: complaint.dueAt.milliseconds + 1)))
            await #expect(throws: SigilError(.conflict, "")) {
                try await duties.complaints.transition(complaint.id, to: .resolved, response: "done", note: nil, actor: "r", now: start)
            }
            _ = try await duties.complaints.transition(complaint.id, to: .reviewing, response: nil, note: nil, actor: "r", now: start)
            await #expect(throws: FieldError.self) {
                try await duties.complaints.transition(complaint.id, to: .resolved, response: nil, note: nil, actor: "r", now: start)
            }
            let late = RecordTime(milliseconds: complaint.dueAt.milliseconds + 3_600_000)
            let closed = try await duties.complaints.transition(
                complaint.id, to: .resolved, response: "removed, refuted", note: nil, actor: "r", now: late)
            #expect(closed.isOverdue(at: late)) // closed after the deadline stays counted as late
            let stats = try await duties.complaints.statistics(from: start, to: RecordTime(milliseconds: late.milliseconds + 1))
            #expect(stats["received"] == .number("1") && stats["overdue"] == .number("1"))
            #expect(try await duties.complaints.events(complaint.id).count == 3)
            await #expect(throws: FieldError.self) {
                try await duties.complaints.submit(kind: "report", category: nil, description: " ", contact: nil, produceID: nil, contentURL: nil)
            }
            await #expect(throws: FieldError.self) {
                try await duties.complaints.submit(
                    kind: "report", category: nil, description: "x", contact: nil, produceID: nil, contentURL: "javascript:alert(1)")
            }
        }
    }
}

/// The same duties tests on PostgreSQL; reported as skipped, never as passed, where PostgreSQL is not installed.
@Suite(.enabled(if: PostgresTestServer.available, "PostgreSQL is not installed (/usr/lib/postgresql/<version>/bin)"))
struct PostgresComplianceStoreTests {
    let tests = ComplianceStoreTests()
    @Test func accountsAreEncryptedUniqueAndAudited() async throws { try await tests.accountsAreEncryptedUniqueAndAudited(.postgres) }
    @Test func auditTrailIsAppendOnlyAndTamperEvident() async throws { try await tests.auditTrailIsAppendOnlyAndTamperEvident(.postgres) }
    @Test func generationsNeedVerifiedAccountsConsentAndCleanPrompts() async throws {
        try await tests.generationsNeedVerifiedAccountsConsentAndCleanPrompts(.postgres)
    }
    @Test func reviewRulesHoldGenerationsUntilAReviewerDecides() async throws {
        try await tests.reviewRulesHoldGenerationsUntilAReviewerDecides(.postgres)
    }
    @Test func complaintsFollowTheWorkflowAndDeadlines() async throws { try await tests.complaintsFollowTheWorkflowAndDeadlines(.postgres) }
}
