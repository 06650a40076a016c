extension MediaFormat {
    /// PDF.
    public static let pdf = MediaFormat(id: "pdf", displayName: "PDF", kind: .document, mimeTypes: ["application/pdf"], extensions: ["pdf"])
}

/// PDF: the label is the Info dictionary's `/AIGC` entry, a text string holding the Annex E JSON (TC260
/// PG-20258A), read from the Info of the **last** trailer (AigcTotal took the first `/AIGC` of a byte scan, so an
/// updated file showed its stale label). Sigil writes it as an incremental update (``PDFLabelUpdate``), an
/// insertion at the end of the file that a streaming writer copies the original before (``StreamingLabelWriting``,
/// decision 0029): the original bytes stay a prefix, signatures over earlier revisions stay valid, and the XMP metadata stream gets
/// `TC260:AIGC` too. An encrypted PDF is read and updated when its user password is empty (``PDFSecurity``); one
/// that needs a password is refused. The essence is everything before Sigil's first update (decision 0015). A C2PA
/// manifest store is an embedded file named by the catalog's `/AF`, added in an update of its own
/// (``PDFManifestCarrier``, decision 0207).
public struct PDFFormat: LabelReading, StreamingLabelWriting, EssenceLocating, ManifestCarrying {
    public init() {}
    public var formats: [MediaFormat] { [.pdf] }

    public func identify(_ prefix: [UInt8]) -> MediaFormat? {
        prefix.starts(with: Array("%PDF-".utf8)) ? .pdf : nil
    }

    public func scanLabels(_ bytes: [UInt8], into scan: inout ContainerScan) {
        var document: PDFDocument
        do {
            document = try PDFDocument(bytes)
        } catch let error as SigilError {
            scanWithoutCrossReference(bytes, error, into: &scan)
            return
        } catch {
            return
        }
        do {
            try document.unlock()
        } catch let error as SigilError {
            scan.findings.append(
                Finding(
                    .encrypted, .error, "\(error.message): its Info strings cannot be read", location: "PDF trailer /Encrypt", offset: error.offset))
            return
        } catch {
            return
        }
        if document.isEncrypted {
            scan.findings.append(
                Finding(
                    .encrypted, .info, "the PDF is encrypted with an empty user password (permissions only): Sigil read it as viewers open it",
                    location: "PDF trailer /Encrypt", offset: document.lastXRefOffset))
        }
        checkLinearization(bytes, into: &scan)
        checkSignature(document, into: &scan)
        do {
            guard let reference = document.trailer["Info"]?.reference, let info = try document.object(reference.number) else { return }
            var offset = 0
            if case .offset(let at, _) = document.xref[reference.number] { offset = at }
            for entry in info.entries ?? [] where entry.key == "AIGC" {
                let text = entry.value.text ?? String(decoding: entry.raw, as: UTF8.self)
                scan.carriers.append(
                    LabelCarrier(
                        kind: .pdfInfo, location: "PDF Info dictionary /AIGC (object \(reference.number))", offset: offset, length: entry.raw.count,
                        keyed: true, standard: true, payload: .text(text)))
            }
        } catch let error as SigilError {
            scan.findings.append(Finding.structural(error, site: "PDF Info dictionary"))
        } catch {}
    }

    /// A file whose cross-reference cannot be followed: reported, and its last `/AIGC` read by a byte scan as a
    /// non-standard site (peers' minimal fixtures have no xref at all).
    private func scanWithoutCrossReference(_ bytes: [UInt8], _ error: SigilError, into scan: inout ContainerScan) {
        scan.findings.append(
            Finding(
                .structureMalformed, .warning, "\(error.message); the Info dictionary cannot be found, so /AIGC is looked for by a byte scan",
                location: "PDF cross-reference", offset: error.offset))
        guard let at = PDFDocument.lastIndex(of: Array("/AIGC".utf8), in: bytes, from: 0) else { return }
        var parser = PDFParser(bytes, at: at + 5)
        guard let value = try? parser.object(), let text = value.text else { return }
        scan.carriers.append(
            LabelCarrier(
                kind: .pdfInfo, location: "PDF /AIGC found by byte scan (outside a readable Info dictionary)", offset: at,
                length: parser.position - at, keyed: true, standard: false, payload: .text(text)))
    }

    /// A signed PDF (usage-rights `/Perms` or signature fields): Sigil's update keeps the signed revision intact.
    private func checkSignature(_ document: PDFDocument, into scan: inout ContainerScan) {
        guard let root = document.trailer["Root"]?.reference, let catalog = try? document.object(root.number) else { return }
        let form = try? document.resolve(catalog["AcroForm"])
        let signed = catalog["Perms"] != nil || ((try? document.resolve(form?["SigFlags"]))??.integer ?? 0) & 1 != 0
        guard signed else { return }
        scan.findings.append(
            Finding(
                .signedPackage, .info,
                "the PDF is signed: an incremental update (as Sigil writes the label) leaves the signed revision byte-identical, so the signature still covers it; validators will list the update as a change after signing",
                location: "PDF catalog", offset: 0))
    }

    /// A linearized file whose first-page dictionary no longer gives the file's length has been updated since.
    private func checkLinearization(_ bytes: [UInt8], into scan: inout ContainerScan) {
        guard let at = bytes.firstIndex(of: Array("/Linearized".utf8), in: 0..<min(bytes.count, 1024)),
            let start = bytes[..<at].lastIndex(of: UInt8(ascii: "<")), start > 0
        else { return }
        var parser = PDFParser(bytes, at: start - 1)
        guard let dictionary = try? parser.object(), let length = dictionary["L"]?.integer, length != bytes.count else { return }
        scan.findings.append(
            Finding(
                .linearizationLost, .info,
                "the PDF was linearized for \(length) bytes and has been updated since (it is \(bytes.count)): it stays valid, but fast web view is lost",
                location: "PDF linearization dictionary", offset: start))
    }

    public func writeLabel(_ label: LabelAssignment, into bytes: [UInt8]) throws -> [UInt8] {
        try labelEdits(label, in: MemoryByteSource(bytes)).apply(to: bytes)
    }

    /// The label as one insertion at the end of the file: the incremental update, read from the cross-reference
    /// chain and the few objects it names (decision 0029); the original is copied whole. An empty plan when the
    /// file already holds `label`.
    public func labelEdits(_ label: LabelAssignment, in source: any ByteSource) throws -> EditPlan {
        var plan = EditPlan(sourceLength: source.count)
        if let update = try PDFLabelUpdate.update(label, for: source) { plan.insert(update, at: source.count) }
        return plan
    }

    /// The bytes before Sigil's first update: the document as its author made it. The update is found from the
    /// cross-reference chain (the marker line right before a section's first object), reading a few bytes per
    /// section; a file whose chain cannot be followed is scanned for the marker a chunk at a time.
    public func essenceRanges(in source: any ByteSource) throws -> [Range<Int>] {
        let markers = [PDFLabelUpdate.marker, PDFManifestCarrier.marker].map { Array("\n\($0)\n".utf8) }
        let end: Int?
        if let document = try? PDFDocument(source: source) {
            end = try document.firstUpdate(openedBy: markers)
        } else {
            end = try PDFDocument.firstOccurrence(of: markers, in: source)
        }
        return [0..<(end ?? source.count)]
    }

    public func findManifestStores(in bytes: [UInt8]) throws -> [EmbeddedManifestStore] { try PDFManifestCarrier.find(bytes) }
    public func removeManifestStores(from bytes: [UInt8]) throws -> [UInt8] { try PDFManifestCarrier.remove(bytes) }
    public func embedManifestStore(_ store: [UInt8], into bytes: [UInt8]) throws -> (bytes: [UInt8], containerRange: Range<Int>) {
        try PDFManifestCarrier.embed(store, into: bytes)
    }
}

extension Finding.Code {
    /// An encrypted PDF: an error when it needs a user password (its Info strings cannot be read), information when
    /// its user password is empty.
    public static let encrypted = Finding.Code("encrypted")
    /// A linearized PDF updated since it was linearized.
    public static let linearizationLost = Finding.Code("linearization-lost")
}
