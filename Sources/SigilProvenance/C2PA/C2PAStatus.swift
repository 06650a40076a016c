/// One C2PA validation status (spec §15): a code such as `claimSignature.validated`, the JUMBF URL it concerns, and
/// an explanation.
public struct C2PAStatus: Sendable, Hashable, CustomStringConvertible {
    /// A C2PA status code.
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        public static let trusted = Code("signingCredential.trusted")
        public static let untrusted = Code("signingCredential.untrusted")
        public static let credentialInvalid = Code("signingCredential.invalid")
        public static let credentialExpired = Code("signingCredential.expired")
        public static let ocspSkipped = Code("signingCredential.ocsp.skipped")
        public static let signatureValidated = Code("claimSignature.validated")
        public static let signatureMismatch = Code("claimSignature.mismatch")
        public static let signatureMissing = Code("claimSignature.missing")
        public static let insideValidity = Code("claimSignature.insideValidity")
        public static let outsideValidity = Code("claimSignature.outsideValidity")
        public static let claimMissing = Code("claim.missing")
        public static let claimMultiple = Code("claim.multiple")
        public static let claimCBORInvalid = Code("claim.cbor.invalid")
        public static let claimMalformed = Code("claim.malformed")
        public static let hardBindingsMissing = Code("claim.hardBindings.missing")
        public static let multipleHardBindings = Code("assertion.multipleHardBindings")
        public static let hashedURIMatch = Code("assertion.hashedURI.match")
        public static let hashedURIMismatch = Code("assertion.hashedURI.mismatch")
        public static let assertionMissing = Code("assertion.missing")
        public static let assertionUndeclared = Code("assertion.undeclared")
        public static let assertionCBORInvalid = Code("assertion.cbor.invalid")
        public static let actionMalformed = Code("assertion.action.malformed")
        public static let dataHashMatch = Code("assertion.dataHash.match")
        public static let dataHashMismatch = Code("assertion.dataHash.mismatch")
        public static let dataHashMalformed = Code("assertion.dataHash.malformed")
        public static let bmffHashMatch = Code("assertion.bmffHash.match")
        public static let bmffHashMismatch = Code("assertion.bmffHash.mismatch")
        public static let bmffHashMalformed = Code("assertion.bmffHash.malformed")
        public static let collectionHashMatch = Code("assertion.collectionHash.match")
        public static let collectionHashMismatch = Code("assertion.collectionHash.mismatch")
        public static let collectionHashMalformed = Code("assertion.collectionHash.malformed")
        public static let collectionHashIncorrectFileCount = Code("assertion.collectionHash.incorrectFileCount")
        public static let collectionHashInvalidURI = Code("assertion.collectionHash.invalidURI")
        public static let boxesHashMatch = Code("assertion.boxesHash.match")
        public static let boxesHashMismatch = Code("assertion.boxesHash.mismatch")
        public static let boxesHashUnknownBox = Code("assertion.boxesHash.unknownBox")
        public static let timeStampValidated = Code("timeStamp.validated")
        public static let timeStampMismatch = Code("timeStamp.mismatch")
        public static let timeStampUntrusted = Code("timeStamp.untrusted")
        public static let timeStampMalformed = Code("timeStamp.malformed")
        public static let algorithmUnsupported = Code("algorithm.unsupported")
        public static let manifestInaccessible = Code("manifest.inaccessible")
        public static let manifestMultiple = Code("manifest.multipleStores")
        public static let ingredientManifestMissing = Code("ingredient.manifest.missing")
        public static let ingredientManifestMismatch = Code("ingredient.manifest.mismatch")
        public static let ingredientSignatureMismatch = Code("ingredient.claimSignature.mismatch")
        public static let updateInvalid = Code("manifest.update.invalid")
        public static let generalError = Code("general.error")
    }

    public var code: Code
    /// The JUMBF URL of the box concerned, when there is one.
    public var url: String?
    public var explanation: String

    public init(_ code: Code, url: String? = nil, _ explanation: String) {
        self.code = code
        self.url = url
        self.explanation = explanation
    }

    public var description: String { "\(code.rawValue): \(explanation)" }
}

/// A validation step that cannot go on, carrying the status code that names why.
public struct C2PAFailure: Error, Sendable, Hashable, CustomStringConvertible {
    public var code: C2PAStatus.Code
    public var explanation: String
    public init(_ code: C2PAStatus.Code, _ explanation: String) {
        self.code = code
        self.explanation = explanation
    }
    public var description: String { "\(code.rawValue): \(explanation)" }
}
