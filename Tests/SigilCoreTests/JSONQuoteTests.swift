import Foundation
import SigilCore
import Testing

@Suite struct JSONQuoteTests {
    @Test(arguments: [
        "", "plain ascii", "本内容由人工智能生成", "quote \" and backslash \\", "new\nline\r\ttab", "\u{01}\u{1F}\u{7F}",
        "emoji 🧪 and \u{2028}", "mixed 「AI生成」 \"x\"\n",
    ])
    func quotedStringsParseBackToTheOriginal(_ original: String) throws {
        let quoted = JSONValue.quote(original)
        #expect(try JSONValue.parse(quoted).stringValue == original)
        // Foundation agrees on what the literal means.
        let decoded = try JSONSerialization.jsonObject(with: Data("[\(quoted)]".utf8)) as? [String]
        #expect(decoded == [original])
    }

    @Test func onlyWhatJSONRequiresIsEscaped() {
        #expect(JSONValue.quote("a/b é") == "\"a/b é\"")
        #expect(JSONValue.quote("\u{0}") == "\"\\u0000\"")
        #expect(JSONValue.quote("\u{1B}[") == "\"\\u001b[\"")
        #expect(JSONValue.quote("\"\\") == "\"\\\"\\\\\"")
    }
}
