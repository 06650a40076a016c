import Foundation
import SigilCore

/// A stand-in for a language model's output layer in the scheme tests: each step's logits are a Zipf-like curve over
/// a shuffled vocabulary, chosen by the previous token and a seed, with entropy between about 0.5 and 4 nats (the
/// range real small chat models show). The scheme itself never looks inside the model, so its tests need only
/// distributions with realistic entropy, not language.
struct SyntheticLanguageModel {
    let vocabulary: Int
    let seed: UInt64

    func logits(after previous: Int32) -> [Float] {
        var generator = SplitMix64(seed: seed ^ (UInt64(UInt32(bitPattern: previous)) &* 0x9E37_79B9_7F4A_7C15))
        let steepness = 0.6 + 2.4 * Double(generator.next() >> 11) / Double(1 << 53)
        var logits = [Float](repeating: 0, count: vocabulary)
        var order = Array(0..<vocabulary)
        order.shuffle(using: &generator)
        for (rank, token) in order.enumerated() {
            logits[token] = Float(-steepness * log(Double(rank + 1)))
        }
        return logits
    }

    /// `count` tokens after `prompt`, each chosen by `choose(context, logits)`.
    func generate(prompt: [Int32], count: Int, choose: ([Int32], [Float]) -> Int32) -> [Int32] {
        var context = prompt
        for _ in 0..<count {
            let logits = logits(after: context.last ?? 0)
            context.append(choose(context, logits))
        }
        return Array(context.dropFirst(prompt.count))
    }
}

/// Plain sampling from `logits` (temperature 1), the unmarked generator.
func samplePlain(_ logits: [Float], using generator: inout SplitMix64) -> Int32 {
    let maximum = logits.max() ?? 0
    let weights = logits.map { exp(Double($0 - maximum)) }
    var target = Double(generator.next() >> 11) / Double(1 << 53) * weights.reduce(0, +)
    for (index, weight) in weights.enumerated() {
        target -= weight
        if target < 0 { return Int32(index) }
    }
    return Int32(weights.count - 1)
}
