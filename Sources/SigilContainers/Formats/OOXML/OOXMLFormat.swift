extension MediaFormat {
    /// An Office Open XML package: Word, Excel and PowerPoint documents, templates and their macro-enabled forms.
    /// One format for all of them: a ZIP's first 64 bytes cannot tell them apart; the scan names the package type
    /// from the main part's content type.
    public static let ooxml = MediaFormat(
        id: "ooxml", displayName: "OOXML (DOCX/XLSX/PPTX)", kind: .document,
        mimeTypes: [
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.template",
            "application/vnd.ms-word.document.macroEnabled.12",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "application/vnd.ms-excel.sheet.macroEnabled.12",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            "application/vnd.ms-powerpoint.presentation.macroEnabled.12",
        ],
        extensions: ["docx", "docm", "dotx", "xlsx", "xlsm", "pptx", "pptm"])
}

/// OOXML: the label is the custom property `AIGC` (`vt:lpwstr`, the Annex E JSON) in `docProps/custom.xml`
/// (TC260 PG-20258A). Labeling rewrites that part (created with its content-type override and package
/// relationship when absent, merged when other properties exist), `[Content_Types].xml` and `_rels/.rels` when
/// they need an addition, and the central directory; every other entry's local record, compressed bytes included,
/// is copied unchanged (decision 0014). The essence is those other entries' records. A C2PA manifest store is the
/// stored entry `META-INF/content_credential.c2pa`, bound by a collection hash (decision 0207); it is not essence.
public struct OOXMLFormat: LabelReading, StreamingLabelWriting, EssenceLocating, ManifestCollectionLocating {
    public init() {}
    public var formats: [MediaFormat] { [.ooxml] }

    /// A ZIP local header whose first entry is not ODF's `mimetype` (OpenDocument, EPUB).
    public func identify(_ prefix: [UInt8]) -> MediaFormat? {
        guard prefix.count >= 30, prefix.matches(ZIPArchive.localSignature, at: 0) else { return nil }
        let nameLength = prefix.u16le(26)
        if nameLength == 8, prefix.matches(ascii: "mimetype", at: 30) { return nil }
        return .ooxml
    }

    public func scanLabels(_ bytes: [UInt8], into scan: inout ContainerScan) {
        let source = MemoryByteSource(bytes)
        var entries: [ZIPEntry]
        do {
            entries = try ZIPArchive(source).entries
        } catch let error as SigilError {
            entries = ZIPArchive.localEntries(bytes)
            if entries.isEmpty {
                scan.findings.append(Finding.structural(error, site: "OOXML ZIP"))
                return
            }
            scan.findings.append(
                Finding(
                    .structureMalformed, .warning,
                    "\(error.message); \(entries.count) entries read from their local headers instead (Office will not open such a file)",
                    location: "OOXML ZIP", offset: error.offset))
        } catch {
            return
        }
        func part(_ name: String) -> [UInt8]? {
            guard let entry = entries.first(where: { $0.name == name }) else { return nil }
            do {
                let bytes = try ZIPArchive.contents(of: entry, in: source, checkingCRC: false)
                do {
                    try ZIPArchive.checkCRC(of: entry, bytes)
                } catch let error as SigilError {
                    scan.findings.append(
                        Finding(.checksumMismatch, .warning, error.message + "; read anyway", location: "OOXML \(name)", offset: error.offset))
                }
                return bytes
            } catch let error as SigilError {
                scan.findings.append(Finding.structural(error, site: "OOXML \(name)"))
                return nil
            } catch {
                return nil
            }
        }
        var customName = OOXMLParts.defaultCustomName
        if let rels = part(OOXMLParts.relationshipsName), let tags = try? XMLTag.scan(rels, part: OOXMLParts.relationshipsName),
            let named = OOXMLParts.customPartName(relationships: tags)
        {
            customName = named
        }
        if let types = part(OOXMLParts.contentTypesName), let tags = try? XMLTag.scan(types, part: OOXMLParts.contentTypesName),
            let type = OOXMLParts.packageType(contentTypes: tags)
        {
            scan.findings.append(
                Finding(.packageType, .info, "the package is a \(type), by its main part's content type", location: "OOXML [Content_Types].xml"))
        }
        if let signature = entries.first(where: { $0.name.hasPrefix("_xmlsignatures/") }) {
            scan.findings.append(
                Finding(
                    .signedPackage, .warning,
                    "the package is digitally signed (\(signature.name)); any change, labeling included, invalidates that signature, which must be applied again",
                    location: "OOXML \(signature.name)", offset: signature.localOffset))
        }
        guard let entry = entries.first(where: { $0.name == customName }), let custom = part(customName) else { return }
        let tags: [XMLTag]
        do {
            tags = try XMLTag.scan(custom, part: customName)
        } catch let error as SigilError {
            scan.findings.append(Finding.structural(error, site: "OOXML \(customName)"))
            return
        } catch {
            return
        }
        for property in OOXMLParts.properties(custom, tags: tags) where property.name == "AIGC" {
            let type = property.valueType.map { " (vt:\($0))" } ?? ""
            scan.carriers.append(
                LabelCarrier(
                    kind: .ooxmlCustomProperty, location: "OOXML \(customName) property AIGC\(type)", offset: entry.localOffset,
                    length: entry.record.count,
                    keyed: true, standard: property.valueType == nil || property.valueType == "lpwstr", payload: .text(property.value ?? "")))
        }
    }

    public func writeLabel(_ label: LabelAssignment, into bytes: [UInt8]) throws -> [UInt8] {
        try labelEdits(label, in: MemoryByteSource(bytes)).apply(to: bytes)
    }

    public func labelEdits(_ label: LabelAssignment, in source: any ByteSource) throws -> EditPlan {
        try OOXMLLabelEdits(source).edits(json: label.json)
    }

    /// Every entry's local record except the parts a label rewrites.
    public func essenceRanges(in source: any ByteSource) throws -> [Range<Int>] {
        let archive = try ZIPArchive(source)
        let custom = (try? OOXMLLabelEdits(source).customName) ?? OOXMLParts.defaultCustomName
        let rewritten: Set<String> = [OOXMLParts.contentTypesName, OOXMLParts.relationshipsName, custom, OOXMLManifestCarrier.path]
        let ranges = archive.entries.filter { !rewritten.contains($0.name) }.map(\.record).sorted { $0.lowerBound < $1.lowerBound }
        guard !ranges.isEmpty else { throw SigilError(.malformed, "the OOXML package has no parts besides its metadata", offset: 0) }
        return ranges
    }
}

extension OOXMLFormat {
    public func findManifestStores(in bytes: [UInt8]) throws -> [EmbeddedManifestStore] { try OOXMLManifestCarrier.find(bytes) }
    public func removeManifestStores(from bytes: [UInt8]) throws -> [UInt8] { try OOXMLManifestCarrier.remove(bytes) }
    public func embedManifestStore(_ store: [UInt8], into bytes: [UInt8]) throws -> (bytes: [UInt8], containerRange: Range<Int>) {
        try OOXMLManifestCarrier.embed(store, into: bytes)
    }
    public func manifestCollection(in bytes: [UInt8]) throws -> ManifestCollection { try OOXMLManifestCarrier.collection(bytes) }
}

extension Finding.Code {
    /// Informational: what an OOXML package's main part says it is.
    public static let packageType = Finding.Code("package-type")
    /// A signed document: an OOXML `_xmlsignatures/` part (labeling invalidates it) or a signed PDF (the update keeps it).
    public static let signedPackage = Finding.Code("signed-package")
}
