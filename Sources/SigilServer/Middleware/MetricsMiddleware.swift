import Foundation
import Hummingbird

/// Counts every request by method, route pattern and status, with its latency and bytes in and out.
struct MetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: ServerMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let requestBytes = request.headers[.contentLength].flatMap(Int.init) ?? 0
        do {
            let response = try await next(request, context)
            metrics.request(
                method: request.method.rawValue, route: context.endpointPath ?? "unmatched", status: response.status.code,
                duration: .now - start, requestBytes: requestBytes, responseBytes: response.body.contentLength ?? 0)
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            metrics.request(
                method: request.method.rawValue, route: context.endpointPath ?? "unmatched", status: status,
                duration: .now - start, requestBytes: requestBytes, responseBytes: 0)
            throw error
        }
    }
}
