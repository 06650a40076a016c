import Foundation
import SigilCore
import Testing
@testable import SigilTextMark

let ggufDirectory = twbenchCache
let ggufModels = [
    "smollm2": "\(ggufDirectory)/SmolLM2-135M-Instruct.Q4_1.gguf",
    "gemma3": "\(ggufDirectory)/gemma-3-270m-q4_k_m.gguf",
]

func ggufComparable(_ name: String) -> Bool {
    FileManager.default.fileExists(atPath: ggufModels[name] ?? "") && oracleAvailable(name)
}

/// The GGUF-built tokenizer must equal the tokenizer.json that twbench's build_tokenizer saved from it.
func compareGGUFWithJSON(_ name: String) throws {
    let fromGGUF = try TextTokenizer(ggufPath: ggufModels[name] ?? "")
    let fromJSON = try TextTokenizer.load(path: tokenizerPaths[name] ?? "")
    #expect(fromGGUF.vocabularySize == fromJSON.vocabularySize)
    #expect(fromGGUF.special == fromJSON.special)
    var tokensSame = true
    for id in 0..<Int32(fromJSON.vocabularySize) where fromGGUF.token(for: id) != fromJSON.token(for: id) {
        tokensSame = false
    }
    #expect(tokensSame)
    let cases = try jsonLines("\(oracleDirectory)/\(name).encode.jsonl")
    var compared = 0
    var same = 0
    for (index, object) in cases.enumerated() where index % 8 == 0 {
        let text = string(object["text"])
        compared += 1
        if fromGGUF.encode(text) == ids(object["ids"]) { same += 1 }
    }
    print("\(name) GGUF: \(same)/\(compared) oracle texts encoded identically")
    #expect(same == compared)
}

@Suite(.serialized) struct GGUFTests {
    @Test(.enabled(if: ggufComparable("smollm2"), "needs the SmolLM2 GGUF and oracle output"))
    func smollm2GGUFMatchesJSON() throws { try compareGGUFWithJSON("smollm2") }

    @Test(.enabled(if: ggufComparable("gemma3"), "needs the Gemma 3 GGUF and oracle output"))
    func gemma3GGUFMatchesJSON() throws { try compareGGUFWithJSON("gemma3") }

    /// Little-endian GGUF bytes.
    struct Writer {
        var bytes: [UInt8] = []
        mutating func u32(_ value: UInt32) {
            for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> shift)) }
        }
        mutating func u64(_ value: UInt64) {
            for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> shift)) }
        }
        mutating func string(_ text: String) {
            u64(UInt64(text.utf8.count))
            bytes += Array(text.utf8)
        }
        mutating func header(keys: UInt64) {
            bytes += Array("GGUF".utf8)
            u32(3)
            u64(0)
            u64(keys)
        }
    }

    func expectGGUFError(_ bytes: [UInt8], _ code: SigilError.Code, _ words: [String]) throws {
        try expectGGUFError(bytes, [code], words)
    }

    /// Expects one of `codes` and a message containing one of `words` (any when `words` is empty).
    func expectGGUFError(_ bytes: [UInt8], _ codes: Set<SigilError.Code>, anyOf words: [String]) throws {
        try expectGGUFError(bytes, codes, words, all: false)
    }

    func expectGGUFError(_ bytes: [UInt8], _ codes: Set<SigilError.Code>, _ words: [String], all: Bool = true) throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tok-test-\(UUID().uuidString).gguf").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            _ = try TextTokenizer(ggufPath: path)
            Issue.record("expected an error mentioning \(words)")
        } catch let error as SigilError {
            #expect(codes.contains(error.code), "\(error)")
            if all {
                for word in words { #expect(error.description.contains(word), "\(error) should mention \(word)") }
            } else {
                #expect(words.contains { error.description.contains($0) }, "\(error) should mention one of \(words)")
            }
            #expect(error.path != nil)
        }
    }

    /// A minimal valid gpt2-style GGUF: tokens a, b, ab and one merge.
    func tinyGGUF() -> Writer {
        var writer = Writer()
        writer.header(keys: 5)
        writer.string("general.name")
        writer.u32(8)
        writer.string("tiny")
        writer.string("tokenizer.ggml.model")
        writer.u32(8)
        writer.string("gpt2")
        writer.string("tokenizer.ggml.tokens")
        writer.u32(9)
        writer.u32(8)
        writer.u64(3)
        for token in ["a", "b", "ab"] { writer.string(token) }
        writer.string("tokenizer.ggml.token_type")
        writer.u32(9)
        writer.u32(5)
        writer.u64(3)
        for _ in 0..<3 { writer.u32(1) }
        writer.string("tokenizer.ggml.merges")
        writer.u32(9)
        writer.u32(8)
        writer.u64(1)
        writer.string("a b")
        return writer
    }

    @Test func tinyGGUFBuildsATokenizer() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tok-test-\(UUID().uuidString).gguf").path
        try Data(tinyGGUF().bytes).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let tokenizer = try TextTokenizer(ggufPath: path)
        #expect(tokenizer.encode("abba") == [2, 1, 0])
        #expect(tokenizer.decode([2, 1, 0]) == "abba")
    }

    @Test func malformedGGUF() throws {
        try expectGGUFError(Array("GGML".utf8) + [3, 0, 0, 0], .unsupportedFormat, ["magic"])
        var version = Writer()
        version.bytes += Array("GGUF".utf8)
        version.u32(1)
        try expectGGUFError(version.bytes, .unsupportedFormat, ["version 1"])
        let valid = tinyGGUF().bytes
        // A file cut short: either a read runs out (truncated) or a count or length no longer fits (malformed).
        for cut in [3, 10, 30, 100, 200, valid.count - 1] {
            try expectGGUFError(Array(valid[..<cut]), [.truncated, .malformed], anyOf: ["ends", "fit", "past the end"])
        }
        var hugeCount = Writer()
        hugeCount.header(keys: UInt64.max / 2)
        try expectGGUFError(hugeCount.bytes, .malformed, ["does not fit"])
        var longString = Writer()
        longString.header(keys: 1)
        longString.u64(1 << 40)
        longString.bytes += [UInt8](repeating: 0, count: 20)
        try expectGGUFError(longString.bytes, .malformed, ["runs past the end"])
        var badType = Writer()
        badType.header(keys: 1)
        badType.string("x")
        badType.u32(99)
        try expectGGUFError(badType.bytes, .malformed, ["unknown GGUF value type 99"])
        var hugeArray = Writer()
        hugeArray.header(keys: 1)
        hugeArray.string("tokenizer.ggml.tokens")
        hugeArray.u32(9)
        hugeArray.u32(8)
        hugeArray.u64(1 << 60)
        try expectGGUFError(hugeArray.bytes, .malformed, ["does not fit"])
        var noTokens = Writer()
        noTokens.header(keys: 0)
        try expectGGUFError(noTokens.bytes, .malformed, ["no tokenizer.ggml.tokens"])
        try expectGGUFError([], .truncated, ["ends"])
    }
}

@Suite struct MetaspaceCutTests {
    /// Cutting before "▁" must give what encoding the whole normalized piece as one word gives, also when a merge
    /// joins a character to a following "▁" (that character then forbids the cut).
    @Test func cutsAgreeWithWholePieceEncoding() throws {
        let object = try JSONSerialization.jsonObject(with: Data(fixtureBytes("sentencepiece")))
        guard var root = object as? [String: Any], var model = root["model"] as? [String: Any],
            var vocab = model["vocab"] as? [String: Int], var merges = model["merges"] as? [[String]]
        else { throw SigilError(.malformed, "fixture") }
        for (left, right) in [("o", "▁"), ("o▁", "w"), ("▁", "▁"), ("d", "▁"), ("a", "▁")] {
            vocab[left + right] = vocab[left + right] ?? (vocab.values.max() ?? 0) + 1
            merges.append([left, right])
        }
        model["vocab"] = vocab
        model["merges"] = merges
        root["model"] = model
        let tokenizer = try TextTokenizer(tokenizerJSON: [UInt8](try JSONSerialization.data(withJSONObject: root)))
        var generator = SystemRandomNumberGenerator()
        let pieces = ["o", " ", "w", "d", "a", "he", "llo", "  ", "中", "é", "b", "r", "t", "x"]
        for _ in 0..<2000 {
            var text = ""
            for _ in 0..<Int.random(in: 1...30, using: &generator) { text += pieces.randomElement(using: &generator) ?? "" }
            // Keep the "  " added token out of the way.
            while text.contains("  ") { text = text.replacingOccurrences(of: "  ", with: " ") }
            let normalized = Array(
                text.utf8.split(separator: 0x20, omittingEmptySubsequences: false)
                    .map(Array.init).joined(separator: Array("▁".utf8)))
            var whole: [Int32] = []
            var scratch = BytePairEncoder.Scratch()
            normalized.withUnsafeBufferPointer { buffer in
                tokenizer.model.encode(buffer, 0, buffer.count, byteLevel: false, scratch: &scratch, into: &whole)
            }
            #expect(tokenizer.encode(text) == whole, "\(text)")
        }
    }
}
