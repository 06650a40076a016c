import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Sigil
import SigilServer
import SigilTestSupport
import Testing

/// `/v1/verify` tests text for the provider's text mark when the generator's tokenizer is configured
/// (`textMarkTokenizer`), and `/v1/chat/label` records `textmark` among the marks of a marked answer.
struct TextMarkAPITests {
    /// 150 words sampled with `key` over ``WordVocabulary``'s logits, as text.
    static func markedText(key: TextMarkKey, tokenizer: TextTokenizer, words: [Int32], vocabulary: Int) -> String {
        let sampler = TextMarkSampler(key: key)
        var generator = SplitMix64(seed: 11)
        var context: [Int32] = [words[1], words[2]]
        for _ in 0..<150 {
            let logits = WordVocabulary.logits(after: context[context.count - 1], words: words, vocabulary: vocabulary)
            let token = logits.withUnsafeBufferPointer { sampler.nextToken(context: context, logits: $0, using: &generator) }
            context.append(token ?? words[0])
        }
        return tokenizer.decode(Array(context.dropFirst(2)))
    }

    @Test("verify reports the text mark in a marked answer and not in another; the chat record lists textmark")
    func verifyAndChatSeeTheMark() async throws {
        let folder = try TestPaths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (json, words, vocabulary) = WordVocabulary.make()
        let tokenizerPath = folder.appendingPathComponent("tokenizer.json").path
        try Data(json.utf8).write(to: URL(fileURLWithPath: tokenizerPath))
        let harness = try await ServerHarness.start { $0.textMarkTokenizer = tokenizerPath }
        let detector = try #require(harness.service.verifier.options.textMark)
        let tokenizer = try TextTokenizer.load(path: tokenizerPath)
        let marked = Self.markedText(key: detector.key, tokenizer: tokenizer, words: words, vocabulary: vocabulary)
        let other = Self.markedText(key: TextMarkKey(passphrase: "another provider"), tokenizer: tokenizer, words: words, vocabulary: vocabulary)
        let token = harness.labelToken
        try await harness.run { client in
            let found = try JSONValue.parse(String(buffer: try await client.post("/v1/verify", Array(marked.utf8), type: "text/plain").body))
            #expect(found["textMark"]?["marked"] == .bool(true), "\(found.serialized)")
            #expect(found["textMark"]?["keyId"]?.stringValue == detector.key.keyID)
            let notOurs = try JSONValue.parse(String(buffer: try await client.post("/v1/verify", Array(other.utf8), type: "text/plain").body))
            #expect(notOurs["textMark"]?["marked"] == .bool(false), "\(notOurs.serialized)")

            let completion = JSONValue.object([
                .init("id", .string("chatcmpl-t")), .init("object", .string("chat.completion")), .init("model", .string("m")),
                .init(
                    "choices",
                    .array([
                        .object([
                            .init("index", .number("0")),
                            .init("message", .object([.init("role", .string("assistant")), .init("content", .string(marked))])),
                            .init("finish_reason", .string("stop")),
                        ])
                    ])),
            ])
            let response = try await client.post(
                "/v1/chat/label?position=end", Array(completion.serialized.utf8), type: "application/json", token: token)
            #expect(response.status == .ok)
            let produceID = try #require(response.headers[.init("Sigil-Produce-ID")!])
            let record = String(buffer: try await client.get("/v1/records/\(produceID)", token: token).body)
            #expect(record.contains("\"textmark\""), "\(record)")
        }
    }
}
