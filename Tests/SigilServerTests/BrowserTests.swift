import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Sigil
import SigilServer
import SigilTestSupport
import Testing

/// The public verify page in Debian's headless Chromium: load it, choose a labeled file in the real file input,
/// press the button, read the verdict the server rendered.
@Suite("Verify page in a browser", .serialized, .enabled(if: HeadlessChromium.executable != nil, "needs Debian's chromium package"))
struct BrowserTests {
    @Test("a person uploads a labeled file and reads the verdict, in Chinese and English")
    func uploadAndReadVerdict() async throws {
        try await Self.labelAndUpload(try ServerHarness.example("landscape.jpg"), type: "image/jpeg", name: "generated.jpg") {
            _, _, browser, page, verdict in
            #expect(verdict as? String == "ai-generated")
            let heading = try #require(try await browser.evaluate("document.getElementById('verdict').innerText", session: page) as? String)
            #expect(heading.contains("该内容为人工智能生成合成内容"))
            #expect(heading.contains("This content is AI-generated."))
            let record = try await browser.evaluate("document.getElementById('record').innerText", session: page) as? String
            #expect(record?.hasPrefix("#0") == true)
            let proof = try await browser.evaluate("document.getElementById('proof').innerText", session: page) as? String
            #expect(proof?.contains("valid") == true)

            // `SIGIL_SCREENSHOT=path` keeps a picture of the page (the README's screenshot comes from here).
            try await Self.screenshot(browser, page, "SIGIL_SCREENSHOT")
        }
    }

    /// Starts a server, labels `bytes` through `/v1/label`, saves the labeled file as `name` and uploads it through
    /// the page in a fresh browser; `body` gets the client, the labeled bytes, the browser, the page's session and the
    /// rendered verdict.
    static func labelAndUpload(
        _ bytes: [UInt8], type: String, name: String,
        _ body: @escaping @Sendable (LiveClient, [UInt8], HeadlessChromium, String, Any) async throws -> Void
    ) async throws {
        let harness = try await ServerHarness.start()
        let dir = try TestPaths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        try await harness.run { client in
            let port = try #require(client.port)
            let labeled = try await client.post("/v1/label", bytes, type: type, token: harness.labelToken)
            #expect(labeled.status == .ok)
            let file = dir.appendingPathComponent(name)
            try Data(labeled.bytes).write(to: file)
            let browser = try HeadlessChromium()
            defer { browser.close() }
            let (page, verdict) = try await Self.upload(file, browser: browser, port: port)
            try await body(client, labeled.bytes, browser, page, verdict)
        }
    }

    /// Saves a picture of the whole page to the path in the environment variable `variable`, when it is set.
    static func screenshot(_ browser: HeadlessChromium, _ page: String, _ variable: String) async throws {
        guard let path = ProcessInfo.processInfo.environment[variable] else { return }
        let shot = try await browser.send("Page.captureScreenshot", ["format": "png", "captureBeyondViewport": true], session: page)
        if let data = (shot["data"] as? String).flatMap({ Data(base64Encoded: $0) }) { try data.write(to: URL(fileURLWithPath: path)) }
    }

    /// Loads the page, chooses `file` in its real file input, presses the button and waits for the result: the
    /// page's session and the rendered verdict.
    static func upload(_ file: URL, browser: HeadlessChromium, port: Int, timeout: Duration = .seconds(60)) async throws -> (
        page: String, verdict: Any
    ) {
        let page = try await browser.open("http://127.0.0.1:\(port)/")
        let loaded = "document.readyState === 'complete' && location.port === '\(port)' && document.getElementById('file') ? true : null"
        // Three minutes: under a full suite on two cores the first load once took longer than the default minute.
        _ = try await browser.waitFor(loaded, session: page, timeout: .seconds(180))
        // Node ids die if the document is replaced under us (a slow first load); fetch them again until the file is set.
        var chosen: String?
        for _ in 0..<20 where chosen != file.lastPathComponent {
            do {
                let document = try await browser.send("DOM.getDocument", ["depth": 0], session: page)
                let root = try #require((document["root"] as? [String: Any])?["nodeId"] as? Int)
                let input = try #require(
                    try await browser.send("DOM.querySelector", ["nodeId": root, "selector": "#file"], session: page)["nodeId"] as? Int)
                try await browser.send("DOM.setFileInputFiles", ["nodeId": input, "files": [file.path]], session: page)
                chosen = try await browser.evaluate("document.getElementById('chosen').textContent", session: page) as? String
            } catch let error as HeadlessChromium.CDPError {
                _ = error
                try await Task.sleep(for: .milliseconds(200))
            }
        }
        #expect(chosen == file.lastPathComponent)
        _ = try await browser.evaluate("document.getElementById('check').click()", session: page)
        let verdict = try await browser.waitFor(
            "document.querySelector('#result') ? document.querySelector('#result').dataset.verdict : null", session: page, timeout: timeout)
        return (page, verdict)
    }

    @Test(
        "a person uploads a video labeled as a job, plays it, and sees the opening label's time span and frames on the timeline",
        .enabled(if: JobsAPITests.canLabelVideo, "needs ffmpeg and ../shared/media/video"))
    func uploadVideoAndSeeTheOpeningLabel() async throws {
        let harness = try await ServerHarness.start { $0.jobPollSeconds = 0.2 }
        let dir = try TestPaths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let clip = try FileIO.read(TestPaths.shared.appendingPathComponent("media/video/bbb_1280x720_24.mp4").path)
        try await harness.run { client in
            let port = try #require(client.port)
            // The service paints the opening label only on a file on disk: the clip goes through POST /v1/jobs.
            let submitted = try await client.post("/v1/jobs?marks=explicit,implicit", clip, type: "video/mp4", token: harness.labelToken)
            #expect(submitted.status == .accepted, "\(submitted.text)")
            let id = try #require(try submitted.json()["id"] as? String)
            let job = try await JobsAPITests.waitForJob(client, id, token: harness.labelToken)
            #expect(job["status"] as? String == "done", "\(job)")
            let labeled = try await client.get("/v1/jobs/\(id)/result", token: harness.labelToken)
            #expect(labeled.status == .ok)
            let file = dir.appendingPathComponent("generated.mp4")
            try Data(labeled.bytes).write(to: file)
            let browser = try HeadlessChromium()
            defer { browser.close() }
            let (page, verdict) = try await Self.upload(file, browser: browser, port: port, timeout: .seconds(600))
            #expect(verdict as? String == "ai-generated")
            let span = try await browser.waitFor(
                "(() => { const r = document.querySelector('#video-timeline rect.label-span'); return r ? [Number(r.dataset.start), Number(r.dataset.end)] : null })()",
                session: page)
            let bounds = try #require(span as? [Double])
            #expect(bounds.count == 2 && bounds[0] < 0.05 && bounds[1] >= 2, "the span starts at frame 0 and lasts 2 s: \(bounds)")
            // Every decoded frame inside the span shows the label; the page says GB 45438 5.4 is met.
            let frames = try #require(
                try await browser.evaluate(
                    "[...document.querySelectorAll('#video-timeline rect.frame')].map(e => [Number(e.dataset.time), e.classList.contains('shown')])",
                    session: page) as? [[Any]])
            #expect(frames.count >= 48, "frames of the first 2 s at 24 fps: \(frames.count)")
            let inside = frames.filter { ($0[0] as? Double ?? 99) < bounds[1] - 0.01 }
            #expect(!inside.isEmpty && inside.allSatisfy { $0[1] as? Bool == true })
            #expect(try await browser.evaluate("document.getElementById('video-verdict').dataset.conforms", session: page) as? String == "true")
            let caption = try await browser.evaluate("document.getElementById('video-caption').innerText", session: page) as? String
            #expect(caption?.contains("GB 45438 5.4") == true)
            let explicitRow = try await browser.evaluate("document.getElementById('explicit').innerText", session: page) as? String
            #expect(explicitRow?.contains("meets GB 45438 5.4") == true, "\(explicitRow ?? "")")
            // The browser plays the upload it is given back, when it has the codec (Debian's Chromium decodes H.264).
            let playable = try await browser.evaluate(
                "document.getElementById('video-player').canPlayType('video/mp4; codecs=\"avc1.64001f\"')", session: page)
            if let playable = playable as? String, !playable.isEmpty {
                let duration = try await browser.waitFor(
                    "(() => { const v = document.getElementById('video-player'); return v && v.readyState >= 1 ? v.duration : null })()",
                    session: page)
                #expect(abs((duration as? Double ?? 0) - 10) < 0.2, "player \(duration) s")
            } else {
                Issue.record("this Chromium cannot play H.264 (canPlayType gave \(String(describing: playable))): the player was not exercised")
            }
            try await Self.screenshot(browser, page, "SIGIL_SCREENSHOT_VIDEO")
        }
    }

    @Test(
        "a person uploads a labeled PDF and sees its first page drawn, and its text",
        .enabled(if: PDFFirstPage.locate() != nil && PDFText.locate() != nil, "needs Debian's poppler-utils"))
    func uploadPDFAndSeeItsFirstPage() async throws {
        try await Self.labelAndUpload(try ServerHarness.example("report.pdf"), type: "application/pdf", name: "generated.pdf") {
            _, _, browser, page, verdict in
            #expect(verdict as? String == "ai-generated")
            // The picture is a real PNG the browser decoded.
            let width = try await browser.waitFor(
                "(() => { const i = document.getElementById('first-page'); return i && i.complete ? i.naturalWidth : null })()", session: page)
            #expect((width as? Int ?? 0) > 0)
            let height = try await browser.evaluate("document.getElementById('first-page').naturalHeight", session: page) as? Int
            #expect((height ?? 0) > 0)
            let alt = try await browser.evaluate("document.getElementById('first-page').alt", session: page) as? String
            #expect(alt?.contains("generated.pdf") == true && alt?.contains("第 1 页") == true)
            // Its text was read by pdftotext; the example carries no explicit text label, and the page says why.
            let source = try await browser.evaluate("document.getElementById('text-source').innerText", session: page) as? String
            #expect(source?.contains("pdftotext") == true)
            let excerpt = try await browser.evaluate("document.getElementById('excerpt').innerText", session: page) as? String
            #expect(excerpt?.contains("A generated report") == true)
            #expect(try await browser.evaluate("document.getElementById('text-verdict').dataset.present", session: page) as? String == "false")
            try await Self.screenshot(browser, page, "SIGIL_SCREENSHOT_PDF")
        }
    }

    @Test("a person uploads a labeled WAV, plays it, and sees the rhythm label marked on its waveform")
    func uploadAudioAndSeeTheRhythmLabel() async throws {
        try await Self.labelAndUpload(try ServerHarness.example("chord.wav"), type: "audio/wav", name: "voice.wav") {
            client, labeled, browser, page, verdict in
            #expect(verdict as? String == "ai-generated")
            // What verification heard, through the API: the page must mark the same place.
            let verified = try await client.post("/v1/verify", labeled, type: "audio/wav").json()
            let heard = try #require((verified["rhythm"] as? [[String: Any]])?.first)
            let start = try #require(heard["start"] as? Double)
            #expect(heard["morseAI"] as? Bool == true)
            let regions = try await browser.waitFor(
                "(() => { const r = [...document.querySelectorAll('#waveform rect.label-region')]; return r.length ? r.map(e => [e.dataset.letters, Number(e.dataset.start), Number(e.getAttribute('x'))]) : null })()",
                session: page)
            let first = try #require((regions as? [[Any]])?.first)
            #expect(first[0] as? String == "AI")
            #expect(abs((first[1] as? Double ?? -1) - start) < 0.01, "the region starts where verification heard the label")
            let seconds = try #require(
                Double(try await browser.evaluate("document.getElementById('audio').dataset.seconds", session: page) as? String ?? ""))
            #expect(abs((first[2] as? Double ?? -1) - start / seconds * 600) < 1, "and is drawn there on the 600-unit waveform")
            let bars = try await browser.evaluate("document.querySelectorAll('#waveform rect.bar').length", session: page) as? Int
            #expect((bars ?? 0) >= 100)
            // The browser really decodes the upload it is given back: its duration is the file's.
            let duration = try await browser.waitFor(
                "(() => { const a = document.getElementById('audio-player'); return a && a.readyState >= 1 ? a.duration : null })()", session: page)
            #expect(abs((duration as? Double ?? 0) - seconds) < 0.05, "player \(duration) s, file \(seconds) s")
            let caption = try await browser.evaluate("document.getElementById('audio-labels').innerText", session: page) as? String
            #expect(caption?.contains("Morse \"AI\"") == true)
            // The watermark row reports the audio mark (detected or not, with the seconds examined), not the image mark.
            let watermark = try await browser.evaluate("document.getElementById('watermark').innerText", session: page) as? String
            #expect(watermark?.contains("audio mark") == true, "\(watermark ?? "")")
            try await Self.screenshot(browser, page, "SIGIL_SCREENSHOT_AUDIO")
        }
    }

    @Test("a person uploads labeled Markdown with hostile HTML: the label is marked, the HTML shown as text")
    func uploadTextAndSeeTheLabelMarked() async throws {
        let hostile = """
            ---
            title: 说明 🤖
            ---

            # 说明 😀

            这是一段文字。<script>window.pwned = 1</script><img src=x onerror="window.pwned = 2">

            """
        try await Self.labelAndUpload(Array(hostile.utf8), type: "text/markdown", name: "answer.md") { client, labeled, browser, page, _ in
            // What the checker reports, through the API: the page must mark exactly this.
            let verified = try await client.post("/v1/verify", labeled, type: "text/markdown").json()
            let explicitText = try #require(verified["explicitText"] as? [String: Any])
            let label = try #require((explicitText["labels"] as? [[String: Any]])?.first?["text"] as? String)
            #expect(label.contains("人工智能生成"))
            let marked = try await browser.waitFor(
                "(() => { const m = [...document.querySelectorAll('#excerpt mark')]; return m.length ? m.map(e => e.textContent) : null })()",
                session: page)
            #expect(marked as? [String] == [label])
            let labels = try await browser.evaluate("document.getElementById('text-labels').innerText", session: page) as? String
            #expect(labels?.contains(label) == true)
            #expect(try await browser.evaluate("document.getElementById('text-verdict').dataset.present", session: page) as? String == "true")
            // The upload's HTML is text on the page: no element came from it and none of it ran.
            let excerpt = try await browser.evaluate("document.getElementById('excerpt').textContent", session: page) as? String
            #expect(excerpt?.contains("<script>window.pwned = 1</script>") == true)
            #expect(excerpt?.contains("😀") == true)
            #expect(try await browser.evaluate("document.querySelectorAll('#excerpt *:not(mark):not(span)').length", session: page) as? Int == 0)
            #expect(try await browser.evaluate("typeof window.pwned", session: page) as? String == "undefined")

            // `SIGIL_SCREENSHOT_TEXT=path` keeps a picture of this page (the README's second screenshot).
            try await Self.screenshot(browser, page, "SIGIL_SCREENSHOT_TEXT")
        }
    }

    @Test("an admin signs in, approves a pending account with a note, and finds the decision in the audit trail")
    func adminReviewFlow() async throws {
        let harness = try await ServerHarness.start()
        try await harness.run { client in
            let port = try #require(client.port)
            let created = try await client.send(
                .post, "/v1/accounts", ["kind": "individual", "name": "赵六", "phone": "13600136000", "idNumber": testIDNumber(40)],
                token: harness.labelToken)
            let id = try #require(try created.json()["id"] as? String)

            let browser = try HeadlessChromium()
            defer { browser.close() }
            let page = try await browser.open("http://127.0.0.1:\(port)/admin")
            _ = try await browser.waitFor("document.readyState === 'complete' && document.getElementById('token') ? true : null", session: page)
            // A wrong key is refused on the page.
            _ = try await browser.evaluate(
                "document.getElementById('token').value = 'sgk_0000000000000000_nope'; document.getElementById('login-button').click()", session: page
            )
            let refused = try await browser.waitFor(
                "document.readyState === 'complete' && document.getElementById('error') ? document.getElementById('error').textContent : null",
                session: page)
            #expect((refused as? String)?.contains("unknown") == true)
            _ = try await browser.evaluate(
                "document.getElementById('token').value = '\(harness.adminToken)'; document.getElementById('login-button').click()", session: page)
            let pending = try await browser.waitFor(
                "document.readyState === 'complete' && document.getElementById('pending-count') ? document.getElementById('pending-count').textContent : null",
                session: page)
            #expect(pending as? String == "1")

            _ = try await browser.evaluate("document.getElementById('nav-accounts').click()", session: page)
            let row = try await browser.waitFor(
                "document.readyState === 'complete' && document.getElementById('account-\(id)') ? document.getElementById('account-\(id)').textContent : null",
                session: page)
            let text = try #require(row as? String)
            #expect(text.contains("赵*") && text.contains("136****6000") && !text.contains("13600136000"))
            _ = try await browser.evaluate(
                """
                const row = document.getElementById('account-\(id)');
                row.querySelector('input[name=note]').value = 'ID card and selfie checked';
                row.querySelector('button.approve').click();
                """, session: page)
            let flash = try await browser.waitFor(
                "document.readyState === 'complete' && document.getElementById('flash') ? document.getElementById('flash').textContent : null",
                session: page)
            let location = try await browser.evaluate("location.href", session: page)
            #expect((flash as? String)?.contains(id) == true, "flash: \(String(describing: flash)); at \(String(describing: location))")
            let recent = try await browser.evaluate("document.getElementById('recent-accounts').textContent", session: page) as? String
            #expect(recent?.contains("verified") == true && recent?.contains("ID card and selfie checked") == true)
            #expect(try await browser.evaluate("document.getElementById('no-pending') !== null", session: page) as? Bool == true)

            let account = try await client.get("/v1/accounts/\(id)", token: harness.adminToken)
            #expect(try account.json()["status"] as? String == "verified")

            // A consent for the now verified account, revoked from the consents page.
            let granted = try await client.send(
                .post, "/v1/consents",
                [
                    "subjectName": "钱七", "scope": "voice", "granteeAccount": id, "purpose": "audiobook",
                    "evidenceSha256": String(repeating: "0f", count: 32), "validUntil": "2099-01-01",
                ], token: harness.labelToken)
            let consent = try #require(try granted.json()["id"] as? String)
            _ = try await browser.evaluate("document.getElementById('nav-consents').click()", session: page)
            let consentRow = try await browser.waitFor(
                "document.readyState === 'complete' && document.getElementById('consent-\(consent)') ? document.getElementById('consent-\(consent)').textContent : null",
                session: page)
            #expect((consentRow as? String)?.contains("live") == true && (consentRow as? String)?.contains("钱七") == false)
            _ = try await browser.evaluate("document.querySelector('#consent-\(consent) form.revoke-form button').click()", session: page)
            let revokedFlash = try await browser.waitFor(
                "document.readyState === 'complete' && document.getElementById('flash') ? document.getElementById('flash').textContent : null",
                session: page)
            #expect((revokedFlash as? String)?.contains(consent) == true)
            let revokedRow = try await browser.evaluate("document.getElementById('consent-\(consent)').textContent", session: page) as? String
            #expect(revokedRow?.contains("revoked") == true)
            #expect(try await client.get("/v1/consents/\(consent)", token: harness.labelToken).json()["status"] as? String == "revoked")

            _ = try await browser.evaluate("document.getElementById('nav-audit').click()", session: page)
            let chain = try await browser.waitFor(
                "document.readyState === 'complete' && document.getElementById('audit-events') ? document.getElementById('chain').textContent : null",
                session: page)
            #expect((chain as? String)?.contains("intact") == true)
            let actions =
                try await browser.evaluate(
                    "[...document.querySelectorAll('#audit-events td.action')].map(e => e.textContent).join(',')", session: page) as? String
            #expect(
                actions?.contains("account.review") == true && actions?.contains("admin.sign-in") == true
                    && actions?.contains("consent.revoke") == true)

            // A form posted without the page's token (another site's forgery) is refused.
            let forged = try await client.execute(
                uri: "/admin/accounts/\(id)/review", method: .post,
                headers: [.contentType: "application/x-www-form-urlencoded", .cookie: "sigil_admin=\(harness.adminToken)"],
                body: ByteBuffer(string: "decision=reject&note=x"))
            #expect(forged.status == .forbidden)
        }
    }
}
