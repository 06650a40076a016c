import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import Sigil

/// The OpenAI-compatible model server that `POST /v1/chat/completions` forwards to (decision 0408).
///
/// One AsyncHTTPClient of the server's own (``ServerConfiguration/chatUpstreamTimeoutSeconds`` between bytes, a
/// 10-s connect timeout, redirects not followed, no decompression), so that an answer streams through as it arrives
/// and its body is read only as fast as the client takes it. Only what the request needs is sent: the client's body,
/// `Content-Type`, `Accept`, and the configured upstream key as the bearer token; none of the client's own headers.
struct ChatUpstream: Sendable {
    /// The URL each request is posted to.
    let endpoint: String
    /// The bearer token for the upstream (``ServerConfiguration/chatUpstreamKey``).
    let key: String?
    /// How long the upstream may stay silent, in seconds.
    let timeoutSeconds: Double
    let client: HTTPClient
    /// The most of an upstream error answer passed on to the client.
    static let maximumErrorBody = 64 * 1024

    /// The upstream `configuration` names, or nil when it names none. The client it makes must be shut down
    /// (``shutdown()``, which ``SigilService/close()`` calls).
    static func make(_ configuration: ServerConfiguration) -> ChatUpstream? {
        guard let base = configuration.chatUpstream else { return nil }
        // A refused connection fails at once (502) instead of being retried for the whole connect timeout: the
        // client's SDK retries a 502 itself.
        var pool = HTTPClient.Configuration.ConnectionPool(idleTimeout: .seconds(60))
        pool.retryConnectionEstablishment = false
        let client = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: .seconds(10), read: .milliseconds(Int64(configuration.chatUpstreamTimeoutSeconds * 1000))),
            connectionPool: pool, decompression: .disabled)
        return ChatUpstream(
            endpoint: endpoint(base), key: configuration.chatUpstreamKey, timeoutSeconds: configuration.chatUpstreamTimeoutSeconds,
            client: HTTPClient(eventLoopGroupProvider: .singleton, configuration: client))
    }

    /// The endpoint for a configured URL: a base URL (`…/v1`) gets `/chat/completions`; a URL that already ends in
    /// it is taken as is.
    static func endpoint(_ base: String) -> String {
        var url = base
        while url.hasSuffix("/") { url.removeLast() }
        return url.hasSuffix("/chat/completions") ? url : url + "/chat/completions"
    }

    /// `url` without credentials in its authority (`https://user:secret@host/…` → `https://***@host/…`), for logs.
    static func redacted(_ url: String) -> String {
        guard let scheme = url.range(of: "://"), let at = url[scheme.upperBound...].firstIndex(of: "@") else { return url }
        let authorityEnd = url[scheme.upperBound...].firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? url.endIndex
        guard at < authorityEnd else { return url }
        return String(url[..<scheme.upperBound]) + "***" + String(url[at...])
    }

    /// Posts a chat completion request; the answer's body is still to be read.
    ///
    /// - Throws: ``APIError`` 502 `upstream-unreachable` when the upstream cannot be reached or does not answer in
    ///   time (the cause is logged; the upstream's address is not told to the client).
    func send(_ body: ByteBuffer, stream: Bool, logger: Logger) async throws -> HTTPClientResponse {
        var request = HTTPClientRequest(url: endpoint)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Accept", value: stream ? "text/event-stream" : "application/json")
        request.headers.add(name: "User-Agent", value: "sigil")
        if let key { request.headers.add(name: "Authorization", value: "Bearer \(key)") }
        request.body = .bytes(body)
        do {
            // No overall deadline: a stream may run for minutes. The read timeout bounds every silence instead.
            return try await client.execute(request, deadline: .distantFuture, logger: logger)
        } catch {
            throw failure(error, logger: logger)
        }
    }

    /// The 502 for an upstream that failed, its cause in words; `answering` when its answer had begun.
    func failure(_ error: any Error, answering: Bool = false, logger: Logger) -> APIError {
        logger.warning("the chat upstream failed", metadata: ["upstream": "\(Self.redacted(endpoint))", "error": "\(String(reflecting: error))"])
        return APIError(
            .badGateway, "upstream-unreachable",
            "the model server (chat upstream) \(Self.reason(error, answering: answering, timeout: timeoutSeconds))")
    }

    /// What went wrong with the upstream connection, in words for a client.
    static func reason(_ error: any Error, answering: Bool, timeout: Double) -> String {
        let error = error as? HTTPClientError
        if error == .connectTimeout { return "could not be reached: the connection timed out" }
        if error == .readTimeout {
            return "sent nothing for \(timeout == timeout.rounded() ? String(Int(timeout)) : String(timeout)) s"
        }
        if error == .remoteConnectionClosed || answering { return "broke off its answer" }
        return "could not be reached: the connection failed"
    }

    /// The client's answer for the upstream's non-2xx one. Its own errors (4xx, 5xx) pass with their status and
    /// body (at most ``maximumErrorBody``), `Content-Type` and `Retry-After`, marked `Sigil-Upstream-Status`;
    /// a refusal of Sigil's credentials (401, 403, 407) and a redirect become 502, since neither is the client's
    /// to act on.
    func errorResponse(_ response: HTTPClientResponse) async throws -> Response {
        let status = Int(response.status.code)
        if [401, 403, 407].contains(status) {
            throw APIError(
                .badGateway, "upstream-refused",
                "the model server (chat upstream) refused Sigil's credentials with HTTP \(status): the operator's chatUpstreamKey is missing or wrong"
            )
        }
        guard status >= 400 else {
            throw APIError(.badGateway, "upstream-error", "the model server (chat upstream) answered HTTP \(status), which is not a chat completion")
        }
        let body: ByteBuffer
        do {
            body = try await response.body.collect(upTo: Self.maximumErrorBody)
        } catch is NIOTooManyBytesError {
            throw APIError(.badGateway, "upstream-error", "the model server (chat upstream) answered HTTP \(status) with an error over 64 KiB")
        }
        var headers: HTTPFields = [.sigilUpstreamStatus: String(status)]
        headers[.contentType] = response.headers.first(name: "content-type") ?? "application/json"
        if let retry = response.headers.first(name: "retry-after") { headers[.retryAfter] = retry }
        return Response(status: .init(code: status), headers: headers, body: .init(byteBuffer: body))
    }

    /// Closes the client's connections.
    func shutdown() async {
        try? await client.shutdown()
    }
}

extension HTTPField.Name {
    /// The chat upstream's own status, on an error passed through from it.
    static let sigilUpstreamStatus = HTTPField.Name("Sigil-Upstream-Status")!
}
