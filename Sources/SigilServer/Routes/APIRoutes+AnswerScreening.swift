import Foundation
import HTTPTypes
import NIOCore
import Sigil
import SigilAccess
import SigilCompliance

extension APIRoutes {
    /// Where an answer screen reports: the request's key, the generation or answer it concerns, the route.
    struct AnswerScreening: Sendable {
        /// The current screener, when its library holds text rules (nil: nothing to screen).
        let screener: Screener?
        let actor: String
        /// The generation when the duties named one, else the answer's ProduceID.
        let subject: String
        let account: String?
        let route: String
    }

    /// The screen of a chat answer on `route` (decision 0410): the library's current version, fetched once per answer.
    func answerScreening(key: APIKey, generation: Generation?, produceID: String, account: String?, route: String) async throws
        -> AnswerScreening
    {
        let screener = try await service.compliance.screeningCache.current()
        return AnswerScreening(
            screener: screener.hasTextRules ? screener : nil, actor: Self.actor(key), subject: generation?.id ?? produceID, account: account,
            route: route)
    }

    /// Screens a whole `chat.completion`'s answer texts before it is labeled and returned. Every hit is logged
    /// (stage `answer`); a `block` or `review` hit withholds the answer: audited as `chat.answer-withheld` and
    /// answered 451 `answer-withheld`, naming the rule's category, index and library version (never the phrase or the
    /// text that matched).
    func screenAnswer(_ completion: JSONValue, _ screening: AnswerScreening) async throws {
        guard let screener = screening.screener, case .array(let choices)? = completion["choices"] else { return }
        var hits: [Int: Screener.Hit] = [:]
        for choice in choices {
            guard let text = choice["message"]?["content"]?.stringValue else { continue }
            for hit in screener.screen(text: text) { hits[hit.rule] = hit }
        }
        if let worst = try await handleAnswerHits(hits.values.sorted { $0.rule < $1.rule }, screening, stopped: false) {
            var error = APIError(
                .unavailableForLegalReasons, "answer-withheld",
                "the model's answer is withheld: it hits a \(worst.category) rule of the screening library (rule \(worst.rule), \(worst.action.rawValue), library v\(screener.version))"
            )
            error.extra = [.init("screening", Self.screeningNote(worst, screener))]
            throw error
        }
    }

    /// Logs `hits` of an answer; when one of them withholds it (`block` or `review`), audits the event and returns the
    /// most severe hit.
    func handleAnswerHits(_ hits: [Screener.Hit], _ screening: AnswerScreening, stopped: Bool) async throws -> Screener.Hit? {
        guard !hits.isEmpty, let screener = screening.screener else { return nil }
        let duties = service.compliance
        try await duties.screening.log(hits, stage: "answer", subject: screening.subject, account: screening.account, version: screener.version)
        guard let worst = Screener.action(of: hits), worst != .allowAndLog, let hit = hits.first(where: { $0.action == worst }) else { return nil }
        try await duties.audit.record(
            actor: screening.actor, action: stopped ? "chat.answer-stopped" : "chat.answer-withheld", subject: screening.subject,
            detail: [
                "route": screening.route, "category": hit.category, "rule": String(hit.rule), "action": hit.action.rawValue,
                "libraryVersion": String(screener.version),
            ])
        return hit
    }

    /// The `screening` member of a withheld answer's error and of a stopped stream's last chunk.
    static func screeningNote(_ hit: Screener.Hit, _ screener: Screener) -> JSONValue {
        .object([
            .init("category", .string(hit.category)), .init("rule", .int(hit.rule)), .init("action", .string(hit.action.rawValue)),
            .init("libraryVersion", .int(screener.version)),
        ])
    }

    /// A stream's screen: the answer text each piece brought, screened with the text before it (``StreamScreen``).
    struct StreamGate: Sendable {
        let screening: AnswerScreening
        private var screen: StreamScreen?

        init(_ screening: AnswerScreening) {
            self.screening = screening
            screen = screening.screener.map(StreamScreen.init)
        }

        /// Whether pieces are screened at all.
        var active: Bool { screen != nil }

        /// The new hits in the text `stream` read since the last call.
        mutating func hits(in stream: inout SSELabelStream) -> [Screener.Hit] {
            guard screen != nil else { return [] }
            var hits: [Screener.Hit] = []
            for piece in stream.takeFresh() { hits += screen!.feed(piece.text, channel: piece.index) }
            return hits
        }
    }

    /// Feeds `bytes` to `stream` and screens the text they bring, event by event. Returns what to send: the labeled
    /// bytes, or — when a hit stops the answer — those of the events before the one that hit, then the stop
    /// (``SSELabelStream/stop(finishReason:note:)``: a chunk finishing each choice with `content_filter` and a
    /// `sigil_screening` member, the end label, `[DONE]`), with `stopped` set; ``SSELabelStream/content`` is then what
    /// the client was sent.
    func screenedFeed(_ bytes: ByteBufferView, _ stream: inout SSELabelStream, _ gate: inout StreamGate) async throws -> (
        out: [UInt8], stopped: Bool
    ) {
        guard gate.active, let screener = gate.screening.screener else { return (try stream.feed(bytes), false) }
        var sent: [UInt8] = []
        var start = bytes.startIndex
        // When a line throws, nothing of `bytes` is sent, so nothing of it may stay in the record either.
        let bufferStart = stream.mark
        // Line by line: an event's text is collected when its blank line is read, so a mark taken before each line
        // lets exactly the event that hit be taken back.
        while start < bytes.endIndex {
            let end = bytes[start...].firstIndex(of: 0x0A).map { bytes.index(after: $0) } ?? bytes.endIndex
            let mark = stream.mark
            let out: [UInt8]
            do {
                out = try stream.feed(bytes[start..<end])
            } catch {
                stream.rollBack(to: bufferStart)
                throw error
            }
            if let stop = try await stopIfHit(since: mark, &stream, &gate, screener) { return (sent + stop, true) }
            sent += out
            start = end
        }
        return (sent, false)
    }

    /// What is left to send at the end of the upstream stream (``SSELabelStream/finish()``), screened like a fed line:
    /// a last event without its closing blank line is answer text too. Returns the stop instead when it hits.
    func screenedFinish(_ stream: inout SSELabelStream, _ gate: inout StreamGate) async throws -> (out: [UInt8], stopped: Bool) {
        guard gate.active, let screener = gate.screening.screener else { return (stream.finish(), false) }
        let mark = stream.mark
        let out = stream.finish()
        if let stop = try await stopIfHit(since: mark, &stream, &gate, screener) { return (stop, true) }
        return (out, false)
    }

    /// When the text `stream` read since `mark` hits a withholding rule: `stream` rolled back to `mark` and the stop to
    /// send (a `content_filter` chunk per choice with the `sigil_screening` note, the end label, `[DONE]`); else nil.
    private func stopIfHit(
        since mark: SSELabelStream.Mark, _ stream: inout SSELabelStream, _ gate: inout StreamGate, _ screener: Screener
    ) async throws -> [UInt8]? {
        guard let hit = try await handleAnswerHits(gate.hits(in: &stream), gate.screening, stopped: true) else { return nil }
        stream.rollBack(to: mark)
        var note = Self.screeningNote(hit, screener).members ?? []
        note.insert(.init("stopped", .bool(true)), at: 0)
        return stream.stop(finishReason: "content_filter", note: .init("sigil_screening", .object(note)))
    }
}
