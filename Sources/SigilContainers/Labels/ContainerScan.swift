/// What ``LabelScanner/scan(_:registry:)`` found in one file: the label carriers and the structural findings.
public struct ContainerScan: Sendable {
    /// The container format, when recognised.
    public var format: MediaFormat?
    /// Every AIGC carrier, in file order.
    public var carriers: [LabelCarrier]
    /// Structural findings only: damage, checksums, trailing data, XMP that does not parse, empty AIGC chunks,
    /// polyglots and wrong namespaces. Payload (Annex E) findings come from parsing each carrier's payload.
    public var findings: [Finding]

    public init(format: MediaFormat?, carriers: [LabelCarrier] = [], findings: [Finding] = []) {
        self.format = format
        self.carriers = carriers
        self.findings = findings
    }
}
