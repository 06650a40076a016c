/// The return codes of the C ABI: 0 for success, negative for errors. Errors never cross the boundary as Swift
/// errors or traps; every entry point checks its pointers and lengths and answers with one of these (inside the
/// module a status is also the error of a `Result`).
public enum TextMarkCStatus: Int32, Error, Sendable, CaseIterable {
    /// Success (`SIGIL_TEXTMARK_OK`).
    case ok = 0
    /// A required pointer is NULL, or a buffer pointer is NULL with a non-zero length (`SIGIL_TEXTMARK_ERR_NULL`).
    case nullArgument = -1
    /// A length, temperature or uniform draw is out of range (`SIGIL_TEXTMARK_ERR_ARGUMENT`).
    case invalidArgument = -2
    /// An output buffer is too small (`SIGIL_TEXTMARK_ERR_BUFFER`).
    case bufferTooSmall = -3
    /// The logits have no finite entry, so there is no distribution to sample (`SIGIL_TEXTMARK_ERR_NO_FINITE_LOGIT`).
    case noFiniteLogit = -4
    /// Text is not valid UTF-8 (`SIGIL_TEXTMARK_ERR_UTF8`).
    case invalidUTF8 = -5

    /// A static, NUL-terminated English description, for `sigil_textmark_status_string`.
    var message: StaticString {
        switch self {
        case .ok: "ok"
        case .nullArgument: "a required pointer is NULL"
        case .invalidArgument: "a length, temperature or uniform draw is out of range"
        case .bufferTooSmall: "the output buffer is too small"
        case .noFiniteLogit: "no logit is finite"
        case .invalidUTF8: "the text is not valid UTF-8"
        }
    }
}
