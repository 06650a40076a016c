import Foundation
/// A mainland China mobile number: 11 digits starting `13`–`19`, optionally written with `+86`, `0086` or `86` and
/// spaces or dashes, stored as the bare 11 digits.
public struct MobileNumber: Sendable, Hashable, CustomStringConvertible {
    /// The 11 digits.
    public let rawValue: String

    /// Parses a number.
    ///
    /// - Throws: ``FieldError`` on `field` when it is not a mainland mobile number.
    public init(_ text: String, field: String = "phone") throws {
        var digits = text.filter { $0 != " " && $0 != "-" }
        for prefix in ["+86", "0086"] where digits.hasPrefix(prefix) { digits.removeFirst(prefix.count) }
        if digits.count == 13, digits.hasPrefix("86") { digits.removeFirst(2) }
        let chars = Array(digits)
        guard chars.count == 11, chars.allSatisfy(\.isASCIIDigit), chars[0] == "1", ("3"..."9").contains(chars[1]) else {
            throw FieldError(field, "not a mainland mobile number: 11 digits starting 13–19, optionally after +86")
        }
        rawValue = digits
    }

    /// The number masked for display: `138****5678`.
    public var masked: String { Masking.keepEnds(rawValue, head: 3, tail: 4) }

    public var description: String { masked }
}

/// How personal data is shown to staff and in exports: enough to recognise, never the whole value.
public enum Masking {
    /// `text` with all but its first `head` and last `tail` characters replaced by `*`.
    public static func keepEnds(_ text: String, head: Int, tail: Int) -> String {
        let chars = Array(text)
        guard chars.count > head + tail else { return String(repeating: "*", count: chars.count) }
        return String(chars.prefix(head)) + String(repeating: "*", count: chars.count - head - tail) + String(chars.suffix(tail))
    }

    /// A name masked as Chinese services show it: the first character and stars (`张*`, `A****`).
    public static func name(_ name: String) -> String {
        let chars = Array(name)
        guard let first = chars.first else { return "" }
        return String(first) + String(repeating: "*", count: max(1, min(chars.count - 1, 8)))
    }
}
