import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import Sigil
import SigilAccess
import SigilCompliance

extension APIRoutes {
    /// `POST /v1/chat/completions` (scope `label`; decision 0408): Sigil in front of the provider's model server.
    ///
    /// The OpenAI-compatible request goes to the configured upstream unchanged (with the upstream's key, never the
    /// client's); its answer comes back with the explicit text label (GB 45438 5.1) in every choice and is recorded in
    /// the log, as `POST /v1/chat/label` records an answer it is given. The options are `/v1/chat/label`'s, as query
    /// parameters (an OpenAI client passes them as `extra_query`).
    ///
    /// - `stream: false`: the labeled `chat.completion`, with `Sigil-Produce-ID`, `Sigil-Log-Index` and
    ///   `Sigil-Leaf-Hash` headers. A completion with no text choice (tool calls only) passes unlabeled and unrecorded,
    ///   marked `Sigil-Label: none`.
    /// - `stream: true`: the upstream's events relayed as they arrive, the label a chunk of its own (per choice), first
    ///   or last, `data: [DONE]` kept as the last data event; `Sigil-Produce-ID` in the headers, and once the record is
    ///   kept a closing `: sigil-record {…}` comment.
    /// - Upstream errors pass with their status (`Sigil-Upstream-Status`), except a refusal of Sigil's credentials
    ///   (502); an upstream that cannot be reached is 502 with the cause.
    func chatCompletions(_ request: Request, context: SigilRequestContext) async throws -> Response {
        let key = try context.requireAPIKey()
        guard let upstream = service.chatUpstream else {
            throw APIError(
                .notImplemented, "no-upstream",
                "this server forwards no chat completions: start it with --chat-upstream URL (or chatUpstream in its configuration)")
        }
        let options = RequestOptions(query: request.uri.queryParameters.map { (String($0.key), String($0.value)) })
        try options.check(known: Self.chatOptions)
        let labeler = try Self.chatLabeler(options)
        let producer = try key.providerCode.map(ProviderCode.init) ?? service.producer
        let mediaType = Self.mediaType(request)
        guard mediaType == nil || mediaType == "" || mediaType == "application/json" else {
            throw APIError(
                .unsupportedMediaType, "unsupported-media-type", "send the chat completion request as application/json; got \(mediaType ?? "")")
        }
        let limit = service.configuration.maxBodyBytes
        let (parsed, body) = try await Self.readJSON(request, limit: limit, what: "the chat completion request")
        guard parsed.members != nil else { throw APIError(.badRequest, "bad-json", "the chat completion request is not a JSON object") }
        let streamed = parsed["stream"] == .bool(true)
        // The duties come first: a request they refuse never reaches the model.
        let (generation, requestContext) = try await generationContext(options, defaultCategory: .dialogue)
        var recordContext = requestContext
        if recordContext.model == nil { recordContext.model = parsed["model"]?.stringValue }
        let label = try AIGCLabel.firstWrite(producer: producer.rawValue, produceID: ProduceID.generate(), reservedCode1: "")
        let proofs = try options.bool("proof") ?? false

        let screening = try await answerScreening(
            key: key, generation: generation, produceID: label.produceID, account: recordContext.accountReference,
            route: "/v1/chat/completions")

        let answer = try await upstream.send(body, stream: streamed, logger: context.logger)
        guard (200..<300).contains(Int(answer.status.code)) else { return try await upstream.errorResponse(answer) }
        let answerType = answer.headers.first(name: "content-type")?.lowercased() ?? ""
        if answerType.hasPrefix("text/event-stream") {
            let recording = ChatRecording(
                routes: self, label: label, context: recordContext, generation: generation, proofs: proofs)
            return Response(
                status: .ok,
                headers: [.contentType: "text/event-stream; charset=utf-8", .cacheControl: "no-cache", .sigilProduceID: label.produceID],
                body: relay(
                    answer.body, labeler: labeler, upstream: upstream, recording: recording, screening: screening, logger: context.logger))
        }

        let completion: JSONValue
        do {
            let bytes = try await answer.body.collect(upTo: limit)
            completion = try JSONValue.parse(String(decoding: bytes.readableBytesView, as: UTF8.self))
        } catch is NIOTooManyBytesError {
            throw APIError(.badGateway, "upstream-malformed", "the model server's answer is over the server's limit of \(limit) bytes")
        } catch let error as JSONValue.ParseError {
            throw APIError(.badGateway, "upstream-malformed", "the model server's answer is not JSON: \(error)")
        } catch {
            throw upstream.failure(error, answering: true, logger: context.logger)
        }
        guard case .array(let choices)? = completion["choices"] else {
            throw APIError(.badGateway, "upstream-malformed", "the model server's answer is not a chat completion (no \"choices\" array)")
        }
        // Content is a string or null (tool calls). Anything else (an array of content parts, which some servers send)
        // would pass neither labeled nor screened, so it is refused rather than relayed.
        if let odd = choices.lazy.compactMap({ $0["message"]?["content"] }).first(where: { $0 != .null && $0.stringValue == nil }) {
            let kind = if case .array = odd { "an array of content parts" } else { "not a string" }
            throw APIError(
                .badGateway, "upstream-malformed",
                "the model server's answer has message content that is \(kind); Sigil labels and screens string content only")
        }
        guard choices.contains(where: { $0["message"]?["content"]?.stringValue != nil }) else {
            // Tool calls only: no text reaches a reader, so there is nothing to label or record.
            return Self.json(completion, headers: [.sigilLabel: "none"])
        }
        try await screenAnswer(completion, screening)
        let outcome = try labeler.label(completion)
        if recordContext.model == nil { recordContext.model = completion["model"]?.stringValue }
        let receipt = try await keepChat(outcome.content, label: label, context: recordContext, generation: generation, proofs: proofs)
        var headers: HTTPFields = [.sigilProduceID: label.produceID, .sigilLogIndex: String(receipt.index), .sigilLeafHash: receipt.leafHash.hex]
        if let size = receipt.checkpointSize { headers[.sigilCheckpointSize] = String(size) }
        return Self.json(outcome.completion, headers: headers)
    }

    /// What a relayed stream records when it ends.
    struct ChatRecording: Sendable {
        let routes: APIRoutes
        let label: AIGCLabel
        let context: RecordKeeper.Context
        let generation: Generation?
        let proofs: Bool

        func keep(_ content: String) async throws -> RecordKeeper.Receipt {
            try await routes.keepChat(content, label: label, context: context, generation: generation, proofs: proofs)
        }
    }

    /// The upstream's event stream relayed with the label (``SSELabelStream``): each piece is labeled and written as it
    /// arrives, and the next is read only once the client has taken it, so a stream holds at most one event
    /// (2 MiB: ``SSELabelStream/maximumEventLength``) and the text it records. The record is kept when the upstream ends, also when it breaks off (the end
    /// label then still goes out, and a `: sigil-upstream-error` comment says why) and when the client leaves (what it
    /// was sent is recorded; dropping the upstream body cancels the upstream request).
    ///
    /// The answer text is screened as it arrives (decision 0410, ``screenedFeed(_:_:_:)``): on a `block` or `review`
    /// hit the piece is not sent, the stream ends with a `content_filter` chunk, the end label and `[DONE]`, the
    /// upstream body is dropped (which cancels the upstream request), and what the client was sent is recorded.
    func relay(
        _ upstreamBody: HTTPClientResponse.Body, labeler: ChatCompletionLabeler, upstream: ChatUpstream, recording: ChatRecording,
        screening: AnswerScreening, logger: Logger
    ) -> ResponseBody {
        let limit = service.configuration.maxBodyBytes
        return ResponseBody { [self] writer in
            var stream = SSELabelStream(labeler: labeler)
            var gate = StreamGate(screening)
            var trouble: APIError?
            var stopped = false
            do {
                for try await buffer in upstreamBody {
                    let step: (out: [UInt8], stopped: Bool)
                    do {
                        step = try await screenedFeed(buffer.readableBytesView, &stream, &gate)
                    } catch let error as SigilError where error.code == .tooLarge || error.code == .malformed {
                        throw APIError(.badGateway, "upstream-malformed", "the model server's stream: \(error.message)")
                    } catch let error as SigilError {
                        throw APIError(error)
                    }
                    guard stream.bytesRead <= limit else {
                        throw APIError(.badGateway, "upstream-malformed", "the model server's stream is over the server's limit of \(limit) bytes")
                    }
                    if !step.out.isEmpty {
                        do { try await writer.write(ByteBuffer(bytes: step.out)) } catch { throw ClientGone(error: error) }
                    }
                    if step.stopped {
                        logger.info("screening stopped a chat stream; the upstream request is cancelled")
                        stopped = true
                        break
                    }
                }
            } catch let gone as ClientGone {
                logger.info("the client left a chat stream; the upstream request is cancelled")
                if !stream.content.isEmpty { _ = try? await recording.keep(stream.content) }
                throw gone.error
            } catch let error as APIError {
                trouble = error
            } catch {
                trouble = upstream.failure(error, answering: true, logger: logger)
            }
            var tail: [UInt8] = []
            if !stopped, trouble == nil {
                let last = try await screenedFinish(&stream, &gate)
                if last.stopped { logger.info("screening stopped a chat stream at its last event") }
                tail = last.out
            } else if !stopped {
                tail = stream.abandon()
            }
            if let trouble {
                let note = JSONValue.object(["code": .string(trouble.code), "message": .string(trouble.message)])
                tail += Array(": sigil-upstream-error \(note.serialized)\n\n".utf8)
            }
            if !tail.isEmpty { try await writer.write(ByteBuffer(bytes: tail)) }
            let receipt = try await recording.keep(stream.content)
            try await writer.write(Self.recordComment(produceID: recording.label.produceID, receipt))
            try await writer.finish(nil)
        }
    }
}

/// A write to the client failed: it left.
private struct ClientGone: Error {
    let error: any Error
}
