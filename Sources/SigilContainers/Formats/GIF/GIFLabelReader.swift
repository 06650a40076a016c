/// Finds label carriers in a GIF file: the `XMP DataXMP` application extension and label JSON in comments.
enum GIFLabelReader {
    static let xmpApplicationID = Array("XMP DataXMP".utf8)

    static func scan(_ bytes: [UInt8], into scan: inout ContainerScan) {
        let structure: GIFStructure
        do {
            structure = try GIFStructure(bytes)
        } catch let error as SigilError {
            scan.findings.append(Finding.structural(error, site: "GIF"))
            return
        } catch {
            return
        }
        var xmpIndex = 0
        for ext in structure.extensions {
            if ext.label == 0xFF && ext.applicationID.starts(with: Array("XMP Data".utf8)) {
                let site = "GIF XMP Data extension" + (xmpIndex == 0 ? "" : "[\(xmpIndex)]")
                xmpIndex += 1
                let (packet, base) = xmpPacket(ext, in: bytes)
                XMPLabelReader.scan(packet: packet, baseOffset: base, site: site, standard: true, into: &scan)
            } else if ext.label == 0xFE {
                let text = TextDecoding.utf8OrLatin1(ext.blocks.flatMap { bytes[$0] })
                if EmbeddedLabel.looksLikeLabel(text), let object = EmbeddedLabel.extractObject(text) {
                    scan.carriers.append(
                        LabelCarrier(
                            kind: .foreignText, location: "GIF comment extension", offset: ext.offset,
                            length: ext.terminator + 1 - ext.offset, keyed: false, standard: false, payload: .text(object)))
                }
            }
        }
        for error in structure.damage { scan.findings.append(Finding.structural(error, site: "GIF")) }
        if let end = structure.end {
            TrailingData.check(bytes, from: end, after: "GIF trailer", into: &scan)
        }
    }

    /// The XMP packet of an `XMP DataXMP` extension and its file offset.
    ///
    /// Adobe writes the packet raw, so its own bytes double as sub-block lengths, followed by a 258-byte
    /// "magic trailer" (0x01, 0xFF … 0x00) that walks any length chain back to the terminator. Other writers
    /// use ordinary sub-blocks. Raw mode is recognised by the trailer or by the packet starting with `<`.
    static func xmpPacket(_ ext: GIFStructure.Extension, in bytes: [UInt8]) -> ([UInt8], Int) {
        let span = ext.subBlocksStart..<ext.terminator
        let trailer = bytes.firstIndex(of: [0x01, 0xFF, 0xFE], in: span)
        let startsRaw = bytes.matches(ascii: "<?", at: span.lowerBound) || bytes.matches(ascii: "<x", at: span.lowerBound)
        if trailer != nil || startsRaw {
            return (Array(bytes[span.lowerBound..<(trailer ?? span.upperBound)]), span.lowerBound)
        }
        return (ext.blocks.flatMap { bytes[$0] }, ext.blocks.first?.lowerBound ?? span.lowerBound)
    }
}
