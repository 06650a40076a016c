/// The kind of deep-synthesis service that generated the content, as the Deep Synthesis Provisions (DSP)
/// Art. 17 enumerates the services whose output must carry a conspicuous label.
public enum ServiceCategory: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Intelligent dialogue or writing that imitates a natural person (DSP Art. 17 (1)).
    case dialogue
    /// Synthetic human voice or voice imitation that markedly changes identity traits (Art. 17 (2)).
    case voice
    /// Face generation, face swap, face or posture manipulation (Art. 17 (3)).
    case face
    /// Generation or editing of immersive, realistic scenes (Art. 17 (4)).
    case immersiveScene = "immersive-scene"
    /// Any other service that generates or markedly changes information content (Art. 17 (5)).
    case other

    public var description: String { rawValue }

    /// Parses a category name; `scene` is accepted for `immersive-scene` (the generation API's spelling).
    ///
    /// - Throws: ``SigilError`` `.usage` listing the known names.
    public init(parsing text: String) throws {
        if text == "scene" {
            self = .immersiveScene
            return
        }
        guard let category = ServiceCategory(rawValue: text) else {
            throw SigilError(
                .usage, "unknown service category \"\(text)\"; use one of \(Self.allCases.map(\.rawValue).joined(separator: ", ")) (DSP Art. 17)")
        }
        self = category
    }
}
