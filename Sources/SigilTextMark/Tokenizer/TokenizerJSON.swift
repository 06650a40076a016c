import SigilCore
/// Reads the parts of a Hugging Face `tokenizer.json` that ``TextTokenizer`` reproduces, refusing the rest by name.
enum TokenizerJSON {
    typealias Value = JSONReader.Value

    /// The tokenizer parts described by `bytes`.
    static func parts(from bytes: [UInt8]) throws(SigilError) -> TextTokenizer.Parts {
        let root = try JSONReader.parse(bytes)
        guard case .object = root else { throw malformed("the top level is a \(root.typeName), not an object") }
        for key in ["truncation", "padding"] {
            if let value = root[key], !isNull(value) {
                throw unsupported("\"\(key)\" is set; only tokenizers without \(key) are supported")
            }
        }
        guard let modelValue = root["model"] else { throw malformed("there is no \"model\"") }
        var parts = try model(modelValue)
        parts.addedTokens = try addedTokens(root["added_tokens"] ?? .array([]))
        parts.normalizer = try root["normalizer"].flatMap { value throws(SigilError) in
            isNull(value) ? nil : try normalizer(value, path: "normalizer")
        }
        parts.preTokenizer = try root["pre_tokenizer"].flatMap { value throws(SigilError) in
            isNull(value) ? nil : try preTokenizer(value)
        }
        parts.decoder = try root["decoder"].flatMap { value throws(SigilError) in
            isNull(value) ? nil : try decoder(value, path: "decoder")
        }
        return parts
    }

    // MARK: - Model

    private static func model(_ value: Value) throws(SigilError) -> TextTokenizer.Parts {
        guard case .object = value else { throw malformed("\"model\" is a \(value.typeName), not an object") }
        let type = try optionalString(value["type"], "model.type") ?? (value["merges"] != nil ? "BPE" : "")
        guard type == "BPE" else {
            throw unsupported("model type \"\(type)\" is not supported (only BPE)")
        }
        if let dropout = value["dropout"], !isNull(dropout) {
            guard case .number(let probability) = dropout, probability == 0 else {
                throw unsupported("BPE dropout is not supported")
            }
        }
        for key in ["continuing_subword_prefix", "end_of_word_suffix"] {
            if let affix = try optionalString(value[key], "model.\(key)"), !affix.isEmpty {
                throw unsupported("BPE \(key) is not supported")
            }
        }
        guard let vocabValue = value["vocab"], case .object(let members) = vocabValue else {
            throw malformed("model.vocab is missing or not an object")
        }
        var vocabulary = TokenIndex(capacity: members.count)
        for member in members {
            vocabulary.set(member.key, try tokenId(member.value, "model.vocab[\"\(member.key)\"]"))
        }
        guard let mergesValue = value["merges"], case .array(let items) = mergesValue else {
            throw malformed("model.merges is missing or not an array")
        }
        var merges: [(String, String)] = []
        merges.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            switch item {
            case .array(let pair):
                guard pair.count == 2, case .string(let left) = pair[0], case .string(let right) = pair[1] else {
                    throw malformed("model.merges[\(index)] is not a pair of strings")
                }
                merges.append((left, right))
            case .string(let text):
                let scalars = text.unicodeScalars
                guard let space = scalars.firstIndex(of: " ") else {
                    throw malformed("model.merges[\(index)] \"\(text)\" has no space between its two tokens")
                }
                merges.append((String(scalars[..<space]), String(scalars[scalars.index(after: space)...])))
            default:
                throw malformed("model.merges[\(index)] is a \(item.typeName), not a pair")
            }
        }
        var parts = TextTokenizer.Parts(vocabulary: vocabulary, merges: merges)
        parts.byteFallback = try optionalBool(value["byte_fallback"], "model.byte_fallback") ?? false
        parts.fuseUnknown = try optionalBool(value["fuse_unk"], "model.fuse_unk") ?? false
        parts.ignoreMerges = try optionalBool(value["ignore_merges"], "model.ignore_merges") ?? false
        parts.unknownToken = try optionalString(value["unk_token"], "model.unk_token")
        return parts
    }

    // MARK: - Added tokens

    private static func addedTokens(_ value: Value) throws(SigilError) -> [TextTokenizer.AddedToken] {
        guard case .array(let items) = value else { throw malformed("\"added_tokens\" is not an array") }
        var tokens: [TextTokenizer.AddedToken] = []
        for (index, item) in items.enumerated() {
            let path = "added_tokens[\(index)]"
            guard case .object = item else { throw malformed("\(path) is not an object") }
            guard let idValue = item["id"] else { throw malformed("\(path) has no id") }
            let id = try tokenId(idValue, "\(path).id")
            guard let content = try optionalString(item["content"], "\(path).content") else {
                throw malformed("\(path) has no content")
            }
            for flag in ["lstrip", "rstrip", "single_word"] where try optionalBool(item[flag], "\(path).\(flag)") == true {
                throw unsupported("\(path) (\"\(content)\") sets \(flag), which is not supported")
            }
            let special = try optionalBool(item["special"], "\(path).special") ?? false
            let normalized = try optionalBool(item["normalized"], "\(path).normalized") ?? !special
            tokens.append(TextTokenizer.AddedToken(id: id, content: content, special: special, normalized: normalized))
        }
        return tokens
    }

    // MARK: - Normalizer, pre-tokenizer, decoder

    private static func normalizer(_ value: Value, path: String) throws(SigilError) -> Normalizer {
        let type = try typeName(value, path)
        switch type {
        case "Replace":
            let (pattern, content) = try replacement(value, path)
            guard !pattern.isEmpty else { throw unsupported("\(path): Replace with an empty pattern is not supported") }
            return .replace(pattern: Array(pattern.utf8), content: Array(content.utf8))
        case "Prepend":
            guard let prefix = try optionalString(value["prepend"], "\(path).prepend") else {
                throw malformed("\(path): Prepend has no \"prepend\"")
            }
            return .prepend(Array(prefix.utf8))
        case "Sequence":
            guard let list = value["normalizers"], case .array(let items) = list else {
                throw malformed("\(path): Sequence has no \"normalizers\" array")
            }
            var steps: [Normalizer] = []
            for (index, item) in items.enumerated() {
                steps.append(try normalizer(item, path: "\(path).normalizers[\(index)]"))
            }
            return .sequence(steps)
        default:
            throw unsupported("\(path): normalizer \"\(type)\" is not supported (only Replace, Prepend, Sequence)")
        }
    }

    private static func preTokenizer(_ value: Value) throws(SigilError) -> ByteLevelPreTokenizer {
        var steps: [Value] = [value]
        if try typeName(value, "pre_tokenizer") == "Sequence" {
            guard let list = value["pretokenizers"], case .array(let items) = list else {
                throw malformed("pre_tokenizer: Sequence has no \"pretokenizers\" array")
            }
            steps = items
        }
        var digits = ByteLevelPreTokenizer.DigitsMode.none
        var byteLevel = false
        var useRegex = true
        for (index, step) in steps.enumerated() {
            let path = "pre_tokenizer step \(index)"
            let type = try typeName(step, path)
            switch type {
            case "Digits" where digits == .none && !byteLevel:
                let individual = try optionalBool(step["individual_digits"], "\(path).individual_digits") ?? false
                digits = individual ? .individual : .contiguous
            case "ByteLevel" where !byteLevel:
                if try optionalBool(step["add_prefix_space"], "\(path).add_prefix_space") == true {
                    throw unsupported("\(path): ByteLevel with add_prefix_space is not supported")
                }
                useRegex = try optionalBool(step["use_regex"], "\(path).use_regex") ?? true
                byteLevel = true
            default:
                throw unsupported(
                    "\(path): pre-tokenizer \"\(type)\" is not supported here "
                        + "(only Digits followed by ByteLevel, each at most once)")
            }
        }
        return ByteLevelPreTokenizer(digits: digits, byteLevel: byteLevel, useRegex: useRegex)
    }

    private static func decoder(_ value: Value, path: String) throws(SigilError) -> TokenDecoder {
        let type = try typeName(value, path)
        switch type {
        case "ByteLevel":
            return .byteLevel
        case "ByteFallback":
            return .byteFallback
        case "Fuse":
            return .fuse
        case "Replace":
            let (pattern, content) = try replacement(value, path)
            return .replace(pattern: pattern, content: content)
        case "Strip":
            guard let content = try optionalString(value["content"], "\(path).content"),
                content.unicodeScalars.count == 1, let scalar = content.unicodeScalars.first
            else { throw malformed("\(path): Strip needs a one-character \"content\"") }
            let start = try count(value["start"], "\(path).start")
            let stop = try count(value["stop"], "\(path).stop")
            return .strip(content: scalar, start: start, stop: stop)
        case "Sequence":
            guard let list = value["decoders"], case .array(let items) = list else {
                throw malformed("\(path): Sequence has no \"decoders\" array")
            }
            var steps: [TokenDecoder] = []
            for (index, item) in items.enumerated() {
                steps.append(try decoder(item, path: "\(path).decoders[\(index)]"))
            }
            return .sequence(steps)
        default:
            throw unsupported(
                "\(path): decoder \"\(type)\" is not supported "
                    + "(only ByteLevel, ByteFallback, Fuse, Replace, Strip, Sequence)")
        }
    }

    /// The string pattern and content of a `Replace` normalizer or decoder.
    private static func replacement(_ value: Value, _ path: String) throws(SigilError) -> (String, String) {
        guard let pattern = value["pattern"], case .object = pattern else {
            throw malformed("\(path): Replace has no \"pattern\" object")
        }
        guard let text = try optionalString(pattern["String"], "\(path).pattern.String") else {
            throw unsupported("\(path): Replace with a Regex pattern is not supported (only String)")
        }
        guard let content = try optionalString(value["content"], "\(path).content") else {
            throw malformed("\(path): Replace has no \"content\"")
        }
        return (text, content)
    }

    // MARK: - Helpers

    private static func malformed(_ message: String) -> SigilError {
        SigilError(.malformed, "tokenizer.json: \(message)")
    }

    private static func unsupported(_ message: String) -> SigilError {
        SigilError(.unsupportedFormat, "tokenizer.json: \(message)")
    }

    private static func isNull(_ value: Value) -> Bool {
        if case .null = value { return true }
        return false
    }

    private static func typeName(_ value: Value, _ path: String) throws(SigilError) -> String {
        guard case .object = value else { throw malformed("\(path) is a \(value.typeName), not an object") }
        guard let type = try optionalString(value["type"], "\(path).type") else { throw malformed("\(path) has no \"type\"") }
        return type
    }

    private static func optionalString(_ value: Value?, _ path: String) throws(SigilError) -> String? {
        switch value {
        case nil, .null?: return nil
        case .string(let text)?: return text
        case let other?: throw malformed("\(path) is a \(other.typeName), not a string")
        }
    }

    private static func optionalBool(_ value: Value?, _ path: String) throws(SigilError) -> Bool? {
        switch value {
        case nil, .null?: return nil
        case .bool(let flag)?: return flag
        case let other?: throw malformed("\(path) is a \(other.typeName), not a boolean")
        }
    }

    private static func tokenId(_ value: Value, _ path: String) throws(SigilError) -> Int32 {
        guard case .number(let number) = value, number >= 0, number < Double(Int32.max), number == number.rounded() else {
            throw malformed("\(path) is not a token id (a non-negative integer below 2^31)")
        }
        return Int32(number)
    }

    private static func count(_ value: Value?, _ path: String) throws(SigilError) -> Int {
        guard let value else { return 0 }
        guard case .number(let number) = value, number >= 0, number < 1e9, number == number.rounded() else {
            throw malformed("\(path) is not a non-negative integer")
        }
        return Int(number)
    }
}
