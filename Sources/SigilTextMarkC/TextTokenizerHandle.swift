import SigilTextMark

/// The Swift value behind one `sigil_textmark_tokenizer *`: the generator's tokenizer, read once from a
/// `tokenizer.json` or GGUF file. Immutable after creation, so one handle serves any number of threads at once.
public final class TextTokenizerHandle: Sendable {
    /// The tokenizer the detector encodes text with.
    public let tokenizer: TextTokenizer

    /// A handle for `tokenizer`.
    public init(tokenizer: TextTokenizer) {
        self.tokenizer = tokenizer
    }

    /// A new +1 reference to this handle as a C pointer; the caller owns it until `sigil_textmark_tokenizer_free`.
    func retainedPointer() -> UnsafeMutableRawPointer {
        Unmanaged.passRetained(self).toOpaque()
    }

    /// The handle behind a pointer from ``retainedPointer()``, borrowed for the length of one call; nil for NULL.
    static func borrowing(_ pointer: UnsafeRawPointer?) -> TextTokenizerHandle? {
        guard let pointer else { return nil }
        return Unmanaged<TextTokenizerHandle>.fromOpaque(pointer).takeUnretainedValue()
    }
}
