import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Sigil
import SigilAccess

extension APIRoutes {
    static let propagateOptions: Set<String> = ["declared", "propagateID", "decode"]

    /// `POST /v1/propagate` (scope `propagate`): Labeling Measures Art. 6 for a platform. Reads the labels, decides
    /// the tier (1 valid producer label, 2 uploader's declaration, 3 detected traces), writes `ContentPropagator`
    /// (the key's provider code), `PropagateID` and a signed `ReservedCode2` into the one label, and returns the
    /// file with the notice the platform must show.
    func propagate(_ request: Request, context: SigilRequestContext) async throws -> Response {
        let key = try context.requireAPIKey()
        guard let code = key.providerCode else {
            throw APIError.forbidden(
                "the key \(key.id) has no provider code to write as ContentPropagator; create a propagate key with --provider-code")
        }
        let platform = try ProviderCode(code)
        let upload = try await Upload.read(request, limit: service.configuration.maxBodyBytes)
        let options = upload.options
        try options.check(known: Self.propagateOptions)
        let propagateRequest = Propagator.Request(
            platform: platform, propagateID: options.string("propagateID"), userDeclaresAI: try options.bool("declared") ?? false)
        if let id = propagateRequest.propagateID { try ProduceID.validate(id) }
        var verifier = service.verifier
        verifier.options.decodePixels = try options.bool("decode") ?? true
        let propagator = Propagator(verifier: verifier, signer: LabelSigner(keys: service.provenanceKeys, algorithm: .sm2))
        let bytes = upload.bytes
        let outcome = try await work { try propagator.propagate(bytes, request: propagateRequest) }
        service.metrics.propagated(label: outcome.label?.label.rawValue ?? "none")

        var headers: HTTPFields = [.sigilLabel: outcome.label?.label.rawValue ?? "none", .sigilBasis: outcome.basis.rawValue]
        if let label = outcome.label { headers[.sigilPropagateID] = label.propagateID }
        if let notice = outcome.notice {
            headers[.sigilNotice] = notice.en
            headers[.sigilNoticeZh] = notice.zh.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        }
        guard Self.wantsJSON(request) else {
            return Self.file(outcome.bytes, format: outcome.received.format, headers: headers)
        }
        return Self.json(
            .object([
                .init("label", outcome.label.map { (try? JSONValue.parse($0.json)) ?? .null } ?? .null),
                .init("basis", .string(outcome.basis.rawValue)),
                .init("reasons", .array(outcome.reasons.map { .string($0) })),
                .init("notice", outcome.notice.map { .object(["zh": .string($0.zh), "en": .string($0.en)]) } ?? .null),
                .init(
                    "received",
                    .object([
                        "verdict": .string(outcome.received.verdict.rawValue), "conformance": .string(outcome.received.conformance.rawValue),
                    ])),
                .init("file", .string(Data(outcome.bytes).base64EncodedString())),
            ]), headers: headers)
    }
}
