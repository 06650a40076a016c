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
        var maximum = -Float.infinity
        for value in logits where value > maximum && value.isFinite { maximum = value }
        guard maximum.isFinite else { return [] }
        let cut = supportCut(logits, maximum: maximum, scale: scale)
        var tokens: [Int32] = []
        var weights: [Double] = []
        for index in 0..<logits.count where logits[index] >= cut && logits[index].isFinite {
            tokens.append(Int32(truncatingIfNeeded: index))
            weights.append(exp(Double(logits[index] - maximum) * scale))
        }
        let total = weights.reduce(0, +)
        for index in weights.indices { weights[index] /= total }
        if marks(after: context), scheme.layers > 0 {
            let g = context.withUnsafeBufferPointer { GValues(key: key, context: UnsafeBufferPointer(rebasing: $0.suffix(scheme.contextWidth))) }
            Self.tournament(&weights, words: tokens.map { UInt32(truncatingIfNeeded: g.word(for: $0)) }, layers: min(scheme.layers, 32))
        }
        return zip(tokens, weights).map { ($0, $1) }
    }

    /// The tournament's layers over `weights` (probabilities summing to 1), eight tokens at a time: layer `l` multiplies
    /// each weight by 1 + g − Σ p·g, with g bit `l` of the token's g-value word. Single precision is plenty for a
    /// distribution that is sampled once.
    static func tournament(_ weights: inout [Double], words: [UInt32], layers: Int) {
        let count = weights.count
        let lanes = (count + 7) / 8
        var vectors = [SIMD8<Float>](repeating: .zero, count: lanes)
        var bits = [SIMD8<UInt32>](repeating: .zero, count: lanes)
        for index in 0..<count {
            vectors[index / 8][index % 8] = Float(weights[index])
            bits[index / 8][index % 8] = words[index]
        }
        vectors.withUnsafeMutableBufferPointer { vectors in
            bits.withUnsafeBufferPointer { bits in
                var mass = SIMD8<Float>.zero
                for lane in 0..<lanes { mass += vectors[lane] * SIMD8<Float>(bits[lane] & 1) }
                for layer in 0..<layers {
                    // 1 + g − Σ p·g is (1 − Σ p·g) + g: tokens with g = 1 gain what those with g = 0 lose.
                    let down = SIMD8<Float>(repeating: max(0, 1 - mass.sum())) // rounding must not make it negative
                    let shift = SIMD8<UInt32>(repeating: UInt32(layer))
                    let nextShift = SIMD8<UInt32>(repeating: UInt32(layer + 1))
                    var next = SIMD8<Float>.zero
                    for lane in 0..<lanes {
                        let word = bits[lane]
                        let weight = vectors[lane] * (down + SIMD8<Float>((word &>> shift) & 1))
                        vectors[lane] = weight
                        next += weight * SIMD8<Float>((word &>> nextShift) & 1)
                    }
                    mass = next
                }
            }
        }
        var total = 0.0
        for index in 0..<count {
            weights[index] = Double(max(0, vectors[index / 8][index % 8]))
            total += weights[index]
        }
        for index in 0..<count { weights[index] /= total }
    }

    /// The smallest logit kept: the support leaves out the least likely tokens whose combined probability is at most
    /// ``TextMarkScheme/tailMass``, bounded from a histogram of the logits' distance to the largest in steps of 1/e
    /// (one pass, no exponential per entry).
    func supportCut(_ logits: UnsafeBufferPointer<Float>, maximum: Float, scale: Double) -> Float {
        let bins = 64
        var counts = [Int](repeating: 0, count: bins + 1)
        let factor = Float(scale)
        for value in logits where value.isFinite {
            let distance = (maximum - value) * factor
            counts[distance < Float(bins) ? Int(distance) : bins] += 1
        }
        // Every token in bin b has probability at most e^−b relative to the largest, whose probability is ≤ 1; so
        // dropping bins c… loses at most Σ_{b ≥ c} count_b · e^−b of the mass.
        var tail = Double(counts[bins]) * exp(-Double(bins))
        var cutBin = bins
        while cutBin > 1 {
            let added = tail + Double(counts[cutBin - 1]) * exp(-Double(cutBin - 1))
            if added > scheme.tailMass { break }
            tail = added
            cutBin -= 1
        }
        return maximum - Float(cutBin) / factor
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
