import Foundation

/// The generator side of the text mark: given the token ids so far and the model's raw next-token logits, draws the
/// next token by tournament sampling under the provider's key.
///
/// The sampler is a value with no state between calls: every decision depends on the context it is handed, so one
/// sampler serves any number of concurrent generations. It needs no model and no tokenizer.
public struct TextMarkSampler: Sendable {
    /// The key the mark is made with.
    public let key: TextMarkKey
    /// The scheme's parameters.
    public let scheme: TextMarkScheme

    /// A sampler for `key` under `scheme` (the current scheme by default).
    public init(key: TextMarkKey, scheme: TextMarkScheme = .v1) {
        self.key = key
        self.scheme = scheme
    }

    /// Whether the position after `context` carries the mark: its context (the last ``TextMarkScheme/contextWidth``
    /// ids) is complete and has not occurred earlier in `context`. Repeated contexts are sampled without the mark,
    /// so the same g-values never bias a text twice (the detector scores each context and token once).
    public func marks(after context: [Int32]) -> Bool {
        let width = scheme.contextWidth
        guard context.count >= width else { return false }
        let tail = context.count - width
        var start = 0
        while start < tail {
            var same = true
            for offset in 0..<width where context[start + offset] != context[tail + offset] {
                same = false
                break
            }
            if same { return false }
            start += 1
        }
        return true
    }

    /// The marked next-token distribution over the support of `logits / temperature`: pairs of token id and
    /// probability, summing to 1. Without the mark (see ``marks(after:)``) it is the model's own distribution.
    ///
    /// Entries that are NaN or -infinity (banned tokens) never appear. Returns an empty array when no logit is finite.
    public func distribution(context: [Int32], logits: UnsafeBufferPointer<Float>, temperature: Double = 1)
        -> [(token: Int32, probability: Double)]
    {
        let scale = 1 / max(temperature, 1e-6)
        var maximum = -Double.infinity
        for value in logits where value.isFinite {
            maximum = max(maximum, Double(value) * scale)
        }
        guard maximum.isFinite else { return [] }
        let floor = log(scheme.supportFloor)
        var tokens: [Int32] = []
        var weights: [Double] = []
        var total = 0.0
        for (index, value) in logits.enumerated() where value.isFinite {
            let shifted = Double(value) * scale - maximum
            guard shifted >= floor else { continue }
            let weight = exp(shifted)
            tokens.append(Int32(truncatingIfNeeded: index))
            weights.append(weight)
            total += weight
        }
        for index in weights.indices { weights[index] /= total }
        if marks(after: context) {
            let g = context.withUnsafeBufferPointer { GValues(key: key, context: UnsafeBufferPointer(rebasing: $0.suffix(scheme.contextWidth))) }
            let words = tokens.map { g.word(for: $0) }
            for layer in 0..<scheme.layers {
                let bit = UInt64(1) << UInt64(layer)
                var mass = 0.0
                for index in weights.indices where words[index] & bit != 0 { mass += weights[index] }
                // p'(x) = p(x) · (1 + g(x) − Σ p·g): tokens with g = 1 gain what those with g = 0 lose; still sums to 1.
                for index in weights.indices {
                    weights[index] *= (words[index] & bit != 0 ? 2 - mass : 1 - mass)
                }
            }
        }
        return zip(tokens, weights).map { ($0, $1) }
    }

    /// Draws the next token: the marked distribution (``distribution(context:logits:temperature:)``) sampled with
    /// `generator`'s randomness. Returns nil when no logit is finite.
    public func nextToken(
        context: [Int32], logits: UnsafeBufferPointer<Float>, temperature: Double = 1,
        using generator: inout some RandomNumberGenerator
    ) -> Int32? {
        let choices = distribution(context: context, logits: logits, temperature: temperature)
        guard let last = choices.last else { return nil }
        var target = Double.random(in: 0..<1, using: &generator)
        for choice in choices {
            target -= choice.probability
            if target < 0 { return choice.token }
        }
        return last.token
    }
}
