import Foundation

/// A tokenizer.json for the text-mark tests: byte-level BPE whose 400 "words" (a space and two of the letters a–t)
/// are built by merges, so any run of those words tokenizes back to the same ids, as a real generator's text does.
public enum WordVocabulary {
    static let letters = Array("abcdefghijklmnopqrst")

    /// The tokenizer.json text, the ids of the 400 words, and the vocabulary size.
    public static func make() -> (json: String, words: [Int32], vocabulary: Int) {
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

    /// Zipf-like logits over the words, a different order after every previous token (SplitMix64 from `previous`);
    /// −∞ for every other token.
    public static func logits(after previous: Int32, words: [Int32], vocabulary: Int) -> [Float] {
        var state = 0x5EED ^ UInt64(UInt32(bitPattern: previous)) &* 0x9E37_79B9_7F4A_7C15
        func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        var order = words
        for index in stride(from: order.count - 1, to: 0, by: -1) { order.swapAt(index, Int(next() % UInt64(index + 1))) }
        var logits = [Float](repeating: -.infinity, count: vocabulary)
        for (rank, token) in order.enumerated() { logits[Int(token)] = Float(-1.2 * log(Double(rank + 1))) }
        return logits
    }
}
