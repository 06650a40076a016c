import Foundation
import Mustache
import Sigil

/// The readable form of the filing report (`sigil audit export`, `GET /v1/audit/export` with `Accept: text/html`):
/// the labeling-method statement in Chinese and English, then one table per section of the JSON report.
public struct AuditReportPage: Sendable {
    let template: MustacheTemplate

    public init() throws {
        template = try MustacheTemplate(string: try Resources.text("audit.mustache"))
    }

    /// The page for a report made by `AuditExport.build`.
    public func render(_ report: JSONValue) -> String {
        var sections: [[String: Any]] = []
        let titles: [(String, String)] = [
            ("labels", "标识 Labels"), ("verifications", "核验 Verifications"), ("accounts", "账户 Accounts"),
            ("generations", "生成授权 Generation decisions"), ("consents", "同意 Consents"), ("screening", "审核 Screening"),
            ("complaints", "投诉举报 Complaints"), ("refutations", "辟谣 Refutations"), ("agreements", "用户协议 Agreements"),
            ("log", "日志 Log"), ("audit", "审计 Audit trail"),
        ]
        for (key, title) in titles {
            guard let value = report[key] else { continue }
            var rows: [[String: String]] = []
            Self.flatten(value, prefix: "", into: &rows)
            sections.append(["title": title, "rows": rows, "empty": rows.isEmpty])
        }
        let method: [[String: String]] = {
            guard case .array(let items)? = report["labelingMethod"] else { return [] }
            return items.map { ["mark": Self.text($0["mark"]), "zh": Self.text($0["zh"]), "en": Self.text($0["en"])] }
        }()
        let model: [String: Any] = [
            "from": Self.text(report["period"]?["from"]), "to": Self.text(report["period"]?["to"]),
            "generatedAt": Self.text(report["generatedAt"]), "producer": Self.text(report["producer"]),
            "method": method, "sections": sections,
            "chainIntact": report["audit"]?["chainIntact"] == .bool(true),
        ]
        return template.render(model)
    }

    static func text(_ value: JSONValue?) -> String {
        switch value {
        case .string(let s)?: s
        case .number(let n)?: n
        case .bool(let b)?: b ? "yes" : "no"
        case .null?, nil: "—"
        default: value?.serialized ?? "—"
        }
    }

    /// Rows `path → value` for every leaf of `value`; arrays of objects become one row per item.
    static func flatten(_ value: JSONValue, prefix: String, into rows: inout [[String: String]]) {
        switch value {
        case .object(let members):
            for member in members { flatten(member.value, prefix: prefix.isEmpty ? member.key : prefix + " · " + member.key, into: &rows) }
        case .array(let items):
            if items.isEmpty { rows.append(["key": prefix, "value": "—"]) }
            for (index, item) in items.enumerated() {
                if case .object(let members) = item {
                    let line = members.map { "\($0.key): \(text($0.value))" }.joined(separator: ", ")
                    rows.append(["key": "\(prefix) [\(index + 1)]", "value": line])
                } else {
                    rows.append(["key": "\(prefix) [\(index + 1)]", "value": text(item)])
                }
            }
        default:
            rows.append(["key": prefix.isEmpty ? "value" : prefix, "value": text(value)])
        }
    }
}
