import Foundation

/// Tests text for the provider's text mark. Needs the key and the generator's tokenizer, never the model.
///
/// Each distinct (context, token) pair is scored once: its ``TextMarkScheme/layers`` g-values are counted, and the
/// count of ones over all scored pairs is Binomial(pairs × layers, ½) for text not sampled with the key, whatever the
/// text is. Counting repeats again would make human text with repeated phrases look marked.
///
/// Besides the whole text, windows of 32, 64, 128, … scored pairs (half-overlapping) are tested, so a short marked
/// passage inside a long human document is found; the reported p-value is the smallest window's tail times the
/// number of tests (a Bonferroni bound), so it stays a valid p-value.
public struct TextMarkDetector: Sendable, Hashable {
    /// The key tested for.
    public let key: TextMarkKey
    /// The scheme's parameters.
    public let scheme: TextMarkScheme
    /// The generator's tokenizer.
    public let tokenizer: (any TokenEncoding)?

    public static func == (lhs: TextMarkDetector, rhs: TextMarkDetector) -> Bool {
        lhs.key == rhs.key && lhs.scheme == rhs.scheme && lhs.tokenizer?.identity == rhs.tokenizer?.identity
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(key)
        hasher.combine(scheme)
        hasher.combine(tokenizer?.identity)
    }

    /// Smallest window the scan tries, in scored pairs.
    static let smallestWindow = 32

    /// A detector for `key`; `tokenizer` is needed for ``detect(text:)``, not for ``detect(ids:)``.
    public init(key: TextMarkKey, tokenizer: (any TokenEncoding)?, scheme: TextMarkScheme = .v1) {
        self.key = key
        self.tokenizer = tokenizer
        self.scheme = scheme
    }

    /// Tests `text`: tokenized as the generator would, and again after removing zero-width characters and after
    /// mapping full-width punctuation to ASCII when those change the text (copy and paste through editors does both);
    /// the best result is reported, its p-value corrected for the variants tried.
    ///
    /// - Precondition: the detector has a tokenizer.
    public func detect(text: String) -> TextMarkDetection {
        guard let tokenizer else { preconditionFailure("TextMarkDetector.detect(text:) needs a tokenizer") }
        var variants: [(name: String, text: String)] = [("none", text)]
        let visible = Self.removingZeroWidth(text)
        if visible != text { variants.append(("zero-width removed", visible)) }
        let ascii = Self.fullWidthToASCII(visible)
        if ascii != visible { variants.append(("full-width to ASCII", ascii)) }
        var best: TextMarkDetection?
        for variant in variants {
            let ids = tokenizer.encode(variant.text)
            let result = score(ids: ids, variants: variants.count, normalization: variant.name, tokenizer: tokenizer)
            if best == nil || result.log10PValue < best!.log10PValue { best = result }
        }
        return best!
    }

    /// Tests token ids directly (the generator's own ids, no tokenizer involved).
    public func detect(ids: [Int32]) -> TextMarkDetection {
        score(ids: ids, variants: 1, normalization: "none", tokenizer: tokenizer)
    }

    private func score(ids: [Int32], variants: Int, normalization: String, tokenizer: (any TokenEncoding)?) -> TextMarkDetection {
        let width = scheme.contextWidth
        let mask = scheme.layerMask
        var seen = Set<UInt64>()
        var positions: [Int] = []
        var ones: [Int] = []
        if ids.count > width {
            positions.reserveCapacity(ids.count - width)
            ones.reserveCapacity(ids.count - width)
            seen.reserveCapacity(ids.count - width)
            ids.withUnsafeBufferPointer { buffer in
                for index in width..<buffer.count {
                    let g = GValues(key: key, context: UnsafeBufferPointer(rebasing: buffer[(index - width)..<index]))
                    let word = g.word(for: buffer[index])
                    // The g-value word stands for the (context, token) pair: equal pairs give equal words.
                    guard seen.insert(word).inserted else { continue }
                    positions.append(index)
                    ones.append((word & mask).nonzeroBitCount)
                }
            }
        }
        let layers = scheme.layers
        let scored = positions.count
        let totalOnes = ones.reduce(0, +)
        let trials = scored * layers
        let wholeLog = BinomialTail.logUpper(totalOnes, trials, 0.5)
        // Windows of scored pairs: 32, 64, … below the whole count, each half-overlapping its neighbour.
        var prefix = [0]
        prefix.reserveCapacity(scored + 1)
        for count in ones { prefix.append(prefix[prefix.count - 1] + count) }
        var tests = 1
        var bestLog = wholeLog
        var bestRange = 0..<scored
        var size = Self.smallestWindow
        while size < scored {
            let stride = size / 2
            var start = 0
            var windowBest = -1
            var windowStart = 0
            while start + size <= scored {
                tests += 1
                let windowOnes = prefix[start + size] - prefix[start]
                if windowOnes > windowBest {
                    windowBest = windowOnes
                    windowStart = start
                }
                start += stride
            }
            // At one window size the tail falls as the count rises, so only the fullest window can be the best.
            if windowBest * 2 > size * layers {
                let logP = BinomialTail.logUpper(windowBest, size * layers, 0.5)
                if logP < bestLog {
                    bestLog = logP
                    bestRange = windowStart..<(windowStart + size)
                }
            }
            size *= 2
        }
        let totalTests = tests * variants
        let log10P = min(0, (bestLog + log(Double(totalTests))) / M_LN10)
        var span: TextMarkDetection.Span?
        if scored > 0 {
            let tokens = positions[bestRange.lowerBound]..<(positions[bestRange.upperBound - 1] + 1)
            let spanIDs = Array(ids[max(0, tokens.lowerBound - width)..<tokens.upperBound])
            span = .init(tokens: tokens, pValue: exp(bestLog), text: tokenizer?.decode(spanIDs))
        }
        let z = trials > 0 ? (Double(totalOnes) - 0.5 * Double(trials)) / (0.5 * Double(trials).squareRoot()) : 0
        return TextMarkDetection(
            keyID: key.keyID, schemeVersion: scheme.version, tokenCount: ids.count, scoredCount: scored,
            meanGValue: trials > 0 ? Double(totalOnes) / Double(trials) : 0.5, z: z,
            pValue: pow(10, log10P), log10PValue: log10P, wholeTextPValue: exp(wholeLog), tests: totalTests,
            span: span, normalization: normalization
        )
    }

    /// `text` without zero-width spaces, joiners, the word joiner and the byte-order mark.
    static func removingZeroWidth(_ text: String) -> String {
        let zeroWidth: Set<Unicode.Scalar> = ["\u{200B}", "\u{200C}", "\u{200D}", "\u{2060}", "\u{FEFF}"]
        guard text.unicodeScalars.contains(where: { zeroWidth.contains($0) }) else { return text }
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars where !zeroWidth.contains(scalar) { scalars.append(scalar) }
        return String(scalars)
    }

    /// `text` with full-width ASCII forms (U+FF01–U+FF5E) and the ideographic full stop mapped to ASCII.
    static func fullWidthToASCII(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { (0xFF01...0xFF5E).contains($0.value) || $0.value == 0x3002 }) else {
            return text
        }
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if (0xFF01...0xFF5E).contains(scalar.value), let ascii = Unicode.Scalar(scalar.value - 0xFEE0) {
                scalars.append(ascii)
            } else if scalar.value == 0x3002 {
                scalars.append(".")
            } else {
                scalars.append(scalar)
            }
        }
        return String(scalars)
    }
}
