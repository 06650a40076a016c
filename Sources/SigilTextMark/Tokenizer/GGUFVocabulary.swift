import Foundation
import SigilCore

/// The tokenizer metadata of a GGUF model file (`tokenizer.ggml.*`), read from the key/value section only.
///
/// The file is streamed through a `FileHandle`; tensor data is never read. Every length and count is checked
/// against the bytes left in the file before anything is allocated.
struct GGUFVocabulary {
    /// `tokenizer.ggml.model`: "gpt2" (byte-level BPE) or "llama" (SentencePiece BPE with byte fallback).
    var model = ""
    /// `tokenizer.ggml.pre`, the llama.cpp pre-tokenizer name.
    var pre: String?
    var tokens: [String] = []
    /// `tokenizer.ggml.token_type`: 1 normal, 2 unknown, 3 control, 4 user-defined, 5 unused, 6 byte.
    var tokenTypes: [Int64] = []
    var scores: [Double] = []
    var merges: [String] = []
    var unknownTokenId: Int64?
    var addSpacePrefix = false

    /// GGUF value types.
    private enum ValueType: UInt32 {
        case uint8 = 0
        case int8, uint16, int16, uint32, int32, float32, bool, string, array, uint64, int64, float64

        /// Bytes of a fixed-size value, nil for strings and arrays.
        var size: Int? {
            switch self {
            case .uint8, .int8, .bool: 1
            case .uint16, .int16: 2
            case .uint32, .int32, .float32: 4
            case .uint64, .int64, .float64: 8
            case .string, .array: nil
            }
        }
    }

    /// Reads the metadata of the GGUF file at `path`.
    init(path: String) throws(SigilError) {
        var reader = try Reader(path: path)
        let magic = try reader.readUInt32()
        guard magic == 0x4655_4747 else {
            throw SigilError(.unsupportedFormat, "not a GGUF file (magic is not \"GGUF\")", path: path, offset: 0)
        }
        let version = try reader.readUInt32()
        guard version == 2 || version == 3 else {
            throw SigilError(
                .unsupportedFormat, "GGUF version \(version) is not supported (only 2 and 3, little-endian)",
                path: path, offset: 4)
        }
        _ = try reader.readUInt64() // tensor count: not needed
        let keyCount = try reader.readUInt64()
        // A key/value pair takes at least 8 (key length) + 4 (type) + 1 bytes.
        try reader.checkCount(keyCount, minimumSize: 13, what: "metadata key/value count")
        for _ in 0..<keyCount {
            let key = try reader.readString(what: "metadata key")
            let type = try readType(&reader)
            switch key {
            case "tokenizer.ggml.model": model = try readString(&reader, type, key)
            case "tokenizer.ggml.pre": pre = try readString(&reader, type, key)
            case "tokenizer.ggml.tokens": tokens = try readStringArray(&reader, type, key)
            case "tokenizer.ggml.merges": merges = try readStringArray(&reader, type, key)
            case "tokenizer.ggml.token_type": tokenTypes = try readNumberArray(&reader, type, key).map { Int64($0) }
            case "tokenizer.ggml.scores": scores = try readNumberArray(&reader, type, key)
            case "tokenizer.ggml.unknown_token_id": unknownTokenId = Int64(try readNumber(&reader, type, key))
            case "tokenizer.ggml.add_space_prefix": addSpacePrefix = try readNumber(&reader, type, key) != 0
            default: try skipValue(&reader, type, depth: 0, key: key)
            }
        }
    }

    private func readType(_ reader: inout Reader) throws(SigilError) -> ValueType {
        let offset = reader.offset
        let raw = try reader.readUInt32()
        guard let type = ValueType(rawValue: raw) else {
            throw SigilError(.malformed, "unknown GGUF value type \(raw)", path: reader.path, offset: Int(offset))
        }
        return type
    }

    private func expect(_ type: ValueType, _ wanted: ValueType, _ key: String, _ reader: Reader) throws(SigilError) {
        guard type == wanted else {
            throw SigilError(
                .malformed, "GGUF key \(key) has type \(type), expected \(wanted)", path: reader.path,
                offset: Int(reader.offset))
        }
    }

    private func readString(_ reader: inout Reader, _ type: ValueType, _ key: String) throws(SigilError) -> String {
        try expect(type, .string, key, reader)
        return try reader.readString(what: key)
    }

    private func readStringArray(_ reader: inout Reader, _ type: ValueType, _ key: String) throws(SigilError) -> [String] {
        try expect(type, .array, key, reader)
        let elementType = try readType(&reader)
        try expect(elementType, .string, "\(key) element", reader)
        let count = try reader.readUInt64()
        try reader.checkCount(count, minimumSize: 8, what: "\(key) count")
        var strings: [String] = []
        strings.reserveCapacity(Int(count))
        for _ in 0..<count { strings.append(try reader.readString(what: key)) }
        return strings
    }

    private func readNumberArray(_ reader: inout Reader, _ type: ValueType, _ key: String) throws(SigilError) -> [Double] {
        try expect(type, .array, key, reader)
        let elementType = try readType(&reader)
        guard let size = elementType.size else {
            throw SigilError(
                .malformed, "GGUF key \(key) holds \(elementType) values, expected numbers", path: reader.path,
                offset: Int(reader.offset))
        }
        let count = try reader.readUInt64()
        try reader.checkCount(count, minimumSize: size, what: "\(key) count")
        var values: [Double] = []
        values.reserveCapacity(Int(count))
        for _ in 0..<count { values.append(try readScalar(&reader, elementType)) }
        return values
    }

    private func readNumber(_ reader: inout Reader, _ type: ValueType, _ key: String) throws(SigilError) -> Double {
        guard type.size != nil else {
            throw SigilError(
                .malformed, "GGUF key \(key) has type \(type), expected a number", path: reader.path,
                offset: Int(reader.offset))
        }
        return try readScalar(&reader, type)
    }

    private func readScalar(_ reader: inout Reader, _ type: ValueType) throws(SigilError) -> Double {
        switch type {
        case .uint8: return Double(try reader.readByte())
        case .int8: return Double(Int8(bitPattern: try reader.readByte()))
        case .bool: return try reader.readByte() != 0 ? 1 : 0
        case .uint16: return Double(UInt16(truncatingIfNeeded: try reader.readUInt32(bytes: 2)))
        case .int16: return Double(Int16(bitPattern: UInt16(truncatingIfNeeded: try reader.readUInt32(bytes: 2))))
        case .uint32: return Double(try reader.readUInt32())
        case .int32: return Double(Int32(bitPattern: try reader.readUInt32()))
        case .float32: return Double(Float(bitPattern: try reader.readUInt32()))
        case .uint64: return Double(try reader.readUInt64())
        case .int64: return Double(Int64(bitPattern: try reader.readUInt64()))
        case .float64: return Double(bitPattern: try reader.readUInt64())
        case .string, .array: return 0
        }
    }

    private func skipValue(_ reader: inout Reader, _ type: ValueType, depth: Int, key: String) throws(SigilError) {
        if let size = type.size {
            try reader.skip(UInt64(size), what: key)
            return
        }
        if type == .string {
            let length = try reader.readUInt64()
            try reader.skip(length, what: key)
            return
        }
        guard depth < 4 else {
            throw SigilError(.malformed, "GGUF key \(key) nests arrays too deeply", path: reader.path, offset: Int(reader.offset))
        }
        let elementType = try readType(&reader)
        let count = try reader.readUInt64()
        if let size = elementType.size {
            try reader.checkCount(count, minimumSize: size, what: "\(key) count")
            try reader.skip(count * UInt64(size), what: key)
            return
        }
        try reader.checkCount(count, minimumSize: 8, what: "\(key) count")
        for _ in 0..<count { try skipValue(&reader, elementType, depth: depth + 1, key: key) }
    }

    /// The tokenizer twbench's `build_tokenizer` makes from this metadata (see there for the rules).
    func parts() throws(SigilError) -> TextTokenizer.Parts {
        guard !tokens.isEmpty else { throw SigilError(.malformed, "GGUF file has no tokenizer.ggml.tokens") }
        guard tokenTypes.count == tokens.count else {
            throw SigilError(.malformed, "GGUF tokenizer.ggml.token_type has \(tokenTypes.count) entries for \(tokens.count) tokens")
        }
        guard tokens.count < Int(TextTokenizer.maxTokenId) else {
            throw SigilError(.malformed, "GGUF vocabulary of \(tokens.count) tokens is too large")
        }
        var vocabulary = TokenIndex(capacity: tokens.count)
        for (id, token) in tokens.enumerated() { vocabulary.set(token, Int32(id)) }
        var parts: TextTokenizer.Parts
        switch model {
        case "gpt2":
            var merges: [(String, String)] = []
            merges.reserveCapacity(self.merges.count)
            for (index, merge) in self.merges.enumerated() {
                let scalars = merge.unicodeScalars
                guard let space = scalars.firstIndex(of: " ") else {
                    throw SigilError(.malformed, "GGUF merge \(index) \"\(merge)\" has no space between its two tokens")
                }
                merges.append((String(scalars[..<space]), String(scalars[scalars.index(after: space)...])))
            }
            parts = TextTokenizer.Parts(vocabulary: vocabulary, merges: merges)
            let digits = ["smollm", "starcoder", "refact"].contains(pre ?? "default")
            parts.preTokenizer = ByteLevelPreTokenizer(digits: digits ? .individual : .none, byteLevel: true, useRegex: true)
            parts.decoder = .byteLevel
        case "llama":
            guard scores.count == tokens.count else {
                throw SigilError(.malformed, "GGUF tokenizer.ggml.scores has \(scores.count) entries for \(tokens.count) tokens")
            }
            parts = TextTokenizer.Parts(vocabulary: vocabulary, merges: try scoreMerges())
            parts.byteFallback = true
            parts.fuseUnknown = true
            let unknown = unknownTokenId ?? 0
            guard unknown >= 0, unknown < Int64(tokens.count) else {
                throw SigilError(.malformed, "GGUF tokenizer.ggml.unknown_token_id \(unknown) is not a token")
            }
            parts.unknownToken = tokens[Int(unknown)]
            let replace = Normalizer.replace(pattern: Array(" ".utf8), content: Array("\u{2581}".utf8))
            parts.normalizer = addSpacePrefix ? .sequence([.prepend(Array("\u{2581}".utf8)), replace]) : replace
            parts.decoder = .sequence([.replace(pattern: "\u{2581}", content: " "), .byteFallback, .fuse])
            for (index, type) in tokenTypes.enumerated() where type == 4 {
                parts.addedTokens.append(addedToken(index, vocabulary, special: false))
            }
        default:
            throw SigilError(.unsupportedFormat, "GGUF tokenizer model \"\(model)\" is not supported (only gpt2 and llama)")
        }
        // Added token contents to their index in parts.addedTokens (contents compared byte for byte).
        var added = TokenIndex(capacity: tokens.count / 8)
        for (index, token) in parts.addedTokens.enumerated() { added.set(token.content, Int32(index)) }
        for (index, type) in tokenTypes.enumerated() where type == 3 {
            let token = addedToken(index, vocabulary, special: true)
            if let existing = added.id(token.content) {
                parts.addedTokens[Int(existing)].special = true
            } else {
                added.set(token.content, Int32(parts.addedTokens.count))
                parts.addedTokens.append(token)
            }
        }
        return parts
    }

    /// An added token for `tokens[index]`, with the id the vocabulary gives its text (the last duplicate's).
    private func addedToken(_ index: Int, _ vocabulary: TokenIndex, special: Bool) -> TextTokenizer.AddedToken {
        let content = tokens[index]
        let id = vocabulary.id(content) ?? Int32(index)
        return TextTokenizer.AddedToken(id: id, content: content, special: special, normalized: false)
    }

    /// SentencePiece merges from scores: every split of a normal piece into two normal pieces (at scalar
    /// boundaries), ordered by the piece's score (highest first), then piece id, then the left part's id.
    private func scoreMerges() throws(SigilError) -> [(String, String)] {
        var normal = TokenIndex(capacity: tokens.count)
        for (id, token) in tokens.enumerated() where tokenTypes[id] == 1 { normal.set(token, Int32(id)) }
        struct Candidate {
            var score: Double
            var piece: Int32
            var left: Int32
            var right: Int32
            /// Byte offset of the split in the piece.
            var split: Int32
        }
        var candidates: [Candidate] = []
        candidates.reserveCapacity(tokens.count * 2)
        for (text, pieceId) in zip(normal.texts, normal.ids) {
            var piece = text
            piece.withUTF8 { bytes in
                // Every split at a scalar boundary (Python slices strings by code point).
                for split in 1..<max(bytes.count, 1) where bytes[split] & 0xC0 != 0x80 {
                    guard let left = normal.id(bytes: UnsafeBufferPointer(rebasing: bytes[..<split])),
                        let right = normal.id(bytes: UnsafeBufferPointer(rebasing: bytes[split...]))
                    else { continue }
                    candidates.append(
                        Candidate(
                            score: -scores[Int(pieceId)], piece: pieceId, left: left, right: right,
                            split: Int32(split)))
                }
            }
        }
        candidates.sort { a, b in
            if a.score != b.score { return a.score < b.score }
            if a.piece != b.piece { return a.piece < b.piece }
            if a.left != b.left { return a.left < b.left }
            return a.right < b.right
        }
        return candidates.map { candidate in
            let utf8 = Array(tokens[Int(candidate.piece)].utf8)
            let split = Int(candidate.split)
            return (String(decoding: utf8[..<split], as: UTF8.self), String(decoding: utf8[split...], as: UTF8.self))
        }
    }

    /// Buffered little-endian reading from a file, bounded by its size.
    private struct Reader {
        let path: String
        let handle: FileHandle
        let size: UInt64
        private var buffer: [UInt8] = []
        private var position = 0
        /// The file offset of `buffer[0]`.
        private var bufferOffset: UInt64 = 0
        static let chunk = 1 << 20

        init(path: String) throws(SigilError) {
            self.path = path
            guard let handle = FileHandle(forReadingAtPath: path) else {
                throw SigilError(.io, "cannot open GGUF file", path: path)
            }
            self.handle = handle
            do {
                size = try handle.seekToEnd()
                try handle.seek(toOffset: 0)
            } catch {
                throw SigilError(.io, "cannot read GGUF file: \(error)", path: path)
            }
        }

        /// The current file offset.
        var offset: UInt64 { bufferOffset + UInt64(position) }
        var remaining: UInt64 { size - offset }

        /// Makes at least `count` bytes available in the buffer, or throws `.truncated`.
        private mutating func fill(_ count: Int, what: String) throws(SigilError) {
            if buffer.count - position >= count { return }
            guard UInt64(count) <= remaining else {
                throw SigilError(.truncated, "GGUF file ends inside \(what)", path: path, offset: Int(offset))
            }
            let keep = Array(buffer[position...])
            bufferOffset += UInt64(position)
            position = 0
            let wanted = max(Self.chunk, count - keep.count)
            let data: Data?
            do {
                try handle.seek(toOffset: bufferOffset + UInt64(keep.count))
                data = try handle.read(upToCount: wanted)
            } catch {
                throw SigilError(.io, "cannot read GGUF file: \(error)", path: path, offset: Int(offset))
            }
            buffer = keep + [UInt8](data ?? Data())
            guard buffer.count >= count else {
                throw SigilError(.truncated, "GGUF file ends inside \(what)", path: path, offset: Int(offset))
            }
        }

        mutating func readByte() throws(SigilError) -> UInt8 {
            try fill(1, what: "a value")
            defer { position += 1 }
            return buffer[position]
        }

        mutating func readUInt32(bytes: Int = 4) throws(SigilError) -> UInt32 {
            try fill(bytes, what: "a value")
            var value: UInt32 = 0
            for index in 0..<bytes { value |= UInt32(buffer[position + index]) << (8 * index) }
            position += bytes
            return value
        }

        mutating func readUInt64() throws(SigilError) -> UInt64 {
            try fill(8, what: "a value")
            var value: UInt64 = 0
            for index in 0..<8 { value |= UInt64(buffer[position + index]) << (8 * index) }
            position += 8
            return value
        }

        /// Throws unless `count` items of at least `minimumSize` bytes each fit in the rest of the file.
        func checkCount(_ count: UInt64, minimumSize: Int, what: String) throws(SigilError) {
            let (total, overflow) = count.multipliedReportingOverflow(by: UInt64(minimumSize))
            guard !overflow, total <= remaining else {
                throw SigilError(.malformed, "GGUF \(what) \(count) does not fit in the file", path: path, offset: Int(offset))
            }
        }

        mutating func readString(what: String) throws(SigilError) -> String {
            let start = offset
            let length = try readUInt64()
            guard length <= remaining else {
                throw SigilError(
                    .malformed, "GGUF string length \(length) in \(what) runs past the end of the file",
                    path: path, offset: Int(start))
            }
            try fill(Int(length), what: what)
            let bytes = buffer[position..<(position + Int(length))]
            position += Int(length)
            guard let text = String(validating: bytes, as: UTF8.self) else {
                throw SigilError(.malformed, "GGUF string in \(what) is not valid UTF-8", path: path, offset: Int(start))
            }
            return text
        }

        mutating func skip(_ count: UInt64, what: String) throws(SigilError) {
            guard count <= remaining else {
                throw SigilError(.truncated, "GGUF file ends inside \(what)", path: path, offset: Int(offset))
            }
            let available = UInt64(buffer.count - position)
            if count <= available {
                position += Int(count)
            } else {
                bufferOffset = offset + count
                buffer = []
                position = 0
            }
        }
    }
}

extension TextTokenizer {
    /// Builds the tokenizer of a GGUF model from its `tokenizer.ggml.*` metadata, as the Sigil benchmark's
    /// `build_tokenizer` does: `gpt2` models become byte-level BPE (with `Digits` for the smollm, starcoder and
    /// refact pre-tokenizers), `llama` models SentencePiece-style BPE with byte fallback whose merges come from
    /// the token scores. Only the metadata section is read.
    ///
    /// - Throws: ``SigilError`` with `.io`, `.truncated`, `.malformed` or `.unsupportedFormat`, naming the offset.
    public init(ggufPath: String) throws {
        do throws(SigilError) {
            try self.init(parts: GGUFVocabulary(path: ggufPath).parts())
        } catch {
            throw error.path == nil ? error.at(path: ggufPath) : error
        }
    }
}
