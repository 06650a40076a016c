import Crypto
import Foundation
import SigilCore

/// A byte-pair-encoding tokenizer that gives exactly the ids Hugging Face `tokenizers` gives, for the
/// `tokenizer.json` features that GPT-2 style (byte-level BPE, e.g. SmolLM2) and SentencePiece style (BPE with
/// byte fallback, e.g. Gemma 3) tokenizers use.
///
/// Encoding follows the `tokenizers` pipeline: added tokens are split out of the raw text (leftmost, longest),
/// the text between them is normalized, added tokens marked `normalized` are split out of that, the rest is
/// pre-tokenized into words and each word is encoded by the BPE model. Features outside that set are refused
/// when the file is read, naming the feature.
///
/// A value type; safe to share between threads.
public struct TextTokenizer: TokenEncoding {
    /// What a tokenizer is built from, whichever file it comes from.
    struct Parts {
        /// Model vocabulary: token text to id.
        var vocabulary: TokenIndex
        /// Merges in rank order, as token texts.
        var merges: [(String, String)]
        var byteFallback = false
        var unknownToken: String?
        var fuseUnknown = false
        var ignoreMerges = false
        var addedTokens: [AddedToken] = []
        var normalizer: Normalizer?
        var preTokenizer: ByteLevelPreTokenizer?
        var decoder: TokenDecoder?
    }

    /// One entry of `added_tokens`.
    struct AddedToken {
        var id: Int32
        var content: String
        var special: Bool
        var normalized: Bool
    }

    let model: BytePairEncoder
    private let preTokenizer: ByteLevelPreTokenizer?
    private let byteLevel: Bool
    private let normalizer: Normalizer?
    private let rawSplitter: AddedTokenSplitter
    private let normalizedSplitter: AddedTokenSplitter
    private let decoder: TokenDecoder?
    /// For SentencePiece-style models (no pre-tokenizer): the scalars after which a text may be cut before "▁"
    /// without changing the result (see ``MetaspaceCuts``); nil when cutting is off.
    private let metaspaceCuts: MetaspaceCuts?
    /// Token text by id (nil for ids nothing uses).
    private let tokens: [String?]
    /// Whether each id is a special added token (left out by ``decode(_:)``).
    let special: [Bool]

    /// Ids at or above this are refused (a guard against absurd allocations; real vocabularies are < 2^20).
    static let maxTokenId: Int32 = 1 << 24

    /// The number of token ids: one more than the largest id of the vocabulary and the added tokens.
    public let vocabularySize: Int
    /// SHA-256 (hex) over the token table, the merges in rank order and the pipeline's settings: any change that could
    /// change an id changes it. (A GGUF file and the `tokenizer.json` made from it may differ here while tokenizing
    /// alike: merges of equal score can come out in another order.)
    public let identity: String

    /// Parses a `tokenizer.json` (the bytes of the file).
    ///
    /// - Throws: ``SigilError`` with code `.malformed` or `.truncated` for JSON that does not parse or a structure
    ///   that contradicts itself (e.g. a merge naming a token the vocabulary lacks), `.unsupportedFormat` for a
    ///   normalizer, pre-tokenizer, model or decoder this implementation does not reproduce (the message names it).
    public init(tokenizerJSON bytes: [UInt8]) throws {
        try self.init(parts: TokenizerJSON.parts(from: bytes))
    }

    /// Reads and parses a `tokenizer.json` file.
    ///
    /// - Throws: ``SigilError`` with code `.io` when the file cannot be read, otherwise as
    ///   ``init(tokenizerJSON:)``, with the path set.
    /// A file that starts with the GGUF magic is read as a model (``init(ggufPath:)``, metadata only).
    public static func load(path: String) throws -> TextTokenizer {
        if let handle = FileHandle(forReadingAtPath: path) {
            let magic = (try? handle.read(upToCount: 4)).map { [UInt8]($0) }
            try? handle.close()
            if magic == Array("GGUF".utf8) { return try TextTokenizer(ggufPath: path) }
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SigilError(.io, "cannot read tokenizer file", path: path)
        }
        do {
            return try TextTokenizer(tokenizerJSON: [UInt8](data))
        } catch let error as SigilError {
            throw error.at(path: path)
        }
    }

    init(parts: Parts) throws(SigilError) {
        var maxId: Int32 = -1
        for id in parts.vocabulary.ids { maxId = max(maxId, id) }
        for token in parts.addedTokens { maxId = max(maxId, token.id) }
        guard maxId < Self.maxTokenId else {
            throw SigilError(.malformed, "token id \(maxId) is beyond the supported \(Self.maxTokenId - 1)")
        }
        let size = Int(maxId) + 1
        var tokens = [String?](repeating: nil, count: size)
        for (token, id) in zip(parts.vocabulary.texts, parts.vocabulary.ids) { tokens[Int(id)] = token }
        var special = [Bool](repeating: false, count: size)
        for token in parts.addedTokens {
            tokens[Int(token.id)] = token.content
            special[Int(token.id)] = token.special
        }
        var unknownId: Int32 = -1
        if let unknownToken = parts.unknownToken {
            guard let id = parts.vocabulary.id(unknownToken) else {
                throw SigilError(.malformed, "the model's unk_token \"\(unknownToken)\" is not in its vocabulary")
            }
            unknownId = id
        }
        var merges = PairTable(capacity: parts.merges.count)
        for (rank, (left, right)) in parts.merges.enumerated() {
            guard let leftId = parts.vocabulary.id(left) else {
                throw SigilError(.malformed, "merge \(rank) (\"\(left)\" \"\(right)\") names \"\(left)\", which is not in the vocabulary")
            }
            guard let rightId = parts.vocabulary.id(right) else {
                throw SigilError(.malformed, "merge \(rank) (\"\(left)\" \"\(right)\") names \"\(right)\", which is not in the vocabulary")
            }
            guard let mergedId = parts.vocabulary.id(left, right) else {
                throw SigilError(
                    .malformed,
                    "merge \(rank) (\"\(left)\" \"\(right)\") makes \"\(left + right)\", which is not in the vocabulary")
            }
            merges.insert(leftId, rightId, rank: UInt32(rank), merged: mergedId)
        }
        model = BytePairEncoder(
            vocabulary: parts.vocabulary, merges: merges, byteFallback: parts.byteFallback, unknownId: unknownId,
            fuseUnknown: parts.fuseUnknown, ignoreMerges: parts.ignoreMerges)
        preTokenizer = parts.preTokenizer.flatMap { $0.isIdentity ? nil : $0 }
        byteLevel = parts.preTokenizer?.byteLevel ?? false
        normalizer = parts.normalizer
        rawSplitter = AddedTokenSplitter(tokens: parts.addedTokens.filter { !$0.normalized }.map { (Array($0.content.utf8), $0.id) })
        normalizedSplitter = AddedTokenSplitter(
            tokens: parts.addedTokens.filter(\.normalized).map { token in
                let content = Array(token.content.utf8)
                return (parts.normalizer?.apply(content) ?? content, token.id)
            })
        decoder = parts.decoder
        metaspaceCuts = preTokenizer == nil && !parts.ignoreMerges ? MetaspaceCuts(merges: parts.merges) : nil
        self.tokens = tokens
        self.special = special
        vocabularySize = size
        var digest = SHA256()
        digest.update(data: Array("sigil-tokenizer/v1 byteFallback=\(parts.byteFallback) fuse=\(parts.fuseUnknown) ".utf8))
        digest.update(data: Array("ignoreMerges=\(parts.ignoreMerges) unk=\(parts.unknownToken ?? "") byteLevel=\(byteLevel)\n".utf8))
        digest.update(data: Array("normalizer=\(String(describing: parts.normalizer))\npre=\(String(describing: parts.preTokenizer))\n".utf8))
        for (id, token) in tokens.enumerated() {
            digest.update(data: Array("\(id)\(special[id] ? "*" : "")\u{1}\(token ?? "")\u{0}".utf8))
        }
        for (left, right) in parts.merges { digest.update(data: Array("\(left)\u{1}\(right)\u{0}".utf8)) }
        for token in parts.addedTokens { digest.update(data: Array("+\(token.id)\(token.normalized ? "n" : "")\u{1}\(token.content)\u{0}".utf8)) }
        identity = digest.finalize().map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
    }

    /// Per-call working memory: BPE buffers and the word cache.
    private struct EncodeState {
        var scratch = BytePairEncoder.Scratch()
        var cache = WordCache()
    }

    /// The ids of `text`, as Hugging Face `tokenizers` gives them with `encode(text, add_special_tokens=False).ids`.
    ///
    /// Added tokens (special or not) in the text are recognised.
    public func encode(_ text: String) -> [Int32] {
        var state = EncodeState()
        return encode(text, state: &state)
    }

    /// The ids of each text, as ``encode(_:)`` gives them; words repeated across texts are encoded once.
    public func encodeBatch(_ texts: [String]) -> [[Int32]] {
        var state = EncodeState()
        return texts.map { encode($0, state: &state) }
    }

    private func encode(_ text: String, state: inout EncodeState) -> [Int32] {
        var text = text
        var output: [Int32] = []
        text.withUTF8 { buffer in
            output.reserveCapacity(buffer.count / 3 + 1)
            rawSplitter.split(buffer, 0, buffer.count) { segment in
                switch segment {
                case .token(let id):
                    output.append(id)
                case .text(let start, let end):
                    if let normalizer {
                        let normalized = normalizer.apply(Array(UnsafeBufferPointer(rebasing: buffer[start..<end])))
                        normalized.withUnsafeBufferPointer { normalizedBuffer in
                            normalizedSplitter.split(normalizedBuffer, 0, normalizedBuffer.count) { inner in
                                switch inner {
                                case .token(let id): output.append(id)
                                case .text(let start, let end):
                                    encodeText(normalizedBuffer, start, end, &state, &output)
                                }
                            }
                        }
                    } else {
                        normalizedSplitter.split(buffer, start, end) { inner in
                            switch inner {
                            case .token(let id): output.append(id)
                            case .text(let start, let end): encodeText(buffer, start, end, &state, &output)
                            }
                        }
                    }
                }
            }
        }
        return output
    }

    /// Pre-tokenizes `text[start..<end]` (normalized text outside added tokens) and encodes each word.
    private func encodeText(
        _ text: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, _ state: inout EncodeState, _ output: inout [Int32]
    ) {
        let piece = UnsafeBufferPointer(rebasing: text[start..<end])
        guard let preTokenizer else {
            if let metaspaceCuts {
                encodeCutAtMetaspaces(piece, metaspaceCuts, &state, &output)
            } else {
                encodeWord(piece, 0, piece.count, &state, &output)
            }
            return
        }
        preTokenizer.forEachWord(in: piece) { wordStart, wordEnd in
            encodeWord(piece, wordStart, wordEnd, &state, &output)
        }
    }

    /// Encodes a whole normalized piece (no pre-tokenizer) as words cut before "▁" where no merge can cross the
    /// cut: the result equals encoding the piece as one word, but short words can use the cache.
    private func encodeCutAtMetaspaces(
        _ text: UnsafeBufferPointer<UInt8>, _ cuts: MetaspaceCuts, _ state: inout EncodeState, _ output: inout [Int32]
    ) {
        let end = text.count
        var wordStart = 0
        var index = 1
        while index + 2 < end {
            // "▁" is E2 96 81.
            guard text[index] == 0xE2, text[index + 1] == 0x96, text[index + 2] == 0x81 else {
                index += 1
                continue
            }
            var previousStart = index - 1
            while previousStart > wordStart, text[previousStart] & 0xC0 == 0x80 { previousStart -= 1 }
            let (previous, _) = decodeScalar(text, previousStart)
            if index > wordStart, previous != 0x2581, model.scalarId(previous) >= 0, !cuts.forbidden.contains(previous) {
                encodeWord(text, wordStart, index, &state, &output)
                wordStart = index
            }
            index += 3
        }
        encodeWord(text, wordStart, end, &state, &output)
    }

    @inline(__always)
    private func encodeWord(
        _ text: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, _ state: inout EncodeState, _ output: inout [Int32]
    ) {
        let length = end - start
        if length == 1, byteLevel {
            let id = model.byteLevelIds[Int(text[start])]
            if id >= 0, model.wholeWordIds == nil {
                output.append(id)
                return
            }
        }
        guard length <= WordCache.maxWordLength else {
            model.encode(text, start, end, byteLevel: byteLevel, scratch: &state.scratch, into: &output)
            return
        }
        let hash = WordCache.hash(text, start, end)
        if let range = state.cache.find(text, start, end, hash: hash) {
            output.append(contentsOf: state.cache.ids[range])
            return
        }
        let before = output.count
        model.encode(text, start, end, byteLevel: byteLevel, scratch: &state.scratch, into: &output)
        state.cache.insert(text, start, end, hash: hash, ids: output[before...])
    }

    /// The text of `ids`, as Hugging Face `tokenizers` gives it with `decode(ids, skip_special_tokens=True)`:
    /// special added tokens and unknown ids are left out, the rest goes through the decoder (or is joined with
    /// spaces when there is none).
    public func decode(_ ids: [Int32]) -> String {
        var pieces: [String] = []
        pieces.reserveCapacity(ids.count)
        for id in ids {
            guard id >= 0, Int(id) < tokens.count, !special[Int(id)], let token = tokens[Int(id)] else { continue }
            pieces.append(token)
        }
        guard let decoder else { return pieces.joined(separator: " ") }
        return decoder.decodeChain(pieces).joined()
    }

    /// The text of one id as stored in the vocabulary (not decoded), or nil for an unused id.
    public func token(for id: Int32) -> String? {
        guard id >= 0, Int(id) < tokens.count else { return nil }
        return tokens[Int(id)]
    }
}
