import Foundation

/// A compiled library: screens text and images against every rule and says which hit and what to do.
public struct Screener: Sendable {
    /// One rule that matched.
    public struct Hit: Sendable, Hashable {
        /// The rule's index in the library.
        public var rule: Int
        public var kind: ScreeningRule.Kind
        public var category: String
        public var action: ScreeningRule.Action
        /// The phrase or regex that matched, or the blocked image hash.
        public var pattern: String
        /// For image hashes, the Hamming distance found.
        public var distance: Int?
    }

    /// The library's version in the store (0 for an empty, uninstalled library).
    public let version: Int
    /// The library's digest.
    public let digest: String
    public let library: ScreeningLibrary
    private let normalizer = TextNormalizer()
    private let phrases: PhraseMatcher
    private let phraseRules: [Int]
    private let regexes: [(rule: Int, expression: RegularExpression)]
    private let imageHashes: [(rule: Int, hash: UInt64, distance: Int)]
    /// The longest phrase, in normalised scalars: how much earlier text a stream's screen keeps (``StreamScreen``).
    public let longestPhrase: Int

    /// Compiles `library`.
    public init(library: ScreeningLibrary, version: Int) {
        self.library = library
        self.version = version
        digest = library.digest
        var phraseList: [[Unicode.Scalar]] = []
        var phraseRules: [Int] = []
        var regexes: [(Int, RegularExpression)] = []
        var hashes: [(Int, UInt64, Int)] = []
        let normalizer = TextNormalizer()
        for (index, rule) in library.rules.enumerated() {
            switch rule.kind {
            case .phrase:
                phraseList.append(normalizer.normalize(rule.pattern))
                phraseRules.append(index)
            case .regex:
                if let expression = try? NSRegularExpression(pattern: rule.pattern, options: [.caseInsensitive]) {
                    regexes.append((index, RegularExpression(expression)))
                }
            case .imageHash:
                if let hash = UInt64(rule.pattern, radix: 16) {
                    hashes.append((index, hash, rule.maxDistance ?? ScreeningLibrary.defaultImageHashDistance))
                }
            }
        }
        longestPhrase = phraseList.map(\.count).max() ?? 0
        phrases = PhraseMatcher(phraseList)
        self.phraseRules = phraseRules
        self.regexes = regexes
        imageHashes = hashes
    }

    /// Whether the library holds image hashes (so a caller can skip hashing outputs when it does not).
    public var hasImageRules: Bool { !imageHashes.isEmpty }

    /// Whether the library holds phrases or regular expressions (so a caller can skip screening text when it does not).
    public var hasTextRules: Bool { !phraseRules.isEmpty || !regexes.isEmpty }

    /// Whether the library holds regular expressions.
    public var hasRegexRules: Bool { !regexes.isEmpty }

    /// The rules `text` hits, each rule once, in library order.
    public func screen(text: String) -> [Hit] {
        var hit = Set<Int>()
        for match in phrases.matches(in: normalizer.normalize(text)) { hit.insert(phraseRules[match.phrase]) }
        if !regexes.isEmpty {
            var folded = text.precomposedStringWithCompatibilityMapping
            if folded.unicodeScalars.contains(where: TextNormalizer.isHan) {
                folded = folded.applyingTransform(StringTransform("Traditional-Simplified"), reverse: false) ?? folded
            }
            let range = NSRange(folded.startIndex..., in: folded)
            for (rule, regex) in regexes where regex.expression.firstMatch(in: folded, options: [], range: range) != nil {
                hit.insert(rule)
            }
        }
        return hit.sorted().map { rule in
            let r = library.rules[rule]
            return Hit(rule: rule, kind: r.kind, category: r.category, action: r.action, pattern: r.pattern, distance: nil)
        }
    }

    /// The image-hash rules a perceptual hash falls within.
    public func screen(perceptualHash: UInt64) -> [Hit] {
        imageHashes.compactMap { entry in
            let distance = (entry.hash ^ perceptualHash).nonzeroBitCount
            guard distance <= entry.distance else { return nil }
            let r = library.rules[entry.rule]
            return Hit(rule: entry.rule, kind: r.kind, category: r.category, action: r.action, pattern: r.pattern, distance: distance)
        }
    }

    /// The most severe action among `hits` (nil when none).
    public static func action(of hits: [Hit]) -> ScreeningRule.Action? { hits.map(\.action).max() }
}

/// An `NSRegularExpression`, which is immutable once compiled and safe to share between threads (Foundation
/// documents it as thread-safe).
struct RegularExpression: @unchecked Sendable {
    let expression: NSRegularExpression
    init(_ expression: NSRegularExpression) { self.expression = expression }
}
