import Foundation
import SigilTextMark

extension TextMarkDetection {
    /// The detection as JSON members: `marked` (p ≤ 1e-6), `p`, `log10p`, `z`, the counts behind them, the key id,
    /// and the most strongly marked span.
    public var jsonMembers: [JSONValue.Member] {
        var members: [JSONValue.Member] = [
            .init("marked", .bool(isMarked())),
            .init("p", .number(Self.number(pValue))),
            .init("log10p", .number(Self.number(log10PValue, decimals: 3))),
            .init("z", .number(Self.number(z, decimals: 3))),
            .init("n", .number(String(tokenCount))),
            .init("scored", .number(String(scoredCount))),
            .init("meanG", .number(Self.number(meanGValue, decimals: 4))),
            .init("wholeTextP", .number(Self.number(wholeTextPValue))),
            .init("tests", .number(String(tests))),
            .init("normalization", .string(normalization)),
            .init("keyId", .string(keyID)),
            .init("scheme", .string("sigil-textmark/v\(schemeVersion)")),
        ]
        if let span {
            var spanMembers: [JSONValue.Member] = [
                .init("startToken", .number(String(span.tokens.lowerBound))),
                .init("endToken", .number(String(span.tokens.upperBound))),
                .init("p", .number(Self.number(span.pValue))),
            ]
            if let text = span.text { spanMembers.append(.init("text", .string(text))) }
            members.append(.init("span", .object(spanMembers)))
        }
        return members
    }

    /// A JSON number: the shortest text that reads back as `value` (rounded to `decimals` places when given).
    /// `String(format:)` costs microseconds per call on Linux, which a batch of 10,000 texts notices.
    static func number(_ value: Double, decimals: Int? = nil) -> String {
        guard value.isFinite else { return value > 0 ? "1e308" : value < 0 ? "-1e308" : "0" }
        guard let decimals else { return value.description }
        let scale = pow(10, Double(decimals))
        let rounded = (value * scale).rounded() / scale
        return rounded == 0 ? "0" : rounded.description
    }
}
