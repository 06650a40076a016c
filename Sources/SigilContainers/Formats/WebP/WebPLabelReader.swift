/// Finds label carriers in a WebP file: the `XMP ` chunk and the `EXIF` chunk.
enum WebPLabelReader {
    static func scan(_ bytes: [UInt8], into scan: inout ContainerScan) {
        let structure: RIFFStructure
        do {
            structure = try RIFFStructure(bytes)
        } catch let error as SigilError {
            scan.findings.append(Finding.structural(error, site: "WebP"))
            return
        } catch {
            return
        }
        var counts: [String: Int] = [:]
        for chunk in structure.chunks {
            let index = counts[chunk.fourCC, default: 0]
            counts[chunk.fourCC] = index + 1
            let suffix = index == 0 ? "" : "[\(index)]"
            switch chunk.fourCC {
            case "XMP ":
                XMPLabelReader.scan(
                    packet: Array(bytes[chunk.data]), baseOffset: chunk.data.lowerBound, site: "WebP XMP chunk\(suffix)", standard: true, into: &scan)
            case "EXIF":
                var start = chunk.data.lowerBound
                if bytes.matches(Array("Exif\0\0".utf8), at: start) { start += 6 }
                guard start <= chunk.data.upperBound else { continue }
                EXIFReader.read(
                    Array(bytes[start..<chunk.data.upperBound]), base: start, site: "WebP EXIF chunk\(suffix)", collectCarriers: true, into: &scan)
            default:
                continue
            }
        }
        for error in structure.damage { scan.findings.append(Finding.structural(error, site: "WebP")) }
        if structure.riffEnd < bytes.count {
            TrailingData.check(bytes, from: structure.riffEnd, after: "RIFF container", into: &scan)
        }
    }
}
