extension MediaFormat {
    /// FLV (Flash Video).
    public static let flv = MediaFormat(id: "flv", displayName: "FLV", kind: .video, mimeTypes: ["video/x-flv"], extensions: ["flv"])
}

/// FLV: the label is the key `AIGC` (an AMF0 string holding the Annex E JSON) in the `onMetaData` script tag
/// (PG-20257A), written by ``FLVLabelWriter`` as edits of the file; other keys are kept and the audio and video tags
/// copied. The essence is the audio and video tags' data.
public struct FLVFormat: LabelReading, StreamingLabelWriting, EssenceLocating {
    public init() {}
    public var formats: [MediaFormat] { [.flv] }

    public func identify(_ prefix: [UInt8]) -> MediaFormat? {
        prefix.count >= 9 && prefix.matches(ascii: "FLV", at: 0) && prefix[3] == 1 ? .flv : nil
    }

    public func scanLabels(_ bytes: [UInt8], into scan: inout ContainerScan) {
        let source = MemoryByteSource(bytes)
        let structure: FLVStructure
        do {
            structure = try FLVStructure(source, lenient: true)
        } catch let error as SigilError {
            scan.findings.append(.structural(error, site: "FLV header"))
            return
        } catch {
            return
        }
        if let damage = structure.damage { scan.findings.append(.structural(damage, site: "FLV tags")) }
        for (index, tag) in structure.tags.enumerated() where tag.type == FLVStructure.Tag.script {
            do {
                let (name, value, _) = try FLVStructure.script(tag, in: source)
                for entry in value.entries ?? [] where FLVLabelWriter.isLabel(entry) {
                    let key = String(decoding: entry.key, as: UTF8.self)
                    scan.carriers.append(
                        LabelCarrier(
                            kind: .flvScriptData, location: "FLV script tag[\(index)] \(name) \"\(key)\"", offset: tag.data.lowerBound,
                            length: tag.data.count, keyed: true, standard: name == FLVLabelWriter.metadata, payload: .text(entry.value.text ?? "")))
                }
            } catch let error as SigilError {
                scan.findings.append(.structural(error, site: "FLV script tag[\(index)]"))
            } catch {}
        }
    }

    public func writeLabel(_ label: LabelAssignment, into bytes: [UInt8]) throws -> [UInt8] {
        try labelEdits(label, in: MemoryByteSource(bytes)).apply(to: bytes)
    }

    public func labelEdits(_ label: LabelAssignment, in source: any ByteSource) throws -> EditPlan {
        try FLVLabelWriter(source: source).edits(json: label.json)
    }

    public func essenceRanges(in source: any ByteSource) throws -> [Range<Int>] {
        let media = try FLVStructure(source).tags.filter { $0.type != FLVStructure.Tag.script }.map(\.data)
        guard !media.isEmpty else { throw SigilError(.malformed, "the FLV file has no audio or video tag", offset: 0) }
        return media
    }
}
