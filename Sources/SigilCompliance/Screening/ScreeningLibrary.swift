import Crypto
import Foundation
import SigilStore

/// One rule of the feature library (DSP Art. 10): a phrase, a regular expression or a perceptual hash of a known
/// image, in a category, with the action a hit takes.
public struct ScreeningRule: Sendable, Hashable, Codable {
    /// What the rule matches.
    public enum Kind: String, Sendable, Hashable, Codable {
        /// A phrase, matched after normalisation (``TextNormalizer``).
        case phrase
        /// A regular expression (ICU syntax, case-insensitive), matched on the width-, script- and case-folded text.
        case regex
        /// A 64-bit DCT perceptual hash of a known image, matched within a Hamming distance.
        case imageHash = "phash"
    }

    /// What a hit does.
    public enum Action: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
        /// Logged only.
        case allowAndLog = "allow-and-log"
        /// Held for a human reviewer: the request is refused until someone decides.
        case review
        /// Refused.
        case block

        var severity: Int { self == .block ? 2 : self == .review ? 1 : 0 }
        public static func < (lhs: Action, rhs: Action) -> Bool { lhs.severity < rhs.severity }
    }

    public var kind: Kind
    public var category: String
    /// The phrase as written, the regex source, or 16 hex digits.
    public var pattern: String
    public var action: Action
    /// For ``Kind/imageHash``: the largest Hamming distance that counts as a match.
    public var maxDistance: Int?

    public init(kind: Kind, category: String, pattern: String, action: Action, maxDistance: Int? = nil) {
        self.kind = kind
        self.category = category
        self.pattern = pattern
        self.action = action
        self.maxDistance = maxDistance
    }
}

/// A whole feature library as installed: every rule, and a digest that names this exact content.
///
/// The text form (`sigil screening load FILE`) has one rule per line, `category<TAB>pattern[<TAB>action]`:
/// a pattern starting `re:` is a regular expression, `phash:` a 16-hex-digit image hash optionally followed by
/// `/distance` (default 6); anything else is a phrase. The action is `block` (default), `review` or `allow-and-log`.
/// Blank lines and lines starting `#` are skipped.
public struct ScreeningLibrary: Sendable, Hashable, Codable {
    /// Most rules a library may hold.
    public static let maximumRules = 1_000_000
    /// Longest pattern or category, in characters.
    public static let maximumFieldLength = 512
    /// The default Hamming distance for image hashes.
    public static let defaultImageHashDistance = 6

    public var rules: [ScreeningRule]

    public init(rules: [ScreeningRule] = []) {
        self.rules = rules
    }

    /// SHA-256 of the library's JSON, hex: names the content independently of its version number.
    public var digest: String {
        LowerHex.encode(Array(SHA256.hash(data: (try? JSONEncoder.sorted.encode(self)) ?? Data())))
    }

    /// Parses the text form.
    ///
    /// - Throws: ``SigilError`` `.usage` naming the line and what is wrong with it.
    public static func parse(_ text: String, source: String = "the library") throws -> ScreeningLibrary {
        var rules: [ScreeningRule] = []
        var lineNumber = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            if line.allSatisfy(\.isWhitespace) || line.hasPrefix("#") { continue }
            func fail(_ message: String) -> SigilError { SigilError(.usage, "\(source) line \(lineNumber): \(message)") }
            let columns = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard columns.count == 2 || columns.count == 3 else {
                throw fail("expected category<TAB>pattern[<TAB>action], found \(columns.count) tab-separated column(s)")
            }
            let category = columns[0].trimmingCharacters(in: .whitespaces)
            let pattern = columns[1]
            guard !category.isEmpty, category.count <= maximumFieldLength,
                !category.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
            else {
                throw fail("the category is empty, over \(maximumFieldLength) characters or has control characters")
            }
            var action = ScreeningRule.Action.block
            if columns.count == 3 {
                guard let parsed = ScreeningRule.Action(rawValue: columns[2].trimmingCharacters(in: .whitespaces)) else {
                    throw fail("unknown action \"\(columns[2])\"; use block, review or allow-and-log")
                }
                action = parsed
            }
            guard pattern.count <= maximumFieldLength else { throw fail("the pattern is over \(maximumFieldLength) characters") }
            let rule: ScreeningRule
            if pattern.hasPrefix("re:") {
                let source = String(pattern.dropFirst(3))
                guard !source.isEmpty else { throw fail("the regular expression is empty") }
                do {
                    _ = try NSRegularExpression(pattern: source, options: [.caseInsensitive])
                } catch {
                    throw fail("the regular expression \(source) does not compile")
                }
                rule = ScreeningRule(kind: .regex, category: category, pattern: source, action: action)
            } else if pattern.hasPrefix("phash:") {
                let parts = pattern.dropFirst(6).split(separator: "/", omittingEmptySubsequences: false)
                guard parts.count <= 2, parts[0].count == 16, UInt64(parts[0], radix: 16) != nil else {
                    throw fail("an image hash is phash: and 16 hex digits, optionally /distance")
                }
                var distance = defaultImageHashDistance
                if parts.count == 2 {
                    guard let given = Int(parts[1]), (0...32).contains(given) else { throw fail("the Hamming distance must be 0–32") }
                    distance = given
                }
                rule = ScreeningRule(kind: .imageHash, category: category, pattern: parts[0].lowercased(), action: action, maxDistance: distance)
            } else {
                guard !TextNormalizer().normalize(pattern).isEmpty else {
                    throw fail("the phrase is empty once spacing and punctuation are removed")
                }
                rule = ScreeningRule(kind: .phrase, category: category, pattern: pattern, action: action)
            }
            rules.append(rule)
            guard rules.count <= maximumRules else { throw fail("a library holds at most \(maximumRules) rules") }
        }
        return ScreeningLibrary(rules: rules)
    }
}

extension JSONEncoder {
    static var sorted: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
