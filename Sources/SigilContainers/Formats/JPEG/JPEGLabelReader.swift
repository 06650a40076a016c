/// Finds label carriers in a JPEG file: APP1 XMP (and extended XMP), APP1 Exif (UserComment, ImageDescription),
/// bare `AIGC{…}` blobs in other APPn segments, and label JSON in COM or unknown APPn payloads.
enum JPEGLabelReader {
    static func scan(_ bytes: [UInt8], into scan: inout ContainerScan) {
        let structure: JPEGStructure
        do {
            structure = try JPEGStructure(bytes)
        } catch let error as SigilError {
            scan.findings.append(Finding.structural(error, site: "JPEG"))
            return
        } catch {
            return
        }
        var counts: [UInt8: Int] = [:]
        var extended: [String: [(offset: Int, data: ArraySlice<UInt8>, fileOffset: Int)]] = [:]
        for segment in structure.segments {
            let index = counts[segment.marker, default: 0]
            counts[segment.marker] = index + 1
            guard segment.isAPP || segment.isCOM else { continue }
            let name = "\(JPEGStructure.name(of: segment.marker))[\(index)]"
            let p = segment.payload
            if segment.isXMP(in: bytes) {
                let start = p.lowerBound + JPEGStructure.xmpIdentifier.count
                XMPLabelReader.scan(
                    packet: Array(bytes[start..<p.upperBound]), baseOffset: start, site: "JPEG \(name) XMP", standard: true, into: &scan)
            } else if segment.marker == 0xE1 && bytes.matches(JPEGStructure.extendedXMPIdentifier, at: p.lowerBound) {
                // GUID (32) + full length (4) + offset (4) + data.
                let header = p.lowerBound + JPEGStructure.extendedXMPIdentifier.count
                guard bytes.has(40, at: header), header + 40 <= p.upperBound else {
                    scan.findings.append(
                        Finding(
                            .structureTruncated, .error, "JPEG \(name) extended XMP at offset \(segment.offset) is too short for its 40-byte header",
                            location: "JPEG \(name)", offset: segment.offset))
                    continue
                }
                let guid = String(decoding: bytes[header..<(header + 32)], as: UTF8.self)
                let chunkOffset = bytes.u32be(header + 36)
                extended[guid, default: []].append((chunkOffset, bytes[(header + 40)..<p.upperBound], header + 40))
            } else if segment.marker == 0xE1 && bytes.matches(Array("Exif\0".utf8), at: p.lowerBound) {
                let start = p.lowerBound + 6
                guard start <= p.upperBound else { continue }
                EXIFReader.read(Array(bytes[start..<p.upperBound]), base: start, site: "JPEG \(name) Exif", collectCarriers: true, into: &scan)
            } else if segment.isAPP && bytes.matches(ascii: "AIGC", at: p.lowerBound) {
                readBlob(bytes, p, name: name, into: &scan)
            } else {
                readForeignText(bytes, p, name: name, into: &scan)
            }
        }
        for (guid, parts) in extended.sorted(by: { $0.key < $1.key }) {
            var packet: [UInt8] = []
            for part in parts.sorted(by: { $0.offset < $1.offset }) { packet += part.data }
            let first = parts.map(\.fileOffset).min() ?? 0
            XMPLabelReader.scan(packet: packet, baseOffset: first, site: "JPEG APP1 extended XMP \(guid.prefix(8))…", standard: true, into: &scan)
        }
        for error in structure.damage { scan.findings.append(Finding.structural(error, site: "JPEG")) }
        if let end = structure.end {
            TrailingData.check(bytes, from: end, after: "JPEG EOI", into: &scan)
        }
    }

    /// `AIGC{…}` (the key glued to the object) or `AIGC` + separator + object in an APPn segment.
    private static func readBlob(_ bytes: [UInt8], _ p: Range<Int>, name: String, into scan: inout ContainerScan) {
        let raw = bytes[p]
        let text = TextDecoding.trimmingTrailingPadding(TextDecoding.utf8OrLatin1(raw))
        let location = "JPEG \(name) AIGC blob"
        if text.hasPrefix("AIGC{") {
            scan.carriers.append(
                LabelCarrier(
                    kind: .segmentBlob, location: location, offset: p.lowerBound, length: p.count, keyed: false, standard: false, payload: .text(text)
                ))
            return
        }
        // "AIGC\0{…}", "AIGC:{…}" and similar: the identifier names the key, the rest is the value.
        var rest = Substring(text.dropFirst(4))
        while let c = rest.first, c == "\0" || c == ":" || c == "=" || c == " " { rest.removeFirst() }
        guard rest.hasPrefix("{") || rest.hasPrefix("\"") else {
            if rest.isEmpty {
                scan.findings.append(
                    Finding(
                        .emptyLabel, .error, "JPEG \(name) at offset \(p.lowerBound) is an AIGC segment with no payload", location: location,
                        offset: p.lowerBound))
            }
            return
        }
        let skipped = text.utf8.count - rest.utf8.count
        scan.carriers.append(
            LabelCarrier(
                kind: .segmentBlob, location: location, offset: p.lowerBound + skipped, length: p.count - skipped, keyed: true, standard: false,
                payload: .text(String(rest))))
    }

    private static func readForeignText(_ bytes: [UInt8], _ p: Range<Int>, name: String, into scan: inout ContainerScan) {
        guard bytes.contains(ascii: "AIGC", in: p) || bytes.contains(ascii: "\"Label\"", in: p) else { return }
        let text = TextDecoding.utf8OrLatin1(bytes[p])
        guard let object = EmbeddedLabel.extractObject(text) else { return }
        scan.carriers.append(
            LabelCarrier(
                kind: .foreignText, location: "JPEG \(name) text", offset: p.lowerBound, length: p.count, keyed: false, standard: false,
                payload: .text(object)))
    }
}
