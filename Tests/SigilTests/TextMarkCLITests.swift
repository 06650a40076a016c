import Foundation
import Sigil
import SigilTestSupport
import Testing

/// `sigil textmark serve-lp` samples marked tokens over the twbench-lp/1 pipe, `sigil textmark detect` finds the mark in
/// the decoded text (single files, `--json`, `--batch`), and `sigil verify --textmark-tokenizer` reports it.
///
/// The vocabulary is a tokenizer.json written here: byte-level BPE whose 400 "words" (a space and two letters) are
/// built by merges, so any run of those words tokenizes back to the same ids, as a real generator's text does.
@Suite(.enabled(if: TestSupport.sigilBinary != nil, "the sigil executable is not built"))
struct TextMarkCLITests {
    let sigil = TestSupport.sigilBinary!
    static let letters = Array("abcdefghijklmnopqrst")

    /// The tokenizer.json and the ids of its two-letter words.
    static func wordTokenizer() -> (json: String, words: [Int32], vocabulary: Int) {
        var vocab: [(String, Int)] = [("Ġ", 0)]
        for letter in letters { vocab.append((String(letter), vocab.count)) }
        for letter in letters { vocab.append(("Ġ\(letter)", vocab.count)) }
        var words: [Int32] = []
        var merges = letters.map { "\"Ġ \($0)\"" }
        for first in letters {
            for second in letters {
                words.append(Int32(vocab.count))
                vocab.append(("Ġ\(first)\(second)", vocab.count))
                merges.append("\"Ġ\(first) \(second)\"")
            }
        }
        let json = """
            {"version":"1.0","truncation":null,"padding":null,"added_tokens":[],"normalizer":null,
            "pre_tokenizer":{"type":"ByteLevel","add_prefix_space":false,"trim_offsets":true,"use_regex":true},
            "post_processor":null,"decoder":{"type":"ByteLevel","add_prefix_space":true,"trim_offsets":true,"use_regex":true},
            "model":{"type":"BPE","dropout":null,"unk_token":null,"continuing_subword_prefix":null,"end_of_word_suffix":null,
            "fuse_unk":false,"byte_fallback":false,"ignore_merges":false,
            "vocab":{\(vocab.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ","))},
            "merges":[\(merges.joined(separator: ","))]}}
            """
        return (json, words, vocab.count)
    }

    /// Zipf-like logits over the words, a different order after every previous token; −∞ for everything else.
    static func logits(after previous: Int32, words: [Int32], vocabulary: Int) -> [Float] {
        var generator = SplitMix64(seed: 0x5EED ^ UInt64(UInt32(bitPattern: previous)) &* 0x9E37_79B9_7F4A_7C15)
        var order = words
        order.shuffle(using: &generator)
        var logits = [Float](repeating: -.infinity, count: vocabulary)
        for (rank, token) in order.enumerated() { logits[Int(token)] = Float(-1.2 * log(Double(rank + 1))) }
        return logits
    }

    /// Generates `count` tokens through `sigil textmark serve-lp`, one row per step.
    func generateThroughPipe(_ keys: String, words: [Int32], vocabulary: Int, count: Int) throws -> (ids: [Int32], stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: sigil)
        process.arguments = ["textmark", "serve-lp", "--keys", keys, "--seed", "7"]
        let input = Pipe()
        let output = Pipe()
        let errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        var buffer: [UInt8] = []
        func readLine() throws -> String {
            while true {
                if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                    let line = String(decoding: buffer[..<newline], as: UTF8.self)
                    buffer.removeSubrange(...newline)
                    return line
                }
                let chunk = output.fileHandleForReading.availableData
                guard !chunk.isEmpty else { throw SigilError(.io, "serve-lp closed its output") }
                buffer += chunk
            }
        }
        input.fileHandleForWriting.write(Data("{\"protocol\":\"twbench-lp/1\",\"vocab\":\(vocabulary),\"generator\":\"test\",\"eos\":null}\n".utf8))
        #expect(try readLine() == "{\"ok\":true}")
        var context: [Int32] = [words[3], words[9]]
        for _ in 0..<count {
            var logits = Self.logits(after: context.last!, words: words, vocabulary: vocabulary)
            let header = "{\"rows\":1,\"context\":[[\(context.map(String.init).joined(separator: ","))]]}\n"
            input.fileHandleForWriting.write(Data(header.utf8))
            input.fileHandleForWriting.write(logits.withUnsafeMutableBytes { Data($0) })
            let answer = try #require(try JSONSerialization.jsonObject(with: Data(try readLine().utf8)) as? [String: Any])
            #expect(answer["type"] as? String == "tokens")
            let token = try #require((answer["tokens"] as? [Int])?.first)
            context.append(Int32(token))
        }
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return (Array(context.dropFirst(2)), stderr)
    }

    @Test func pipeSampledTextIsDetectedByTheCLIAndByVerify() throws {
        let dir = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let keys = dir.appendingPathComponent("keys").path
        let (json, words, vocabulary) = Self.wordTokenizer()
        let tokenizerPath = dir.appendingPathComponent("tokenizer.json").path
        try Data(json.utf8).write(to: URL(fileURLWithPath: tokenizerPath))
        let tokenizer = try TextTokenizer.load(path: tokenizerPath)

        let (ids, stderr) = try generateThroughPipe(keys, words: words, vocabulary: vocabulary, count: 150)
        #expect(ids.allSatisfy(words.contains))
        #expect(stderr.contains("150 tokens"), "\(stderr)")
        let markedText = tokenizer.decode(ids)
        #expect(tokenizer.encode(markedText) == ids)
        let marked = dir.appendingPathComponent("answer.txt")
        try Data(markedText.utf8).write(to: marked)
        var generator = SplitMix64(seed: 3)
        let plainText = tokenizer.decode((0..<150).map { _ in words[Int(generator.next() % UInt64(words.count))] })
        let plain = dir.appendingPathComponent("human.txt")
        try Data(plainText.utf8).write(to: plain)

        let found = try TestSupport.run(sigil, ["textmark", "detect", marked.path, "--tokenizer", tokenizerPath, "--keys", keys, "--json"])
        #expect(found.status == 0, "\(found.stderr)")
        let result = try #require(try JSONSerialization.jsonObject(with: Data(found.stdout.utf8)) as? [String: Any])
        #expect(result["marked"] as? Bool == true, "\(found.stdout)")
        #expect((result["p"] as? Double ?? 1) < 1e-6)
        #expect(result["n"] as? Int == 150)

        let human = try TestSupport.run(sigil, ["textmark", "detect", plain.path, "--tokenizer", tokenizerPath, "--keys", keys])
        #expect(human.status == 0)
        #expect(human.stdout.contains("not marked"), "\(human.stdout)")

        // The batch form answers one line per input line, in order, with the caller's ids.
        let batch = dir.appendingPathComponent("batch.jsonl")
        let lines = [
            "{\"id\":\"a\",\"text\":\(JSONValue.quote(markedText))}", "{\"id\":2,\"text\":\(JSONValue.quote(plainText))}",
            "{\"id\":\"zw\",\"text\":\(JSONValue.quote(markedText.replacingOccurrences(of: " ", with: " \u{200B}")))}",
        ]
        try Data(lines.joined(separator: "\n").utf8).write(to: batch)
        let batched = try TestSupport.run(
            sigil, ["textmark", "detect", "--batch", batch.path, "--tokenizer", tokenizerPath, "--keys", keys])
        #expect(batched.status == 0, "\(batched.stderr)")
        let answers = batched.stdout.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        #expect(answers.count == 3)
        #expect(answers.first?["id"] as? String == "a")
        #expect(answers.first?["marked"] as? Bool == true)
        #expect(answers.dropFirst().first?["id"] as? Int == 2)
        #expect(answers.dropFirst().first?["marked"] as? Bool == false)
        // Zero-width spaces after every space: found after removing them, and the report says so.
        #expect(answers.last?["marked"] as? Bool == true)
        #expect(answers.last?["normalization"] as? String == "zero-width removed")

        let verify = try TestSupport.run(sigil, ["verify", marked.path, "--textmark-tokenizer", tokenizerPath, "--keys", keys, "--json"])
        let report = try #require(try JSONSerialization.jsonObject(with: Data(verify.stdout.utf8)) as? [String: Any], "\(verify.stderr)")
        let textMark = try #require(report["textMark"] as? [String: Any])
        #expect(textMark["marked"] as? Bool == true)
        #expect(textMark["source"] as? String == "text")
        let keyID = try TestSupport.run(sigil, ["textmark", "key-id", "--keys", keys])
        #expect(textMark["keyId"] as? String == keyID.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        // Without a tokenizer, verify says the mark was not tested.
        let untested = try TestSupport.run(sigil, ["verify", marked.path, "--keys", keys, "--json"])
        let untestedReport = try #require(try JSONSerialization.jsonObject(with: Data(untested.stdout.utf8)) as? [String: Any])
        #expect(((untestedReport["textMark"] as? [String: Any])?["skipped"] as? String)?.contains("tokenizer") == true)
    }

    @Test func badInputIsNamed() throws {
        let dir = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let keys = dir.appendingPathComponent("keys").path
        let (json, _, _) = Self.wordTokenizer()
        let tokenizerPath = dir.appendingPathComponent("tokenizer.json").path
        try Data(json.utf8).write(to: URL(fileURLWithPath: tokenizerPath))
        let text = dir.appendingPathComponent("a.txt")
        try Data(" ab cd".utf8).write(to: text)
        // No key in the keystore: detection never creates one.
        let noKey = try TestSupport.run(sigil, ["textmark", "detect", text.path, "--tokenizer", tokenizerPath, "--keys", keys])
        #expect(noKey.status != 0)
        #expect(noKey.stderr.contains("watermark.key"), "\(noKey.stderr)")
        _ = try TestSupport.run(sigil, ["textmark", "key-id", "--key-passphrase", "x"])
        // A broken tokenizer and a broken batch line are named.
        let broken = dir.appendingPathComponent("broken.json")
        try Data("{\"model\":{\"type\":\"BPE\",\"vocab\":{".utf8).write(to: broken)
        let badTokenizer = try TestSupport.run(sigil, ["textmark", "detect", text.path, "--tokenizer", broken.path, "--key-passphrase", "x"])
        #expect(badTokenizer.status != 0)
        #expect(badTokenizer.stderr.contains("broken.json"), "\(badTokenizer.stderr)")
        let batch = dir.appendingPathComponent("batch.jsonl")
        try Data("{\"id\":1,\"text\":\"ok\"}\n{\"id\":2,\"txt\":3}\n".utf8).write(to: batch)
        let badBatch = try TestSupport.run(
            sigil, ["textmark", "detect", "--batch", batch.path, "--tokenizer", tokenizerPath, "--key-passphrase", "x"])
        #expect(badBatch.status != 0)
        #expect(badBatch.stderr.contains("offset 21"), "\(badBatch.stderr)")
        // A pipe that speaks another protocol is refused with the offset.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: sigil)
        process.arguments = ["textmark", "serve-lp", "--key-passphrase", "x"]
        let input = Pipe()
        let errors = Pipe()
        process.standardInput = input
        process.standardOutput = Pipe()
        process.standardError = errors
        try process.run()
        input.fileHandleForWriting.write(Data("{\"hello\":1}\n".utf8))
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
        #expect(process.terminationStatus != 0)
        #expect(String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).contains("twbench-lp/1"))
    }
}
