/// The C2PA store in an OOXML package (C2PA 2.x, "Embedding manifests into ZIP-based formats"; c2pa-rs 0.91 reads
/// it): the ZIP entry `META-INF/content_credential.c2pa`, stored (method 0), unencrypted, written after every other
/// entry. `[Content_Types].xml` gets a `Default` for the `c2pa` extension (`application/c2pa`) when it declares none,
/// so that Office does not "repair" the package by dropping an undeclared part. Every other entry's local record is
/// copied unchanged; the central directory is written anew. The binding is a collection hash over the entries and
/// the directory (``ManifestCollection``); decision 0207.
enum OOXMLManifestCarrier {
    static let path = "META-INF/content_credential.c2pa"
    static let contentType = "application/c2pa"

    /// The stores in `bytes`; a damaged archive that nowhere names the store entry has none (its damage is the label
    /// scan's to report).
    static func find(_ bytes: [UInt8]) throws -> [EmbeddedManifestStore] {
        let archive: ZIPArchive
        do {
            archive = try ZIPArchive(MemoryByteSource(bytes))
        } catch  where bytes.firstIndex(of: Array(path.utf8)) == nil {
            return []
        }
        return try archive.entries.filter { $0.name == path }.map { entry in
            EmbeddedManifestStore(
                bytes: Array(bytes[try storeRange(entry, in: bytes)]), containerRange: entry.data,
                location: "OOXML ZIP entry \(path) at offset \(entry.localOffset)")
        }
    }

    /// The store's bytes in `entry`, after the checks c2pa-rs makes (stored, unencrypted) and the ones that catch an
    /// entry lying about its size: a stored entry's two sizes are equal, and its local header agrees with the central
    /// directory.
    static func storeRange(_ entry: ZIPEntry, in bytes: [UInt8]) throws -> Range<Int> {
        let structure = "the C2PA manifest entry \(path)"
        guard entry.method == 0 else {
            throw SigilError(
                .c2pa, "\(structure) is compressed (method \(entry.method)); C2PA requires it stored (method 0)", offset: entry.localOffset)
        }
        guard entry.flags & 0x0001 == 0 else {
            throw SigilError(.c2pa, "\(structure) is encrypted; C2PA requires it in the clear", offset: entry.localOffset)
        }
        guard entry.compressedSize == entry.uncompressedSize else {
            throw SigilError.malformed(
                structure, at: entry.localOffset,
                "is stored but declares \(entry.compressedSize) compressed and \(entry.uncompressedSize) uncompressed bytes")
        }
        if !entry.hasDataDescriptor, !entry.isZIP64 {
            let local = (bytes.u32le(entry.localOffset + 18), bytes.u32le(entry.localOffset + 22))
            guard local == (entry.compressedSize, entry.uncompressedSize) else {
                throw SigilError.malformed(
                    structure, at: entry.localOffset,
                    "declares \(local.0)/\(local.1) bytes in its local header but \(entry.compressedSize)/\(entry.uncompressedSize) in the central directory"
                )
            }
        }
        return entry.data
    }

    static func remove(_ bytes: [UInt8]) throws -> [UInt8] {
        let archive = try ZIPArchive(MemoryByteSource(bytes))
        let stores = archive.entries.filter { $0.name == path }
        guard !stores.isEmpty else { return bytes }
        var plan = EditPlan(sourceLength: bytes.count)
        for store in stores { plan.remove(store.record) }
        let kept = archive.entries.filter { $0.name != path }.map { old -> ZIPEntry in
            var entry = old
            entry.localOffset = plan.newOffset(of: old.localOffset)
            return entry
        }
        let directoryStart = plan.newOffset(of: archive.directoryOffset)
        plan.replace(
            archive.directoryOffset..<bytes.count,
            with: ZIPWriter.directory(kept, at: directoryStart, comment: archive.comment, forceZIP64: archive.isZIP64))
        return plan.apply(to: bytes)
    }

    static func embed(_ store: [UInt8], into bytes: [UInt8]) throws -> (bytes: [UInt8], containerRange: Range<Int>) {
        let source = MemoryByteSource(bytes)
        let archive = try ZIPArchive(source)
        guard archive.entry(path) == nil else {
            throw SigilError(.c2pa, "the package already holds \(path); remove it before embedding a new store", offset: 0)
        }
        var plan = EditPlan(sourceLength: bytes.count)
        var rewritten: [(ZIPEntry, [UInt8])] = []
        if let types = archive.entry(OOXMLParts.contentTypesName), let new = try declaringContentType(try ZIPArchive.contents(of: types, in: source))
        {
            rewritten.append((types, new))
        }
        var entries = try ZIPWriter.rewrite(rewritten, of: archive, into: &plan)
        var manifest = ZIPWriter.storedEntry(path, contents: store)
        manifest.localOffset = plan.newOffset(of: archive.directoryOffset)
        let record = ZIPWriter.localRecord(manifest, compressed: store)
        entries.append(manifest)
        let dataStart = manifest.localOffset + record.count - store.count
        let directory = ZIPWriter.directory(
            entries, at: manifest.localOffset + record.count, comment: archive.comment, forceZIP64: archive.isZIP64)
        plan.replace(archive.directoryOffset..<bytes.count, with: record + directory)
        return (plan.apply(to: bytes), dataStart..<(dataStart + store.count))
    }

    /// `[Content_Types].xml` with a `Default` for the `c2pa` extension, or nil when it declares the store's content
    /// type already (by extension or by part name; OPC compares both case-insensitively).
    static func declaringContentType(_ bytes: [UInt8]) throws -> [UInt8]? {
        let tags = try XMLTag.scan(bytes, part: OOXMLParts.contentTypesName)
        let declared = tags.contains { tag in
            guard !tag.isClosing else { return false }
            if tag.localName == "Default" { return tag.attribute("Extension")?.lowercased() == "c2pa" }
            if tag.localName == "Override" { return tag.attribute("PartName")?.lowercased() == "/" + path.lowercased() }
            return false
        }
        if declared { return nil }
        return try OOXMLParts.insertBeforeRootEnd(bytes, tags: tags, part: OOXMLParts.contentTypesName) { prefix in
            "<\(prefix)Default Extension=\"c2pa\" ContentType=\"\(contentType)\"/>"
        }
    }

    static func collection(_ bytes: [UInt8]) throws -> ManifestCollection {
        let archive = try ZIPArchive(MemoryByteSource(bytes))
        var parts: [ManifestCollection.Part] = []
        var seen: Set<String> = []
        for entry in archive.entries where entry.name != path {
            let uri = try uri(of: entry)
            guard seen.insert(uri).inserted else {
                throw SigilError.malformed(
                    "ZIP entry \"\(entry.name)\"", at: entry.localOffset, "has the name of an earlier entry; a collection hash cannot tell them apart"
                )
            }
            parts.append(ManifestCollection.Part(uri: uri, range: entry.record))
        }
        var directory = [archive.directoryOffset..<bytes.count]
        if let store = archive.entry(path) {
            let crc = store.centralOffset + 16
            directory = [archive.directoryOffset..<crc, (crc + 4)..<bytes.count]
        }
        return ManifestCollection(parts: parts, directory: directory)
    }

    /// The URI a collection hash names `entry` by: its name with `\` as `/` and without a trailing `/`, refused when
    /// it is absolute or has a `.` or `..` component (c2pa-rs's `enclosed_name`).
    static func uri(of entry: ZIPEntry) throws -> String {
        var uri = String(entry.name.map { $0 == "\\" ? "/" : $0 })
        while uri.hasSuffix("/") { uri.removeLast() }
        let components = uri.split(separator: "/", omittingEmptySubsequences: false)
        guard !uri.isEmpty, !entry.name.hasPrefix("/"), !entry.name.hasPrefix("\\"),
            !components.contains(where: { $0 == ".." || $0 == "." }), !entry.nameBytes.contains(0)
        else {
            throw SigilError.malformed(
                "ZIP entry \"\(entry.name)\"", at: entry.localOffset, "has a name that is not a relative path; a collection hash cannot name it")
        }
        return uri
    }
}
