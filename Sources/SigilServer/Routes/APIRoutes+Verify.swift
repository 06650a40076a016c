import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Sigil
import SigilCompliance

extension APIRoutes {
    static let verifyOptions: Set<String> = ["decode"]

    /// `POST /v1/verify` (public, rate-limited per client address): the `sigil verify --json` report, with the
    /// record this log holds for the file and its proof status.
    func verify(_ request: Request, context: SigilRequestContext) async throws -> Response {
        try await rateLimit(request, context)
        let upload = try await Upload.read(request, limit: service.configuration.maxBodyBytes)
        try upload.options.check(known: Self.verifyOptions)
        let (report, check) = try await verifyUpload(upload.bytes, decode: try upload.options.bool("decode") ?? true)
        return Self.json(report.json(file: upload.filename).appending(check.jsonMembers + DevelopmentKeys.jsonMembers(report.c2pa?.signer)))
    }

    /// Verifies bytes on a worker and checks the record in this log (shared by the API and the page).
    func verifyUpload(_ bytes: [UInt8], decode: Bool) async throws -> (VerificationReport, RecordCheck) {
        var verifier = service.verifier
        verifier.options.decodePixels = decode
        let report = try await work { [verifier] in try verifier.verify(bytes) }
        let check = await RecordCheck.check(
            bytes: bytes, produceID: report.label?.produceID, proof: nil, keeper: service.keeper, verifiers: [], keystore: nil,
            perceptualHash: report.perceptualHash)
        service.metrics.verified(verdict: report.verdict.rawValue)
        try? await service.compliance.tally.count(verdict: report.verdict.rawValue)
        return (report, check)
    }
}
