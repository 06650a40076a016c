import Crypto
import Foundation
import SigilCore
import SigilLedger
import SigilStore

/// An HTTP API key: who it is for, what it may do, and, for a platform's key, the provider code it writes into
/// `ContentPropagator`. The secret itself is never stored; see ``APIKeyStore``.
public struct APIKey: Sendable, Hashable {
    /// What a key may do. `admin` may do everything.
    public struct Scope: RawRepresentable, Sendable, Hashable, Comparable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }

        /// `POST /v1/label` and reading records.
        public static let label = Scope(rawValue: "label")
        /// `POST /v1/propagate` (a platform's key; needs a provider code). It may verify, too.
        public static let propagate = Scope(rawValue: "propagate")
        /// `POST /v1/verify` and `POST /v1/verify/batch` under the key's own quota instead of the per-client limit.
        public static let verify = Scope(rawValue: "verify")
        /// Everything, including key management.
        public static let admin = Scope(rawValue: "admin")
        /// Reviews accounts and complaints (provider duties).
        public static let reviewer = Scope(rawValue: "reviewer")
        /// Reads audit exports and records.
        public static let auditor = Scope(rawValue: "auditor")

        /// Every scope this build knows.
        public static let known: [Scope] = [.label, .propagate, .verify, .admin, .reviewer, .auditor]

        /// Parses a scope name.
        ///
        /// - Throws: ``SigilError`` `.usage` naming the known scopes.
        public init(parsing text: String) throws {
            let scope = Scope(rawValue: text.trimmingCharacters(in: .whitespaces).lowercased())
            guard Self.known.contains(scope) else {
                throw SigilError(.usage, "unknown API key scope \"\(text)\"; use \(Self.known.map(\.rawValue).joined(separator: ", "))")
            }
            self = scope
        }

        public static func < (lhs: Scope, rhs: Scope) -> Bool { lhs.rawValue < rhs.rawValue }
        public var description: String { rawValue }
    }

    /// The key's public identifier (the part of the token before the secret).
    public var id: String
    /// A name for people (who holds the key).
    public var name: String
    /// What the key may do.
    public var scopes: [Scope]
    /// The provider code the key acts as (a platform's `ContentPropagator`, or a producer's `ContentProducer`).
    public var providerCode: String?
    /// When the key was made.
    public var createdAt: RecordTime
    /// When the key was revoked; nil while it is live.
    public var revokedAt: RecordTime?
    /// The key's own quota of verifications per minute (each file of a batch counts); nil sets none (decision 0404).
    public var verifyPerMinute: Int?

    public init(
        id: String, name: String, scopes: [Scope], providerCode: String?, createdAt: RecordTime, revokedAt: RecordTime? = nil,
        verifyPerMinute: Int? = nil
    ) {
        self.id = id
        self.name = name
        self.scopes = scopes
        self.providerCode = providerCode
        self.createdAt = createdAt
        self.revokedAt = revokedAt
        self.verifyPerMinute = verifyPerMinute
    }

    /// Whether the key is live and grants `scope` (an admin key grants every scope).
    public func allows(_ scope: Scope) -> Bool {
        revokedAt == nil && (scopes.contains(scope) || scopes.contains(.admin))
    }

    /// Whether the key may verify under its own quota: a live `verify`, `propagate` or `admin` key.
    public var mayVerify: Bool { allows(.verify) || allows(.propagate) }

    /// The key as `sigil apikey list --json` prints it (never the secret).
    public var json: JSONValue {
        .object([
            .init("id", .string(id)), .init("name", .string(name)),
            .init("scopes", .array(scopes.map { .string($0.rawValue) })),
            .init("providerCode", .optional(providerCode)),
            .init("createdAt", .string(createdAt.description)),
            .init("revokedAt", revokedAt.map { .string($0.description) } ?? .null),
            .init("verifyPerMinute", verifyPerMinute.map { JSONValue.int($0) } ?? .null),
        ])
    }
}

/// The bearer token of an API key: `sgk_<id>_<secret>`, where `<id>` is 16 hex digits and `<secret>` is 32 random
/// bytes in base64url. Only SHA-256(secret) is stored: the secret has 256 bits of entropy, so a slow password hash
/// would add nothing (decision 0400).
public struct APIKeyToken: Sendable, Hashable, CustomStringConvertible {
    public static let prefix = "sgk_"
    public var id: String
    public var secret: String

    /// A new random token.
    public static func generate() -> APIKeyToken {
        var rng = SystemRandomNumberGenerator()
        let idBytes = (0..<8).map { _ in UInt8.random(in: .min ... .max, using: &rng) }
        let secretBytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &rng) }
        let secret = Data(secretBytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        return APIKeyToken(id: LowerHex.encode(idBytes), secret: secret)
    }

    public init(id: String, secret: String) {
        self.id = id
        self.secret = secret
    }

    /// Parses `sgk_<id>_<secret>`; nil for anything else.
    public init?(parsing text: String) {
        guard text.hasPrefix(Self.prefix) else { return nil }
        let rest = text.dropFirst(Self.prefix.count)
        guard let separator = rest.firstIndex(of: "_") else { return nil }
        let id = rest[..<separator]
        let secret = rest[rest.index(after: separator)...]
        guard id.count == 16, id.allSatisfy({ $0.isHexDigit && !$0.isUppercase }),
            secret.count == 43, secret.allSatisfy({ $0.isLetter && $0.isASCII || $0.isNumber && $0.isASCII || $0 == "-" || $0 == "_" })
        else { return nil }
        self.init(id: String(id), secret: String(secret))
    }

    /// SHA-256 of the secret, as stored.
    public var secretHash: [UInt8] { Array(SHA256.hash(data: Array(secret.utf8))) }

    /// The token as the client sends it.
    public var description: String { Self.prefix + id + "_" + secret }
}
