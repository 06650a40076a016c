import Foundation

/// The labeling options that arrive as text — `sigil label`'s flags and `POST /v1/label`'s parameters — checked
/// in one place and applied to a ``LabelPolicy``. A nil option leaves the policy's default.
public struct LabelOptions: Sendable, Hashable {
    /// Comma list of marks (`explicit,implicit,watermark,c2pa`).
    public var marks: String?
    public var produceID: String?
    /// The visible label's wording.
    public var text: String?
    /// A ``LabelPosition`` name.
    public var position: String?
    /// `plate` or `outline`.
    public var style: String?
    /// Margin as a fraction of the shortest side, 0…0.25.
    public var margin: Double?
    /// Glyph ink height as a fraction of the shortest side, 0.05…0.5.
    public var inkHeight: Double?
    /// JPEG quality when pixels are re-encoded, 1…100.
    public var quality: Int?
    /// How ReservedCode1 is signed: `sm2`, `es256` or `none`.
    public var labelSignature: String?
    /// The digest that binds a signed ReservedCode1 to the content: `sha256` or `sm3`.
    public var labelBinding: String?
    /// The generator named in the C2PA manifest, `NAME` or `NAME/VERSION`.
    public var softwareAgent: String?
    /// Where the audio rhythm label goes: `start`, `end`, `both` or a time in seconds.
    public var audioLabelPosition: String?
    /// The rhythm label's tone, 300–4000 Hz.
    public var toneHz: Double?
    /// The rhythm label's Morse unit, 100–150 ms.
    public var morseUnitMs: Double?
    /// The audio explicit label's form: `rhythm` (default) or `voice` (GB 45438 5.3 b).
    public var audioLabel: String?
    /// A recording of the voice label to use instead of synthesising it (implies `voice`).
    public var voiceLabelClip: String?
    /// The voice label's sentence (default 「本内容由人工智能生成」); must hold both wording elements.
    public var voiceText: String?
    /// Where the explicit text label goes in text, Markdown and HTML: `start`, `end` or `both`.
    public var textLabelPosition: String?
    /// The explicit text label's language: `zh` (default) or `en`.
    public var textLabelLanguage: String?
    /// The explicit text label's own wording (both elements, one line); the language's default when nil.
    public var textLabel: String?

    public init() {}

    /// Checks every option and sets it on `policy`. A marks list without a ``Mark/mandatory`` mark gets it added
    /// (decision 0508); the caller says so.
    ///
    /// - Returns: the mandatory marks added to `marks`, in ``Mark/allCases`` order (empty when none was missing).
    /// - Throws: ``SigilError`` `.usage` naming the option and what it accepts.
    @discardableResult
    public func apply(to policy: inout LabelPolicy) throws -> [Mark] {
        var added: [Mark] = []
        if let marks {
            let asked = try Mark.parseList(marks)
            added = Mark.allCases.filter { Mark.mandatory.contains($0) && !asked.contains($0) }
            policy.marks = asked.union(Mark.mandatory)
        }
        if let produceID {
            try ProduceID.validate(produceID)
            policy.produceID = produceID
        }
        if let text { policy.explicit.text = text }
        if let position {
            guard let value = LabelPosition(rawValue: position) else {
                throw SigilError(
                    .usage, "unknown position \"\(position)\"; use one of \(LabelPosition.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            policy.explicit.position = value
        }
        if let style {
            guard let value = LabelStyle(rawValue: style) else { throw SigilError(.usage, "unknown style \"\(style)\"; use plate or outline") }
            policy.explicit.style = value
        }
        if let margin {
            guard (0...0.25).contains(margin) else { throw SigilError(.usage, "the margin must be between 0 and 0.25 of the shortest side") }
            policy.explicit.marginFraction = margin
        }
        if let inkHeight {
            guard inkHeight >= 0.05, inkHeight <= 0.5 else {
                throw SigilError(.usage, "ink height \(inkHeight) is outside 0.05…0.5 of the shortest side (GB 45438 5.2 asks for at least 0.05)")
            }
            policy.explicit.minimumInkHeightFraction = inkHeight
        }
        if let quality {
            guard (1...100).contains(quality) else { throw SigilError(.usage, "the JPEG quality must be 1…100") }
            policy.jpegQuality = quality
        }
        switch labelSignature {
        case nil: break
        case "sm2": policy.labelSignature = .sm2
        case "es256": policy.labelSignature = .es256
        case "none": policy.labelSignature = nil
        case let other?: throw SigilError(.usage, "unknown label signature \"\(other)\"; use sm2, es256 or none")
        }
        if let labelBinding {
            guard let digest = LabelSigner.BindingDigest(rawValue: labelBinding.uppercased()) else {
                throw SigilError(.usage, "unknown label binding \"\(labelBinding)\"; use sha256 or sm3")
            }
            policy.labelBinding = digest
        }
        if let softwareAgent {
            let parts = softwareAgent.split(separator: "/", maxSplits: 1).map(String.init)
            guard let name = parts.first, !name.isEmpty else { throw SigilError(.usage, "the software agent needs a name") }
            policy.softwareAgent = GeneratorInfo(name: name, version: parts.count > 1 ? parts[1] : nil)
        }
        try applyAudio(to: &policy)
        try applyText(to: &policy)
        return added
    }

    /// The explicit text label's options.
    private func applyText(to policy: inout LabelPolicy) throws {
        if let textLabelPosition { policy.textLabel.position = try TextLabel.Position.parse(textLabelPosition) }
        let language = try textLabelLanguage.map(TextLabel.Language.parse) ?? policy.textLabel.label.language
        if let textLabel {
            policy.textLabel.label = try TextLabel(text: textLabel, language: language)
        } else if textLabelLanguage != nil {
            policy.textLabel.label = TextLabel(language: language)
        }
    }

    /// The audio rhythm label's options.
    private func applyAudio(to policy: inout LabelPolicy) throws {
        if let audioLabelPosition { policy.rhythm.position = try RhythmLabelInserter.Position(parsing: audioLabelPosition) }
        if let toneHz {
            guard RhythmLabel.toneRange.contains(toneHz) else { throw SigilError(.usage, "--tone-hz must be 300–4000 Hz, not \(toneHz)") }
            policy.rhythm.label.toneHertz = toneHz
        }
        if let morseUnitMs {
            guard RhythmLabel.unitRange.contains(morseUnitMs) else {
                throw SigilError(.usage, "--morse-unit-ms must be 100–150 ms (GB 45438 5.3 rhythm label), not \(morseUnitMs)")
            }
            policy.rhythm.label.unitMilliseconds = morseUnitMs
        }
        switch audioLabel {
        case nil, "rhythm": if voiceLabelClip != nil || voiceText != nil { policy.rhythm.voice = VoiceLabel() }
        case "voice": policy.rhythm.voice = VoiceLabel()
        case let other?: throw SigilError(.usage, "--audio-label must be rhythm or voice, not '\(other)'")
        }
        if audioLabel == "rhythm", voiceLabelClip != nil || voiceText != nil {
            throw SigilError(.usage, "--voice-label and --voice-text go with --audio-label voice, not rhythm")
        }
        if let voiceText {
            do {
                try ExplicitLabelSpec.validateWording(voiceText)
            } catch let error as SigilError {
                throw SigilError(.usage, "--voice-text: \(error.message)")
            }
            policy.rhythm.voice?.text = voiceText
        }
        if let voiceLabelClip { policy.rhythm.voice?.clip = voiceLabelClip }
    }

    /// The notice for marks ``apply(to:)`` added.
    public static func addedNotice(_ added: [Mark]) -> String {
        "added the mandatory \(added.map(\.rawValue).joined(separator: ", ")) label to the marks: a generated file always carries it (GB 45438-2025 §6.1); marks can add labels, never drop it"
    }
}
