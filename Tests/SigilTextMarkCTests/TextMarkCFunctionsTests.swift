import Dispatch
import Foundation
import SigilCore
import Testing

@testable import SigilTextMark
@testable import SigilTextMarkC

/// The C entry points called from Swift with unsafe pointers, as a C caller would, checked against the Swift API.
@Suite struct TextMarkCFunctionsTests {
    let passphrase = "sigil-cabi-tests"
    var key: TextMarkKey { TextMarkKey(passphrase: passphrase) }

    /// A handle for the test passphrase; the caller frees it.
    func handle() throws -> UnsafeMutableRawPointer {
        try #require(passphrase.withCString { sigil_textmark_new_passphrase($0) })
    }

    /// Pseudo-random logits with a few strong tokens, a different row per step.
    func logits(vocabulary: Int, step: Int) -> [Float] {
        var generator = SplitMix64(seed: UInt64(step) &* 0x9E37_79B9_7F4A_7C15 &+ 11)
        return (0..<vocabulary).map { _ in Float.random(in: -4...4, using: &generator) * Float.random(in: 0...1.5, using: &generator) }
    }

    func keyID(_ handle: UnsafeRawPointer, capacity: Int = 17) -> (Int32, String) {
        var out = [CChar](repeating: 0x7f, count: capacity)
        let status = sigil_textmark_key_id(handle, &out, capacity)
        return (status, status == 0 ? String(decoding: out.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : "")
    }

    @Test func keyIDsMatchTheSwiftKeys() throws {
        let fromPassphrase = try handle()
        defer { sigil_textmark_free(fromPassphrase) }
        #expect(keyID(fromPassphrase) == (0, key.keyID))
        let bytes = (0..<32).map { UInt8($0 * 7 & 0xff) }
        let fromKey = try #require(sigil_textmark_new(bytes, 32))
        defer { sigil_textmark_free(fromKey) }
        #expect(keyID(fromKey) == (0, try TextMarkKey(watermarkKeyBytes: bytes).keyID))
        #expect(keyID(fromKey, capacity: 16).0 == TextMarkCStatus.bufferTooSmall.rawValue)
        #expect(sigil_textmark_scheme_version() == 1)
    }

    @Test func nullPointersAndBadLengthsAnswerWithStatusCodes() throws {
        let bytes = [UInt8](repeating: 3, count: 32)
        #expect(sigil_textmark_new(nil, 32) == nil)
        #expect(sigil_textmark_new(bytes, 31) == nil)
        #expect(sigil_textmark_new(bytes, 0) == nil)
        #expect(sigil_textmark_new_passphrase(nil) == nil)
        #expect("".withCString { sigil_textmark_new_passphrase($0) } == nil)
        let invalidUTF8: [CChar] = [CChar(bitPattern: 0xff), CChar(bitPattern: 0xfe), 0]
        #expect(sigil_textmark_new_passphrase(invalidUTF8) == nil)
        sigil_textmark_free(nil)

        let textMark = try handle()
        defer { sigil_textmark_free(textMark) }
        let null = TextMarkCStatus.nullArgument.rawValue
        let invalid = TextMarkCStatus.invalidArgument.rawValue
        var idBuffer = [CChar](repeating: 0, count: 17)
        #expect(sigil_textmark_key_id(nil, &idBuffer, 17) == null)
        #expect(sigil_textmark_key_id(textMark, nil, 17) == null)
        #expect(sigil_textmark_marks(nil, nil, 0) == null)
        #expect(sigil_textmark_marks(textMark, nil, 0) == 0)
        #expect(sigil_textmark_marks(textMark, nil, 3) == null)
        // A size_t above Int.max arrives negative.
        let context: [Int32] = [1, 2, 3]
        #expect(sigil_textmark_marks(textMark, context, Int(bitPattern: UInt.max)) == invalid)

        let row = logits(vocabulary: 50, step: 0)
        var out = [Float](repeating: 7, count: 50)
        #expect(sigil_textmark_process_logits(nil, context, 3, row, 50, 1, &out) == null)
        #expect(sigil_textmark_process_logits(textMark, context, 3, nil, 50, 1, &out) == null)
        #expect(sigil_textmark_process_logits(textMark, context, 3, row, 50, 1, nil) == null)
        #expect(sigil_textmark_process_logits(textMark, context, 3, row, 0, 1, &out) == invalid)
        for temperature in [0, -1, Double.nan, .infinity] {
            #expect(sigil_textmark_process_logits(textMark, context, 3, row, 50, temperature, &out) == invalid)
        }
        #expect(out.allSatisfy { $0 == 7 }, "errors other than no-finite-logit leave the output untouched")
        for u in [-0.1, 1, .nan] {
            #expect(sigil_textmark_sample(textMark, context, 3, row, 50, 1, u) == invalid)
        }
        #expect(sigil_textmark_sample(textMark, context, 3, nil, 50, 1, 0.5) == null)

        let banned = [Float](repeating: -.infinity, count: 50) + [.nan]
        var bannedOut = [Float](repeating: 7, count: 51)
        #expect(sigil_textmark_process_logits(textMark, context, 3, banned, 51, 1, &bannedOut) == TextMarkCStatus.noFiniteLogit.rawValue)
        #expect(bannedOut.allSatisfy { $0 == -.infinity })
        #expect(sigil_textmark_sample(textMark, context, 3, banned, 51, 1, 0.5) == TextMarkCStatus.noFiniteLogit.rawValue)

        var result = [UInt8](repeating: 0, count: TextMarkCResult.size)
        #expect(sigil_textmark_detect_ids(textMark, nil, 0, nil) == null)
        #expect(sigil_textmark_detect_ids(textMark, nil, 5, &result) == null)
        #expect(sigil_textmark_detect_ids(textMark, nil, 0, &result) == 0)
        let empty = Result72(result)
        #expect(empty.pValue == 1 && empty.tokens == 0 && empty.scored == 0 && empty.spanStart == -1 && empty.spanEnd == -1)
    }

    @Test func statusStringsDescribeEveryCode() {
        for status in TextMarkCStatus.allCases {
            #expect(String(cString: sigil_textmark_status_string(status.rawValue)) == status.message.description)
        }
        #expect(String(cString: sigil_textmark_status_string(-99)) == "unknown status")
    }

    @Test func marksAgreesWithTheSampler() throws {
        let textMark = try handle()
        defer { sigil_textmark_free(textMark) }
        let sampler = TextMarkSampler(key: key)
        for context: [Int32] in [[], [5], [5, 6], [5, 6, 7], [5, 6, 5, 6], [1, 2, 3, 2, 3]] {
            #expect(sigil_textmark_marks(textMark, context, context.count) == (sampler.marks(after: context) ? 1 : 0), "\(context)")
        }
    }

    @Test func processLogitsIsTheMarkedDistributionInLogSpace() throws {
        let textMark = try handle()
        defer { sigil_textmark_free(textMark) }
        let sampler = TextMarkSampler(key: key)
        let vocabulary = 300
        for (step, context) in [[Int32](), [10, 20], [10, 20, 30, 10, 20]].enumerated() {
            for temperature in [0.7, 1.0, 1.3] {
                var row = logits(vocabulary: vocabulary, step: step)
                row[3] = -.infinity
                row[4] = .nan
                var out = [Float](repeating: 0, count: vocabulary)
                #expect(sigil_textmark_process_logits(textMark, context, context.count, row, vocabulary, temperature, &out) == 0)
                let expected = row.withUnsafeBufferPointer { sampler.distribution(context: context, logits: $0, temperature: temperature) }
                var probabilities = [Double](repeating: 0, count: vocabulary)
                for choice in expected { probabilities[Int(choice.token)] = choice.probability }
                for token in 0..<vocabulary {
                    if probabilities[token] > 0 {
                        #expect(abs(Double(out[token]) - log(probabilities[token])) < 1e-4, "token \(token)")
                    } else {
                        #expect(out[token] == -.infinity, "token \(token) outside the support")
                    }
                }
                #expect(out[3] == -.infinity && out[4] == -.infinity)
                #expect(abs(out.reduce(0.0) { $0 + exp(Double($1)) } - 1) < 1e-4)
            }
        }
    }

    @Test func processLogitsMayWriteOverItsInput() throws {
        let textMark = try handle()
        defer { sigil_textmark_free(textMark) }
        let context: [Int32] = [8, 9]
        let row = logits(vocabulary: 120, step: 4)
        var separate = [Float](repeating: 0, count: 120)
        #expect(sigil_textmark_process_logits(textMark, context, 2, row, 120, 1, &separate) == 0)
        var inPlace = row
        let status = inPlace.withUnsafeMutableBufferPointer {
            sigil_textmark_process_logits(textMark, context, 2, $0.baseAddress, 120, 1, $0.baseAddress)
        }
        #expect(status == 0)
        #expect(inPlace == separate)
    }

    @Test func sampleWithAUniformDrawAgreesWithNextToken() throws {
        let textMark = try handle()
        defer { sigil_textmark_free(textMark) }
        let sampler = TextMarkSampler(key: key)
        var generator = SplitMix64(seed: 2024)
        var context: [Int32] = [1, 2]
        for step in 0..<200 {
            let row = logits(vocabulary: 64, step: step)
            var copy = generator
            let u = Double.random(in: 0..<1, using: &copy)
            let expected = try #require(row.withUnsafeBufferPointer { sampler.nextToken(context: context, logits: $0, using: &generator) })
            #expect(sigil_textmark_sample(textMark, context, context.count, row, 64, 1, u) == expected, "step \(step)")
            context.append(expected)
        }
    }

    @Test func detectIdsAgreesWithTheDetectorAndFindsMarkedText() throws {
        let textMark = try handle()
        defer { sigil_textmark_free(textMark) }
        let detector = TextMarkDetector(key: key, tokenizer: nil)
        var generator = SplitMix64(seed: 77)
        var marked: [Int32] = [100, 200]
        for step in 0..<200 {
            let row = logits(vocabulary: 400, step: step)
            let u = Double.random(in: 0..<1, using: &generator)
            let token = sigil_textmark_sample(textMark, marked, marked.count, row, 400, 1, u)
            #expect(token >= 0)
            marked.append(token)
        }
        let unmarked = (0..<202).map { _ in Int32.random(in: 0..<400, using: &generator) }
        for ids in [marked, unmarked, Array(marked[..<2])] {
            var raw = [UInt8](repeating: 0, count: TextMarkCResult.size)
            #expect(sigil_textmark_detect_ids(textMark, ids, ids.count, &raw) == 0)
            let result = Result72(raw)
            let expected = detector.detect(ids: ids)
            #expect(result.pValue == expected.pValue)
            #expect(result.log10P == expected.log10PValue)
            #expect(result.z == expected.z)
            #expect(result.meanG == expected.meanGValue)
            #expect(result.tokens == Int64(expected.tokenCount))
            #expect(result.scored == Int64(expected.scoredCount))
            #expect(result.spanStart == Int64(expected.span?.tokens.lowerBound ?? -1))
            #expect(result.spanEnd == Int64(expected.span?.tokens.upperBound ?? -1))
            #expect(result.tests == Int64(expected.tests))
        }
        var raw = [UInt8](repeating: 0, count: TextMarkCResult.size)
        _ = sigil_textmark_detect_ids(textMark, marked, marked.count, &raw)
        #expect(Result72(raw).pValue < 1e-6, "200 tokens sampled through the C entry points carry the mark")
    }

    @Test func oneHandleServesManyThreads() throws {
        let textMark = try handle()
        defer { sigil_textmark_free(textMark) }
        let address = UInt(bitPattern: textMark)
        let rows = 64
        let expected = (0..<rows).map { step in
            let row = logits(vocabulary: 200, step: step)
            return sigil_textmark_sample(textMark, [Int32(step), 7], 2, row, 200, 1, 0.37)
        }
        let tokens = UnsafeMutableBufferPointer<Int32>.allocate(capacity: rows)
        defer { tokens.deallocate() }
        // Each iteration writes only its own slot; addresses cross into the concurrent closure as integers.
        let results = UInt(bitPattern: tokens.baseAddress)
        DispatchQueue.concurrentPerform(iterations: rows) { step in
            let row = logits(vocabulary: 200, step: step)
            UnsafeMutablePointer<Int32>(bitPattern: results)![step] = sigil_textmark_sample(
                UnsafeRawPointer(bitPattern: address), [Int32(step), 7], 2, row, 200, 1, 0.37)
        }
        #expect(Array(tokens) == expected)
    }
}

/// A `sigil_textmark_result` read back from its 72 bytes at the header's offsets.
struct Result72 {
    let pValue: Double
    let log10P: Double
    let z: Double
    let meanG: Double
    let tokens: Int64
    let scored: Int64
    let spanStart: Int64
    let spanEnd: Int64
    let tests: Int64

    init(_ bytes: [UInt8]) {
        func double(_ index: Int) -> Double { bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: index * 8, as: Double.self) } }
        func integer(_ index: Int) -> Int64 { bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: index * 8, as: Int64.self) } }
        pValue = double(0)
        log10P = double(1)
        z = double(2)
        meanG = double(3)
        tokens = integer(4)
        scored = integer(5)
        spanStart = integer(6)
        spanEnd = integer(7)
        tests = integer(8)
    }
}
