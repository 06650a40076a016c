import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Sigil
import SigilAccess
import SigilCompliance

extension APIRoutes {
    /// The options `POST /v1/label/stream` takes, as query parameters.
    static let labelStreamOptions: Set<String> = [
        "position", "toneHz", "morseUnitMs", "contentLufs", "serviceCategory", "model", "account", "generationId",
    ]

    /// `POST /v1/label/stream` (scope `label`): audio labeled while it streams (decision 0026), for TTS and voice
    /// assistants that send sound before it is all synthesised.
    ///
    /// The body is a WAV stream (`audio/wav`, sizes set or unset) or raw `audio/L16;rate=R;channels=C` (16-bit
    /// big-endian, RFC 2586), sent with chunked transfer encoding as it is produced. The answer starts at once:
    /// a streamed WAV header (sizes unset) with the implicit label in its `AIGC` chunk, the rhythm label, then
    /// each chunk as it arrives, unchanged, and the closing label. Nothing is held back but the label itself.
    /// When the upload ends, the record (SHA-256 of every byte sent) is kept and announced in HTTP trailers
    /// (`Sigil-Log-Index`, `Sigil-Leaf-Hash`); `GET /v1/records/{produceID}` finds it too.
    func labelStream(_ request: Request, context: SigilRequestContext) async throws -> Response {
        let key = try context.requireAPIKey()
        let options = RequestOptions(query: request.uri.queryParameters.map { (String($0.key), String($0.value)) })
        try options.check(known: Self.labelStreamOptions)
        let producer = try key.providerCode.map(ProviderCode.init) ?? service.producer
        let (generation, recordContext) = try await generationContext(options, defaultCategory: .voice)
        var rhythm = RhythmLabel()
        if let hz = try options.double("toneHz") { rhythm.toneHertz = hz }
        if let unit = try options.double("morseUnitMs") { rhythm.unitMilliseconds = unit }
        let position = try options.string("position").map(RhythmLabelInserter.Position.init(parsing:)) ?? .start
        let assumed = try options.double("contentLufs") ?? -18
        let limit = service.configuration.maxBodyBytes
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
            throw APIError(.contentTooLarge, "too-large", "the body is \(length) bytes, over the server's limit of \(limit)")
        }

        // The incoming header is read before answering, so a stream that is not PCM audio gets a 4xx, not a cut.
        let input = try StreamInput(contentType: request.headers[.contentType] ?? "")
        let body = StreamBody(request.body)
        var first: [UInt8] = []
        let header: WAVStreamHeader
        switch input {
        case .wav:
            // The reader scans only what is new, so a header sent a byte at a time is not parsed again for each byte.
            var reader = WAVStreamHeader.Reader()
            var parsed: WAVStreamHeader?
            while parsed == nil {
                guard let buffer = try await body.next() else {
                    throw APIError(.badRequest, "malformed", "the WAV stream ended after \(reader.prefix.count) bytes, before its data chunk")
                }
                parsed = try reader.append(buffer.readableBytesView)
            }
            header = parsed!
            first = Array(reader.prefix.dropFirst(header.length))
        case .l16(let rate, let channels):
            header = try WAVStreamHeader(encoding: .signed(bits: 16), channels: channels, sampleRate: rate)
        }
        // The labeler is made here, so that settings out of range are a 400, and again inside the answer's task (it
        // is not Sendable: one stream, one task).
        func makeLabeler() throws -> AudioStreamLabeler {
            try AudioStreamLabeler(
                encoding: header.encoding, channels: header.channels, sampleRate: header.sampleRate, label: rhythm, position: position,
                assumedContentLUFS: assumed)
        }
        _ = try makeLabeler()
        let label = try AIGCLabel.firstWrite(producer: producer.rawValue, produceID: ProduceID.generate(), reservedCode1: "")
        let head = try header.labeled(LabelAssignment(label))
        let firstBytes = first
        let rhythmLabel = rhythm

        let response = ResponseBody { [self] writer in
            let labeler = try AudioStreamLabeler(
                encoding: header.encoding, channels: header.channels, sampleRate: header.sampleRate, label: rhythmLabel, position: position,
                assumedContentLUFS: assumed)
            let opening = try labeler.opening()
            var hash = SHA256()
            var sent = 0
            func send(_ bytes: [UInt8]) async throws {
                guard !bytes.isEmpty else { return }
                hash.update(data: bytes)
                sent += bytes.count
                try await writer.write(ByteBuffer(bytes: bytes))
            }
            try await send(head + opening)
            var swap = L16Swapper()
            var received = firstBytes.count
            if !firstBytes.isEmpty { try await send(try labeler.pass(input.isL16 ? swap.swap(firstBytes) : firstBytes)) }
            while let buffer = try await body.next() {
                received += buffer.readableBytes
                guard received <= limit else {
                    throw APIError(.contentTooLarge, "too-large", "the stream is over the server's limit of \(limit) bytes")
                }
                let bytes = Array(buffer.readableBytesView)
                try await send(try labeler.pass(input.isL16 ? swap.swap(bytes) : bytes))
            }
            try await send(try labeler.finish())
            let outcome = LabelOutcome.stream(format: .wav, label: label, marks: [.implicit, .explicit])
            let record = try service.keeper.record(for: outcome, context: recordContext, contentSHA256: Array(hash.finalize()))
            guard let receipt = try await service.keeper.keep([record]).first else {
                throw APIError(.internalServerError, "internal", "the log returned no receipt")
            }
            if let generation {
                try await service.compliance.generations.addOutput(generation.id, produceID: label.produceID, logIndex: receipt.index)
            }
            service.metrics.labeled(marks: [Mark.implicit.rawValue, Mark.explicit.rawValue], format: "wav-stream")
            var trailers: HTTPFields = [.sigilLogIndex: String(receipt.index), .sigilLeafHash: receipt.leafHash.hex]
            if let size = receipt.checkpointSize { trailers[.sigilCheckpointSize] = String(size) }
            try await writer.finish(trailers)
        }
        return Response(
            status: .ok,
            headers: [
                .contentType: "audio/wav", .cacheControl: "no-cache", .sigilProduceID: label.produceID,
                .sigilMarks: "\(Mark.implicit.rawValue),\(Mark.explicit.rawValue)",
                .trailer: "Sigil-Log-Index, Sigil-Leaf-Hash, Sigil-Checkpoint-Size",
            ],
            body: response)
    }
}

/// What a labeled stream arrives as.
enum StreamInput: Sendable {
    case wav
    /// 16-bit big-endian PCM (RFC 2586 `audio/L16`).
    case l16(rate: Int, channels: Int)

    var isL16: Bool { if case .l16 = self { true } else { false } }

    /// - Throws: ``APIError`` 415 for another media type, 400 for `audio/L16` without a usable rate or channel count.
    init(contentType: String) throws {
        let parts = contentType.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        switch parts.first?.lowercased() ?? "" {
        case "audio/wav", "audio/x-wav", "audio/wave", "audio/vnd.wave":
            self = .wav
        case "audio/l16":
            var parameters: [String: String] = [:]
            for part in parts.dropFirst() {
                let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
                if pair.count == 2 { parameters[pair[0]] = pair[1] }
            }
            guard let rate = parameters["rate"].flatMap(Int.init), (8000...192_000).contains(rate) else {
                throw APIError(.badRequest, "usage", "audio/L16 needs a rate parameter of 8000–192000 Hz (audio/L16;rate=24000;channels=1)")
            }
            guard let channels = Int(parameters["channels"] ?? "1"), (1...8).contains(channels) else {
                throw APIError(.badRequest, "usage", "audio/L16's channels parameter must be 1–8")
            }
            self = .l16(rate: rate, channels: channels)
        case let other:
            throw APIError(
                .unsupportedMediaType, "unsupported-media-type",
                "stream the audio as audio/wav or audio/L16;rate=R;channels=C (16-bit big-endian); got \(other.isEmpty ? "no media type" : other)")
        }
    }
}

/// Big-endian 16-bit samples to little-endian, across chunk boundaries that may split a sample.
struct L16Swapper {
    private var carry: UInt8?

    mutating func swap(_ bytes: [UInt8]) -> [UInt8] {
        var input = ArraySlice(bytes)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 1)
        if let high = carry, let low = input.popFirst() {
            out += [low, high]
            carry = nil
        }
        while input.count >= 2 {
            let high = input.removeFirst()
            out += [input.removeFirst(), high]
        }
        if let last = input.first { carry = last }
        return out
    }
}

/// The request body, read first by the handler (the WAV header) and then by the response body: one reader at a
/// time, in that order, so the iterator is never shared between tasks at once.
final class StreamBody: @unchecked Sendable {
    private var iterator: RequestBody.AsyncIterator

    init(_ body: RequestBody) { iterator = body.makeAsyncIterator() }

    func next() async throws -> ByteBuffer? { try await iterator.next() }
}
