import Foundation
import SigilCore
import Testing
@testable import SigilTextMark

/// The directory of this file; fixtures and oracle output are found relative to it.
let testsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()

func fixture(_ name: String) throws -> TextTokenizer {
    try TextTokenizer.load(path: testsDirectory.appendingPathComponent("Resources/\(name).tokenizer.json").path)
}

func fixtureBytes(_ name: String) throws -> [UInt8] {
    let url = testsDirectory.appendingPathComponent("Resources/\(name).tokenizer.json")
    return [UInt8](try Data(contentsOf: url))
}

/// Expected ids and decoded text from HF tokenizers 0.23.3 (printed by fixtures.py).
let byteLevelCases: [(String, [Int32], String)] = [
    ("the hello world", [117, 258, 33, 258, 272, 112, 279], "the hello world"),
    ("Hello world, the end.", [73, 273, 112, 279, 45, 259, 33, 269, 101, 47], "Hello world, the end."),
    (
        "hello  world\n\nthe 2024 tests", [258, 272, 112, 33, 279, 11, 11, 117, 258, 33, 51, 49, 51, 53, 257, 102, 116, 117, 116],
        "hello  world\n\nthe 2024 tests"
    ),
    ("<|endoftext|>the", [0, 117, 258], "the"),
    ("中文 and 中", [280, 174, 231, 151, 136, 271, 33, 280, 174], "中文 and 中"),
    ("<start> hello\nworld", [61, 116, 117, 98, 115, 117, 63, 33, 258, 272, 112, 11, 120, 268, 109, 101], "<start> hello\nworld"),
    ("aaaaaaa bad", [98, 98, 98, 98, 98, 98, 98, 33, 99, 98, 101], "aaaaaaa bad"),
    ("it's 3.14 — ok", [106, 117, 40, 116, 33, 52, 47, 50, 53, 33, 227, 129, 149, 33, 112, 108], "it's 3.14 — ok"),
    ("  the   ", [33, 259, 281, 33], "  the   "),
    ("é", [196, 170], "é"),
]

let sentencePieceCases: [(String, [Int32], String)] = [
    ("the hello world", [269, 277, 260, 277, 279, 267, 288], "the hello world"),
    ("Hello world, the end.", [76, 280, 267, 288, 48, 278, 260, 264, 114, 263, 50], "Hello world, the end."),
    (
        "hello  world\n\nthe 2024 tests",
        [277, 279, 267, 274, 270, 285, 266, 263, 273, 273, 269, 277, 260, 54, 52, 54, 56, 276, 264, 119, 269, 119],
        "hello  world\n\nthe 2024 tests"
    ),
    ("<|endoftext|>the", [64, 128, 264, 114, 263, 267, 106, 269, 264, 124, 269, 128, 66, 269, 277], "<|endoftext|>the"),
    ("中文 and 中", [289, 260, 261, 114, 263, 260, 271], "中文 and 中"),
    ("<start> hello\nworld", [275, 260, 277, 279, 267, 273, 270, 285, 266, 263], " hello\nworld"),
    ("aaaaaaa bad", [291, 290, 261, 260, 262, 261, 263], "aaaaaaa bad"),
    ("it's 3.14 — ok", [109, 269, 43, 119, 260, 55, 50, 53, 56, 260, 230, 132, 152, 260, 267, 111], "it's 3.14 — ok"),
    ("  the   ", [274, 269, 277, 274, 260], "  the   "),
    ("é", [199, 173], "é"),
]

@Suite struct FixtureTests {
    @Test func byteLevelEncodeAndDecode() throws {
        let tokenizer = try fixture("bytelevel")
        #expect(tokenizer.vocabularySize == 282)
        for (text, ids, decoded) in byteLevelCases {
            #expect(tokenizer.encode(text) == ids, "\(text)")
            #expect(tokenizer.decode(ids) == decoded, "\(text)")
        }
        #expect(tokenizer.encodeBatch(byteLevelCases.map(\.0)) == byteLevelCases.map(\.1))
    }

    @Test func sentencePieceEncodeAndDecode() throws {
        let tokenizer = try fixture("sentencepiece")
        for (text, ids, decoded) in sentencePieceCases {
            #expect(tokenizer.encode(text) == ids, "\(text)")
            #expect(tokenizer.decode(ids) == decoded, "\(text)")
        }
    }

    @Test func longWordUsesHeapAndAgreesWithScanning() throws {
        // A word far above the heap threshold must merge exactly like the same text split into short words.
        let tokenizer = try fixture("sentencepiece")
        let short = tokenizer.encode("aaaaaaa")
        let long = tokenizer.encode(String(repeating: "aaaaaaa", count: 40))
        #expect(short == [291, 290, 261])
        #expect(long.count > 40)
        #expect(tokenizer.decode(long) == String(repeating: "aaaaaaa", count: 40))
    }

    @Test func emptyAndDecodeEdgeCases() throws {
        let tokenizer = try fixture("bytelevel")
        #expect(tokenizer.encode("") == [])
        #expect(tokenizer.decode([]) == "")
        #expect(tokenizer.decode([-1, 999_999, 0]) == "")
        // A lone continuation byte decodes to U+FFFD.
        #expect(tokenizer.decode([174]) == "\u{FFFD}")
        let sentencePiece = try fixture("sentencepiece")
        // <0xE4> alone is invalid UTF-8: one U+FFFD per byte.
        #expect(sentencePiece.decode([232, 232]) == "\u{FFFD}\u{FFFD}")
    }
}

@Suite struct ErrorTests {
    func expectError(_ bytes: [UInt8], code: SigilError.Code, mentioning words: [String]) {
        do {
            _ = try TextTokenizer(tokenizerJSON: bytes)
            Issue.record("expected an error mentioning \(words)")
        } catch let error as SigilError {
            #expect(error.code == code, "\(error)")
            for word in words { #expect(error.description.contains(word), "\(error) should mention \(word)") }
        } catch {
            Issue.record("unexpected error type \(error)")
        }
    }

    func edited(_ name: String, _ change: (inout [String: Any]) -> Void) throws -> [UInt8] {
        let object = try JSONSerialization.jsonObject(with: Data(fixtureBytes(name)))
        guard var dictionary = object as? [String: Any] else { throw SigilError(.malformed, "fixture") }
        change(&dictionary)
        return [UInt8](try JSONSerialization.data(withJSONObject: dictionary))
    }

    @Test func malformedJSON() throws {
        expectError(Array("{\"model\": [1, 2,".utf8), code: .truncated, mentioning: ["JSON"])
        expectError(Array("{\"model\": tru}".utf8), code: .malformed, mentioning: ["byte"])
        expectError(Array("{\"a\": \"\u{01}\"}".utf8), code: .malformed, mentioning: ["control character"])
        expectError(Array("{\"a\": \"\\ud800\"}".utf8), code: .malformed, mentioning: ["surrogate"])
        expectError([0x22, 0xFF, 0x22], code: .malformed, mentioning: ["UTF-8"])
        expectError(Array("[1] 2".utf8), code: .malformed, mentioning: ["after the JSON value"])
        expectError(Array(repeating: UInt8(ascii: "["), count: 10_000), code: .malformed, mentioning: ["nesting"])
        expectError(Array("[]".utf8), code: .malformed, mentioning: ["top level"])
    }

    @Test func unknownMergeToken() throws {
        let bytes = try edited("bytelevel") { root in
            var model = root["model"] as? [String: Any] ?? [:]
            var merges = model["merges"] as? [[String]] ?? []
            merges.append(["Ġ", "nosuchtoken"])
            model["merges"] = merges
            root["model"] = model
        }
        expectError(bytes, code: .malformed, mentioning: ["nosuchtoken", "not in the vocabulary"])
    }

    @Test func unsupportedFeatures() throws {
        let wordPiece = try edited("bytelevel") { root in
            var model = root["model"] as? [String: Any] ?? [:]
            model["type"] = "WordPiece"
            root["model"] = model
        }
        expectError(wordPiece, code: .unsupportedFormat, mentioning: ["WordPiece"])
        let nfkc = try edited("sentencepiece") { root in root["normalizer"] = ["type": "NFKC"] }
        expectError(nfkc, code: .unsupportedFormat, mentioning: ["NFKC"])
        let metaspace = try edited("sentencepiece") { root in
            root["pre_tokenizer"] = ["type": "Metaspace", "replacement": "▁"]
        }
        expectError(metaspace, code: .unsupportedFormat, mentioning: ["Metaspace"])
        let regex = try edited("sentencepiece") { root in
            root["normalizer"] = ["type": "Replace", "pattern": ["Regex": " +"], "content": "▁"]
        }
        expectError(regex, code: .unsupportedFormat, mentioning: ["Regex"])
        let truncation = try edited("bytelevel") { root in root["truncation"] = ["max_length": 5] }
        expectError(truncation, code: .unsupportedFormat, mentioning: ["truncation"])
        let lstrip = try edited("bytelevel") { root in
            root["added_tokens"] = [["id": 0, "content": "<|endoftext|>", "lstrip": true, "special": true]]
        }
        expectError(lstrip, code: .unsupportedFormat, mentioning: ["lstrip"])
        let decoder = try edited("bytelevel") { root in root["decoder"] = ["type": "WordPiece"] }
        expectError(decoder, code: .unsupportedFormat, mentioning: ["decoder", "WordPiece"])
    }

    @Test func structuralErrors() throws {
        let badId = try edited("bytelevel") { root in
            var model = root["model"] as? [String: Any] ?? [:]
            var vocab = model["vocab"] as? [String: Any] ?? [:]
            vocab["x"] = -4
            model["vocab"] = vocab
            root["model"] = model
        }
        expectError(badId, code: .malformed, mentioning: ["model.vocab", "token id"])
        let unk = try edited("sentencepiece") { root in
            var model = root["model"] as? [String: Any] ?? [:]
            model["unk_token"] = "<nope>"
            root["model"] = model
        }
        expectError(unk, code: .malformed, mentioning: ["<nope>"])
        let noModel = try edited("bytelevel") { root in root["model"] = nil }
        expectError(noModel, code: .malformed, mentioning: ["model"])
        #expect(throws: SigilError.self) { try TextTokenizer.load(path: "/nonexistent/tokenizer.json") }
    }
}
