import Foundation
import SigilTextMark

extension TextMarkDetection {
    /// The detection as JSON members: `marked` (p ≤ 1e-6), `p`, `log10p`, `z`, the counts behind them, the key id,
    /// and the most strongly marked span.
    public var jsonMembers: [JSONValue.Member] {
        var members: [JSONValue.Member] = [
            .init("marked", .bool(isMarked())),
            .init("p", .number(String(format: "%.6g", pValue))),
            .init("log10p", .number(String(format: "%.3f", log10PValue))),
            .init("z", .number(String(format: "%.3f", z))),
            .init("n", .number(String(tokenCount))),
            .init("scored", .number(String(scoredCount))),
            .init("meanG", .number(String(format: "%.4f", meanGValue))),
            .init("wholeTextP", .number(String(format: "%.6g", wholeTextPValue))),
            .init("tests", .number(String(tests))),
            .init("normalization", .string(normalization)),
            .init("keyId", .string(keyID)),
            .init("scheme", .string("sigil-textmark/v\(schemeVersion)")),
        ]
        if let span {
            var spanMembers: [JSONValue.Member] = [
                .init("startToken", .number(String(span.tokens.lowerBound))),
                .init("endToken", .number(String(span.tokens.upperBound))),
                .init("p", .number(String(format: "%.6g", span.pValue))),
            ]
            if let text = span.text { spanMembers.append(.init("text", .string(text))) }
            members.append(.init("span", .object(spanMembers)))
        }
        return members
    }
}
