import SigilCore
import SigilTextMark

// Text detection through the C interface: the generator's tokenizer as a second handle type, and detection of UTF-8
// text with it (see `Integrations/c/sigil_textmark.h`).

/// Reads a `tokenizer.json` or GGUF file; NULL on failure, with the reason (NUL-terminated, truncated to fit) in
/// `error` when it is not NULL and `errorLength` > 0.
@_cdecl("sigil_textmark_tokenizer_load")
public func sigil_textmark_tokenizer_load(
    _ path: UnsafePointer<CChar>?, _ error: UnsafeMutablePointer<CChar>?, _ errorLength: Int
) -> UnsafeMutableRawPointer? {
    func fail(_ message: String) -> UnsafeMutableRawPointer? {
        if let error, errorLength > 0 {
            let bytes = Array(message.utf8.prefix(errorLength - 1))
            for (index, byte) in bytes.enumerated() { error[index] = CChar(bitPattern: byte) }
            error[bytes.count] = 0
        }
        return nil
    }
    guard let path, let text = String(validatingCString: path), !text.isEmpty else {
        return fail("the tokenizer path is NULL, empty or not UTF-8")
    }
    do {
        return TextTokenizerHandle(tokenizer: try TextTokenizer.load(path: text)).retainedPointer()
    } catch let failure as SigilError {
        return fail(failure.description)
    } catch {
        return fail("\(error)")
    }
}

/// Releases a tokenizer handle; NULL is ignored.
@_cdecl("sigil_textmark_tokenizer_free")
public func sigil_textmark_tokenizer_free(_ handle: UnsafeMutableRawPointer?) {
    guard let handle else { return }
    Unmanaged<TextTokenizerHandle>.fromOpaque(handle).release()
}

/// The number of token ids the tokenizer knows (its logits rows have this many entries); negative on error.
@_cdecl("sigil_textmark_tokenizer_vocab_size")
public func sigil_textmark_tokenizer_vocab_size(_ handle: UnsafeRawPointer?) -> Int64 {
    guard let tokenizer = TextTokenizerHandle.borrowing(handle) else { return Int64(TextMarkCStatus.nullArgument.rawValue) }
    return Int64(tokenizer.tokenizer.vocabularySize)
}

/// Tests UTF-8 `text` (`length` bytes, no NUL needed) for the key's mark: tokenized as the generator would, and
/// again after removing zero-width characters and mapping full-width punctuation when those change it, the best
/// result reported with its p-value corrected for the variants tried.
@_cdecl("sigil_textmark_detect_text")
public func sigil_textmark_detect_text(
    _ handle: UnsafeRawPointer?, _ tokenizer: UnsafeRawPointer?, _ text: UnsafePointer<CChar>?, _ length: Int,
    _ out: UnsafeMutableRawPointer?
) -> Int32 {
    guard let textMark = TextMarkHandle.borrowing(handle), let tokenizer = TextTokenizerHandle.borrowing(tokenizer), let out
    else { return TextMarkCStatus.nullArgument.rawValue }
    guard length >= 0 else { return TextMarkCStatus.invalidArgument.rawValue }
    guard length == 0 || text != nil else { return TextMarkCStatus.nullArgument.rawValue }
    let bytes = length == 0 ? [] : UnsafeRawBufferPointer(start: text, count: length).map { $0 }
    guard let string = String(validating: bytes, as: UTF8.self) else { return TextMarkCStatus.invalidUTF8.rawValue }
    let detector = TextMarkDetector(key: textMark.sampler.key, tokenizer: tokenizer.tokenizer)
    TextMarkCResult.store(detector.detect(text: string), into: out)
    return TextMarkCStatus.ok.rawValue
}
