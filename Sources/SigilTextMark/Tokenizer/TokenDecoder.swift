/// The `tokenizer.json` decoders Sigil supports; each turns a list of token strings into another list, as the
/// `decode_chain` of `tokenizers` does, and the results are concatenated at the end.
enum TokenDecoder: Sendable {
    /// `ByteLevel`: characters back to bytes, then UTF-8 with U+FFFD for invalid sequences (one string).
    case byteLevel
    /// `Replace` with a string pattern, token by token.
    case replace(pattern: String, content: String)
    /// `ByteFallback`: runs of `<0xAB>` tokens become their UTF-8 text, or one U+FFFD per byte when invalid.
    case byteFallback
    /// `Fuse`: all tokens become one string.
    case fuse
    /// `Strip`: removes up to `start` leading and `stop` trailing `content` characters from each token.
    case strip(content: Unicode.Scalar, start: Int, stop: Int)
    /// `Sequence`: each in turn.
    case sequence([TokenDecoder])

    /// Applies this decoder to `tokens`.
    func decodeChain(_ tokens: [String]) -> [String] {
        switch self {
        case .byteLevel:
            var bytes: [UInt8] = []
            for token in tokens {
                let start = bytes.count
                var mapped = true
                for scalar in token.unicodeScalars {
                    let value = Int(scalar.value)
                    guard value < ByteLevelAlphabet.byteOfScalar.count, ByteLevelAlphabet.byteOfScalar[value] >= 0 else {
                        mapped = false
                        break
                    }
                    bytes.append(UInt8(ByteLevelAlphabet.byteOfScalar[value]))
                }
                if !mapped {
                    bytes.removeSubrange(start...)
                    bytes.append(contentsOf: token.utf8)
                }
            }
            return [String(decoding: bytes, as: UTF8.self)]
        case .replace(let pattern, let content):
            let patternBytes = Array(pattern.utf8)
            guard !patternBytes.isEmpty else { return tokens }
            let step = Normalizer.replace(pattern: patternBytes, content: Array(content.utf8))
            return tokens.map { token in
                guard token.utf8.contains(patternBytes[0]) else { return token }
                return String(decoding: step.apply(Array(token.utf8)), as: UTF8.self)
            }
        case .byteFallback:
            var output: [String] = []
            var pending: [UInt8] = []
            func flush() {
                guard !pending.isEmpty else { return }
                if let text = String(validating: pending, as: UTF8.self) {
                    output.append(text)
                } else {
                    output.append(contentsOf: repeatElement("\u{FFFD}", count: pending.count))
                }
                pending.removeAll()
            }
            for token in tokens {
                if let byte = Self.fallbackByte(token) {
                    pending.append(byte)
                } else {
                    flush()
                    output.append(token)
                }
            }
            flush()
            return output
        case .fuse:
            return [tokens.joined()]
        case .strip(let content, let start, let stop):
            return tokens.map { token in
                var scalars = Substring(token).unicodeScalars
                var removed = 0
                while removed < start, scalars.first == content {
                    scalars.removeFirst()
                    removed += 1
                }
                removed = 0
                while removed < stop, scalars.last == content {
                    scalars.removeLast()
                    removed += 1
                }
                return String(scalars)
            }
        case .sequence(let steps):
            var current = tokens
            for step in steps { current = step.decodeChain(current) }
            return current
        }
    }

    /// The byte of a `<0xAB>` token (six characters, two hex digits), or nil.
    static func fallbackByte(_ token: String) -> UInt8? {
        let utf8 = Array(token.utf8)
        guard utf8.count == 6, utf8[0] == 0x3C, utf8[1] == 0x30, utf8[2] == 0x78, utf8[5] == 0x3E else { return nil }
        return UInt8(String(decoding: utf8[3...4], as: UTF8.self), radix: 16)
    }
}
