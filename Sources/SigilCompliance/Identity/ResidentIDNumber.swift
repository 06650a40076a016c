import Foundation

/// A citizen identity number of the People's Republic of China (GB 11643-1999): 6 digits of administrative region,
/// 8 of birth date (YYYYMMDD), 3 of sequence (odd for men, even for women) and an ISO 7064 MOD 11-2 check character
/// (`0`–`9` or `X`).
///
/// The 15-digit numbers of the first generation stopped being valid in 2013 and are refused with that reason.
public struct ResidentIDNumber: Sendable, Hashable, CustomStringConvertible {
    /// The 18 characters, with a lower-case `x` normalised to `X`.
    public let rawValue: String

    static let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    static let checkCharacters: [Character] = ["1", "0", "X", "9", "8", "7", "6", "5", "4", "3", "2"]
    /// The first two digits of the region code: the provinces, autonomous regions and municipalities of
    /// GB/T 2260, plus 71 (Taiwan) and 81–83 (Hong Kong, Macao and Taiwan residence permits).
    static let provinces: Set<Int> = [
        11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46,
        50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83,
    ]

    /// Parses and checks a number.
    ///
    /// - Parameter today: the date the birth date must not be after (tests pass a fixed one).
    /// - Throws: ``FieldError`` on `field` saying which part is wrong: length, characters, region, birth date or
    ///   check character.
    public init(_ text: String, field: String = "idNumber", today: Date = Date()) throws {
        let trimmed = text.trimmingCharacters(in: .whitespaces).uppercased()
        let chars = Array(trimmed)
        if chars.count == 15, chars.allSatisfy(\.isASCIIDigit) {
            throw FieldError(
                field, "a 15-digit identity number is of the first generation, invalid since 2013; give the 18-character number (GB 11643)")
        }
        guard chars.count == 18 else {
            throw FieldError(field, "an identity number has 18 characters (GB 11643); this one has \(chars.count)")
        }
        guard chars.prefix(17).allSatisfy(\.isASCIIDigit), chars[17].isASCIIDigit || chars[17] == "X" else {
            throw FieldError(field, "an identity number is 17 digits and a check character 0–9 or X (GB 11643)")
        }
        let digits = chars.prefix(17).map { Int(String($0))! }
        let province = digits[0] * 10 + digits[1]
        guard Self.provinces.contains(province) else {
            throw FieldError(field, "the region code \(String(chars.prefix(6))) starts with \(province), which is no province (GB/T 2260)")
        }
        let year = digits[6...9].reduce(0) { $0 * 10 + $1 }
        let month = digits[10] * 10 + digits[11]
        let day = digits[12] * 10 + digits[13]
        guard let birth = Self.date(year: year, month: month, day: day), year >= 1900, birth <= today else {
            throw FieldError(field, "the birth date \(String(chars[6..<14])) is not a real date between 1900 and today")
        }
        let sum = zip(digits, Self.weights).reduce(0) { $0 + $1.0 * $1.1 }
        let expected = Self.checkCharacters[sum % 11]
        guard chars[17] == expected else {
            throw FieldError(field, "the check character is '\(chars[17])' but GB 11643 (ISO 7064 MOD 11-2) gives '\(expected)'")
        }
        rawValue = trimmed
    }

    /// The check character for 17 digits (for making test numbers).
    public static func checkCharacter(for body: String) -> Character? {
        let chars = Array(body)
        guard chars.count == 17, chars.allSatisfy(\.isASCIIDigit) else { return nil }
        let sum = zip(chars.map { Int(String($0))! }, weights).reduce(0) { $0 + $1.0 * $1.1 }
        return checkCharacters[sum % 11]
    }

    /// The birth date as `YYYY-MM-DD`.
    public var birthDate: String {
        let c = Array(rawValue)
        return "\(String(c[6..<10]))-\(String(c[10..<12]))-\(String(c[12..<14]))"
    }

    /// The number masked for display: the first four and last four characters.
    public var masked: String { Masking.keepEnds(rawValue, head: 4, tail: 4) }

    public var description: String { masked }

    static func date(year: Int, month: Int, day: Int) -> Date? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Asia/Shanghai")!
        let components = DateComponents(year: year, month: month, day: day)
        guard let date = calendar.date(from: components) else { return nil }
        let back = calendar.dateComponents([.year, .month, .day], from: date)
        return back.year == year && back.month == month && back.day == day ? date : nil
    }
}

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) && isASCII }
}
