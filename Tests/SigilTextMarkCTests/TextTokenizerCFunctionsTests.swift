import Foundation
import SigilCore
import SigilTestSupport
import Testing

@testable import SigilTextMark
@testable import SigilTextMarkC

/// Text detection through the C entry points, against the Swift detector with the same tokenizer.
@Suite struct TextTokenizerCFunctionsTests {
    /// The byte-level (GPT-2 style) tokenizer the fuzz corpus carries.
    let tokenizerPath = TestPaths.root.appendingPathComponent("Fuzz/corpus/textmark-bytelevel.tokenizer.json").path

    func load(_ path: String?) -> (UnsafeMutableRawPointer?, String) {
        var error = [CChar](repeating: 0, count: 256)
        let capacity = error.count
        let handle: UnsafeMutableRawPointer?
        if let path {
            handle = path.withCString { sigil_textmark_tokenizer_load($0, &error, capacity) }
        } else {
            handle = sigil_textmark_tokenizer_load(nil, &error, capacity)
        }
        return (handle, String(decoding: error.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }

    @Test func aTokenizerLoadsOrSaysWhyNot() throws {
        let (handle, _) = load(tokenizerPath)
        let tokenizer = try #require(handle)
        defer { sigil_textmark_tokenizer_free(tokenizer) }
        #expect(sigil_textmark_tokenizer_vocab_size(tokenizer) == Int64(try TextTokenizer.load(path: tokenizerPath).vocabularySize))
        #expect(sigil_textmark_tokenizer_vocab_size(nil) == Int64(TextMarkCStatus.nullArgument.rawValue))

        let (missing, reason) = load("/nonexistent/tokenizer.json")
        #expect(missing == nil)
        #expect(reason.contains("/nonexistent/tokenizer.json"), "\(reason)")
        #expect(load(nil).0 == nil)
        #expect(sigil_textmark_tokenizer_load("/nonexistent", nil, 0) == nil)
        // A one-byte error buffer holds only the NUL.
        var tiny: [CChar] = [0x41]
        #expect(sigil_textmark_tokenizer_load("/nonexistent", &tiny, 1) == nil)
        #expect(tiny == [0])
        sigil_textmark_tokenizer_free(nil)
    }

    @Test func detectTextAgreesWithTheSwiftDetector() throws {
        let textMark = try #require("sigil-cabi-tests".withCString { sigil_textmark_new_passphrase($0) })
        defer { sigil_textmark_free(textMark) }
        let tokenizerHandle = try #require(load(tokenizerPath).0)
        defer { sigil_textmark_tokenizer_free(tokenizerHandle) }
        let tokenizer = try TextTokenizer.load(path: tokenizerPath)
        let detector = TextMarkDetector(key: TextMarkKey(passphrase: "sigil-cabi-tests"), tokenizer: tokenizer)
        for text in ["", "Hello world, this is a plain sentence.", "Zero\u{200B}width and full-width！ text, repeated repeated repeated."] {
            var raw = [UInt8](repeating: 0, count: TextMarkCResult.size)
            let bytes = Array(text.utf8)
            let status = bytes.withUnsafeBufferPointer {
                $0.withMemoryRebound(to: CChar.self) { sigil_textmark_detect_text(textMark, tokenizerHandle, $0.baseAddress, bytes.count, &raw) }
            }
            #expect(status == 0)
            let result = Result72(raw)
            let expected = detector.detect(text: text)
            #expect(result.pValue == expected.pValue && result.tokens == Int64(expected.tokenCount), "\(text)")
            #expect(result.scored == Int64(expected.scoredCount) && result.tests == Int64(expected.tests), "\(text)")
        }
    }

    @Test func badTextAnswersWithStatusCodes() throws {
        let textMark = try #require("sigil-cabi-tests".withCString { sigil_textmark_new_passphrase($0) })
        defer { sigil_textmark_free(textMark) }
        let tokenizer = try #require(load(tokenizerPath).0)
        defer { sigil_textmark_tokenizer_free(tokenizer) }
        var raw = [UInt8](repeating: 0, count: TextMarkCResult.size)
        let invalid: [CChar] = [0x41, CChar(bitPattern: 0xC3)]
        #expect(sigil_textmark_detect_text(textMark, tokenizer, invalid, 2, &raw) == TextMarkCStatus.invalidUTF8.rawValue)
        #expect(sigil_textmark_detect_text(textMark, tokenizer, nil, 3, &raw) == TextMarkCStatus.nullArgument.rawValue)
        #expect(sigil_textmark_detect_text(textMark, nil, invalid, 1, &raw) == TextMarkCStatus.nullArgument.rawValue)
        #expect(sigil_textmark_detect_text(nil, tokenizer, invalid, 1, &raw) == TextMarkCStatus.nullArgument.rawValue)
        #expect(sigil_textmark_detect_text(textMark, tokenizer, invalid, 1, nil) == TextMarkCStatus.nullArgument.rawValue)
        #expect(sigil_textmark_detect_text(textMark, tokenizer, invalid, Int(bitPattern: UInt.max), &raw) == TextMarkCStatus.invalidArgument.rawValue)
        #expect(sigil_textmark_detect_text(textMark, tokenizer, nil, 0, &raw) == 0)
        #expect(Result72(raw).pValue == 1)
    }
}
