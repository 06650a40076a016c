import Foundation
import SigilStore

/// What is sent to an identity-verification service: the account kind, the name and the number.
public struct IdentityVerificationRequest: Sendable, Hashable, Codable {
    public var kind: String
    public var name: String
    /// The resident identity number (individuals).
    public var idNumber: String?
    /// The Unified Social Credit Code (organisations).
    public var uscc: String?
}

/// What such a service answers.
public struct IdentityVerificationResult: Sendable, Hashable, Codable {
    /// `match` or `mismatch`.
    public var result: String
    /// The service's reference for its check, kept in the audit log.
    public var reference: String?
    /// Why it did not match.
    public var reason: String?
}

/// Checks a name against an identity number with an outside authority (the national network identity service, a
/// licensed verification vendor, a business-registry lookup). Without one, every account goes to manual review.
public protocol IdentityVerifier: Sendable {
    func verify(_ request: IdentityVerificationRequest) async throws -> IdentityVerificationResult
}

/// An identity service over HTTP (docs/DUTIES.md, "Identity verification protocol"): `POST <url>` with the request
/// as JSON and `Authorization: Bearer <token>`; 200 with `{"result": "match"|"mismatch", "reference", "reason"}`.
public struct HTTPIdentityVerifier: IdentityVerifier {
    let callout: HTTPCallout

    public init(url: URL, token: String?, timeout: TimeInterval = 10) {
        callout = HTTPCallout(url: url, token: token, timeout: timeout, service: "the identity-verification service")
    }

    public func verify(_ request: IdentityVerificationRequest) async throws -> IdentityVerificationResult {
        let data = try await callout.post(request)
        guard let result = try? JSONDecoder().decode(IdentityVerificationResult.self, from: data), ["match", "mismatch"].contains(result.result)
        else {
            throw SigilError(
                .unavailable,
                "the identity-verification service at \(callout.url.absoluteString) answered something other than {\"result\": \"match\"|\"mismatch\"}"
            )
        }
        return result
    }
}
