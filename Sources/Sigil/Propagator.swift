import Foundation

/// What a platform that passes content on must do to it (Labeling Measures Art. 6): read the labels, decide the
/// tier, write its own propagation fields into the file's one implicit label, and tell the platform which notice
/// to show next to the content.
///
/// - Label "1" (is AI-generated): the file carries a valid producer label (the tier of an earlier valid label is
///   kept, so a "2" or "3" a previous platform wrote is not upgraded).
/// - Label "2" (may be): no valid label, but the uploader declares the content AI-generated.
/// - Label "3" (suspected): no valid label and no declaration, but Sigil finds traces — its keyed watermark, a C2PA
///   manifest, Sigil's visible-label record, or a damaged AIGC label.
/// - Otherwise nothing is written and the file comes back unchanged.
///
/// The write keeps GB 45438 6.1 c): the existing label is updated in place (``LabelWriter``), never duplicated.
public struct Propagator: Sendable {
    /// Why a tier was chosen.
    public enum Basis: String, Sendable, Hashable {
        /// The producer's valid implicit label.
        case producerLabel = "producer-label"
        /// The uploader's declaration.
        case userDeclaration = "user-declaration"
        /// Traces Sigil detected.
        case detectedTraces = "detected-traces"
        /// Nothing: no label, no declaration, no trace.
        case none
    }

    /// One request.
    public struct Request: Sendable, Hashable {
        /// The platform's own provider code (`ContentPropagator`).
        public var platform: ProviderCode
        /// The platform's ID for this content (`PropagateID`); generated when nil.
        public var propagateID: String?
        /// Whether the uploader declared the content AI-generated.
        public var userDeclaresAI: Bool

        public init(platform: ProviderCode, propagateID: String? = nil, userDeclaresAI: Bool = false) {
            self.platform = platform
            self.propagateID = propagateID
            self.userDeclaresAI = userDeclaresAI
        }
    }

    /// The notice the platform must show around the content, in both languages.
    public struct Notice: Sendable, Hashable {
        public var zh: String
        public var en: String
    }

    /// What was done.
    public struct Outcome: Sendable {
        /// The file: labeled, or unchanged when ``basis`` is `.none`.
        public var bytes: [UInt8]
        /// The label written (nil when nothing was written).
        public var label: AIGCLabel?
        /// Why.
        public var basis: Basis
        /// Human-readable reasons (the traces found, or why the existing label was not valid).
        public var reasons: [String]
        /// The notice to show; nil when there is nothing to show.
        public var notice: Notice?
        /// The report on the file as received.
        public var received: VerificationReport
    }

    /// `ContentProducer` written when no producer can be read from the file (decision 0401).
    public static let unknownProducer = "UNKNOWN"

    public let verifier: Verifier
    /// Signs `ReservedCode2` (the propagator's integrity data); nil leaves it empty.
    public let signer: LabelSigner?

    public init(verifier: Verifier, signer: LabelSigner? = nil) {
        self.verifier = verifier
        self.signer = signer
    }

    /// Propagates one file.
    ///
    /// - Throws: ``SigilError`` for bytes of a format the registry does not know or cannot label; `.invalidLabel` for a
    ///   PropagateID outside Annex E j).
    public func propagate(_ bytes: [UInt8], request: Request) throws -> Outcome {
        let report = try verifier.verify(bytes)
        guard let format = report.format, verifier.options.registry.handler(for: format) is any LabelWriting else {
            throw SigilError(
                .unsupportedFormat, "\(report.format?.displayName ?? "this") files can be verified but not labeled; propagation writes a label")
        }
        let propagateID = request.propagateID ?? ProduceID.generate()
        try ProduceID.validate(propagateID)

        let valid = report.label != nil && report.conformance == .compliant && report.integrity?.state != .invalid
        let traces = Self.traces(in: report)
        let value: LabelValue
        let basis: Basis
        var reasons: [String] = []
        if valid, let existing = report.label {
            value = existing.label
            basis = .producerLabel
            reasons.append("the file carries a valid implicit label from \(existing.contentProducer) (Label \(existing.label.rawValue))")
        } else if request.userDeclaresAI {
            value = .possiblyAIGenerated
            basis = .userDeclaration
            reasons.append("no valid implicit label; the uploader declared the content AI-generated")
        } else if !traces.isEmpty {
            value = .suspectedAIGenerated
            basis = .detectedTraces
            reasons += traces
        } else {
            return Outcome(
                bytes: bytes, label: nil, basis: .none, reasons: ["no implicit label, no declaration and no generation trace found"], notice: nil,
                received: report)
        }
        if !valid, report.label != nil {
            reasons.append("the existing label is not valid (\(report.conformance.rawValue)); it is rewritten in place")
        }

        // Keep the producer's fields when they are readable and within Annex E j); else say the producer is unknown.
        let existing = report.label
        let producer = existing.map(\.contentProducer).flatMap(Self.writable) ?? Self.unknownProducer
        let produceID = existing.map(\.produceID).flatMap(Self.writable) ?? propagateID
        var label = AIGCLabel(
            label: value, contentProducer: producer, produceID: produceID,
            reservedCode1: valid ? existing?.reservedCode1 ?? "" : "",
            contentPropagator: request.platform.rawValue, propagateID: propagateID, reservedCode2: "")
        try label.validateForWriting()
        if let signer {
            label.reservedCode2 = try signer.sign(label, role: .propagator, content: MemoryByteSource(bytes), registry: verifier.options.registry)
        }
        let written = try LabelWriter.write(LabelAssignment(label), into: bytes, registry: verifier.options.registry)
        let summary = value.verdict.summary
        return Outcome(bytes: written, label: label, basis: basis, reasons: reasons, notice: Notice(zh: summary.zh, en: summary.en), received: report)
    }

    /// Generation traces in a report, in words.
    static func traces(in report: VerificationReport) -> [String] {
        var found: [String] = []
        if let watermark = report.watermark, watermark.detection.detected {
            found.append(
                "Sigil's invisible watermark was detected (payload \(watermark.detection.payload.map { String($0, radix: 16) } ?? "unreadable"))")
        }
        if let c2pa = report.c2pa, c2pa.manifestCount > 0 {
            found.append("a C2PA manifest is embedded" + (c2pa.digitalSourceType.map { " (digital source type \($0))" } ?? ""))
        }
        if let explicit = report.explicit, explicit.intact != false {
            found.append("a visible AI label (「\(explicit.record.painted.text)」) is recorded in the file")
        }
        if !report.sites.isEmpty, report.label == nil || report.conformance != .compliant {
            found.append("a damaged or non-conformant AIGC label is present")
        }
        return found
    }

    static func writable(_ value: String) -> String? {
        value.isEmpty || AnnexECharset.firstViolation(in: value) != nil ? nil : value
    }
}
