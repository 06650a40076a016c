import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Sigil
import SigilAccess
import SigilServer
import SigilTestSupport

/// A real server on loopback for one test: a fresh data directory (SQLite file, development keys), the service
/// opened as `sigil serve` opens it, keys for each role, and Hummingbird's live test client.
struct ServerHarness: Sendable {
    static let platformCode = "001191440300708461136T2308L"
    let directory: URL
    let service: SigilService
    let adminToken: String
    let labelToken: String
    let propagateToken: String

    static func start(_ adjust: (inout ServerConfiguration) -> Void = { _ in }) async throws -> ServerHarness {
        let directory = try TestPaths.temporaryFolder()
        var configuration = ServerConfiguration()
        configuration.host = "127.0.0.1"
        configuration.port = 0
        configuration.data = directory.appendingPathComponent("data").path
        configuration.producer = "001191110102MACQD9K64010000"
        // Most tests label without authorising a generation first, as `sigil serve --no-duties` does; the duties'
        // own tests turn them back on.
        configuration.requireGeneration = false
        // A fresh data directory gets development keys, and no SMS gateway is configured.
        configuration.development = true
        // A busy test machine can keep a request in the worker queue for a while; the 30-s production idle timeout
        // would close the connection under it.
        configuration.idleTimeoutSeconds = 300
        adjust(&configuration)
        let service = try await SigilService.open(configuration)
        // A fresh store creates the first admin key; a server on another's database or data directory gets one of its own.
        var token = service.firstAdminToken
        if token == nil, configuration.database != nil || configuration.data != directory.appendingPathComponent("data").path {
            token = try await service.apiKeys.create(name: "admin of a second server", scopes: [.admin]).token
        }
        guard let admin = token else {
            await service.close()
            throw HarnessError("a fresh store must create the first admin key")
        }
        let label = try await service.apiKeys.create(name: "generator", scopes: [.label]).token
        let propagate = try await service.apiKeys.create(name: "platform", scopes: [.propagate], providerCode: platformCode).token
        return ServerHarness(
            directory: directory, service: service, adminToken: admin.description, labelToken: label.description,
            propagateToken: propagate.description)
    }

    /// Runs `body` against the live server, then closes the store and removes the directory.
    func run<T: Sendable>(_ body: @escaping @Sendable (LiveClient) async throws -> T) async throws -> T {
        let app = SigilServer.application(service: service)
        do {
            let value = try await LiveClient.run(app, body)
            await service.close()
            try? FileManager.default.removeItem(at: directory)
            return value
        } catch {
            await service.close()
            try? FileManager.default.removeItem(at: directory)
            throw error
        }
    }

    static func example(_ name: String) throws -> [UInt8] { try FileIO.read(TestPaths.examples.appendingPathComponent(name).path) }
}

struct HarnessError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

extension LiveClient {
    /// POSTs bytes with a content type and optional bearer token.
    func post(_ uri: String, _ bytes: [UInt8], type: String = "image/jpeg", token: String? = nil, accept: String? = nil) async throws -> LiveResponse
    {
        var headers: HTTPFields = [.contentType: type]
        if let token { headers[.authorization] = "Bearer \(token)" }
        if let accept { headers[.accept] = accept }
        return try await execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(bytes: bytes))
    }

    func get(_ uri: String, token: String? = nil) async throws -> LiveResponse {
        var headers: HTTPFields = [:]
        if let token { headers[.authorization] = "Bearer \(token)" }
        return try await execute(uri: uri, method: .get, headers: headers)
    }
}

extension LiveResponse {
    var bytes: [UInt8] { Array(body.readableBytesView) }
    var text: String { String(decoding: bytes, as: UTF8.self) }
    /// The body as a JSON object.
    func json() throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else {
            throw HarnessError("not a JSON object: \(text.prefix(200))")
        }
        return object
    }
    /// The error code of a `{"error": {…}}` body.
    func errorCode() throws -> String? { (try json()["error"] as? [String: Any])?["code"] as? String }
}

/// A multipart/form-data body.
func multipart(file: [UInt8], filename: String, fields: [String: String] = [:]) -> (body: [UInt8], type: String) {
    let boundary = "sigil-test-\(UUID().uuidString)"
    var body: [UInt8] = []
    for (name, value) in fields.sorted(by: { $0.key < $1.key }) {
        body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
    }
    body += Array(
        "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(filename)\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            .utf8)
    body += file
    body += Array("\r\n--\(boundary)--\r\n".utf8)
    return (body, "multipart/form-data; boundary=\(boundary)")
}
