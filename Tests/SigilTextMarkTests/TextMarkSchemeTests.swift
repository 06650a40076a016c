import Foundation
import SigilCore
import Testing

@testable import SigilTextMark

@Suite struct TextMarkSchemeTests {
    let key = TextMarkKey(passphrase: "sigil-tests")
    let model = SyntheticLanguageModel(vocabulary: 500, seed: 7)

    @Test func sipHashMatchesTheReferenceVectors() {
        // Key 00 01 … 0f; messages 00 01 … (n − 1) from the SipHash paper's test vectors.
        let hash = SipHash24(k0: 0x0706_0504_0302_0100, k1: 0x0f0e_0d0c_0b0a_0908)
        let empty: [Int32] = []
        #expect(empty.withUnsafeBufferPointer { hash.hash($0) } == 0x726f_db47_dd0e_0e31)
        let eight: [Int32] = [0x0302_0100, 0x0706_0504]
        #expect(eight.withUnsafeBufferPointer { hash.hash($0) } == 0x93f5_f579_9a93_2462)
    }

    @Test func keysDeriveFromTheWatermarkKeyAndNameThemselves() throws {
        let a = try TextMarkKey(watermarkKeyBytes: Array(repeating: 1, count: 32))
        let b = try TextMarkKey(watermarkKeyBytes: Array(repeating: 2, count: 32))
        #expect(a.keyID.count == 16)
        #expect(a.keyID != b.keyID)
        #expect(a == (try TextMarkKey(watermarkKeyBytes: Array(repeating: 1, count: 32))))
        #expect(throws: SigilError.self) { try TextMarkKey(watermarkKeyBytes: [1, 2, 3]) }
    }

    @Test func binomialTailsAreExact() {
        // P[X ≥ 60], X ~ Binomial(100, ½) = 0.028443966820490…
        #expect(abs(exp(BinomialTail.logUpper(60, 100, 0.5)) - 0.028443966820490) < 1e-12)
        // Every tail of a small binomial against the direct sum.
        for n in [1, 7, 30, 61] {
            for k in 0...(n + 1) {
                var direct = 0.0
                if k <= n {
                    for i in k...n { direct += exp(lgamma(Double(n + 1)) - lgamma(Double(i + 1)) - lgamma(Double(n - i + 1)) - Double(n) * log(2)) }
                }
                let computed = exp(BinomialTail.logUpper(k, n, 0.5))
                #expect(abs(computed - direct) <= 1e-12 + 1e-9 * direct, "n \(n) k \(k): \(computed) vs \(direct)")
            }
        }
        // Far tails keep their digits: P[X = n] = 2^-n.
        #expect(abs(BinomialTail.logUpper(3000, 3000, 0.5) - (-3000 * log(2))) < 1e-6)
    }

    @Test func theMarkedDistributionIsAProbabilityDistributionAndUnbiasedOverKeys() {
        let logits = model.logits(after: 5)
        let context: [Int32] = [11, 12, 13]
        let keys = 600
        var perKey = [[Double]](repeating: [Double](repeating: 0, count: logits.count), count: keys)
        for index in 0..<keys {
            let sampler = TextMarkSampler(key: TextMarkKey(passphrase: "key \(index)"))
            let choices = logits.withUnsafeBufferPointer { sampler.distribution(context: context, logits: $0) }
            #expect(abs(choices.reduce(0) { $0 + $1.probability } - 1) < 1e-9)
            #expect(choices.allSatisfy { $0.probability >= 0 })
            for choice in choices { perKey[index][Int(choice.token)] = choice.probability }
        }
        let single: [Float] = [1]
        let plain = single.withUnsafeBufferPointer { TextMarkSampler(key: key).distribution(context: [1, 1, 1], logits: $0) }
        #expect(plain.count == 1 && plain[0].probability == 1)
        // Averaged over keys, the marked distribution is the model's (tournament sampling is unbiased): for the most
        // likely tokens, the mean over keys lies within 4.5 standard errors of the model's probability.
        let maximum = logits.max()!
        let weights = logits.map { exp(Double($0 - maximum)) }
        let total = weights.reduce(0, +)
        for token in weights.indices.sorted(by: { weights[$0] > weights[$1] }).prefix(8) {
            let p = weights[token] / total
            let values = perKey.map { $0[token] }
            let mean = values.reduce(0, +) / Double(keys)
            let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(keys - 1)
            let standardError = (variance / Double(keys)).squareRoot()
            #expect(abs(mean - p) < 4.5 * standardError, "token \(token): \(mean) vs \(p) (standard error \(standardError))")
            // …and the mark does move each key's distribution: the spread over keys is far from zero.
            #expect(standardError > 0.05 * p / Double(keys).squareRoot())
        }
    }

    @Test func repeatedContextsAreSampledWithoutTheMark() {
        let sampler = TextMarkSampler(key: key)
        #expect(sampler.marks(after: [1, 2, 3, 4]))
        #expect(!sampler.marks(after: [1, 2, 3, 1, 2]))
        #expect(!sampler.marks(after: [9]))
        let logits = model.logits(after: 3)
        let repeated = logits.withUnsafeBufferPointer { sampler.distribution(context: [1, 2, 3, 1, 2], logits: $0) }
        let maximum = logits.max()!
        let total = logits.reduce(0.0) { $0 + exp(Double($1 - maximum)) }
        for choice in repeated.prefix(50) {
            #expect(abs(choice.probability - exp(Double(logits[Int(choice.token)] - maximum)) / total) < 1e-12)
        }
    }

    @Test func markedTextIsDetectedAndUnmarkedTextIsNot() {
        let sampler = TextMarkSampler(key: key)
        let detector = TextMarkDetector(key: key, tokenizer: nil)
        var generator = SplitMix64(seed: 1)
        var marked = 0
        var unmarkedBelow = 0
        for prompt in 0..<10 {
            let ids = model.generate(prompt: [Int32(prompt), Int32(prompt + 1)], count: 200) { context, logits in
                logits.withUnsafeBufferPointer { sampler.nextToken(context: context, logits: $0, using: &generator) }!
            }
            if detector.detect(ids: ids).isMarked() { marked += 1 }
            let plain = model.generate(prompt: [Int32(prompt), Int32(prompt + 1)], count: 200) { _, logits in
                samplePlain(logits, using: &generator)
            }
            if detector.detect(ids: plain).pValue <= 1e-3 { unmarkedBelow += 1 }
        }
        #expect(marked == 10)
        #expect(unmarkedBelow == 0)
        // A different key does not see the mark.
        let ids = model.generate(prompt: [1, 2], count: 200) { context, logits in
            logits.withUnsafeBufferPointer { sampler.nextToken(context: context, logits: $0, using: &generator) }!
        }
        let other = TextMarkDetector(key: TextMarkKey(passphrase: "someone else"), tokenizer: nil)
        #expect(other.detect(ids: ids).pValue > 1e-3)
        #expect(detector.detect(ids: ids).keyID == key.keyID)
    }

    @Test func pValuesOfUnmarkedIdsAreCalibrated() {
        let detector = TextMarkDetector(key: key, tokenizer: nil)
        var generator = SplitMix64(seed: 99)
        var below1 = 0
        var below10 = 0
        let runs = 2000
        for _ in 0..<runs {
            let ids = (0..<120).map { _ in Int32(truncatingIfNeeded: generator.next() % 3000) }
            let p = detector.detect(ids: ids).pValue
            if p <= 0.01 { below1 += 1 }
            if p <= 0.1 { below10 += 1 }
        }
        // The scan's Bonferroni bound is conservative: at most the nominal rate plus three binomial deviations.
        #expect(below1 <= 20 + 13)
        #expect(below10 <= 200 + 40)
        #expect(below10 > 0)
    }

    @Test func repeatedPairsAreScoredOnce() {
        let detector = TextMarkDetector(key: key, tokenizer: nil)
        let once: [Int32] = [5, 6, 7, 8]
        let repeated = Array(repeating: once, count: 50).flatMap { $0 }
        let result = detector.detect(ids: repeated)
        // Pairs: (5,6)→7, (6,7)→8, (7,8)→5, (8,5)→6; then every later position repeats one of them.
        #expect(result.scoredCount == 4)
        #expect(result.tokenCount == 200)
        #expect(detector.detect(ids: [1, 2]).pValue == 1)
    }

    @Test func aMarkedPassageInsideAnUnmarkedDocumentIsFoundByTheScan() {
        let sampler = TextMarkSampler(key: key)
        let detector = TextMarkDetector(key: key, tokenizer: nil)
        var generator = SplitMix64(seed: 5)
        let before = (0..<1000).map { _ in Int32(truncatingIfNeeded: generator.next() % 2000) }
        let marked = model.generate(prompt: Array(before.suffix(2)), count: 150) { context, logits in
            logits.withUnsafeBufferPointer { sampler.nextToken(context: context, logits: $0, using: &generator) }!
        }
        let after = (0..<1000).map { _ in Int32(truncatingIfNeeded: generator.next() % 2000) }
        let result = detector.detect(ids: before + marked + after)
        #expect(result.isMarked())
        #expect(result.pValue < result.wholeTextPValue * Double(result.tests))
        let span = try! #require(result.span)
        #expect(span.tokens.overlaps(1000..<1150))
        #expect(span.tokens.count < 600)
    }
}
