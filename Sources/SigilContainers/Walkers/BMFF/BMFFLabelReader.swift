/// Finds label carriers in an ISO BMFF file: the `mdta` key `AIGC` in `moov/udta/meta` (the TC260 site), and the
/// forms peers write: QuickTime `moov/meta` keys and keyless `mdir` items (Doubao's iOS exports), iTunes freeform
/// `----` items named `AIGC`, a raw `udta/aigc` box, and XMP (`uuid` box or `udta/XMP_`).
enum BMFFLabelReader {
    /// The user type of the XMP `uuid` box.
    static let xmpUUID: [UInt8] = [0xBE, 0x7A, 0xCF, 0xCB, 0x97, 0xA9, 0x42, 0xE8, 0x9C, 0x71, 0x99, 0x94, 0x91, 0xE3, 0xAF, 0xAC]

    static func scan(_ bytes: [UInt8], name: String, into scan: inout ContainerScan) {
        var top: [BMFFBox] = []
        do {
            try BMFFWalker.walk(MemoryByteSource(bytes), 0..<bytes.count, path: "", depth: 0, descend: false, into: &top)
        } catch let error as SigilError {
            scan.findings.append(Finding.structural(error, site: name))
        } catch {}
        for box in top {
            switch box.type {
            case "moov": moov(bytes, box, name: name, into: &scan)
            case "uuid" where bytes.matches(xmpUUID, at: box.range.lowerBound + box.headerSize):
                XMPLabelReader.scan(
                    packet: Array(bytes[box.payload]), baseOffset: box.payload.lowerBound, site: "\(name) uuid XMP", standard: false, into: &scan)
            default: continue
            }
        }
    }

    static func children(_ bytes: [UInt8], _ box: BMFFBox, name: String, into scan: inout ContainerScan) -> [BMFFBox] {
        do {
            return try BMFFBoxBytes.children(bytes, box.payload, base: 0)
        } catch let error as SigilError {
            scan.findings.append(Finding.structural(error, site: "\(name) \(box.type)"))
            return []
        } catch {
            return []
        }
    }

    static func moov(_ bytes: [UInt8], _ moov: BMFFBox, name: String, into scan: inout ContainerScan) {
        for child in children(bytes, moov, name: name, into: &scan) {
            switch child.type {
            case "meta": meta(bytes, child, site: "\(name) moov/meta", standard: false, into: &scan)
            case "udta":
                for item in children(bytes, child, name: name, into: &scan) {
                    switch item.type {
                    case "meta": meta(bytes, item, site: "\(name) moov/udta/meta", standard: true, into: &scan)
                    case "XMP_":
                        XMPLabelReader.scan(
                            packet: Array(bytes[item.payload]), baseOffset: item.payload.lowerBound, site: "\(name) udta/XMP_", standard: false,
                            into: &scan)
                    case let type where type.uppercased() == "AIGC":
                        scan.carriers.append(text(bytes, item.payload, location: "\(name) moov/udta/\(type) box", standard: false))
                    default: continue
                    }
                }
            default: continue
            }
        }
    }

    static func text(_ bytes: [UInt8], _ range: Range<Int>, location: String, standard: Bool) -> LabelCarrier {
        var end = range.upperBound
        while end > range.lowerBound, bytes[end - 1] == 0 { end -= 1 }
        return LabelCarrier(
            kind: .bmffMetadataItem, location: location, offset: range.lowerBound, length: range.count, keyed: true, standard: standard,
            payload: .text(TextDecoding.utf8OrLatin1(bytes[range.lowerBound..<end])))
    }

    static func meta(_ bytes: [UInt8], _ box: BMFFBox, site: String, standard: Bool, into scan: inout ContainerScan) {
        do {
            let meta = try BMFFKeyedMetadata(content: Array(bytes[box.payload]), base: box.payload.lowerBound)
            let keys = try meta.keys()
            let items = try meta.items()
            let ilst = meta.children.first { $0.type == "ilst" }.map { _ in itemOffsets(bytes, box) } ?? []
            for (position, item) in items.enumerated() {
                guard let value = BMFFKeyedMetadata.value(of: item.bytes) else { continue }
                let offset = position < ilst.count ? ilst[position] : box.range.lowerBound
                let text = TextDecoding.utf8OrLatin1(value)
                if !keys.isEmpty {
                    guard item.type >= 1, Int(item.type) <= keys.count else { continue }
                    let key = keys[Int(item.type) - 1].text
                    guard key.uppercased().contains("AIGC") else { continue }
                    scan.carriers.append(
                        LabelCarrier(
                            kind: .bmffMetadataItem, location: "\(site) keys[\(item.type)] \"\(key)\"", offset: offset, length: item.bytes.count,
                            keyed: true,
                            standard: standard && key == "AIGC" && meta.handlerType != "mdir", payload: .text(text)))
                } else if item.type == 0x2D2D_2D2D, freeformName(item.bytes)?.uppercased() == "AIGC" {
                    scan.carriers.append(
                        LabelCarrier(
                            kind: .bmffMetadataItem, location: "\(site) ilst ---- \"AIGC\"", offset: offset, length: item.bytes.count, keyed: true,
                            standard: false, payload: .text(text)))
                } else if text.contains("\"ContentProducer\"") || text.contains("\"Label\"") {
                    // Doubao's keyless items: the label JSON under an index no key names.
                    scan.carriers.append(
                        LabelCarrier(
                            kind: .bmffMetadataItem, location: "\(site) ilst item 0x\(hex(Int(item.type), width: 8)) (no key)", offset: offset,
                            length: item.bytes.count,
                            keyed: true, standard: false, payload: .text(text)))
                }
            }
        } catch let error as SigilError {
            scan.findings.append(Finding.structural(error, site: site))
        } catch {}
    }

    /// The file offsets of the `ilst` items of `meta`.
    static func itemOffsets(_ bytes: [UInt8], _ meta: BMFFBox) -> [Int] {
        let start =
            bytes.matches(ascii: "hdlr", at: meta.payload.lowerBound + 4) || bytes.matches(ascii: "keys", at: meta.payload.lowerBound + 4) ? 0 : 4
        guard
            let ilst = try? BMFFBoxBytes.children(bytes, (meta.payload.lowerBound + start)..<meta.payload.upperBound, base: 0).first(where: {
                $0.type == "ilst"
            }),
            let items = try? BMFFBoxBytes.children(bytes, ilst.payload, base: 0)
        else { return [] }
        return items.map(\.range.lowerBound)
    }

    /// The `name` of an iTunes freeform (`----`) item.
    static func freeformName(_ item: [UInt8]) -> String? {
        guard let name = try? BMFFBoxBytes.children(item, 8..<item.count, base: 0).first(where: { $0.type == "name" }), name.range.count >= 12 else {
            return nil
        }
        return String(decoding: item[(name.range.lowerBound + 12)..<name.range.upperBound], as: UTF8.self)
    }
}
