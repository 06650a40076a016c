import Foundation
import Mustache
import Sigil
import SigilContainers

/// The public verify page: one Mustache template, rendered with a plain-words model of a ``VerificationReport`` and
/// its ``RecordCheck``, in Chinese and English.
struct VerifyPage: Sendable {
    let template: MustacheTemplate
    /// The published complaint deadline, shown beside the form.
    let responseDays: Int

    init(responseDays: Int) throws {
        template = try MustacheTemplate(string: try Resources.text("index.mustache"))
        self.responseDays = responseDays
    }

    func render(result: [String: Any]? = nil, error: String? = nil, receipt: [String: Any]? = nil, reportError: String? = nil) -> String {
        var model: [String: Any] = ["responseDays": responseDays, "accept": MediaRegistry.standard.mimeTypes.joined(separator: ",")]
        if let result { model["result"] = result }
        if let error { model["error"] = ["message": error] }
        if let receipt { model["receipt"] = receipt }
        if let reportError { model["reportError"] = ["message": reportError] }
        return template.render(model)
    }

    /// The template's model of a report.
    static func model(report: VerificationReport, check: RecordCheck, filename: String?) -> [String: Any] {
        let verdictClass =
            switch report.verdict {
            case .aiGenerated: "ai"
            case .possiblyAIGenerated: "possibly"
            case .suspectedAIGenerated: "suspected"
            case .noLabel: "none"
            }
        let labels: [[String: Any]] = report.sites.map { site in
            [
                "location": site.carrier.location,
                "fields": site.payload.fields.map { ["key": $0.key, "value": $0.value ?? "—"] },
                "findings": site.findings.map { ["severity": $0.severity.rawValue, "message": $0.message] },
            ]
        }
        var explicit = "没有记录 · none recorded"
        if let e = report.explicit {
            let state =
                switch e.intact {
                case true?: "完好 · intact"
                case false?: "已被改动 · altered or removed"
                case nil: "未检查 · not checked"
                }
            explicit = "「\(e.record.painted.text)」 \(e.record.painted.position.rawValue) — \(state)"
        }
        var watermark = "未检测到 · not detected"
        if let w = report.watermark, w.detection.detected {
            watermark = "检测到 · detected" + (w.detection.payload.map { ", payload \(String($0, radix: 16))" } ?? "")
            if let matches = w.matchesProduceID {
                watermark += matches ? "; 与 ProduceID 一致 · matches the ProduceID" : "; 与 ProduceID 不一致 · does not match the ProduceID"
            }
        }
        var c2pa = "无 · none"
        if let r = report.c2pa, r.manifestCount > 0 {
            let state =
                switch r.state {
                case .valid: "有效 · valid"
                case .validUntrustedSigner: "签名有效，签名者不在信任列表 · valid, signer not in the trust list"
                default: "无效 · INVALID (" + r.failureCodes.joined(separator: ", ") + ")"
                }
            c2pa =
                state + (r.signer?.commonName.map { " — \($0)" } ?? "")
                + (r.digitalSourceType.map { " — \($0.split(separator: "/").last.map(String.init) ?? $0)" } ?? "")
        }
        var integrity = "无 · none"
        if let i = report.integrity, i.state != .absent {
            integrity = "\(i.state.rawValue)" + (i.algorithm.map { " (\($0))" } ?? "") + (i.reason.isEmpty ? "" : " — \(i.reason)")
        }
        var record = "本日志中没有 · not in this log"
        if let (index, r) = check.record {
            record = "#\(index), \(r.serviceCategory.rawValue), \(r.time)"
            if let same = check.sha256Matches { record += same ? " — 同一文件 · same bytes" : " — 文件已被改动 · bytes differ" }
        } else if let lookupError = check.lookupError {
            record += " (\(lookupError))"
        }
        let proof: String =
            switch check.proofStatus {
            case .valid: "有效 · valid — entry \(check.proofIndex ?? 0) in the checkpoint of \(check.checkpoint?.size ?? 0)"
            case .invalid(let reason): "无效 · INVALID — \(reason)"
            case .unverifiable(let reason): "无法检查 · not checked — \(reason)"
            case .absent: "无 · none"
            }
        return [
            "verdict": report.verdict.rawValue, "verdictClass": verdictClass,
            "summaryZh": report.verdict.summary.zh, "summaryEn": report.verdict.summary.en,
            "conformance": report.conformance.rawValue, "format": report.format?.displayName ?? "?",
            "filename": filename ?? "upload",
            "labels": labels,
            "findings": report.findings.map { ["severity": $0.severity.rawValue, "message": $0.message] },
            "explicit": explicit, "watermark": watermark, "c2pa": c2pa, "integrity": integrity,
            "record": record, "proof": proof,
        ]
    }
}
