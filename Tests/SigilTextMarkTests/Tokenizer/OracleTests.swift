import Foundation
import Testing
@testable import SigilTextMark

/// twbench's cache, where `twbench.py fetch`/`selftest` put the models and tokenizer.json files.
let twbenchCache =
    ProcessInfo.processInfo.environment["TWBENCH_CACHE"]
    ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/sigil-twbench").path
/// Where `Benchmarks/textmark/tokenizer-oracle.py` writes HF's expected ids.
let oracleDirectory = ProcessInfo.processInfo.environment["SIGIL_TOKENIZER_ORACLE"] ?? "\(twbenchCache)/tokenizer-oracle"
let tokenizerPaths = [
    "smollm2": ProcessInfo.processInfo.environment["SMOLLM2_TOKENIZER"] ?? "\(twbenchCache)/smollm2.tokenizer.json",
    "gemma3": ProcessInfo.processInfo.environment["GEMMA3_TOKENIZER"] ?? "\(twbenchCache)/gemma3.tokenizer.json",
]

func oracleAvailable(_ name: String) -> Bool {
    FileManager.default.fileExists(atPath: "\(oracleDirectory)/\(name).encode.jsonl")
        && FileManager.default.fileExists(atPath: tokenizerPaths[name] ?? "")
}

/// The JSON objects of a JSONL file, read with the package's own reader (swift-corelibs-foundation's
/// `JSONSerialization` drops U+FEFF inside strings).
func jsonLines(_ path: String) throws -> [JSONReader.Value] {
    let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    return try bytes.split(separator: 0x0A).map { line in try JSONReader.parse(Array(line)) }
}

func ids(_ value: JSONReader.Value?) -> [Int32] {
    guard case .array(let items)? = value else { return [] }
    return items.map { item in
        guard case .number(let number) = item else { return -1 }
        return Int32(number)
    }
}

func string(_ value: JSONReader.Value?) -> String {
    guard case .string(let text)? = value else { return "" }
    return text
}

/// Compares every encode and decode case of `name` with HF's output; all must match.
func compareWithOracle(_ name: String) throws {
    let tokenizer = try TextTokenizer.load(path: tokenizerPaths[name] ?? "")
    let encodeCases = try jsonLines("\(oracleDirectory)/\(name).encode.jsonl")
    var matched = 0
    var roundTrips = 0
    var lossless = 0
    var roundTripFailures = 0
    var shown = 0
    for object in encodeCases {
        let text = string(object["text"])
        let expected = ids(object["ids"])
        let actual = tokenizer.encode(text)
        if actual == expected {
            matched += 1
        } else if shown < 5 {
            shown += 1
            Issue.record("\(name): \(text.debugDescription.prefix(200)) → \(actual.prefix(40)), expected \(expected.prefix(40))")
        }
        // Round trip: decoding the ids gives the text back whenever no special token was in it.
        let decoded = tokenizer.decode(actual)
        if decoded.utf8.elementsEqual(text.utf8) { roundTrips += 1 }
        // Decoding is lossless unless a special token was dropped, the text held "▁" (SentencePiece style: the
        // normalizer makes it a space) or a byte whose ByteLevel character the vocabulary lacks (SmolLM2 has no
        // token for 0x04, 0xF1, …; encoding drops such bytes, as HF does).
        let specialFree = !actual.contains { tokenizer.special[Int($0)] }
        let bytes = Array(text.utf8)
        let representable =
            name == "smollm2"
            ? bytes.allSatisfy { tokenizer.model.byteLevelIds[Int($0)] >= 0 }
            : !bytes.indices.contains { bytes[$0...].starts(with: [0xE2, 0x96, 0x81]) }
        if specialFree, representable {
            lossless += 1
            if !decoded.utf8.elementsEqual(text.utf8) {
                roundTripFailures += 1
                if roundTripFailures <= 3 {
                    Issue.record("round trip \(text.debugDescription.prefix(100)) → \(decoded.debugDescription.prefix(100))")
                }
            }
        }
    }
    print(
        "\(name): encode \(matched)/\(encodeCases.count) identical to HF; decode(encode(text)) == text for "
            + "\(roundTrips), and for \(lossless - roundTripFailures) of the \(lossless) texts where it must be")
    #expect(matched == encodeCases.count)
    #expect(roundTripFailures == 0)

    let decodeCases = try jsonLines("\(oracleDirectory)/\(name).decode.jsonl")
    var decodeMatched = 0
    for object in decodeCases {
        let expected = string(object["text"])
        let actual = tokenizer.decode(ids(object["ids"]))
        if actual.utf8.elementsEqual(expected.utf8) {
            decodeMatched += 1
        } else if shown < 10 {
            shown += 1
            Issue.record("\(name) decode \(ids(object["ids"]).prefix(20)): \(actual.debugDescription) ≠ \(expected.debugDescription)")
        }
    }
    print("\(name): decode \(decodeMatched)/\(decodeCases.count) identical to HF")
    #expect(decodeMatched == decodeCases.count)
}

@Suite(.serialized) struct OracleTests {
    @Test(.enabled(if: oracleAvailable("smollm2"), "run oracle.py to create oracle-out/smollm2.*.jsonl"))
    func smollm2MatchesHF() throws { try compareWithOracle("smollm2") }

    @Test(.enabled(if: oracleAvailable("gemma3"), "run oracle.py to create oracle-out/gemma3.*.jsonl"))
    func gemma3MatchesHF() throws { try compareWithOracle("gemma3") }

    /// Every code point's class as the GPT-2 regex (`\p{L}`, `\p{N}`, `\s`) and `Digits` see it in HF, against
    /// the Unicode properties this implementation uses (written by classes.py).
    @Test(.enabled(if: FileManager.default.fileExists(atPath: "\(oracleDirectory)/classes.txt"), "run Benchmarks/textmark/tokenizer-classes.py"))
    func characterClassesMatchHF() throws {
        let table = [UInt8](try Data(contentsOf: URL(fileURLWithPath: "\(oracleDirectory)/classes.txt")))
        #expect(table.count == 0x110000)
        var mismatches: [String] = []
        for (value, code) in table.enumerated() where code != UInt8(ascii: "-") {
            let expected: UInt8
            switch code | 0x20 {
            case UInt8(ascii: "l"): expected = ByteLevelPreTokenizer.letter
            case UInt8(ascii: "n"): expected = ByteLevelPreTokenizer.number
            case UInt8(ascii: "s"): expected = ByteLevelPreTokenizer.space
            default: expected = 0
            }
            let numericForDigits = code >= UInt8(ascii: "a")
            let classes = ByteLevelPreTokenizer.computeClass(UInt32(value))
            let actual = classes & ByteLevelPreTokenizer.regexClasses
            if actual != expected || numericForDigits != (classes & ByteLevelPreTokenizer.digit != 0) {
                mismatches.append(String(format: "U+%04X %c→%d", value, code, actual))
            }
        }
        print("character classes: \(mismatches.count) mismatches \(mismatches.prefix(10))")
        #expect(mismatches.isEmpty)
    }
}
