import Foundation
import SQLKit
import SigilStore

/// What a filing (DSP Art. 19) or security assessment (Art. 20; Labeling Measures Art. 12) asks of a provider for a
/// period: the labeling-method statement and the statistics — labels by kind, verifications, accounts, generation
/// decisions, consents, screening hits, complaints and their handling times, refutations, opt-outs, the log's
/// checkpoints and the audit trail's integrity.
public struct AuditExport: Sendable {
    /// The period's first instant.
    public var from: RecordTime
    /// The instant after the period.
    public var to: RecordTime

    public init(from: RecordTime, to: RecordTime) throws {
        guard from < to else { throw SigilError(.usage, "the export period is empty: --from \(from) is not before --to \(to)") }
        self.from = from
        self.to = to
    }

    /// The audit action of a server started with `--no-duties`.
    public static let dutiesOffAction = "server.duties-off"

    /// Builds the report as JSON.
    public func build(log: LogStore, compliance: ComplianceService, producer: String, generatedAt: RecordTime = .now()) async throws -> JSONValue {
        let labels = try await labelStatistics(log)
        let checkpoint = try await checkpoints(log)
        let auditProblems = try await compliance.audit.verify()
        let actions = try await compliance.audit.counts(from: from, to: to)
        return .object([
            .init("report", .string("Sigil labeling and provider-duties report")),
            .init("period", .object([.init("from", .string(from.description)), .init("to", .string(to.description))])),
            .init("generatedAt", .string(generatedAt.description)),
            .init("producer", .string(producer)),
            .init("log", .object([.init("origin", .string(log.origin))] + checkpoint)),
            .init("labelingMethod", Self.statement(producer: producer)),
            .init(
                "duties",
                .object([
                    .init("serverStartsWithoutDuties", .int(actions[Self.dutiesOffAction] ?? 0)),
                    .init(
                        "note",
                        .string(
                            "A server started with --no-duties labels without checking a generation (account, consent, screening); each such start is an audit event \(Self.dutiesOffAction)."
                        )),
                ])),
            .init("labels", labels),
            .init("verifications", try await compliance.counters.verifications(from: from, to: to)),
            .init("accounts", .object(try await compliance.accounts.counts().sorted { $0.key < $1.key }.map { .init($0.key, .int($0.value)) })),
            .init("generations", try await compliance.generations.statistics(from: from, to: to)),
            .init("consents", try await compliance.consents.statistics(from: from, to: to)),
            .init("screening", try await compliance.screening.statistics(from: from, to: to)),
            .init("complaints", try await compliance.complaints.statistics(from: from, to: to)),
            .init("refutations", .int(try await compliance.complaints.refutationCount(from: from, to: to))),
            .init("agreements", .array(try await compliance.agreements.list())),
            .init(
                "audit",
                .object([
                    .init("events", .int(actions.values.reduce(0, +))),
                    .init("byAction", .object(actions.sorted { $0.key < $1.key }.map { .init($0.key, .int($0.value)) })),
                    .init("chainIntact", .bool(auditProblems.isEmpty)),
                    .init("problems", .array(auditProblems.map(JSONValue.string))),
                ])),
        ])
    }

    /// Labels logged in the period: total, by mark, by service category, and explicit-label opt-outs by agreement.
    func labelStatistics(_ log: LogStore) async throws -> JSONValue {
        let (from, to) = (self.from, self.to)
        let location = log.database.location
        let entries: [[UInt8]] = try await log.database.withConnection { db in
            try await StoreFailure.wrap("read log entries", location) {
                try await db.raw(
                    "SELECT entry FROM log_entries WHERE logged_at >= \(bind: from.milliseconds) AND logged_at < \(bind: to.milliseconds) ORDER BY idx"
                )
                .all().map { [UInt8](try $0.decode(column: "entry", as: Data.self)) }
            }
        }
        var byMark: [String: Int] = [:]
        var byCategory: [String: Int] = [:]
        var optOuts: [String: Int] = [:]
        var unreadable = 0
        for entry in entries {
            guard let record = try? GenerationRecord(entry: entry) else {
                unreadable += 1
                continue
            }
            for mark in record.marks { byMark[mark, default: 0] += 1 }
            byCategory[record.serviceCategory.rawValue, default: 0] += 1
            if let optOut = record.explicitLabelOptOut { optOuts[optOut.agreementVersion, default: 0] += 1 }
        }
        func counts(_ map: [String: Int]) -> JSONValue { .object(map.sorted { $0.key < $1.key }.map { .init($0.key, .int($0.value)) }) }
        return .object([
            .init("total", .int(entries.count)), .init("byMark", counts(byMark)), .init("byServiceCategory", counts(byCategory)),
            .init("explicitLabelOptOuts", .object([.init("total", .int(optOuts.values.reduce(0, +))), .init("byAgreement", counts(optOuts))])),
            .init("unreadableEntries", .int(unreadable)),
        ])
    }

    /// The newest checkpoint signed before the period ended, and how many were signed in it.
    func checkpoints(_ log: LogStore) async throws -> [JSONValue.Member] {
        let (from, to) = (self.from, self.to)
        let location = log.database.location
        return try await log.database.withConnection { db in
            try await StoreFailure.wrap("read checkpoints", location) {
                let inPeriod =
                    try await db.raw(
                        "SELECT COUNT(*) AS n FROM log_checkpoints WHERE signed_at >= \(bind: from.milliseconds) AND signed_at < \(bind: to.milliseconds)"
                    )
                    .first()?.decode(column: "n", as: Int64.self) ?? 0
                var members: [JSONValue.Member] = [.init("checkpointsSigned", .number(String(inPeriod)))]
                if let row = try await db.raw(
                    "SELECT size, signed_at, note FROM log_checkpoints WHERE signed_at < \(bind: to.milliseconds) ORDER BY size DESC LIMIT 1"
                ).first() {
                    members.append(
                        .init(
                            "latestCheckpoint",
                            .object([
                                .init("size", .number(String(try row.decode(column: "size", as: Int64.self)))),
                                .init("signedAt", .string(RecordTime(milliseconds: try row.decode(column: "signed_at", as: Int64.self)).description)),
                                .init("note", .string(try row.decode(column: "note", as: String.self))),
                            ])))
                }
                return members
            }
        }
    }

    /// The labeling-method statement (Labeling Measures Arts. 8 and 12), in Chinese and English, generated from the
    /// rules the labeler and the service enforce (``LabelingRules/enforced``): each mark says whether it is always
    /// written or added on request, and the opt-out item names the mark and the categories that keep it.
    public static func statement(producer: String, rules: LabelingRules = .enforced) -> JSONValue {
        let descriptions: [String: (zh: String, en: String)] = [
            "explicit": (
                "显式标识：图像角落或边缘添加含“AI生成”字样的可见文字，文字高度不低于图像最短边的5%（GB 45438-2025 第5.2条）。",
                "Explicit label: visible text containing “AI生成” at a corner or edge of the image, its ink at least 5 % of the shortest side (GB 45438-2025 §5.2)."
            ),
            "implicit": (
                "隐式标识：文件元数据中写入 AIGC 字段（TC260 XMP 命名空间），含内容属性、服务提供者编码 \(producer) 与内容编号（GB 45438-2025 第6.1条、附录E）。",
                "Implicit label: the AIGC field in the file metadata (TC260 XMP namespace) with the content attribute, provider code \(producer) and content ID (GB 45438-2025 §6.1, Annex E)."
            ),
            "watermark": (
                "数字水印：不可见、带密钥的鲁棒水印，携带与内容编号关联的64位载荷，经压缩、缩放、裁剪后仍可检测（《标识办法》第5条鼓励）。",
                "Watermark: an invisible, keyed, robust watermark carrying a 64-bit payload linked to the content ID, detectable after compression, resizing and cropping (encouraged by Measures Art. 5)."
            ),
            "c2pa": (
                "内容凭证：以服务提供者密钥签名的 C2PA 清单，记录生成声明与内容哈希。",
                "Content Credentials: a C2PA manifest signed with the provider's key, stating the generation and binding the content hash."
            ),
        ]
        var items: [JSONValue] = []
        for mark in rules.mandatoryMarks + rules.optionalMarks {
            guard let text = descriptions[mark] else { continue }
            let mandatory = rules.mandatoryMarks.contains(mark)
            let zh = (mandatory ? "【每个生成文件必须写入，请求不能取消】" : mark == rules.optOutMark ? "【默认写入；仅可按下述条件免除】" : "【按请求添加】") + text.zh
            let en =
                (mandatory
                    ? "[Written on every generated file; no request can drop it] "
                    : mark == rules.optOutMark ? "[Written by default; left out only as stated below] " : "[Added on request] ") + text.en
            items.append(
                .object([.init("mark", .string(mark)), .init("mandatory", .bool(mandatory)), .init("zh", .string(zh)), .init("en", .string(en))]))
        }
        items.append(
            .object([
                .init("mark", .string("records")), .init("mandatory", .bool(true)),
                .init("zh", .string("生成记录：每次生成写入仅可追加的 Merkle 透明日志，签名检查点与证明可供任何人核验；账户以假名标签记录。")),
                .init(
                    "en",
                    .string(
                        "Records: each generation is appended to an append-only Merkle transparency log whose signed checkpoints and proofs anyone can check; accounts appear as pseudonymous tags."
                    )),
            ]))
        let kept = rules.mandatoryMarks.joined(separator: ", ")
        let refused = rules.optOutRefusedFor.joined(separator: ", ")
        items.append(
            .object([
                .init("mark", .string("optOut")), .init("mandatory", .bool(false)),
                .init(
                    "zh",
                    .string(
                        "用户申请不含\(rules.optOutMark == "explicit" ? "显式标识" : rules.optOutMark)的内容时，须在已发布的用户协议版本下提出并记录接收方；协议版本与接收方记入日志并保存不少于六个月；\(kept)标识始终保留；\(refused)类服务（人脸、声音编辑）不予免除（《标识办法》第9条，《深度合成规定》第17条）。"
                    )),
                .init(
                    "en",
                    .string(
                        "A user's request for content without the \(rules.optOutMark) label is accepted only under a published agreement version with the recipient named; both are logged and kept at least six months; the \(kept) label always stays; it is refused for \(refused) edits (Measures Art. 9, DSP Art. 17)."
                    )),
            ]))
        return .array(items)
    }
}
