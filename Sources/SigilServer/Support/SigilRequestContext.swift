import Hummingbird
import NIOCore

/// The per-request context: Hummingbird's core storage, the peer's address (for rate limits) and the API key the
/// request authenticated with, once a route asked for one.
public struct SigilRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }
}
