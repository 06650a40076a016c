import Foundation
import SigilTextMark

// The C entry points of `libsigiltextmark.so`, declared in `Integrations/c/sigil_textmark.h`. Each checks its
// pointers and lengths and answers with a ``TextMarkCStatus`` code; none throws or traps on caller input. `size_t`
// arrives as `Int` (the same 64-bit register); a length above `Int.max` arrives negative and is rejected.

/// The scheme version the library marks and detects (1).
@_cdecl("sigil_textmark_scheme_version")
public func sigil_textmark_scheme_version() -> Int32 {
    Int32(TextMarkScheme.v1.version)
}

/// A static description of a status code; never NULL, never to be freed.
@_cdecl("sigil_textmark_status_string")
public func sigil_textmark_status_string(_ status: Int32) -> UnsafePointer<CChar> {
    let message: StaticString = TextMarkCStatus(rawValue: status)?.message ?? "unknown status"
    return UnsafeRawPointer(message.utf8Start).assumingMemoryBound(to: CChar.self)
}

/// A handle for the provider's 32-byte watermark key; NULL when `key` is NULL or `length` is not 32.
@_cdecl("sigil_textmark_new")
public func sigil_textmark_new(_ key: UnsafePointer<UInt8>?, _ length: Int) -> UnsafeMutableRawPointer? {
    guard let key, length == 32,
        let textKey = try? TextMarkKey(watermarkKeyBytes: Array(UnsafeBufferPointer(start: key, count: length)))
    else { return nil }
    return TextMarkHandle(key: textKey).retainedPointer()
}

/// A handle for a demonstration or benchmark passphrase; NULL when it is NULL, empty or not UTF-8.
@_cdecl("sigil_textmark_new_passphrase")
public func sigil_textmark_new_passphrase(_ passphrase: UnsafePointer<CChar>?) -> UnsafeMutableRawPointer? {
    guard let passphrase, let text = String(validatingCString: passphrase), !text.isEmpty else { return nil }
    return TextMarkHandle(key: TextMarkKey(passphrase: text)).retainedPointer()
}

/// Releases a handle; NULL is ignored.
@_cdecl("sigil_textmark_free")
public func sigil_textmark_free(_ handle: UnsafeMutableRawPointer?) {
    guard let handle else { return }
    Unmanaged<TextMarkHandle>.fromOpaque(handle).release()
}

/// Writes the key id (16 hex digits and a NUL) into `out`, which must hold at least 17 bytes.
@_cdecl("sigil_textmark_key_id")
public func sigil_textmark_key_id(_ handle: UnsafeRawPointer?, _ out: UnsafeMutablePointer<CChar>?, _ outLength: Int) -> Int32 {
    guard let textMark = TextMarkHandle.borrowing(handle), let out else { return TextMarkCStatus.nullArgument.rawValue }
    let id = Array(textMark.sampler.key.keyID.utf8CString)
    guard outLength >= id.count else { return TextMarkCStatus.bufferTooSmall.rawValue }
    for (index, byte) in id.enumerated() { out[index] = byte }
    return TextMarkCStatus.ok.rawValue
}

/// 1 when the token after `context` is sampled with the mark, 0 when it is not (a short or repeated context),
/// negative on error.
@_cdecl("sigil_textmark_marks")
public func sigil_textmark_marks(_ handle: UnsafeRawPointer?, _ context: UnsafePointer<Int32>?, _ count: Int) -> Int32 {
    guard let textMark = TextMarkHandle.borrowing(handle) else { return TextMarkCStatus.nullArgument.rawValue }
    switch ids(context, count) {
    case .failure(let status): return status.rawValue
    case .success(let context): return textMark.sampler.marks(after: context) ? 1 : 0
    }
}

/// Writes the marked next-token distribution as natural-log probabilities into `out` (`vocabulary` floats): −inf
/// outside the support. On ``TextMarkCStatus/noFiniteLogit`` `out` is all −inf.
@_cdecl("sigil_textmark_process_logits")
public func sigil_textmark_process_logits(
    _ handle: UnsafeRawPointer?, _ context: UnsafePointer<Int32>?, _ count: Int, _ logits: UnsafePointer<Float>?,
    _ vocabulary: Int, _ temperature: Double, _ out: UnsafeMutablePointer<Float>?
) -> Int32 {
    guard let out else { return TextMarkCStatus.nullArgument.rawValue }
    switch distribution(handle, context, count, logits, vocabulary, temperature) {
    case .failure(let status): return status.rawValue
    case .success(let choices):
        let output = UnsafeMutableBufferPointer(start: out, count: vocabulary)
        output.initialize(repeating: -.infinity)
        for choice in choices { output[Int(choice.token)] = Float(log(choice.probability)) }
        return (choices.isEmpty ? TextMarkCStatus.noFiniteLogit : .ok).rawValue
    }
}

/// Chooses the next token from the marked distribution with the caller's uniform draw `uniform` in [0, 1): the
/// first token whose cumulative probability exceeds it, in token-id order. Returns the token id (≥ 0) or a negative
/// status.
@_cdecl("sigil_textmark_sample")
public func sigil_textmark_sample(
    _ handle: UnsafeRawPointer?, _ context: UnsafePointer<Int32>?, _ count: Int, _ logits: UnsafePointer<Float>?,
    _ vocabulary: Int, _ temperature: Double, _ uniform: Double
) -> Int32 {
    guard uniform >= 0, uniform < 1 else { return TextMarkCStatus.invalidArgument.rawValue }
    switch distribution(handle, context, count, logits, vocabulary, temperature) {
    case .failure(let status): return status.rawValue
    case .success(let choices):
        guard let last = choices.last else { return TextMarkCStatus.noFiniteLogit.rawValue }
        // The same walk as TextMarkSampler.nextToken, so a draw u gives the token its generator would give for u.
        var target = uniform
        for choice in choices {
            target -= choice.probability
            if target < 0 { return choice.token }
        }
        return last.token
    }
}

/// Tests token ids for the key's mark and writes the result into `out` (a `sigil_textmark_result`).
@_cdecl("sigil_textmark_detect_ids")
public func sigil_textmark_detect_ids(
    _ handle: UnsafeRawPointer?, _ tokens: UnsafePointer<Int32>?, _ count: Int, _ out: UnsafeMutableRawPointer?
) -> Int32 {
    guard let textMark = TextMarkHandle.borrowing(handle), let out else { return TextMarkCStatus.nullArgument.rawValue }
    switch ids(tokens, count) {
    case .failure(let status): return status.rawValue
    case .success(let tokens):
        TextMarkCResult.store(textMark.detector.detect(ids: tokens), into: out)
        return TextMarkCStatus.ok.rawValue
    }
}

/// The caller's id buffer as an array: NULL is allowed only with length 0.
private func ids(_ pointer: UnsafePointer<Int32>?, _ count: Int) -> Result<[Int32], TextMarkCStatus> {
    guard count >= 0 else { return .failure(.invalidArgument) }
    guard count == 0 || pointer != nil else { return .failure(.nullArgument) }
    return .success(count == 0 ? [] : Array(UnsafeBufferPointer(start: pointer, count: count)))
}

/// The marked distribution for one row, after checking every argument the sampling entry points share.
private func distribution(
    _ handle: UnsafeRawPointer?, _ context: UnsafePointer<Int32>?, _ count: Int, _ logits: UnsafePointer<Float>?,
    _ vocabulary: Int, _ temperature: Double
) -> Result<[(token: Int32, probability: Double)], TextMarkCStatus> {
    guard let textMark = TextMarkHandle.borrowing(handle), let logits else { return .failure(.nullArgument) }
    // Token ids are int32_t, so the vocabulary cannot exceed their range.
    guard vocabulary > 0, vocabulary <= Int(Int32.max), temperature.isFinite, temperature > 0 else {
        return .failure(.invalidArgument)
    }
    return ids(context, count).map {
        textMark.sampler.distribution(
            context: $0, logits: UnsafeBufferPointer(start: logits, count: vocabulary), temperature: temperature)
    }
}
