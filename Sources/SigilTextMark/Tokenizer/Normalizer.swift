/// The `tokenizer.json` normalizers Sigil supports, applied to UTF-8 bytes.
enum Normalizer: Sendable {
    /// `Replace` with a string pattern: every non-overlapping occurrence, left to right.
    case replace(pattern: [UInt8], content: [UInt8])
    /// `Prepend`: the prefix is added to non-empty text.
    case prepend([UInt8])
    /// `Sequence`: each in turn.
    case sequence([Normalizer])

    /// The normalized form of `input`.
    func apply(_ input: [UInt8]) -> [UInt8] {
        switch self {
        case .replace(let pattern, let content):
            return Self.replace(input, pattern, content)
        case .prepend(let prefix):
            return input.isEmpty ? input : prefix + input
        case .sequence(let steps):
            var text = input
            for step in steps { text = step.apply(text) }
            return text
        }
    }

    private static func replace(_ input: [UInt8], _ pattern: [UInt8], _ content: [UInt8]) -> [UInt8] {
        guard let first = pattern.first, input.count >= pattern.count else { return input }
        var output: [UInt8] = []
        output.reserveCapacity(input.count + input.count / 2)
        var index = 0
        let last = input.count - pattern.count
        input.withUnsafeBufferPointer { text in
            pattern.withUnsafeBufferPointer { needle in
                while index <= last {
                    if text[index] == first {
                        var matched = true
                        for offset in 1..<needle.count where text[index + offset] != needle[offset] {
                            matched = false
                            break
                        }
                        if matched {
                            output.append(contentsOf: content)
                            index += needle.count
                            continue
                        }
                    }
                    output.append(text[index])
                    index += 1
                }
                output.append(contentsOf: UnsafeBufferPointer(rebasing: text[index...]))
            }
        }
        return output
    }
}
