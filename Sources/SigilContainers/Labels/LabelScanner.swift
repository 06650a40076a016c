/// Finds every GB 45438-2025 implicit-label carrier in a file of any format the registry reads labels from.
///
/// The scanner reads the containers byte by byte (no XML or image library): XMP in every PG-20259A site,
/// PNG text chunks, EXIF UserComment/ImageDescription, JPEG APPn blobs, plus the non-standard places real
/// generators use (RULES.md §2.6–2.7). Damaged structure becomes ``Finding``s, not errors.
///
/// ```swift
/// let scan = try LabelScanner.scan(bytes)
/// for carrier in scan.carriers {
///     let payload = carrier.parsedPayload
///     print(carrier.location, payload.label?.json ?? "unreadable")
/// }
/// ```
public enum LabelScanner {
    /// Finds every AIGC carrier in a file. Damaged structure becomes findings, not throws; it keeps the carriers
    /// found before the damage. A format whose handler reads no labels (yet) gives a scan with none.
    ///
    /// - Throws: only ``SigilError`` `.unsupportedFormat` when no handler of `registry` recognises the bytes.
    public static func scan(_ bytes: [UInt8], registry: MediaRegistry = .standard) throws -> ContainerScan {
        guard let identified = registry.identify(bytes) else { throw registry.unrecognised(bytes) }
        var scan = ContainerScan(format: identified.format)
        for other in identified.alsoMatches {
            scan.findings.append(
                Finding(
                    .ambiguousFormat, .error,
                    "ambiguous container: the file starts like \(identified.format.displayName) but also carries the signature of \(other.displayName); readers may disagree about what this file is",
                    location: "file header", offset: 0))
        }
        (identified.handler as? any LabelReading)?.scanLabels(bytes, into: &scan)
        scan.carriers.sort { $0.offset < $1.offset }
        return scan
    }
}
