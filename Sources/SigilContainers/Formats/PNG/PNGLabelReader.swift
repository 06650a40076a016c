/// Finds label carriers in a PNG file: iTXt XMP, `tEXt`/`zTXt`/`iTXt` with keyword AIGC, eXIf, and label JSON
/// in other text chunks.
enum PNGLabelReader {
    static func scan(_ bytes: [UInt8], into scan: inout ContainerScan) {
        let structure: PNGStructure
        do {
            structure = try PNGStructure(bytes)
        } catch let error as SigilError {
            scan.findings.append(Finding.structural(error, site: "PNG"))
            return
        } catch {
            return
        }
        var counts: [String: Int] = [:]
        for chunk in structure.chunks {
            let index = counts[chunk.type, default: 0]
            counts[chunk.type] = index + 1
            let name = "\(chunk.type)[\(index)]"
            if chunk.crcMatches == false {
                let computed = Zlib.crc32(bytes, (chunk.offset + 4)..<chunk.data.upperBound)
                scan.findings.append(
                    Finding(
                        .checksumMismatch, .warning,
                        "CRC mismatch on chunk \(chunk.type) at offset \(chunk.offset): stored 0x\(hex(Int(chunk.storedCRC), width: 8)), computed 0x\(hex(Int(computed), width: 8))",
                        location: "PNG \(name)", offset: chunk.offset))
            }
            switch chunk.type {
            case "tEXt", "zTXt", "iTXt":
                readText(chunk, name: name, bytes, into: &scan)
            case "eXIf":
                var start = chunk.data.lowerBound
                if bytes.matches(Array("Exif\0\0".utf8), at: start) { start += 6 }
                guard start <= chunk.data.upperBound else { continue }
                EXIFReader.read(Array(bytes[start..<chunk.data.upperBound]), base: start, site: "PNG \(name)", collectCarriers: true, into: &scan)
            default:
                continue
            }
        }
        for error in structure.damage { scan.findings.append(Finding.structural(error, site: "PNG")) }
        if let end = structure.end {
            TrailingData.check(bytes, from: end, after: "PNG IEND chunk", into: &scan)
        }
    }

    private static func readText(_ chunk: PNGStructure.Chunk, name: String, _ bytes: [UInt8], into scan: inout ContainerScan) {
        let text: PNGText
        do {
            text = try PNGText(chunk, in: bytes)
        } catch let error as SigilError {
            let code: Finding.Code = error.code == .truncated ? .structureTruncated : .structureMalformed
            scan.findings.append(Finding(code, .error, error.message, location: "PNG \(name)", offset: chunk.offset))
            return
        } catch {
            return
        }
        let location = "PNG \(name) \"\(text.keyword)\""
        if text.keyword == PNGText.xmpKeyword {
            let base = text.compressed ? chunk.data.lowerBound : text.storedOffset
            XMPLabelReader.scan(packet: text.textBytes, baseOffset: base, site: "PNG \(name) XMP", standard: chunk.type == "iTXt", into: &scan)
        } else if text.keyword.uppercased() == "AIGC" {
            if text.text.allSatisfy({ $0.isWhitespace || $0 == "\0" }) {
                scan.findings.append(
                    Finding(
                        .emptyLabel, .error, "PNG \(chunk.type) chunk at offset \(chunk.offset) has the keyword AIGC but an empty payload",
                        location: location, offset: chunk.offset))
                return
            }
            scan.carriers.append(
                LabelCarrier(
                    kind: .textChunk, location: location, offset: text.storedOffset, length: text.storedLength, keyed: true,
                    standard: chunk.type == "tEXt" && text.keyword == "AIGC", payload: .text(text.text)))
        } else if text.keyword.hasPrefix(RawProfile.keywordPrefix) {
            let kind = text.keyword.dropFirst(RawProfile.keywordPrefix.count).lowercased()
            guard kind == "exif" || kind == "xmp", let profile = RawProfile.decode(text.textBytes) else { return }
            let site = "PNG \(name) \"\(text.keyword)\""
            var inner = ContainerScan(format: .png)
            if kind == "xmp" {
                XMPLabelReader.scan(packet: profile, baseOffset: 0, site: site, standard: false, into: &inner)
            } else {
                let tiff = profile.starts(with: Array("Exif\0\0".utf8)) ? Array(profile.dropFirst(6)) : profile
                EXIFReader.read(tiff, base: 0, site: site, collectCarriers: true, into: &inner)
            }
            // Offsets inside a hex-encoded profile do not map to file offsets: report the chunk's.
            for var carrier in inner.carriers {
                carrier.offset = text.storedOffset
                carrier.length = text.storedLength
                carrier.standard = false
                scan.carriers.append(carrier)
            }
            scan.findings += inner.findings.map {
                var f = $0
                f.offset = text.storedOffset
                return f
            }
        } else if EmbeddedLabel.looksLikeLabel(text.text), let object = EmbeddedLabel.extractObject(text.text) {
            scan.carriers.append(
                LabelCarrier(
                    kind: .foreignText, location: location, offset: text.storedOffset, length: text.storedLength, keyed: false,
                    standard: false, payload: .text(object)))
        }
    }
}
