/// The C2PA store in a PDF (C2PA 2.x, "Embedding manifests into PDFs"; c2pa-rs 0.91 reads it through lopdf): an
/// embedded-file stream holding the store unfiltered, a file specification with `/AFRelationship /C2PA_Manifest`, and
/// the document catalog's `/AF` array naming it. Sigil adds the three in one incremental update (decision 0015), so
/// the bytes before it stay a byte-identical prefix; the data hash excludes exactly the stream's data. Removing a
/// store cuts Sigil's own update off when it is the file's last; otherwise it appends an update whose catalog no
/// longer names the store. Decision 0207 (addendum).
enum PDFManifestCarrier {
    /// The comment that opens the update holding a store Sigil wrote.
    static let marker = "%SigilC2PAUpdate"
    static let relationship = "C2PA_Manifest"

    /// The catalog, its object number and generation, and every `/AF` entry of it with whether it names a C2PA store
    /// (and that store's stream object number).
    struct Catalog {
        var document: PDFDocument
        var root: (number: Int, generation: Int)
        var object: PDFObject
        var associated: [(raw: PDFObject, store: Int?)]
    }

    static func catalog(_ bytes: [UInt8]) throws -> Catalog? {
        let document = try PDFDocument(bytes)
        guard document.trailer["Encrypt"] == nil else { return nil }
        guard let root = document.trailer["Root"]?.reference, let object = try document.object(root.number) else {
            throw SigilError.malformed("the PDF trailer", at: document.lastXRefOffset, "has no /Root catalog")
        }
        var associated: [(raw: PDFObject, store: Int?)] = []
        for item in try document.resolve(object["AF"])?.array ?? [] {
            guard let spec = try document.resolve(item), try document.resolve(spec["AFRelationship"])?.nameValue == relationship,
                let stream = try document.resolve(spec["EF"])?["F"]?.reference
            else {
                associated.append((item, nil))
                continue
            }
            associated.append((item, stream.number))
        }
        return Catalog(document: document, root: root, object: object, associated: associated)
    }

    /// The data range of the stream object `number`: after `stream` and its end of line, `/Length` bytes.
    static func dataRange(of number: Int, in document: PDFDocument) throws -> Range<Int> {
        guard case .offset(let offset, _) = document.xref[number] else {
            throw SigilError.malformed("the PDF C2PA manifest stream \(number)", at: 0, "is not an object at a file offset")
        }
        let (dictionary, start) = try PDFDocument.parse(document.source, at: offset) { parser in
            guard Int(parser.keyword()) == number, Int(parser.keyword()) != nil, parser.expect("obj") else {
                throw SigilError.malformed("the PDF object \(number)", at: offset, "is not at the offset the cross-reference gives")
            }
            let dictionary = try parser.object()
            guard parser.expect("stream") else { throw SigilError.malformed("the PDF C2PA manifest object", at: offset, "is not a stream") }
            parser.skipStreamLineEnd()
            return (dictionary, parser.position)
        }
        let count = document.source.count
        guard dictionary["Filter"] == nil else {
            throw SigilError(.c2pa, "the PDF C2PA manifest stream \(number) is filtered; Sigil reads an unfiltered store", offset: offset)
        }
        guard let length = try dictionary["Length"]?.integer ?? document.resolveLength(dictionary["Length"] ?? .null), length >= 0 else {
            throw SigilError.malformed("the PDF C2PA manifest stream", at: offset, "has no usable /Length")
        }
        guard length <= count - start else {
            throw SigilError.truncated("the PDF C2PA manifest stream at offset \(offset)", at: start, needs: length, remaining: count - start)
        }
        return start..<(start + length)
    }

    /// The stores in `bytes`; a damaged file that nowhere names the C2PA relationship has none (its damage is the
    /// label scan's to report).
    static func find(_ bytes: [UInt8]) throws -> [EmbeddedManifestStore] {
        let found: Catalog?
        do {
            found = try catalog(bytes)
        } catch  where bytes.firstIndex(of: Array(relationship.utf8)) == nil {
            return []
        }
        guard let catalog = found else { return [] }
        return try catalog.associated.compactMap(\.store).map { number in
            let range = try dataRange(of: number, in: catalog.document)
            return EmbeddedManifestStore(
                bytes: Array(bytes[range]), containerRange: range, location: "PDF embedded file (object \(number), /AF C2PA_Manifest)")
        }
    }

    static func remove(_ bytes: [UInt8]) throws -> [UInt8] {
        guard let catalog = try catalog(bytes), catalog.associated.contains(where: { $0.store != nil }) else { return bytes }
        // Sigil's own update, last in the file: cut it off.
        let startxref = Array("startxref".utf8)
        if let at = PDFDocument.lastIndex(of: Array("\n\(marker)\n".utf8), in: bytes, from: 0),
            bytes.firstIndex(of: startxref, in: at..<bytes.count) == PDFDocument.lastIndex(of: startxref, in: bytes, from: at),
            let before = try? Self.catalog(Array(bytes[..<at])), before.associated.allSatisfy({ $0.store == nil })
        {
            return Array(bytes[..<at])
        }
        return bytes + (try update(catalog, adding: nil))
    }

    static func embed(_ store: [UInt8], into bytes: [UInt8]) throws -> (bytes: [UInt8], containerRange: Range<Int>) {
        guard let catalog = try catalog(bytes) else {
            throw SigilError(.unsupportedFormat, "the PDF is encrypted; Sigil does not add a C2PA manifest to an encrypted PDF", offset: 0)
        }
        let appended = try update(catalog, adding: store)
        let out = bytes + appended
        // The store is the first stream of the update: find its data after its header.
        let header = Array("<</Length \(store.count)>>stream\n".utf8)
        guard let at = out.firstIndex(of: header, in: bytes.count..<out.count) else {
            throw SigilError(.c2pa, "the PDF update lost its manifest stream", offset: bytes.count)
        }
        let start = at + header.count
        return (out, start..<(start + store.count))
    }

    /// An update whose catalog names `store` (in a new embedded-file stream and file specification) and no other
    /// C2PA store; nil `store` only drops them.
    static func update(_ catalog: Catalog, adding store: [UInt8]?) throws -> [UInt8] {
        let document = catalog.document
        var next = document.size
        var objects: [(number: Int, generation: Int, body: [UInt8])] = []
        var kept = try catalog.associated.filter { $0.store == nil }.map { entry -> [UInt8] in
            guard let ref = entry.raw.reference else {
                throw SigilError(
                    .unsupportedFormat, "the PDF catalog's /AF array holds a direct dictionary; Sigil rewrites /AF arrays of references only",
                    offset: 0)
            }
            return Array("\(ref.number) \(ref.generation) R".utf8)
        }
        if let store {
            let streamNumber = next
            let specNumber = next + 1
            next += 2
            objects.append((streamNumber, 0, Array("<</Length \(store.count)>>stream\n".utf8) + store + Array("\nendstream".utf8)))
            objects.append(
                (
                    specNumber, 0,
                    Array(
                        "<</Type/Filespec/F(Content Credentials)/UF(Content Credentials)/Desc(Content Credentials)/AFRelationship/\(relationship)/Subtype/application#2Fc2pa/EF<</F \(streamNumber) 0 R>>>>"
                            .utf8)
                ))
            kept.append(Array("\(specNumber) 0 R".utf8))
        }
        var body = Array("<<".utf8)
        for entry in catalog.object.entries ?? [] where entry.key != "AF" {
            body += Array("/\(PDFLabelUpdate.encodeName(entry.key)) ".utf8) + entry.raw
        }
        if !kept.isEmpty { body += Array("/AF [".utf8) + Array(kept.joined(separator: [0x20])) + Array("]".utf8) }
        body += Array(">>".utf8)
        var generation = 0
        if case .offset(_, let g) = document.xref[catalog.root.number] { generation = g }
        objects.append((catalog.root.number, generation, body))
        let info = document.trailer["Info"]?.reference
        return PDFLabelUpdate.section(
            marker: marker, objects: objects, document: document, root: (catalog.root.number, generation), info: info, nextNumber: next)
    }
}
