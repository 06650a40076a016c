import Foundation
import SigilStore

/// A user account bound to a verified real identity (DSP Art. 9). Personal data is held encrypted; an account
/// shows only masked forms.
public struct Account: Sendable, Hashable {
    /// An individual (resident identity number) or an organisation (Unified Social Credit Code).
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case individual
        case organization
    }

    /// Where the account is in real-name verification.
    public enum Status: String, Sendable, Hashable, CaseIterable {
        /// Registered, not yet verified: refused generation and labeling.
        case pending
        /// Identity verified: may generate.
        case verified
        /// Verification failed or a reviewer rejected it.
        case rejected
        /// Suspended by an admin (DSP Art. 10 sanctions): refused until reinstated.
        case suspended
    }

    /// What the identity-verification service said.
    public enum IdentityCheck: String, Sendable, Hashable {
        /// No service configured, or it could not answer: a reviewer decides.
        case manualReview = "manual-review"
        /// The service matched name and number.
        case matched
        /// The service found they do not match.
        case mismatched
    }

    public var id: String
    public var kind: Kind
    public var status: Status
    public var nameMasked: String
    public var phoneMasked: String
    public var identityMasked: String
    public var identityCheck: IdentityCheck
    /// When the phone number was confirmed by a one-time code.
    public var phoneConfirmedAt: RecordTime?
    /// Why the status is what it is (a reviewer's note, the service's reason).
    public var statusReason: String?
    public var createdAt: RecordTime
    public var updatedAt: RecordTime

    /// Why the account may not generate, or nil when it may.
    public var refusal: String? {
        switch status {
        case .verified: nil
        case .pending: "account \(id) is pending real-name verification (DSP Art. 9); it may not generate or label until verified"
        case .rejected: "account \(id) failed real-name verification (DSP Art. 9)" + (statusReason.map { ": \($0)" } ?? "")
        case .suspended: "account \(id) is suspended" + (statusReason.map { ": \($0)" } ?? "")
        }
    }

    public var json: JSONValue {
        var members: [JSONValue.Member] = [
            .init("id", .string(id)), .init("kind", .string(kind.rawValue)), .init("status", .string(status.rawValue)),
            .init("name", .string(nameMasked)), .init("phone", .string(phoneMasked)),
            .init(kind == .individual ? "idNumber" : "uscc", .string(identityMasked)),
            .init("identityCheck", .string(identityCheck.rawValue)),
            .init("phoneConfirmed", .bool(phoneConfirmedAt != nil)),
        ]
        if let statusReason { members.append(.init("statusReason", .string(statusReason))) }
        members.append(.init("createdAt", .string(createdAt.description)))
        members.append(.init("updatedAt", .string(updatedAt.description)))
        return .object(members)
    }
}

/// What someone submits to open an account, checked field by field.
public struct AccountApplication: Sendable, Hashable {
    public var kind: Account.Kind
    public var name: String
    public var phone: MobileNumber
    /// The resident identity number (individuals) or USCC (organisations).
    public var identity: String

    /// Checks a submission.
    ///
    /// - Throws: ``FieldError`` naming the first bad field: `kind`, `name`, `phone`, `idNumber` or `uscc`.
    public init(kind: String?, name: String?, phone: String?, idNumber: String?, uscc: String?) throws {
        guard let kindText = kind else { throw FieldError("kind", "is required: individual or organization") }
        guard let kind = Account.Kind(rawValue: kindText) else {
            throw FieldError("kind", "must be individual or organization, not \"\(kindText.prefix(40))\"")
        }
        self.kind = kind
        self.name = try TextField.require(name, field: "name", limit: 128)
        guard let phone else { throw FieldError("phone", "is required") }
        self.phone = try MobileNumber(phone)
        switch kind {
        case .individual:
            guard uscc == nil else { throw FieldError("uscc", "an individual account takes idNumber, not uscc") }
            guard let idNumber else { throw FieldError("idNumber", "is required for an individual account") }
            identity = try ResidentIDNumber(idNumber).rawValue
        case .organization:
            guard idNumber == nil else { throw FieldError("idNumber", "an organization account takes uscc, not idNumber") }
            guard let uscc else { throw FieldError("uscc", "is required for an organization account") }
            let code = uscc.trimmingCharacters(in: .whitespaces).uppercased()
            do {
                try USCC.validate(code)
            } catch let error as SigilError {
                throw FieldError("uscc", "the Unified Social Credit Code does not pass GB 32100: it must " + error.message)
            }
            identity = code
        }
    }

    /// The identity number masked for display.
    public var identityMasked: String { Masking.keepEnds(identity, head: 4, tail: 4) }
    /// The field name of the identity number.
    public var identityField: String { kind == .individual ? "idNumber" : "uscc" }
}
