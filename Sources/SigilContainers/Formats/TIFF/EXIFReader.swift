/// Reads what Sigil needs from an EXIF/TIFF block: orientation, dimensions, and the label carriers
/// (UserComment 0x9286 in the Exif IFD or IFD0, ImageDescription 0x010E, XMP 0x02BC).
enum EXIFReader {
    static let tagImageWidth = 0x0100
    static let tagImageLength = 0x0101
    static let tagImageDescription = 0x010E
    static let tagOrientation = 0x0112
    static let tagSamplesPerPixel = 0x0115
    static let tagExtraSamples = 0x0152
    static let tagXMP = 0x02BC
    static let tagExifIFD = 0x8769
    static let tagUserComment = 0x9286

    /// What was read.
    struct Contents {
        var orientation: Int?
        var width: Int?
        var height: Int?
        var samplesPerPixel: Int?
        var extraSamples: [Int] = []
        /// The IFD0 XMP packet (TIFF files), as a range of the TIFF bytes.
        var xmp: Range<Int>?
    }

    /// Reads `tiff` (an EXIF or TIFF stream at `base` in the file). Damage becomes findings in `scan`; label
    /// carriers are added to `scan` when `collectCarriers` is set.
    @discardableResult
    static func read(
        _ tiff: [UInt8], base: Int, site: String, isTIFFFile: Bool = false, collectCarriers: Bool, into scan: inout ContainerScan
    ) -> Contents {
        var contents = Contents()
        let structure: TIFFStructure
        do {
            structure = try TIFFStructure(tiff, base: base, name: site)
        } catch let error as SigilError {
            scan.findings.append(Finding.structural(error, site: site))
            return contents
        } catch {
            return contents
        }
        var damage: [SigilError] = []
        defer { for error in damage { scan.findings.append(Finding.structural(error, site: site)) } }

        let ifd0: TIFFStructure.Directory
        do {
            ifd0 = try structure.directory(at: structure.firstDirectory, label: "IFD0", damage: &damage)
        } catch let error as SigilError {
            damage.append(error)
            return contents
        } catch {
            return contents
        }
        if let e = ifd0.entry(tagOrientation), let v = structure.integer(e) { contents.orientation = v }
        if let e = ifd0.entry(tagImageWidth) { contents.width = structure.integer(e) }
        if let e = ifd0.entry(tagImageLength) { contents.height = structure.integer(e) }
        if let e = ifd0.entry(tagSamplesPerPixel) { contents.samplesPerPixel = structure.integer(e) }
        if let e = ifd0.entry(tagExtraSamples) { contents.extraSamples = structure.integers(e) }
        if let e = ifd0.entry(tagXMP) { contents.xmp = e.valueOffset..<(e.valueOffset + e.byteCount) }

        guard collectCarriers else { return contents }
        if let e = ifd0.entry(tagImageDescription) {
            readImageDescription(structure, e, site: site, into: &scan)
        }
        if let e = ifd0.entry(tagUserComment) {
            readUserComment(structure, e, site: site, ifd: "IFD0", into: &scan)
        }
        if let pointer = ifd0.entry(tagExifIFD), let offset = structure.integer(pointer), offset != structure.firstDirectory {
            do {
                let exif = try structure.directory(at: offset, label: "ExifIFD", damage: &damage)
                if let e = exif.entry(tagUserComment) {
                    readUserComment(structure, e, site: site, ifd: "ExifIFD", into: &scan)
                }
            } catch let error as SigilError {
                damage.append(error)
            } catch {}
        }
        if isTIFFFile, let range = contents.xmp {
            XMPLabelReader.scan(
                packet: Array(tiff[range]), baseOffset: base + range.lowerBound, site: "\(site) IFD0 XMP (0x02BC)", standard: true, into: &scan)
        }
        return contents
    }

    private static func readImageDescription(_ tiff: TIFFStructure, _ entry: TIFFStructure.Entry, site: String, into scan: inout ContainerScan) {
        let raw = tiff.value(entry)
        let text = TextDecoding.trimmingTrailingPadding(TextDecoding.utf8OrLatin1(raw))
        guard EmbeddedLabel.looksLikeLabel(text) else { return }
        let payload = EmbeddedLabel.extractObject(text) ?? text
        scan.carriers.append(
            LabelCarrier(
                kind: .exifImageDescription, location: "\(site) IFD0 ImageDescription", offset: tiff.base + entry.valueOffset,
                length: entry.byteCount, keyed: false, standard: false, payload: .text(payload)))
    }

    private static func readUserComment(
        _ tiff: TIFFStructure, _ entry: TIFFStructure.Entry, site: String, ifd: String, into scan: inout ContainerScan
    ) {
        let (text, prefix) = decodeUserComment(tiff.value(entry), bigEndian: tiff.bigEndian)
        guard EmbeddedLabel.looksLikeLabel(text) else { return }
        scan.carriers.append(
            LabelCarrier(
                kind: .exifUserComment, location: "\(site) \(ifd) UserComment", offset: tiff.base + entry.valueOffset + prefix,
                length: entry.byteCount - prefix, keyed: false, standard: true, payload: .text(text)))
    }

    /// Decodes a UserComment: the optional 8-byte character code (`ASCII\0\0\0`, `UNICODE\0`, `JIS\0\0\0\0\0`,
    /// eight NULs) and the text. Returns the text and the prefix length.
    static func decodeUserComment(_ value: ArraySlice<UInt8>, bigEndian: Bool) -> (String, Int) {
        let bytes = Array(value)
        guard bytes.count >= 8 else { return (TextDecoding.trimmingTrailingPadding(TextDecoding.utf8OrLatin1(bytes)), 0) }
        let head = Array(bytes[0..<8])
        let rest = bytes[8...]
        func padded(_ word: String) -> Bool {
            let w = Array(word.utf8)
            return Array(head[0..<w.count]) == w && head[w.count...].allSatisfy { $0 == 0 || $0 == 0x20 }
        }
        if padded("ASCII") || padded("JIS") || head.allSatisfy({ $0 == 0 }) {
            return (TextDecoding.trimmingTrailingPadding(TextDecoding.utf8OrLatin1(rest)), 8)
        }
        if padded("UNICODE") {
            var text = TextDecoding.utf16(rest, bigEndian: bigEndian)
            // Some writers ignore the TIFF byte order; prefer the order that yields the JSON.
            if !text.contains("{") {
                let other = TextDecoding.utf16(rest, bigEndian: !bigEndian)
                if other.contains("{") { text = other }
            }
            return (TextDecoding.trimmingTrailingPadding(text), 8)
        }
        return (TextDecoding.trimmingTrailingPadding(TextDecoding.utf8OrLatin1(bytes)), 0)
    }
}
