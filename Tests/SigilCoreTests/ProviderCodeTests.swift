import Testing
import SigilCore

@Suite struct ProviderCodeTests {
    /// Real USCCs from producer codes seen in the wild (RULES.md §2.4, aigc-peers INDEX.json).
    @Test(
        "GB 32100 check characters of real codes",
        arguments: [
            "91110102MACQD9K640", "91440300708461136T", "9144030008867405X2", "91440101MA9Y9T4H7A",
            "91110108335469089C", "91110108MA01KP2T5U", "91340000711771143J", "91330106MA2CFLDG4R",
        ])
    func realUSCCsValidate(_ uscc: String) throws {
        try USCC.validate(uscc)
        #expect(USCC.checkCharacter(for: String(uscc.prefix(17))) == uscc.last)
    }

    @Test func wrongCheckCharacterIsNamed() {
        do {
            try USCC.validate("91110102MACQD9K641")
            Issue.record("accepted a wrong check character")
        } catch let error as SigilError {
            #expect(error.message.contains("'0'"))
        } catch { Issue.record("\(error)") }
    }

    @Test(
        "Real producer codes parse",
        arguments: [
            "001191110102MACQD9K64010000", "001191440300708461136T1308L", "00119144030008867405X210001", "00119144030008867405X220001",
        ])
    func realCodes(_ code: String) throws {
        let parsed = try ProviderCode(code)
        #expect(parsed.isOrganisation)
        #expect(parsed.uscc?.count == 18)
    }

    @Test func serviceTypes() throws {
        #expect(try ProviderCode("00119144030008867405X210001").serviceType == .generation)
        #expect(try ProviderCode("00119144030008867405X220001").serviceType == .propagation)
        #expect(try ProviderCode("001191110108MA01KP2T5U00000").serviceType == .unspecified)
    }

    @Test(
        "Malformed codes are refused with a reason",
        arguments: [
            "00119111010", "001191110102macqd9k64010000", "011191110102MACQD9K64010000",
            "001191110102MACQD9K64130000", "001191110102MACQD9K64050000", "001191110102MACQD9K640 0000",
        ])
    func malformed(_ code: String) {
        #expect(throws: SigilError(.invalidProviderCode, "")) { try ProviderCode(code) }
    }

    @Test func developmentCodeIsValid() throws {
        #expect(try ProviderCode(ProviderCode.development.rawValue) == ProviderCode.development)
        #expect(ProviderCode.development.rawValue.count == 27)
    }
}

@Suite struct ProduceIDTests {
    @Test func generatedIDsAreUniqueOrderedAndInCharset() throws {
        var ids: Set<String> = []
        for _ in 0..<10_000 {
            let id = ProduceID.generate()
            try ProduceID.validate(id)
            #expect(id.count == 32)
            ids.insert(id)
        }
        #expect(ids.count == 10_000)
        var g = SystemRandomNumberGenerator()
        #expect(ProduceID.generate(milliseconds: 1, using: &g) < ProduceID.generate(milliseconds: 2, using: &g))
    }

    @Test func validation() {
        #expect(throws: SigilError(.invalidProduceID, "")) { try ProduceID.validate("") }
        #expect(throws: SigilError(.invalidProduceID, "")) { try ProduceID.validate("has space") }
        #expect(throws: SigilError(.invalidProduceID, "")) { try ProduceID.validate(String(repeating: "a", count: 257)) }
    }
}
