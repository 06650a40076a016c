import SigilTextMark

/// The Swift values behind one `sigil_textmark *` (see `Integrations/c/sigil_textmark.h`): the key's sampler and
/// detector. Immutable after creation, so one handle serves any number of threads at once.
///
/// A handle crosses the C boundary as an opaque pointer retained with `Unmanaged`: ``retainedPointer()`` hands one
/// reference to the caller, `sigil_textmark_free` gives it back.
public final class TextMarkHandle: Sendable {
    /// Chooses marked tokens under the key.
    public let sampler: TextMarkSampler
    /// Tests token ids for the key's mark (no tokenizer: ids only).
    public let detector: TextMarkDetector

    /// A handle for `key` under the current scheme.
    public init(key: TextMarkKey) {
        sampler = TextMarkSampler(key: key)
        detector = TextMarkDetector(key: key, tokenizer: nil)
    }

    /// A new +1 reference to this handle as a C pointer; the caller owns it until `sigil_textmark_free`.
    func retainedPointer() -> UnsafeMutableRawPointer {
        Unmanaged.passRetained(self).toOpaque()
    }

    /// The handle behind a pointer from ``retainedPointer()``, borrowed for the length of one call; nil for NULL.
    static func borrowing(_ pointer: UnsafeRawPointer?) -> TextMarkHandle? {
        guard let pointer else { return nil }
        return Unmanaged<TextMarkHandle>.fromOpaque(pointer).takeUnretainedValue()
    }
}
