/// What a file says about itself, in the Measures Art. 6 tiers that platforms must show.
public enum Verdict: String, Sendable, Hashable, Codable, CaseIterable {
    /// A label with `Label` "1": the content is AI-generated (属于).
    case aiGenerated = "ai-generated"
    /// `Label` "2": possibly AI-generated (可能).
    case possiblyAIGenerated = "possibly-ai-generated"
    /// `Label` "3", or a label present whose tier cannot be read: suspected AI-generated (疑似).
    case suspectedAIGenerated = "suspected-ai-generated"
    /// No implicit label found.
    case noLabel = "no-label"

    /// Plain words for people, in English and Chinese.
    public var summary: (en: String, zh: String) {
        switch self {
        case .aiGenerated: ("This content is AI-generated.", "该内容为人工智能生成合成内容。")
        case .possiblyAIGenerated: ("This content may be AI-generated.", "该内容可能为人工智能生成合成内容。")
        case .suspectedAIGenerated: ("This content is suspected to be AI-generated.", "该内容疑似为人工智能生成合成内容。")
        case .noLabel: ("No AI-generation label was found.", "未发现人工智能生成合成内容标识。")
        }
    }
}

/// Whether the labels in a file conform to GB 45438-2025, in the four outcomes AigcTotal uses.
public enum Conformance: String, Sendable, Hashable, Codable {
    /// At least one label, and no error-level finding.
    case compliant
    /// A label breaks Annex E or 6.1 c).
    case noncompliant
    /// The container is damaged or ambiguous, so no firm answer can be given.
    case inconclusive
    /// No label and no damage.
    case notFound = "not-found"
}
