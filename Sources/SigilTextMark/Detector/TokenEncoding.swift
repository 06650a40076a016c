/// What the detector needs from a tokenizer: the generator's own text-to-ids mapping, and back for reporting spans.
/// ``TextTokenizer`` (a `tokenizer.json` or GGUF vocabulary) is the implementation Sigil ships.
public protocol TokenEncoding: Sendable {
    /// A stable name of the vocabulary and its rules (for ``TextTokenizer``, the SHA-256 of the file it was read
    /// from): two encoders with the same identity tokenize alike.
    var identity: String { get }
    /// The ids the generator's tokenizer gives `text`, without special tokens.
    func encode(_ text: String) -> [Int32]
    /// The text of `ids`, special tokens left out.
    func decode(_ ids: [Int32]) -> String
}
