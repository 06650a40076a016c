import Foundation
import Hummingbird
import NIOCore

/// An `application/x-www-form-urlencoded` body (the admin pages' and the verify page's forms), read with a size
/// limit and decoded by Hummingbird's `URLEncodedFormDecoder`.
struct FormBody: Sendable {
    private(set) var values: [String: String] = [:]

    /// Reads the body of `request`.
    ///
    /// - Throws: ``APIError`` 400 when the body is not a form.
    static func read(_ request: Request, limit: Int = 64 * 1024) async throws -> FormBody {
        let buffer = try await request.body.collect(upTo: limit)
        do {
            return FormBody(values: try URLEncodedFormDecoder().decode([String: String].self, from: String(buffer: buffer)))
        } catch {
            throw APIError(.badRequest, "bad-form", "the form body is not application/x-www-form-urlencoded fields")
        }
    }

    init(values: [String: String]) {
        self.values = values
    }

    /// A field's value; nil when absent or empty.
    subscript(_ key: String) -> String? { values[key].flatMap { $0.isEmpty ? nil : $0 } }
}
