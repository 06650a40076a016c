/// The labeling rules Sigil enforces, as data: the labeler, the CLI, the service and the audit report's
/// labelling-method statement all read them from here, so what the report tells a regulator is what the code does.
public struct LabelingRules: Sendable, Hashable {
    /// Marks written on every generated file, whatever the request asks (GB 45438-2025 §6.1, Measures Art. 5).
    public var mandatoryMarks: [String]
    /// Marks a request may add.
    public var optionalMarks: [String]
    /// The mark a user may ask to leave out (Measures Art. 9), under a published agreement and with the recipient logged.
    public var optOutMark: String
    /// Service categories (DSP Art. 17) whose output keeps the `optOutMark` even when the user asks otherwise.
    public var optOutRefusedFor: [String]

    /// The rules this build enforces.
    public static let enforced = LabelingRules(
        mandatoryMarks: ["implicit"], optionalMarks: ["explicit", "watermark", "c2pa"], optOutMark: "explicit", optOutRefusedFor: ["face", "voice"])
}
