import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore

/// Hummingbird's HTTP/1.1 test client on a live server, with a read timeout that fits a busy 2-core test machine.
///
/// `app.test(.live)` fixes its client's read timeout at 20 s; a debug-built verify of a large image or a few seconds
/// of audio, sharing the cores with other tests, can take longer. This client is the same `TestClient` with a longer
/// timeout, so a slow machine gives a slow test, never a false failure.
struct LiveClient: Sendable {
    static let readTimeout: Duration = .seconds(300)
    let client: TestClient
    /// The server's port, for tests that open their own connections.
    let port: Int?

    /// Starts `app` on loopback and runs `body` with a client connected to it.
    static func run<App: ApplicationProtocol, T: Sendable>(
        _ app: App, _ body: @escaping @Sendable (LiveClient) async throws -> T
    ) async throws -> T {
        try await app.test(.live) { stock in
            let port = try stock.port.orThrow("the live test server has no port")
            let client = TestClient(host: "127.0.0.1", port: port, configuration: .init(timeout: readTimeout))
            client.connect()
            do {
                let value = try await body(LiveClient(client: client, port: port))
                try await client.shutdown()
                return value
            } catch {
                try? await client.shutdown()
                throw error
            }
        }
    }

    /// Sends one request on the kept-alive connection and waits for the whole response.
    func execute(uri: String, method: HTTPRequest.Method, headers: HTTPFields = [:], body: ByteBuffer? = nil) async throws
        -> LiveResponse
    {
        var headers = headers
        headers[.connection] = "keep-alive"
        let response = try await client.execute(TestClient.Request(uri, method: method, authority: "localhost", headers: headers, body: body))
        return LiveResponse(head: response.head, body: response.body ?? ByteBuffer(), trailerHeaders: response.trailerHeaders)
    }
}

/// A whole response from ``LiveClient``.
struct LiveResponse: Sendable {
    let head: HTTPResponse
    let body: ByteBuffer
    let trailerHeaders: HTTPFields?
    var status: HTTPResponse.Status { head.status }
    var headers: HTTPFields { head.headerFields }
}

extension Optional {
    func orThrow(_ message: String) throws -> Wrapped {
        guard let value = self else { throw HarnessError(message) }
        return value
    }
}
