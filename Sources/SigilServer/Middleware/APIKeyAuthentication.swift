import Foundation
import HTTPTypes
import Hummingbird
import SigilAccess

/// Authenticates a route group's requests: a live bearer key that grants one of the group's scopes, put in
/// ``SigilRequestContext/apiKey`` for the handlers. Public routes are outside every such group.
struct APIKeyAuthentication: RouterMiddleware {
    typealias Context = SigilRequestContext
    let keys: APIKeyCache
    /// The scopes the group accepts (any one of them), in the order error messages name them.
    let scopes: [APIKey.Scope]

    /// - Throws: ``APIError`` 401 without a valid bearer token, 403 when the key lacks every scope.
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        context.apiKey = try await authenticate(request)
        return try await next(request, context)
    }

    /// The live key of the request's bearer token when it grants one of ``scopes``.
    ///
    /// - Throws: ``APIError`` 401 without a valid bearer token, 403 when the key lacks every scope.
    func authenticate(_ request: Request) async throws -> APIKey {
        guard let header = request.headers[.authorization] else {
            throw APIError.unauthorized("this route needs an API key: send Authorization: Bearer <token> (sigil apikey create)")
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer",
            let token = APIKeyToken(parsing: String(parts[1]).trimmingCharacters(in: .whitespaces))
        else {
            throw APIError.unauthorized("the Authorization header is not `Bearer sgk_…`")
        }
        guard let key = try await keys.authenticate(token) else {
            throw APIError.unauthorized("the API key is unknown or revoked")
        }
        guard scopes.contains(where: key.allows) else {
            throw APIError.forbidden(
                "the key \(key.id) (\(key.scopes.map(\.rawValue).joined(separator: ","))) lacks the \(scopes.map(\.rawValue).joined(separator: " or ")) scope"
            )
        }
        return key
    }
}
