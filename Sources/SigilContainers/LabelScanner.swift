/// Finds every GB 45438-2025 implicit-label carrier in an image file.
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
    /// Finds every AIGC carrier in an image file. Damaged structure becomes findings, not throws; it keeps the
    /// carriers found before the damage.
    ///
    /// - Throws: only ``SigilError`` `.unsupportedFormat` when the bytes are no image format it knows.
    public static func scan(_ bytes: [UInt8]) throws -> ContainerScan {
        guard let format = ImageFormat.sniff(bytes) else {
            throw SigilError(.unsupportedFormat, "unrecognised image format: the first bytes match no JPEG, PNG, WebP, TIFF or GIF signature", offset: 0)
        }
        var scan = ContainerScan(format: format)
        if let clash = ImageFormat.polyglotClash(bytes, primary: format) {
            scan.findings.append(Finding(.ambiguousFormat, .error, "ambiguous container: \(clash); readers may disagree about what this file is", location: "file header", offset: 0))
        }
        switch format {
        case .jpeg: JPEGLabelReader.scan(bytes, into: &scan)
        case .png: PNGLabelReader.scan(bytes, into: &scan)
        case .webp: WebPLabelReader.scan(bytes, into: &scan)
        case .tiff: TIFFLabelReader.scan(bytes, into: &scan)
        case .gif: GIFLabelReader.scan(bytes, into: &scan)
        }
        scan.carriers.sort { $0.offset < $1.offset }
        return scan
    }
}
