/// A service-provider code as TC260 PG-20252A defines it (网安秘字〔2025〕29号): 27 characters, digits and
/// upper-case Latin letters.
///
/// | positions | content |
/// |---|---|
/// | 1–2 | format code, fixed `00` |
/// | 3–22 | subject code; for an organisation `1` (organisation) + `1` (bound to a USCC) + the 18-character USCC |
/// | 23–27 | service extension: `00000`, or service type (`1` generation, `2` propagation) + a 4-character model/app code |
///
/// Only the organisation layout is published; codes with another subject or binding type are accepted
/// structurally and reported with ``isOrganisation`` false.
public struct ProviderCode: Sendable, Hashable, Codable, CustomStringConvertible {
    /// What the service extension says the code is for.
    public enum ServiceType: String, Sendable, Hashable, Codable {
        case unspecified
        case generation
        case propagation
    }

    public let rawValue: String

    /// Parses and checks a code, including the USCC check digit (GB 32100) for organisation codes.
    ///
    /// - Throws: ``SigilError`` `.invalidProviderCode` saying which position is wrong and why.
    public init(_ code: String) throws {
        let chars = Array(code.unicodeScalars)
        guard chars.count == 27 else {
            throw SigilError(.invalidProviderCode, "provider code \"\(code)\" has \(chars.count) characters; PG-20252A codes have 27")
        }
        for (i, c) in chars.enumerated() where !(("0"..."9").contains(c) || ("A"..."Z").contains(c)) {
            throw SigilError(
                .invalidProviderCode,
                "provider code \"\(code)\" has '\(Character(c))' at position \(i + 1); only digits and upper-case letters are allowed")
        }
        guard code.hasPrefix("00") else {
            throw SigilError(.invalidProviderCode, "provider code \"\(code)\" must start with the format code 00")
        }
        let subjectType = chars[2]
        let bindingType = chars[3]
        if subjectType == "1" && bindingType == "1" {
            let uscc = String(String.UnicodeScalarView(chars[4..<22]))
            do {
                try USCC.validate(uscc)
            } catch let error as SigilError {
                throw SigilError(.invalidProviderCode, "provider code \"\(code)\": positions 5–22 \(error.message)")
            }
        }
        let service = chars[22]
        let tail = String(String.UnicodeScalarView(chars[22..<27]))
        guard tail == "00000" || service == "1" || service == "2" else {
            throw SigilError(
                .invalidProviderCode,
                "provider code \"\(code)\": service extension \"\(tail)\" must be 00000 or start with 1 (generation) or 2 (propagation)")
        }
        rawValue = code
    }

    /// Whether positions 3–4 say an organisation bound to a Unified Social Credit Code.
    public var isOrganisation: Bool { Array(rawValue.utf8)[2] == UInt8(ascii: "1") && Array(rawValue.utf8)[3] == UInt8(ascii: "1") }

    /// The 18-character USCC inside an organisation code.
    public var uscc: String? { isOrganisation ? String(rawValue.dropFirst(4).prefix(18)) : nil }

    /// The service type of positions 23–27.
    public var serviceType: ServiceType {
        let tail = rawValue.suffix(5)
        if tail == "00000" { return .unspecified }
        return tail.first == "1" ? .generation : .propagation
    }

    public var description: String { rawValue }

    /// A code for development and tests only: structurally valid, with the all-zero USCC
    /// `910000000000000000` plus its check digit. Verification flags it (`development-provider-code`).
    /// Real deployments must use the code derived from the provider's own USCC.
    public static let development: ProviderCode = {
        let body = "91000000000000000"
        // swiftlint:disable:next force_try
        return try! ProviderCode("0011" + body + String(USCC.checkCharacter(for: body)!) + "10000")
    }()
}

/// The Unified Social Credit Code of GB 32100-2015: 18 characters from a 31-character alphabet with a
/// weighted mod-31 check character.
public enum USCC {
    /// The alphabet: digits and upper-case letters without I, O, S, V, Z.
    public static let alphabet: [Character] = Array("0123456789ABCDEFGHJKLMNPQRTUWXY")
    static let weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]

    /// The check character for the first 17 characters, or nil when one of them is outside the alphabet.
    public static func checkCharacter(for body: String) -> Character? {
        let chars = Array(body)
        guard chars.count == 17 else { return nil }
        var sum = 0
        for (i, c) in chars.enumerated() {
            guard let v = alphabet.firstIndex(of: c) else { return nil }
            sum += v * weights[i]
        }
        let check = (31 - sum % 31) % 31
        return alphabet[check]
    }

    /// Checks length, alphabet and check character.
    public static func validate(_ code: String) throws {
        let chars = Array(code)
        guard chars.count == 18 else { throw SigilError(.invalidProviderCode, "are not an 18-character USCC") }
        for (i, c) in chars.enumerated() where !alphabet.contains(c) {
            throw SigilError(.invalidProviderCode, "hold USCC \(code) whose character \(i + 1) '\(c)' is not in the GB 32100 alphabet")
        }
        let expected = checkCharacter(for: String(chars.prefix(17)))!
        guard expected == chars[17] else {
            throw SigilError(.invalidProviderCode, "hold USCC \(code) whose check character is '\(chars[17])' but GB 32100 gives '\(expected)'")
        }
    }
}
