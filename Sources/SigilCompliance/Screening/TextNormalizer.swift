import Foundation

/// Brings text to the one form the phrase library is matched in, so the usual evasions do not hide a phrase:
///
/// 1. NFKC, which folds full-width letters, digits and punctuation to their half-width forms (`ＡＢＣ１` → `ABC1`)
///    and other compatibility variants;
/// 2. traditional Chinese to simplified (ICU's `Traditional-Simplified` transform, from Foundation's ICU);
/// 3. lower case;
/// 4. spacing removed: white space, zero-width and other format characters, punctuation and symbols — the
///    characters people insert between the characters of a phrase (`炸 弹`, `炸*弹`, `b.o.m.b`).
///
/// Step 4 means a Latin phrase can match across a word boundary (`ass` inside `a sseverance`); libraries should hold
/// whole phrases rather than short Latin fragments (decision 0500).
public struct TextNormalizer: Sendable {
    public init() {}

    /// The normalised scalars of `text`.
    public func normalize(_ text: String) -> [Unicode.Scalar] {
        var folded = text.precomposedStringWithCompatibilityMapping
        if folded.unicodeScalars.contains(where: Self.isHan) {
            folded = folded.applyingTransform(StringTransform("Traditional-Simplified"), reverse: false) ?? folded
        }
        folded = folded.lowercased()
        return folded.unicodeScalars.filter { !Self.isSpacing($0) }
    }

    /// `text` normalised, as a string.
    public func normalizedString(_ text: String) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: normalize(text))
        return String(view)
    }

    static func isHan(_ scalar: Unicode.Scalar) -> Bool {
        (0x3400...0x9FFF).contains(scalar.value) || (0x20000...0x3134F).contains(scalar.value) || (0xF900...0xFAFF).contains(scalar.value)
    }

    static func isSpacing(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .spaceSeparator, .lineSeparator, .paragraphSeparator, .control, .format,
            .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation,
            .finalPunctuation, .otherPunctuation, .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol:
            return true
        default:
            return false
        }
    }
}
