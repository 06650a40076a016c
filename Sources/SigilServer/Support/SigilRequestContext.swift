import Hummingbird
import NIOCore
import SigilAccess

/// The per-request context: Hummingbird's core storage, the peer's address (for rate limits) and the API key the
/// request authenticated with (set by ``APIKeyAuthentication`` on the routes that need one).
public struct SigilRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?
    /// The authenticated key; nil on public routes.
    public internal(set) var apiKey: APIKey?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// The key ``APIKeyAuthentication`` put here.
    ///
    /// - Throws: ``APIError`` 401 when the route is not behind the authentication middleware (a wiring mistake).
    func requireAPIKey() throws -> APIKey {
        guard let apiKey else { throw APIError.unauthorized("this route needs an API key: send Authorization: Bearer <token> (sigil apikey create)") }
        return apiKey
    }
}
