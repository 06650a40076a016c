import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Sigil
import SigilCompliance

/// A JSON object request body, read with a size limit and checked member by member: unknown members are refused
/// (400), a member of the wrong type is a ``FieldError`` (422 naming it).
struct JSONBody: Sendable {
    /// The largest JSON body accepted.
    static let limit = 256 * 1024
    private(set) var members: [String: JSONValue] = [:]

    init(members: [String: JSONValue]) {
        self.members = members
    }

    /// Reads the body of `request`; an empty body is an empty object.
    ///
    /// - Throws: ``APIError`` 415 for another content type, 413 above ``limit``, 400 for text that is not a JSON object.
    static func read(_ request: Request, limit: Int = limit) async throws -> JSONBody {
        let mediaType =
            (request.headers[.contentType] ?? "").split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
            throw APIError(.contentTooLarge, "too-large", "the JSON body is \(length) bytes, over the \(limit)-byte limit")
        }
        let buffer = try await request.body.collect(upTo: limit)
        if buffer.readableBytes == 0 { return JSONBody(members: [:]) }
        guard mediaType == "application/json" else {
            throw APIError(.unsupportedMediaType, "unsupported-media-type", "send the body as application/json")
        }
        let text = String(buffer: buffer)
        let value: JSONValue
        do {
            value = try JSONValue.parse(text)
        } catch {
            throw APIError(.badRequest, "bad-json", "the body is not JSON: \(error)")
        }
        guard case .object(let list) = value else { throw APIError(.badRequest, "bad-json", "the body must be a JSON object") }
        var members: [String: JSONValue] = [:]
        for member in list {
            guard members[member.key] == nil else { throw APIError(.badRequest, "bad-json", "member \"\(member.key)\" appears twice") }
            members[member.key] = member.value
        }
        return JSONBody(members: members)
    }

    /// Refuses members the route does not take.
    func check(known: Set<String>) throws {
        try APIError.refuseUnknown(members.keys, known: known, kind: "field")
    }

    /// A string member; nil when absent or null.
    func string(_ name: String) throws -> String? {
        switch members[name] {
        case nil, .null?: return nil
        case .string(let text)?: return text
        default: throw FieldError(name, "must be a string")
        }
    }

    /// An array-of-strings member; nil when absent or null.
    func strings(_ name: String) throws -> [String]? {
        switch members[name] {
        case nil, .null?: return nil
        case .array(let items)?:
            return try items.map {
                guard case .string(let text) = $0 else { throw FieldError(name, "must be an array of strings") }
                return text
            }
        default: throw FieldError(name, "must be an array of strings")
        }
    }
}
