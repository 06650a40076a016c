import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Sigil
import SigilAccess
import SigilCompliance

/// The JSON API's handlers. Keyed routes sit behind ``APIKeyAuthentication`` (public ones rate-limit), read input with
/// limits, run image work through the ``WorkLimiter``, and answer in the shapes `openapi.json` documents.
struct APIRoutes: Sendable {
    let service: SigilService

    // MARK: Rate limits

    /// The client's address for rate limits: the peer, or behind a trusted proxy the right-most `X-Forwarded-For`
    /// address that is not a trusted proxy (``ClientAddress``).
    func client(_ request: Request, _ context: SigilRequestContext) -> String {
        ClientAddress.resolve(
            peer: context.remoteAddress?.ipAddress, forwarded: request.headers[values: .xForwardedFor],
            trusted: service.trustedProxies)
    }

    func rateLimit(_ request: Request, _ context: SigilRequestContext) async throws {
        if let wait = await service.verifyRate.take(client(request, context)) {
            service.metrics.refused(reason: "rate")
            throw APIError(
                .tooManyRequests, "rate-limited", "too many verifications from this address; retry in \(wait) s",
                headers: [.retryAfter: String(wait)])
        }
    }

    /// Runs image work on a worker, mapping refusals to 503.
    func work<T: Sendable>(_ job: @escaping @Sendable () throws -> T) async throws -> T {
        do {
            return try await service.limiter.run(job)
        } catch let refusal as WorkLimiter.Refusal {
            service.metrics.refused(reason: "overload")
            throw refusal.apiError
        }
    }

    static func wantsJSON(_ request: Request) -> Bool {
        (request.headers[.accept] ?? "").contains("application/json")
    }

    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(string: value.prettyPrinted + "\n")))
    }

    static func file(_ bytes: [UInt8], format: MediaFormat?, headers: HTTPFields) -> Response {
        var fields = headers
        fields[.contentType] = format?.mimeType ?? "application/octet-stream"
        return Response(status: .ok, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    // MARK: Health and metrics

    func health(_ request: Request, context: SigilRequestContext) async throws -> Response {
        Self.json(.object(["status": "ok"]))
    }

    /// Ready when the store answers and the server is not draining.
    func ready(_ request: Request, context: SigilRequestContext) async throws -> Response {
        if await service.lifecycle.draining {
            return Self.json(.object(["status": "draining"]), status: .serviceUnavailable)
        }
        do {
            let next = try await service.keeper.store.nextIndex()
            let load = await service.limiter.load
            let jobs = try await service.jobs.counts()
            return Self.json(
                .object([
                    "status": "ready", "database": .string(service.keeper.store.database.dialect.rawValue),
                    "duties": .string(service.compliance.configuration.requireGeneration ? "on" : "off"),
                    "logSize": .number(String(next)), "running": .int(load.running), "waiting": .int(load.waiting),
                    "jobs": .object([
                        "queued": .int(jobs[.queued] ?? 0), "running": .int(jobs[.running] ?? 0),
                        "workers": .int(service.configuration.jobWorkers),
                    ]),
                ]))
        } catch {
            return Self.json(.object(["status": "store-unavailable", "error": .string("\(error)")]), status: .serviceUnavailable)
        }
    }

    func metrics(_ request: Request, context: SigilRequestContext) async throws -> Response {
        Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: service.metrics.exposition())))
    }

    func openAPI(_ request: Request, context: SigilRequestContext) async throws -> Response {
        Response(
            status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: try OpenAPIDocument.bytes(registry: .standard))))
    }
}

extension HTTPField.Name {
    static let xForwardedFor = HTTPField.Name("X-Forwarded-For")!
    static let sigilProduceID = HTTPField.Name("Sigil-Produce-ID")!
    static let sigilLogIndex = HTTPField.Name("Sigil-Log-Index")!
    static let sigilLeafHash = HTTPField.Name("Sigil-Leaf-Hash")!
    static let sigilCheckpointSize = HTTPField.Name("Sigil-Checkpoint-Size")!
    static let sigilMarks = HTTPField.Name("Sigil-Marks")!
    static let sigilMarksAdded = HTTPField.Name("Sigil-Marks-Added")!
    static let sigilLabel = HTTPField.Name("Sigil-Label")!
    static let sigilBasis = HTTPField.Name("Sigil-Basis")!
    static let sigilPropagateID = HTTPField.Name("Sigil-Propagate-ID")!
    static let sigilNotice = HTTPField.Name("Sigil-Notice")!
    static let sigilNoticeZh = HTTPField.Name("Sigil-Notice-Zh")!
}

/// The module's bundled files (page template, stylesheet, script, OpenAPI document).
enum Resources {
    static func bytes(_ name: String) throws -> [UInt8] {
        guard let url = Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Resources") else {
            throw SigilError(.io, "the server's bundled resource \(name) is missing")
        }
        return try FileIO.read(url.path)
    }

    static func text(_ name: String) throws -> String { String(decoding: try bytes(name), as: UTF8.self) }
}
