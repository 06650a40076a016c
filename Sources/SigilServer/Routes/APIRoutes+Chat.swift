import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Sigil
import SigilAccess
import SigilCompliance

extension APIRoutes {
    /// The options `POST /v1/chat/label` takes, as query parameters.
    static let chatOptions: Set<String> = [
        "position", "lang", "text", "serviceCategory", "model", "account", "generationId", "proof",
    ]

    /// `POST /v1/chat/label` (scope `label`): an OpenAI-compatible chat completion in, the same completion out with
    /// the explicit text label (GB 45438 5.1) in each assistant message, recorded in the log like a labeled file.
    ///
    /// - `application/json`: a `chat.completion` object; the answer is the labeled object, with `Sigil-Produce-ID`
    ///   and `Sigil-Log-Index` headers.
    /// - `text/event-stream`: the model server's stream (`data: {chunk}` events, `data: [DONE]`), relayed as it
    ///   arrives with the label as a chunk of its own, first or last; the record is kept when the stream ends and
    ///   announced in a closing comment event (`: sigil-record {…}`), since the headers have gone by then.
    ///
    /// The answer is screened with the screening library (decision 0410): a JSON answer whole, before it is returned
    /// (a `block` or `review` hit → 451 `answer-withheld`); a stream piece by piece, a hit stopping it
    /// (``screenedFeed(_:_:_:)``).
    func labelChat(_ request: Request, context: SigilRequestContext) async throws -> Response {
        let key = try context.requireAPIKey()
        let options = RequestOptions(query: request.uri.queryParameters.map { (String($0.key), String($0.value)) })
        try options.check(known: Self.chatOptions)
        let labeler = try Self.chatLabeler(options)
        let producer = try key.providerCode.map(ProviderCode.init) ?? service.producer
        let (generation, recordContext) = try await generationContext(options, defaultCategory: .dialogue)
        let label = try AIGCLabel.firstWrite(producer: producer.rawValue, produceID: ProduceID.generate(), reservedCode1: "")
        let proofs = try options.bool("proof") ?? false
        let mediaType = Self.mediaType(request)
        let limit = service.configuration.maxBodyBytes

        let screening = try await answerScreening(
            key: key, generation: generation, produceID: label.produceID, account: recordContext.accountReference, route: "/v1/chat/label")

        if mediaType == "text/event-stream" {
            let body = ResponseBody { [self] writer in
                var stream = SSELabelStream(labeler: labeler)
                var gate = StreamGate(screening)
                var stopped = false
                for try await buffer in request.body {
                    let step = try await screenedFeed(buffer.readableBytesView, &stream, &gate)
                    guard stream.bytesRead <= limit else {
                        throw APIError(.contentTooLarge, "too-large", "the stream is over the server's limit of \(limit) bytes")
                    }
                    if !step.out.isEmpty { try await writer.write(ByteBuffer(bytes: step.out)) }
                    // A screening stop ends the answer: the rest of the stream is not read.
                    if step.stopped {
                        stopped = true
                        break
                    }
                }
                let tail = stopped ? [] : try await screenedFinish(&stream, &gate).out
                if !tail.isEmpty { try await writer.write(ByteBuffer(bytes: tail)) }
                let receipt = try await keepChat(
                    stream.content, label: label, context: recordContext, generation: generation, proofs: proofs)
                try await writer.write(Self.recordComment(produceID: label.produceID, receipt))
                try await writer.finish(nil)
            }
            return Response(
                status: .ok,
                headers: [.contentType: "text/event-stream; charset=utf-8", .cacheControl: "no-cache", .sigilProduceID: label.produceID],
                body: body)
        }

        guard mediaType == nil || mediaType == "" || mediaType == "application/json" else {
            throw APIError(
                .unsupportedMediaType, "unsupported-media-type",
                "send a chat completion as application/json or its stream as text/event-stream; got \(mediaType ?? "")")
        }
        let completion = try await Self.readJSON(request, limit: limit, what: "the chat completion").value
        try await screenAnswer(completion, screening)
        let outcome = try labeler.label(completion)
        var context = recordContext
        if context.model == nil { context.model = completion["model"]?.stringValue }
        let receipt = try await keepChat(outcome.content, label: label, context: context, generation: generation, proofs: proofs)
        var headers: HTTPFields = [.sigilProduceID: label.produceID, .sigilLogIndex: String(receipt.index), .sigilLeafHash: receipt.leafHash.hex]
        if let size = receipt.checkpointSize { headers[.sigilCheckpointSize] = String(size) }
        return Self.json(outcome.completion, headers: headers)
    }

    /// The request's media type, lowercased, without its parameters.
    static func mediaType(_ request: Request) -> String? {
        (request.headers[.contentType] ?? "").split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
    }

    /// The whole body (at most `limit` bytes) and the JSON it holds.
    ///
    /// - Throws: ``APIError`` 413 over the limit, 400 `bad-json` naming `what` and the offset when it is not JSON.
    static func readJSON(_ request: Request, limit: Int, what: String) async throws -> (value: JSONValue, body: ByteBuffer) {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw APIError(.contentTooLarge, "too-large", "the body is over the server's limit of \(limit) bytes")
        }
        do {
            return (try JSONValue.parse(String(decoding: buffer.readableBytesView, as: UTF8.self)), buffer)
        } catch {
            throw APIError(.badRequest, "bad-json", "\(what) is not JSON: \(error)")
        }
    }

    /// The closing `: sigil-record {produceID, logIndex, leafHash}` comment of a labeled stream.
    static func recordComment(produceID: String, _ receipt: RecordKeeper.Receipt) -> ByteBuffer {
        let note = JSONValue.object([
            "produceID": .string(produceID), "logIndex": .number(String(receipt.index)), "leafHash": .string(receipt.leafHash.hex),
        ])
        return ByteBuffer(string: ": sigil-record \(note.serialized)\n\n")
    }

    /// The labeler a chat request asks for: `position` (start, end, both; start by default), `lang` (zh, en) and
    /// an own wording `text`.
    static func chatLabeler(_ options: RequestOptions) throws -> ChatCompletionLabeler {
        let language = try options.string("lang").map(TextLabel.Language.parse) ?? .zh
        let label = try options.string("text").map { try TextLabel(text: $0, language: language) } ?? TextLabel(language: language)
        let position = try options.string("position").map(TextLabel.Position.parse) ?? .start
        return ChatCompletionLabeler(label: label, position: position)
    }

    /// Records a labeled chat answer (its text, label included, is the content the record digests) and ties it to
    /// its generation.
    func keepChat(
        _ content: String, label: AIGCLabel, context: RecordKeeper.Context, generation: Generation?, proofs: Bool
    ) async throws -> RecordKeeper.Receipt {
        let outcome = LabelOutcome.text(content, label: label, marks: [.explicit])
        var record = try service.keeper.record(for: outcome, context: context)
        // With the generator's tokenizer configured, the answer is tested for the provider's text mark (decision 0604)
        // and the record lists `textmark` among the marks when the answer carries it.
        if let detector = service.verifier.options.textMark, detector.tokenizer != nil, detector.detect(text: content).isMarked() {
            record.marks = (record.marks + ["textmark"]).sorted()
        }
        guard let receipt = try await service.keeper.keep([record], proofs: proofs).first else {
            throw APIError(.internalServerError, "internal", "the log returned no receipt")
        }
        if let generation {
            try await service.compliance.generations.addOutput(generation.id, produceID: label.produceID, logIndex: receipt.index)
        }
        service.metrics.labeled(marks: [Mark.explicit.rawValue], format: "chat")
        return receipt
    }

    /// `GET /v1/label-text` (public): the interface label of GB 45438 5.6 for a chat UI to show continuously near
    /// the content or at the top, bottom or background of the interface; `lang=zh` (default) or `en`.
    func labelText(_ request: Request, context: SigilRequestContext) async throws -> Response {
        let options = RequestOptions(query: request.uri.queryParameters.map { (String($0.key), String($0.value)) })
        try options.check(known: ["lang"])
        let language = try options.string("lang").map(TextLabel.Language.parse) ?? .zh
        let label = TextLabel(language: language)
        return Self.json(
            .object([
                "lang": .string(language.rawValue),
                "text": .string(label.text),
                "clause": "GB 45438-2025 5.6",
                "display": .array([
                    "continuously near the generated content",
                    "continuously at the top, bottom, background or another suitable position of the interface",
                ]),
            ]),
            headers: [.cacheControl: "public, max-age=86400"])
    }
}
