/// The incremental update (ISO 32000-1 §7.5.6) that labels a PDF: appended after the original bytes, which stay a
/// byte-identical prefix. It holds a new Info dictionary (the last trailer's Info entries kept, `/AIGC` set to
/// the Annex E JSON as a PDF text string), the XMP metadata stream with `TC260:AIGC` when the catalog has one,
/// and a cross-reference section of the same kind as the file's last (a table, or a stream) whose `/Prev` is the
/// original's last section.
enum PDFLabelUpdate {
    /// The comment that opens every update Sigil appends: the essence ends before the first one.
    static let marker = "%SigilAIGCUpdate"

    /// The bytes to append to the file `source` reads, or nil when the last trailer's Info already holds `label` (and the XMP).
    ///
    /// An encrypted file opened with its empty user password gets an update encrypted the same way (its new strings
    /// and the XMP stream with their objects' keys, the trailer naming the same `/Encrypt` and `/ID`).
    ///
    /// - Throws: ``SigilError`` for a PDF that needs a user password, a damaged cross-reference, or a trailer
    ///   without `/Root`.
    /// The file is read through its cross-reference: the sections, the trailer's Info, the catalog and the XMP
    /// stream, nothing else (``PDFDocument``).
    static func update(_ label: LabelAssignment, for source: any ByteSource) throws -> [UInt8]? {
        var document = try PDFDocument(source: source)
        try document.unlock()
        let security = document.security
        guard let root = document.trailer["Root"]?.reference else {
            throw SigilError.malformed("the PDF trailer", at: document.lastXRefOffset, "has no /Root reference")
        }
        var objects: [(number: Int, generation: Int, body: [UInt8])] = []
        var nextNumber = document.size

        // The Info dictionary: same object number when there is one (a compressed one is superseded by a plain object).
        let infoReference = document.trailer["Info"]?.reference
        let info = try infoReference.flatMap { try document.object($0.number) }
        let oldEntries = info?.entries ?? []
        let currentLabel = oldEntries.first { $0.key == "AIGC" }?.value.text
        let infoNumber: Int
        let infoGeneration: Int
        if let infoReference, info != nil {
            infoNumber = infoReference.number
            if case .offset(_, let generation) = document.xref[infoReference.number] { infoGeneration = generation } else { infoGeneration = 0 }
        } else {
            (infoNumber, infoGeneration) = (nextNumber, 0)
            nextNumber += 1
        }
        if currentLabel != label.json || info == nil {
            var body = Array("<<".utf8)
            // Encrypted strings are written again under the new object's key (they were read decrypted).
            let encrypting = { (plain: [UInt8]) in security?.encrypt(plain, object: infoNumber, generation: infoGeneration, stream: false) ?? plain }
            for entry in oldEntries where entry.key != "AIGC" {
                body += Array("/\(encodeName(entry.key)) ".utf8) + (security == nil ? entry.raw : entry.value.written(strings: encrypting))
            }
            let aigc = security == nil ? PDFObject.textString(label.json) : PDFObject.hexString(encrypting(PDFObject.textBytes(label.json)))
            body += Array("/AIGC ".utf8) + aigc + Array(">>".utf8)
            objects.append((infoNumber, infoGeneration, body))
        }

        // The XMP metadata stream, when the catalog names one Sigil can decode.
        if let catalog = try document.object(root.number), let metadata = catalog["Metadata"]?.reference,
            case .offset(_, let generation) = document.xref[metadata.number], let (_, packet) = try? document.stream(metadata.number),
            let edited = try? XMPEditor.apply(LabelWriter.assignments(label), to: packet, site: "PDF XMP metadata", offset: 0), edited != packet
        {
            let data =
                security.map { $0.encryptsMetadata ? $0.encrypt(edited, object: metadata.number, generation: generation, stream: true) : edited }
                ?? edited
            let body = Array("<</Type/Metadata/Subtype/XML/Length \(data.count)>>stream\n".utf8) + data + Array("\nendstream".utf8)
            objects.append((metadata.number, generation, body))
        }
        guard !objects.isEmpty else { return nil }

        return section(
            marker: marker, objects: objects, document: document, root: root, info: (infoNumber, infoGeneration), nextNumber: nextNumber)
    }

    /// An incremental update appended to `document`'s file: a line with `marker`, `objects`, and a cross-reference
    /// section of the kind the file's last one is (a table, or a stream taking the next object number) whose trailer
    /// names `root`, `info`, the previous section and the file's `/ID`.
    static func section(
        marker: String, objects: [(number: Int, generation: Int, body: [UInt8])], document: PDFDocument, root: (number: Int, generation: Int),
        info: (number: Int, generation: Int)?, nextNumber first: Int
    ) -> [UInt8] {
        var nextNumber = first
        let base = document.source.count
        // A line break of its own before the marker, so the original ends exactly where the marker's line starts.
        var out = Array("\n\(marker)\n".utf8)
        var offsets: [(number: Int, generation: Int, offset: Int)] = []
        for object in objects.sorted(by: { $0.number < $1.number }) {
            offsets.append((object.number, object.generation, base + out.count))
            out += Array("\(object.number) \(object.generation) obj\n".utf8) + object.body + Array("\nendobj\n".utf8)
        }
        var trailer = "/Root \(root.number) \(root.generation) R"
        if let info { trailer += "/Info \(info.number) \(info.generation) R" }
        trailer += "/Prev \(document.lastXRefOffset)"
        if let id = document.trailer.entries?.first(where: { $0.key == "ID" }) { trailer += "/ID " + String(decoding: id.raw, as: UTF8.self) }
        if let encrypt = document.trailer.entries?.first(where: { $0.key == "Encrypt" }) {
            trailer += "/Encrypt " + String(decoding: encrypt.raw, as: UTF8.self)
        }
        if document.lastSectionIsStream {
            let streamNumber = nextNumber
            nextNumber += 1
            let streamOffset = base + out.count
            offsets.append((streamNumber, 0, streamOffset))
            let width = (streamOffset >> 32) > 0 ? 8 : 4
            var rows: [UInt8] = []
            for entry in offsets {
                rows += [1] + bigEndian(entry.offset, width) + bigEndian(entry.generation, 2)
            }
            let index = offsets.map { "\($0.number) 1" }.joined(separator: " ")
            out += Array(
                "\(streamNumber) 0 obj\n<</Type/XRef/Size \(nextNumber)\(trailer)/W [1 \(width) 2]/Index [\(index)]/Length \(rows.count)>>stream\n"
                    .utf8)
            out += rows + Array("\nendstream\nendobj\nstartxref\n\(streamOffset)\n%%EOF\n".utf8)
        } else {
            let xrefOffset = base + out.count
            out += Array("xref\n".utf8)
            for entry in offsets {
                let offset = String(entry.offset)
                let generation = String(entry.generation)
                out += Array(
                    "\(entry.number) 1\n\(String(repeating: "0", count: max(0, 10 - offset.count)) + offset) \(String(repeating: "0", count: max(0, 5 - generation.count)) + generation) n\r\n"
                        .utf8)
            }
            out += Array("trailer\n<</Size \(nextNumber)\(trailer)>>\nstartxref\n\(xrefOffset)\n%%EOF\n".utf8)
        }
        return out
    }

    static func bigEndian(_ value: Int, _ width: Int) -> [UInt8] {
        (0..<width).map { UInt8(truncatingIfNeeded: value >> (8 * (width - 1 - $0))) }
    }

    /// A name's characters with delimiters, white space and non-ASCII bytes written as `#xx`.
    static func encodeName(_ name: String) -> String {
        name.utf8.map { b in
            b > 0x20 && b < 0x7F && !PDFParser.isDelimiter(b) && b != UInt8(ascii: "#")
                ? String(Character(Unicode.Scalar(b))) : "#" + (b < 16 ? "0" : "") + String(b, radix: 16, uppercase: true)
        }.joined()
    }
}
