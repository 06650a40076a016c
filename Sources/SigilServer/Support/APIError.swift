import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Sigil
import SigilCompliance

/// An error the API reports as `{"error": {"code", "message"}}` with an HTTP status.
public struct APIError: Error, Sendable, HTTPResponseError, CustomStringConvertible {
    public var status: HTTPResponse.Status
    /// A stable, machine-readable code (`unauthorized`, `too-large`, `malformed`, …).
    public var code: String
    public var message: String
    /// Extra headers (`Retry-After`, `WWW-Authenticate`).
    public var headers: HTTPFields = [:]
    /// The request field at fault, for 422 answers about one field.
    public var field: String?
    /// More members of the error object, after the message (a withheld answer's `screening`).
    public var extra: [JSONValue.Member] = []

    public init(_ status: HTTPResponse.Status, _ code: String, _ message: String, headers: HTTPFields = [:], field: String? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers
        self.field = field
    }

    /// 422 naming the field.
    public init(_ error: FieldError) {
        self.init(.unprocessableContent, "invalid-field", error.description, field: error.field)
    }

    public var description: String { "\(status.code) \(code): \(message)" }

    /// The JSON body.
    public var body: JSONValue {
        var members: [JSONValue.Member] = [.init("code", .string(code))]
        if let field { members.append(.init("field", .string(field))) }
        members.append(.init("message", .string(message)))
        members += extra
        return .object([.init("error", .object(members))])
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var fields = headers
        fields[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(string: body.prettyPrinted + "\n")))
    }

    /// The API error for a ``SigilError``: bad requests are 400, unreadable or unlabelable content 415/422, limits
    /// 413, unknown things 404, store trouble 503.
    public init(_ error: SigilError) {
        let status: HTTPResponse.Status
        switch error.code {
        case .usage: status = .badRequest
        case .unsupportedFormat: status = .unsupportedMediaType
        case .tooLarge: status = .contentTooLarge
        case .notFound: status = .notFound
        case .expired: status = .gone
        case .refused: status = .forbidden
        case .conflict: status = .conflict
        case .unavailable: status = .badGateway
        case .store, .schema: status = .serviceUnavailable
        case .io, .font: status = .internalServerError
        default: status = .unprocessableContent
        }
        self.init(status, error.code.rawValue, error.message)
    }

    static func unauthorized(_ message: String) -> APIError {
        APIError(.unauthorized, "unauthorized", message, headers: [.wwwAuthenticate: "Bearer realm=\"sigil\""])
    }

    static func forbidden(_ message: String) -> APIError { APIError(.forbidden, "forbidden", message) }

    /// 400 `unknown-<kind>` for the first of `names` a route does not take (a typo would otherwise be ignored).
    static func refuseUnknown(_ names: some Sequence<String>, known: Set<String>, kind: String) throws {
        if let unknown = names.sorted().first(where: { !known.contains($0) }) {
            throw APIError(
                .badRequest, "unknown-\(kind)", "unknown \(kind) \"\(unknown)\"; this route takes \(known.sorted().joined(separator: ", "))")
        }
    }

    static func overloaded(_ message: String, retryAfter: Int = 1) -> APIError {
        APIError(.serviceUnavailable, "overloaded", message, headers: [.retryAfter: String(retryAfter)])
    }
}

/// Turns every error a route throws into the JSON error shape: ``APIError`` as is, ``SigilError`` by its code,
/// Hummingbird's own errors (404 for an unknown route, 405, 413) with their status, anything else as 500 — never
/// with internals in the message.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            throw error
        } catch let error as SigilError {
            throw APIError(error)
        } catch let error as FieldError {
            throw APIError(error)
        } catch let error as HTTPError {
            let code: String =
                switch error.status {
                case .notFound: "not-found"
                case .methodNotAllowed: "method-not-allowed"
                case .contentTooLarge: "too-large"
                case .badRequest: "bad-request"
                default: "http-\(error.status.code)"
                }
            let message = error.body ?? (error.status == .notFound ? "no route \(request.method) \(request.uri.path)" : error.status.reasonPhrase)
            throw APIError(error.status, code, message)
        } catch is NIOTooManyBytesError {
            throw APIError(.contentTooLarge, "too-large", "the request body is over the server's limit")
        } catch is CancellationError {
            throw APIError(.serviceUnavailable, "cancelled", "the request was cancelled (the server is shutting down)")
        } catch {
            context.logger.error("unhandled error", metadata: ["error": "\(String(reflecting: error))"])
            throw APIError(.internalServerError, "internal", "the server failed to handle the request; the error is in its log")
        }
    }
}
