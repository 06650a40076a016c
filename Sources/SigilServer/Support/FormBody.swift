import Foundation
import Hummingbird
import NIOCore

/// An `application/x-www-form-urlencoded` body (the admin pages' forms), read with a size limit.
struct FormBody: Sendable {
    private(set) var values: [String: String] = [:]

    static func read(_ request: Request, limit: Int = 64 * 1024) async throws -> FormBody {
        let buffer = try await request.body.collect(upTo: limit)
        return FormBody(String(buffer: buffer))
    }

    init(_ text: String) {
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { Self.decode(String($0)) }
            guard let key = parts.first, !key.isEmpty else { continue }
            values[key] = parts.count > 1 ? parts[1] : ""
        }
    }

    subscript(_ key: String) -> String? { values[key].flatMap { $0.isEmpty ? nil : $0 } }

    static func decode(_ text: String) -> String {
        text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? text
    }
}
