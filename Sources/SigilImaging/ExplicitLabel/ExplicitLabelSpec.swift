import SigilCore

/// Where on the displayed image the explicit label sits (GB 45438-2025 5.2: an edge or a corner).
public enum LabelPosition: String, Sendable, Hashable, Codable, CaseIterable {
    /// Top-left corner.
    case topLeft = "top-left"
    /// Centred on the top edge.
    case top
    /// Top-right corner.
    case topRight = "top-right"
    /// Centred on the left edge.
    case left
    /// Centred on the right edge.
    case right
    /// Bottom-left corner.
    case bottomLeft = "bottom-left"
    /// Centred on the bottom edge.
    case bottom
    /// Bottom-right corner (GB 45438 Annex C's example).
    case bottomRight = "bottom-right"
}

/// How the label stays legible on any background.
public enum LabelStyle: String, Sendable, Hashable, Codable, CaseIterable {
    /// Text on a rounded, nearly opaque plate whose tone opposes the background.
    case plate
    /// Text with a contrasting outline (halo) and no plate.
    case outline
}

/// What explicit label to paint and how.
public struct ExplicitLabelSpec: Sendable, Hashable {
    /// The GB 45438 lower bound on glyph height as a fraction of the shortest side (5.2).
    public static let regulatoryMinimumInkHeightFraction = 0.05

    /// The label text; must contain (人工智能 or AI) and (生成 or 合成).
    public var text: String = "AI生成"
    /// Edge or corner, in display orientation.
    public var position: LabelPosition = .bottomRight
    /// Distance from the image edges as a fraction of the shortest side (reduced when the label would not fit).
    public var marginFraction: Double = 0.02
    /// Required measured ink height as a fraction of the shortest side; never below 0.05.
    public var minimumInkHeightFraction: Double = 0.05
    /// Plate or outline.
    public var style: LabelStyle = .plate
    /// Font file; `nil` lets ``FontLocator`` choose.
    public var fontPath: String? = nil

    /// Creates a spec; every argument has the GB-conformant default.
    public init(
        text: String = "AI生成", position: LabelPosition = .bottomRight, marginFraction: Double = 0.02,
        minimumInkHeightFraction: Double = 0.05, style: LabelStyle = .plate, fontPath: String? = nil
    ) {
        self.text = text
        self.position = position
        self.marginFraction = marginFraction
        self.minimumInkHeightFraction = minimumInkHeightFraction
        self.style = style
        self.fontPath = fontPath
    }

    /// Checks the wording and the numeric settings without rendering anything.
    ///
    /// - Throws: ``SigilError`` `.invalidExplicitLabel` naming what is wrong.
    public func validate() throws {
        try ExplicitLabelSpec.validateWording(text)
        guard minimumInkHeightFraction.isFinite,
            minimumInkHeightFraction >= ExplicitLabelSpec.regulatoryMinimumInkHeightFraction
        else {
            throw SigilError(
                .invalidExplicitLabel,
                "minimum glyph height \(minimumInkHeightFraction) of the shortest side is below the 0.05 GB 45438 5.2 requires")
        }
        guard minimumInkHeightFraction <= 0.5 else {
            throw SigilError(.invalidExplicitLabel, "minimum glyph height \(minimumInkHeightFraction) of the shortest side is above 0.5")
        }
        guard marginFraction.isFinite, (0...0.25).contains(marginFraction) else {
            throw SigilError(.invalidExplicitLabel, "margin \(marginFraction) of the shortest side is outside 0...0.25")
        }
    }

    /// Checks GB 45438-2025's two wording elements: an AI element (人工智能 or AI) and a generation element
    /// (生成 or 合成). Brand names may be added ("豆包AI生成"). The text must be one line.
    ///
    /// - Throws: ``SigilError`` `.invalidExplicitLabel` naming the missing element.
    public static func validateWording(_ text: String) throws {
        guard !text.isEmpty else { throw SigilError(.invalidExplicitLabel, "explicit label text is empty") }
        guard !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw SigilError(.invalidExplicitLabel, "explicit label text must be one line without control characters")
        }
        guard text.count <= 64 else {
            throw SigilError(.invalidExplicitLabel, "explicit label text is \(text.count) characters; 64 at most")
        }
        let hasAI = text.contains("人工智能") || text.contains("AI")
        let hasGeneration = text.contains("生成") || text.contains("合成")
        switch (hasAI, hasGeneration) {
        case (true, true):
            return
        case (false, true):
            throw SigilError(
                .invalidExplicitLabel,
                "explicit label \"\(text)\" lacks the AI element (人工智能 or AI) that GB 45438-2025 requires")
        case (true, false):
            throw SigilError(
                .invalidExplicitLabel,
                "explicit label \"\(text)\" lacks the generation element (生成 or 合成) that GB 45438-2025 requires")
        case (false, false):
            throw SigilError(
                .invalidExplicitLabel,
                "explicit label \"\(text)\" lacks both the AI element (人工智能 or AI) and the generation element (生成 or 合成) that GB 45438-2025 requires")
        }
    }
}
