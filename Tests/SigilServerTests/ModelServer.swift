import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Sigil
import Synchronization

/// A stand-in for the provider's OpenAI-compatible model server (vLLM, llama.cpp, Ollama): a Hummingbird app on
/// loopback that answers `POST /v1/chat/completions` with canned completions and SSE chunks.
///
/// This is the true outside edge of `POST /v1/chat/completions` (decision 0408): the model server is not Sigil's, so
/// the tests put a real HTTP server in its place, reached over a real socket, and leave every part of Sigil real.
/// The request's `model` names the answer:
///
/// | model | answer |
/// |---|---|
/// | `canned` | one choice, JSON or (with `stream: true`) role chunk, two text chunks, finishing chunk, usage chunk, `[DONE]` |
/// | `twice` | `n = 2`: two choices, JSON or interleaved chunks |
/// | `tools` | a tool call and no text |
/// | `broken` | two chunks of a stream, then the connection is cut |
/// | `endless` | a stream of one chunk and then keep-alive comments until the client goes; then ``Log/cancelled`` |
/// | `silent`, `silent-stream` | nothing (or two chunks of a stream) until ``Log/release()`` |
/// | `not-json` | 200 with a body that is not JSON |
/// | `screened` | an answer holding the phrase 炸弹: JSON, or a stream splitting it across two chunks, then keep-alive comments until the client goes (then ``Log/cancelled``) |
/// | `status-400`, `status-401`, `status-503` | that status with an OpenAI error body (`Retry-After: 7` on 503) |
struct ModelServer {
    /// What the model server saw.
    final class Log: Sendable {
        struct Request: Sendable {
            let path: String
            let headers: HTTPFields
            let body: [UInt8]
        }
        let requests = Mutex<[Request]>([])
        /// Yields once per `endless` stream whose client went away.
        let cancelled: AsyncStream<Void>
        let cancel: AsyncStream<Void>.Continuation

        /// Holds the `silent` answers until ``release()``.
        let gate: AsyncStream<Void>
        let opener: AsyncStream<Void>.Continuation

        init() {
            (cancelled, cancel) = AsyncStream.makeStream()
            (gate, opener) = AsyncStream.makeStream()
        }

        /// Lets the held `silent` answers end.
        func release() { opener.finish() }

        /// Waits until ``release()``.
        func held() async {
            for await _ in gate {}
        }

        var count: Int { requests.withLock { $0.count } }
        var last: Request? { requests.withLock { $0.last } }
    }

    static let completion = """
        {"id":"chatcmpl-7","object":"chat.completion","created":1764700000,"model":"canned","choices":[{"index":0,"message":{"role":"assistant","content":"北京是中国的首都。"},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":9,"total_tokens":14}}
        """
    static let twoChoices = """
        {"id":"chatcmpl-8","object":"chat.completion","created":1764700000,"model":"twice","choices":[{"index":0,"message":{"role":"assistant","content":"甲"},"finish_reason":"stop"},{"index":1,"message":{"role":"assistant","content":"乙"},"finish_reason":"stop"}]}
        """
    static let toolCall = """
        {"id":"chatcmpl-9","object":"chat.completion","created":1764700000,"model":"tools","choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"weather","arguments":"{\\"city\\":\\"北京\\"}"}}]},"finish_reason":"tool_calls"}]}
        """

    /// An answer whose content is an array of parts (some servers send it): neither labeled nor screened as text.
    static let contentParts = """
        {"id":"chatcmpl-10","object":"chat.completion","created":1764700000,"model":"parts","choices":[{"index":0,"message":{"role":"assistant","content":[{"type":"text","text":"北京是中国的首都。"}]},"finish_reason":"stop"}]}
        """

    static func chunk(_ id: String, _ model: String, index: Int = 0, delta: String, finish: String? = nil) -> String {
        #"data: {"id":"\#(id)","object":"chat.completion.chunk","created":1,"model":"\#(model)","choices":[{"index":\#(index),"delta":\#(delta),"finish_reason":\#(finish.map { "\"\($0)\"" } ?? "null")}]}"#
            + "\n\n"
    }

    /// The events of the `canned` stream, each a whole event with its blank line.
    static let cannedEvents = [
        chunk("s1", "canned", delta: #"{"role":"assistant","content":""}"#),
        chunk("s1", "canned", delta: #"{"content":"北京"}"#),
        chunk("s1", "canned", delta: #"{"content":"是首都。"}"#),
        chunk("s1", "canned", delta: "{}", finish: "stop"),
        #"data: {"id":"s1","object":"chat.completion.chunk","created":1,"model":"canned","choices":[],"usage":{"total_tokens":9}}"# + "\n\n",
        "data: [DONE]\n\n",
    ]

    /// The `screened` answer (decision 0410): the phrase 炸弹 whole in JSON, split across two chunks in the stream.
    static let screenedCompletion = """
        {"id":"chatcmpl-10","object":"chat.completion","created":1764700000,"model":"screened","choices":[{"index":0,"message":{"role":"assistant","content":"先把炸弹放好。"},"finish_reason":"stop"}]}
        """
    static let screenedEvents = [
        chunk("s3", "screened", delta: #"{"role":"assistant","content":""}"#),
        chunk("s3", "screened", delta: #"{"content":"先把炸"}"#),
        chunk("s3", "screened", delta: #"{"content":"弹放好。"}"#),
    ]

    /// The events of the `twice` stream: two choices, interleaved.
    static let twiceEvents = [
        chunk("s2", "twice", index: 0, delta: #"{"role":"assistant","content":""}"#),
        chunk("s2", "twice", index: 1, delta: #"{"role":"assistant","content":""}"#),
        chunk("s2", "twice", index: 0, delta: #"{"content":"甲"}"#),
        chunk("s2", "twice", index: 1, delta: #"{"content":"乙"}"#),
        chunk("s2", "twice", index: 0, delta: "{}", finish: "stop"),
        chunk("s2", "twice", index: 1, delta: "{}", finish: "stop"),
        "data: [DONE]\n\n",
    ]

    /// Runs the model server on a free loopback port for `body`.
    static func run<T: Sendable>(_ log: Log, _ body: @escaping @Sendable (Int) async throws -> T) async throws -> T {
        let router = Router()
        router.post("/v1/chat/completions") { request, context -> Response in
            let bytes = Array(try await request.body.collect(upTo: 1 << 20).readableBytesView)
            log.requests.withLock { $0.append(.init(path: request.uri.path, headers: request.headers, body: bytes)) }
            let json = try JSONValue.parse(String(decoding: bytes, as: UTF8.self))
            let model = json["model"]?.stringValue ?? ""
            let stream = json["stream"] == .bool(true)
            switch (model, stream) {
            case ("canned", false): return Self.json(Self.completion)
            case ("twice", false): return Self.json(Self.twoChoices)
            case ("tools", false): return Self.json(Self.toolCall)
            case ("parts", false): return Self.json(Self.contentParts)
            case ("canned", true): return Self.events(Self.cannedEvents)
            case ("twice", true): return Self.events(Self.twiceEvents)
            case ("broken", true):
                return Self.events(Array(Self.cannedEvents.prefix(2)), then: { _ in throw ModelServerCut() })
            case ("screened", false): return Self.json(Self.screenedCompletion)
            case ("endless", true), ("screened", true):
                return Self.events(model == "screened" ? Self.screenedEvents : Array(Self.cannedEvents.prefix(2))) { writer in
                    do {
                        while true {
                            try await writer.write(ByteBuffer(string: ": keep-alive\n\n"))
                            try await Task.sleep(for: .milliseconds(20))
                        }
                    } catch {
                        log.cancel.yield()
                        throw error
                    }
                }
            case ("silent", false):
                await log.held()
                return Self.json(Self.completion)
            case ("silent-stream", true):
                return Self.events(Array(Self.cannedEvents.prefix(2))) { _ in await log.held() }
            case ("not-json", _): return Self.json("<html>oops</html>")
            case ("status-503", _):
                return Self.json(
                    #"{"error":{"message":"the model is overloaded","type":"server_error"}}"#, status: .serviceUnavailable, retryAfter: "7")
            default:
                if model.hasPrefix("status-"), let code = Int(model.dropFirst(7)) {
                    return Self.json(#"{"error":{"message":"status \#(code)","type":"invalid_request_error"}}"#, status: .init(code: code))
                }
                return Self.json(#"{"error":{"message":"unknown model"}}"#, status: .notFound)
            }
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        return try await app.test(.live) { client in
            try await body(try client.port.orThrow("the model server has no port"))
        }
    }

    static func json(_ text: String, status: HTTPResponse.Status = .ok, retryAfter: String? = nil) -> Response {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let retryAfter { headers[.retryAfter] = retryAfter }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func events(
        _ events: [String], then: @escaping @Sendable (inout any ResponseBodyWriter) async throws -> Void = { _ in }
    ) -> Response {
        Response(
            status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"],
            body: ResponseBody { writer in
                for event in events { try await writer.write(ByteBuffer(string: event)) }
                try await then(&writer)
                try await writer.finish(nil)
            })
    }
}

/// The `broken` stream's cut.
struct ModelServerCut: Error {}
