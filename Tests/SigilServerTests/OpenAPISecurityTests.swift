import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Sigil
import SigilAccess
import SigilServer
import Testing

/// `openapi.json`'s `security` is what the router enforces: every operation that declares a bearer scope answers
/// 401 without a key and 403 to a key with none of its scopes; one whose key is optional (an empty requirement beside
/// the bearer one, as `/v1/verify`) answers without a key but 403 to a key with none of its scopes; every other
/// operation never asks for a key (only the admin sign-in form, which documents its own 401, refuses a missing key
/// in the form).
struct OpenAPISecurityTests {
    /// A path template with sample values for its parameters.
    static func concrete(_ template: String) -> String {
        template.split(separator: "/", omittingEmptySubsequences: false).map { part -> String in
            switch part {
            case "{tilePath}": "0/000"
            case "{index}": "0"
            case "{file}": "style.css"
            default: part.hasPrefix("{") ? "x" : String(part)
            }
        }.joined(separator: "/")
    }

    @Test("every operation with security in openapi.json needs a key with one of its scopes; the others never ask for one")
    func securityMatchesTheDocument() async throws {
        let harness = try await ServerHarness.start()
        var tokens: [APIKey.Scope: String] = [:]
        for scope in APIKey.Scope.known where scope != .admin {
            tokens[scope] = try await harness.service.apiKeys.create(
                name: scope.rawValue, scopes: [scope], providerCode: scope == .propagate ? ServerHarness.platformCode : nil
            ).token.description
        }
        let document = try #require(try JSONSerialization.jsonObject(with: Data(try Self.openAPI())) as? [String: Any])
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        // (method, path template, declared scopes, whether it documents a 401 of its own, whether the key is optional).
        let operations: [(HTTPRequest.Method, String, [String], Bool, Bool)] = paths.sorted(by: { $0.key < $1.key }).flatMap { template, operations in
            operations.sorted(by: { $0.key < $1.key }).compactMap { method, value in
                guard let operation = value as? [String: Any], ["get", "post", "put", "delete", "patch"].contains(method),
                    let verb = HTTPRequest.Method(method.uppercased())
                else { return nil }
                let security = (operation["security"] as? [[String: [String]]]) ?? []
                let scopes = security.flatMap { $0["bearer"] ?? [] }
                return (verb, template, scopes, (operation["responses"] as? [String: Any])?["401"] != nil, security.contains { $0.isEmpty })
            }
        }
        #expect(operations.count > 50)
        let keys = tokens
        try await harness.run { client in
            for (method, template, scopes, documents401, optional) in operations {
                let uri = Self.concrete(template)
                let anonymous = try await client.execute(uri: uri, method: method, headers: [:], body: ByteBuffer())
                if optional {
                    #expect(!scopes.isEmpty, "\(method) \(template) makes a key optional but names no scope")
                    #expect(anonymous.status != .unauthorized, "\(method) \(template) makes the key optional but asked for one")
                    let outsider = try #require(keys.first { !scopes.contains($0.key.rawValue) }?.value)
                    let refused = try await client.execute(
                        uri: uri, method: method, headers: [.authorization: "Bearer \(outsider)"], body: ByteBuffer())
                    #expect(refused.status == .forbidden, "\(method) \(template) declares \(scopes) but answered \(refused.status) to another scope")
                } else if scopes.isEmpty {
                    #expect(
                        anonymous.status != .unauthorized || (documents401 && anonymous.headers[.wwwAuthenticate] == nil),
                        "\(method) \(template) is public in openapi.json but asked for a key")
                } else {
                    #expect(
                        anonymous.status == .unauthorized, "\(method) \(template) declares \(scopes) but answered \(anonymous.status) without a key")
                    let outsider = try #require(keys.first { !scopes.contains($0.key.rawValue) }?.value)
                    let refused = try await client.execute(
                        uri: uri, method: method, headers: [.authorization: "Bearer \(outsider)"], body: ByteBuffer())
                    #expect(refused.status == .forbidden, "\(method) \(template) declares \(scopes) but answered \(refused.status) to another scope")
                }
            }
        }
    }

    static func openAPI() throws -> [UInt8] {
        try FileIO.read(
            URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("Sources/SigilServer/Resources/openapi.json").path)
    }
}
