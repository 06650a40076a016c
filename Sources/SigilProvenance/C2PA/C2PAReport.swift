import Foundation

/// What ``C2PAValidator`` found: the state, every status code (success, informational, failure, as c2pa-rs reports
/// them), who signed and what the manifest says the content is.
public struct C2PAReport: Sendable {
    /// The overall verdict.
    public enum State: String, Sendable, Hashable, CaseIterable {
        /// Valid, and the signer chains to a configured trust anchor.
        case valid
        /// Cryptographically valid; the only failure is `signingCredential.untrusted`.
        case validUntrustedSigner = "valid-untrusted-signer"
        /// Any other failure: tampered content, bad signature, invalid or expired credential, malformed manifest.
        case invalid
        /// No manifest store in the asset.
        case absent
    }

    /// The signer certificate, as a verifier shows it.
    public struct Signer: Sendable, Hashable {
        public var commonName: String?
        public var organization: String?
        /// The issuer's organisation (or common name).
        public var issuer: String?
        public var serialNumber: String
        /// The COSE algorithm, e.g. `ES256`.
        public var algorithm: String?
        public var notBefore: Date
        public var notAfter: Date
        /// The leaf's SubjectPublicKeyInfo DER (to match a signed AIGC label's key).
        public var publicKeySPKI: [UInt8]
        /// The time from a valid time-stamp token, when there is one.
        public var timeStamp: Date?
    }

    public var state: State
    public var success: [C2PAStatus] = []
    public var informational: [C2PAStatus] = []
    public var failure: [C2PAStatus] = []
    /// Where the store sits in the asset.
    public var location: String?
    public var activeManifest: String?
    public var manifestCount = 0
    public var claimVersion: Int?
    public var claimGenerator: String?
    public var title: String?
    public var signer: Signer?
    /// The `digitalSourceType` of the first `c2pa.created` action (or of the first action that has one).
    public var digitalSourceType: String?
    /// Every action as `(action, digitalSourceType)`.
    public var actions: [(action: String, digitalSourceType: String?)] = []
    /// The labels of the active manifest's assertions.
    public var assertionLabels: [String] = []
    /// The GB 45438 label carried in the ``AIGCAssertion``, when the manifest has one.
    public var aigcLabel: AIGCLabel?
    /// A reader error that stopped validation early (malformed store, unreadable container).
    public var error: String?

    init(state: State) {
        self.state = state
    }

    /// The failure codes, in order, without duplicates.
    public var failureCodes: [String] {
        var seen: Set<String> = []
        return failure.map(\.code.rawValue).filter { seen.insert($0).inserted }
    }

    /// The failures other than `signingCredential.untrusted`: what makes a manifest invalid.
    public var hardFailures: [C2PAStatus] { failure.filter { $0.code != .untrusted } }

    /// Every code, success then informational then failure.
    public var codes: [String] { (success + informational + failure).map(\.code.rawValue) }

    /// Adds a failure found outside the manifest (e.g. a label that disagrees with it) and settles the state again.
    public mutating func addFailure(_ status: C2PAStatus) {
        failure.append(status)
        if state != .absent { settle() }
    }

    /// Settles ``state`` from the statuses.
    mutating func settle() {
        if !hardFailures.isEmpty || error != nil {
            state = .invalid
        } else if success.contains(where: { $0.code == .trusted }) {
            state = .valid
        } else {
            state = .validUntrustedSigner
        }
    }

    /// The report as ordered JSON (the `c2pa` member of `sigil verify --json`).
    public var json: JSONValue {
        func statuses(_ list: [C2PAStatus]) -> JSONValue {
            .array(
                list.map { s in
                    var members: [JSONValue.Member] = [.init("code", .string(s.code.rawValue))]
                    if let url = s.url { members.append(.init("url", .string(url))) }
                    members.append(.init("explanation", .string(s.explanation)))
                    return .object(members)
                })
        }
        var members: [JSONValue.Member] = [
            .init("state", .string(state.rawValue)),
            .init("codes", .array(failureCodes.map { .string($0) })),
        ]
        if let signer {
            var s: [JSONValue.Member] = []
            s.append(.init("commonName", .optional(signer.commonName)))
            s.append(.init("organization", .optional(signer.organization)))
            s.append(.init("issuer", .optional(signer.issuer)))
            s.append(.init("serialNumber", .string(signer.serialNumber)))
            s.append(.init("algorithm", .optional(signer.algorithm)))
            s.append(.init("notBefore", .string(C2PASigner.rfc3339(signer.notBefore))))
            s.append(.init("notAfter", .string(C2PASigner.rfc3339(signer.notAfter))))
            s.append(.init("timeStamp", .optional(signer.timeStamp.map(C2PASigner.rfc3339))))
            members.append(.init("signer", .object(s)))
        } else {
            members.append(.init("signer", .null))
        }
        members.append(.init("digitalSourceType", .optional(digitalSourceType)))
        members.append(.init("activeManifest", .optional(activeManifest)))
        members.append(.init("manifestCount", .int(manifestCount)))
        members.append(.init("claimGenerator", .optional(claimGenerator)))
        members.append(.init("location", .optional(location)))
        members.append(.init("aigc", aigcLabel.map { (try? JSONValue.parse($0.json)) ?? .null } ?? .null))
        if let error { members.append(.init("error", .string(error))) }
        members.append(.init("success", statuses(success)))
        members.append(.init("informational", statuses(informational)))
        members.append(.init("failure", statuses(failure)))
        return .object(members)
    }
}
