import Foundation
import HTTPTypes
import Hummingbird
import MultipartKit
import NIOCore
import Sigil

/// A file sent to the API — the raw request body, or the `file` part of a `multipart/form-data` body — with the
/// options that came with it: query parameters, then the form's other fields, then the members of an `options`
/// JSON part or field (later ones win).
struct Upload: Sendable {
    var bytes: [UInt8]
    var filename: String?
    var options: RequestOptions

    /// The media types a file may arrive as.
    /// Every media type of ``MediaRegistry/standard``, plus raw bytes and multipart forms.
    static let acceptedTypes = ["application/octet-stream", "multipart/form-data"] + MediaRegistry.standard.mimeTypes

    /// Reads the body (at most `limit` bytes).
    ///
    /// - Throws: ``APIError`` 413 over the limit (before reading, when `Content-Length` says so), 415 for another
    ///   media type, 400 for a malformed multipart body or one without a file.
    static func read(_ request: Request, limit: Int) async throws -> Upload {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
            throw APIError(.contentTooLarge, "too-large", "the body is \(length) bytes, over the server's limit of \(limit)")
        }
        let (contentType, mediaType) = try mediaType(of: request)
        var options = RequestOptions(query: request.uri.queryParameters.map { (String($0.key), String($0.value)) })
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw APIError(.contentTooLarge, "too-large", "the body is over the server's limit of \(limit) bytes")
        }
        guard mediaType == "multipart/form-data" else {
            return Upload(bytes: Array(buffer.readableBytesView), filename: nil, options: options)
        }
        guard let boundary = Self.boundary(contentType) else {
            throw APIError(.badRequest, "bad-multipart", "multipart/form-data needs a boundary parameter")
        }
        let parts = try Self.parts(buffer, boundary: boundary)
        var file: (bytes: [UInt8], filename: String?)?
        for part in parts {
            switch part.name {
            case "file":
                guard file == nil else { throw APIError(.badRequest, "bad-multipart", "send one file per request (two `file` parts)") }
                file = (part.body, part.filename)
            case "options":
                try options.merge(json: String(decoding: part.body, as: UTF8.self))
            case let name?:
                if part.filename != nil, file == nil {
                    file = (part.body, part.filename)
                } else {
                    options.set(name, String(decoding: part.body, as: UTF8.self))
                }
            case nil:
                throw APIError(.badRequest, "bad-multipart", "a part has no name in its Content-Disposition")
            }
        }
        guard let file else { throw APIError(.badRequest, "bad-multipart", "the form has no `file` part") }
        return Upload(bytes: file.bytes, filename: file.filename, options: options)
    }

    /// The request's `Content-Type` and its media type, which must be one a file may arrive as.
    ///
    /// - Throws: ``APIError`` 415 for another media type.
    static func mediaType(of request: Request) throws -> (contentType: String, mediaType: String) {
        let contentType = request.headers[.contentType] ?? ""
        let mediaType = contentType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        guard mediaType.isEmpty || acceptedTypes.contains(mediaType) else {
            throw APIError(
                .unsupportedMediaType, "unsupported-media-type",
                "send the file as the raw body (a media type Sigil reads, such as image/jpeg, audio/wav or video/mp4, or application/octet-stream) or as multipart/form-data; got \(mediaType)"
            )
        }
        return (contentType, mediaType)
    }

    struct Part {
        var name: String?
        var filename: String?
        var body: [UInt8] = []
    }

    static func parts(_ buffer: ByteBuffer, boundary: String) throws -> [Part] {
        final class Collector {
            var parts: [Part] = []
            var current = Part()
        }
        let collector = Collector()
        let parser = MultipartParser(boundary: boundary)
        parser.onHeader = { name, value in
            guard name.lowercased() == "content-disposition" else { return }
            let (n, f) = Self.disposition(value)
            collector.current.name = n
            collector.current.filename = f
        }
        parser.onBody = { body in collector.current.body += body.readableBytesView }
        parser.onPartComplete = {
            collector.parts.append(collector.current)
            collector.current = Part()
        }
        do {
            try parser.execute(buffer)
        } catch {
            throw APIError(.badRequest, "bad-multipart", "the multipart body is malformed: \(error)")
        }
        guard !collector.parts.isEmpty else { throw APIError(.badRequest, "bad-multipart", "the multipart body has no complete part") }
        return collector.parts
    }

    static func boundary(_ contentType: String) -> String? {
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pair.count == 2, pair[0].lowercased() == "boundary" {
                let value =
                    pair[1].hasPrefix("\"") && pair[1].hasSuffix("\"") && pair[1].count >= 2 ? String(pair[1].dropFirst().dropLast()) : pair[1]
                return value.isEmpty ? nil : value
            }
        }
        return nil
    }

    /// `form-data; name="file"; filename="a.jpg"` → ("file", "a.jpg").
    static func disposition(_ value: String) -> (name: String?, filename: String?) {
        var name: String?
        var filename: String?
        for parameter in value.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2 else { continue }
            var v = pair[1]
            if v.hasPrefix("\""), v.hasSuffix("\""), v.count >= 2 { v = String(v.dropFirst().dropLast()) }
            switch pair[0].lowercased() {
            case "name": name = v
            case "filename": filename = (v as NSString).lastPathComponent
            default: break
            }
        }
        return (name, filename)
    }
}

/// Named options of a request, checked against what the route knows, each read as the type it needs.
struct RequestOptions: Sendable {
    private(set) var values: [String: String] = [:]

    init(query: [(String, String)] = []) {
        for (k, v) in query { values[k] = v }
    }

    mutating func set(_ name: String, _ value: String) { values[name] = value }

    /// Takes an option out and returns its value.
    mutating func remove(_ name: String) -> String? { values.removeValue(forKey: name) }

    /// Adds the members of a JSON object (strings, numbers and booleans).
    mutating func merge(json text: String) throws {
        guard case .object(let members)? = try? JSONValue.parse(text) else {
            throw APIError(.badRequest, "bad-options", "the options are not a JSON object")
        }
        for member in members {
            switch member.value {
            case .string(let s): values[member.key] = s
            case .number(let n): values[member.key] = n
            case .bool(let b): values[member.key] = b ? "true" : "false"
            case .null: values[member.key] = nil
            default: throw APIError(.badRequest, "bad-options", "option \(member.key) must be a string, number or boolean")
            }
        }
    }

    /// Refuses options the route does not know (a typo would otherwise be ignored silently).
    func check(known: Set<String>) throws {
        try APIError.refuseUnknown(values.keys, known: known, kind: "option")
    }

    func string(_ name: String) -> String? { values[name].flatMap { $0.isEmpty ? nil : $0 } }

    func bool(_ name: String) throws -> Bool? {
        guard let text = string(name) else { return nil }
        switch text.lowercased() {
        case "1", "true", "yes", "on": return true
        case "0", "false", "no", "off": return false
        default: throw APIError(.badRequest, "bad-option", "option \(name)=\(text) is not true or false")
        }
    }

    func double(_ name: String) throws -> Double? {
        guard let text = string(name) else { return nil }
        guard let value = Double(text), value.isFinite else { throw APIError(.badRequest, "bad-option", "option \(name)=\(text) is not a number") }
        return value
    }

    func int(_ name: String) throws -> Int? {
        guard let text = string(name) else { return nil }
        guard let value = Int(text) else { throw APIError(.badRequest, "bad-option", "option \(name)=\(text) is not a whole number") }
        return value
    }
}
