/// Screens text that arrives in pieces (a streamed chat answer, decision 0410): each piece is screened together with a
/// bounded tail of the text before it, so a phrase split across two pieces is found, and each rule is reported once.
///
/// The tail holds at least ``Screener/longestPhrase`` − 1 normalised scalars of earlier text (spacing that
/// normalisation removes does not count towards it), so every phrase that ends in a new piece is found whole. It is
/// cut at ``maximumTail`` characters, so a phrase whose characters are more than that many characters of spacing apart
/// across a piece boundary is not found in a stream. Regular expressions see the tail and the piece, and at least
/// ``regexWindow`` characters of earlier text: a regex match that needs more earlier text than that can be missed in a
/// stream (whole texts, ``Screener/screen(text:)``, have no such limit).
public struct StreamScreen: Sendable {
    /// The earlier text kept for regular expressions, in characters.
    public static let regexWindow = 256
    /// The most earlier text kept, in characters.
    public static let maximumTail = 4096

    public let screener: Screener
    private let normalizer = TextNormalizer()
    /// Per channel (a choice of a chat answer): the end of the text screened so far.
    private var tails: [Int: String] = [:]
    private var reported: Set<Int> = []

    public init(screener: Screener) {
        self.screener = screener
    }

    /// The rules that `piece`, read after the text already fed on `channel`, hits and that were not reported before.
    public mutating func feed(_ piece: String, channel: Int = 0) -> [Screener.Hit] {
        guard screener.hasTextRules, !piece.isEmpty else { return [] }
        let window = (tails[channel] ?? "") + piece
        let hits = screener.screen(text: window).filter { !reported.contains($0.rule) }
        reported.formUnion(hits.map(\.rule))
        tails[channel] = tail(of: window)
        return hits
    }

    /// The shortest end of `text` that holds `longestPhrase − 1` normalised scalars and `regexWindow` characters (when
    /// the library has regexes), at most `maximumTail` characters.
    func tail(of text: String) -> String {
        let scalarsNeeded = max(0, screener.longestPhrase - 1)
        let charactersNeeded = screener.hasRegexRules ? Self.regexWindow : 0
        var start = text.endIndex
        var scalars = 0
        var characters = 0
        while start > text.startIndex, characters < Self.maximumTail, scalars < scalarsNeeded || characters < charactersNeeded {
            let previous = text.index(before: start)
            scalars += normalizer.normalize(String(text[previous])).count
            characters += 1
            start = previous
        }
        return String(text[start...])
    }
}
