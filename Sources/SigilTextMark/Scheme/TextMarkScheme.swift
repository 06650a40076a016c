/// The parameters of Sigil's text mark, fixed per version so that a detector years later reads text marked today.
///
/// Version 1 is a tournament-sampling mark (the scheme of SynthID-Text, Dathathri et al., Nature 2024): at each
/// generated token whose context has not occurred before, `layers` keyed binary g-values per vocabulary entry
/// reshape the model's next-token distribution in a way that leaves it unchanged on average over keys, and the
/// token is then drawn with fresh randomness. A detector counts how many of each scored token's g-values are 1:
/// under the null hypothesis (text not sampled with this key) every count is Binomial(`layers`, ½), independent
/// across distinct (context, token) pairs, so the p-value is an exact binomial tail. See
/// `docs/decisions/0604-text-watermark.md`.
public struct TextMarkScheme: Sendable, Hashable {
    /// The scheme's version, written into reports.
    public let version: Int
    /// How many preceding tokens seed a position's g-values.
    public let contextWidth: Int
    /// How many tournament layers (binary g-values per token), at most 64.
    public let layers: Int
    /// The sampler leaves out the least likely tokens whose combined probability is at most this (a provable bound
    /// on the change to the distribution); it keeps the sampler's cost at the distribution's support, not the
    /// vocabulary. Detection does not depend on it.
    public let tailMass: Double

    /// The current scheme: context width 2, 30 layers, tail mass 1e-6.
    public static let v1 = TextMarkScheme(version: 1, contextWidth: 2, layers: 30, tailMass: 1e-6)

    /// The bits of a 64-bit g-value word that are the scheme's layers.
    var layerMask: UInt64 { layers >= 64 ? .max : (UInt64(1) << UInt64(layers)) &- 1 }
}
