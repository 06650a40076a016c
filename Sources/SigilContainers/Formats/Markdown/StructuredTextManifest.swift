import Foundation

/// The manifest block of structured text (C2PA 2.x, "Embedding manifests into structured text"): the manifest
/// store as a `data:application/c2pa;base64,…` reference between the delimiters `-----BEGIN C2PA MANIFEST-----`
/// and `-----END C2PA MANIFEST-----`, inside the host format's comment syntax.
///
/// ### Where Sigil puts it in Markdown
/// - With front matter (YAML `---` or TOML `+++`): as a `#` comment line right after the opening fence, so the
///   front matter stays valid YAML or TOML, the `AIGC:` label stays where PG-20258A wants it and the body (the
///   essence a signed label binds) stays byte-identical.
/// - Without front matter: an HTML comment `<!-- … -->` as the first line, where c2pa-rs puts it.
///
/// The `c2pa.hash.data` exclusion covers the block's line with its line break; the hash is over the raw bytes (no
/// normalisation, unlike unstructured text). Blocks are read wherever they are, on one line or over several (the
/// multi-line front-matter form).
public enum StructuredTextManifest {
    /// The opening delimiter.
    public static let begin = "-----BEGIN C2PA MANIFEST-----"
    /// The closing delimiter.
    public static let end = "-----END C2PA MANIFEST-----"
    /// The reference form of an embedded store.
    public static let dataURIPrefix = "data:application/c2pa;base64,"

    /// One manifest block found in a text.
    public struct Block: Sendable, Hashable {
        /// The embedded store; nil for a reference to a remote manifest (a URL), which Sigil does not fetch.
        public var store: [UInt8]?
        /// The lines the block occupies, from the start of the line of the opening delimiter through the line break
        /// after the closing one.
        public var range: Range<Int>
    }

    /// The block line for `store` in a comment that opens with `prefix` (and closes with `suffix`), without a line
    /// break.
    public static func line(for store: [UInt8], prefix: String, suffix: String? = nil) -> [UInt8] {
        var text = "\(prefix) \(begin) \(dataURIPrefix)\(Data(store).base64EncodedString()) \(end)"
        if let suffix { text += " \(suffix)" }
        return Array(text.utf8)
    }

    /// Every manifest block in `bytes`, in text order. Delimiters around text that is no manifest reference (prose
    /// about the format: empty, or with blanks inside) are text.
    ///
    /// - Throws: ``SigilError`` `.malformed` for an opening delimiter with a reference and no closing delimiter, or
    ///   a `data:` reference that is not base64 or is empty, naming the offset.
    public static func locate(in bytes: [UInt8]) throws -> [Block] {
        try DamagedTextManifest.located(candidates(in: bytes))
    }

    /// The ranges of every block, damaged ones included (what removing the manifest cuts).
    static func ranges(in bytes: [UInt8]) -> [Range<Int>] {
        DamagedTextManifest.ranges(candidates(in: bytes), \.range)
    }

    static let beginBytes = Array(begin.utf8)
    static let endBytes = Array(end.utf8)

    static func candidates(in bytes: [UInt8]) -> [Result<Block, DamagedTextManifest>] {
        var found: [Result<Block, DamagedTextManifest>] = []
        var from = 0
        var previousEnd = FrontMatter.bomLength(bytes)
        while let open = find(beginBytes, in: bytes, from: from) {
            let afterOpen = open + beginBytes.count
            // The line starts after the last line break before the delimiter, but not inside the previous block.
            let lineStart = bytes[previousEnd..<open].lastIndex(of: 0x0A).map { $0 + 1 } ?? previousEnd
            guard let close = find(endBytes, in: bytes, from: afterOpen) else {
                // No closing delimiter anywhere after this one, so none after a later one either: stop here.
                let lineEnd = bytes[afterOpen...].firstIndex(of: 0x0A).map { $0 + 1 } ?? bytes.count
                if isReference(trimmed(bytes[afterOpen..<(lineEnd)])) {
                    let error = SigilError.malformed("the C2PA manifest block", at: open, "opens with \(begin) but no \(end) follows")
                    found.append(.failure(DamagedTextManifest(range: lineStart..<lineEnd, error: error)))
                }
                break
            }
            let afterClose = close + endBytes.count
            from = afterClose
            let reference = trimmed(bytes[afterOpen..<close])
            guard isReference(reference) else { continue }
            let lineEnd = bytes[afterClose...].firstIndex(of: 0x0A).map { $0 + 1 } ?? bytes.count
            let range = lineStart..<lineEnd
            previousEnd = lineEnd
            from = max(from, lineEnd)
            guard reference.starts(with: Array(dataURIPrefix.utf8)) else {
                found.append(.success(Block(store: nil, range: range)))
                continue
            }
            let encoded = String(decoding: reference.dropFirst(dataURIPrefix.utf8.count), as: UTF8.self)
            guard let decoded = Data(base64Encoded: encoded), !decoded.isEmpty else {
                let error = SigilError.malformed(
                    "the C2PA manifest block", at: open,
                    encoded.isEmpty ? "holds an empty data: reference" : "holds a data: reference that is not base64")
                found.append(.failure(DamagedTextManifest(range: range, error: error)))
                continue
            }
            found.append(.success(Block(store: [UInt8](decoded), range: range)))
        }
        return found
    }

    /// Whether the text between the delimiters is a manifest reference: a `data:` URI or an absolute URL (a
    /// scheme, a colon and more), with no blanks inside.
    static func isReference(_ reference: ArraySlice<UInt8>) -> Bool {
        guard !reference.isEmpty, !reference.contains(where: { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) else { return false }
        guard let colon = reference.firstIndex(of: 0x3A), colon > reference.startIndex, colon + 1 < reference.endIndex else { return false }
        let scheme = reference[reference.startIndex..<colon]
        guard let first = scheme.first, isLetter(first) else { return false }
        return scheme.allSatisfy { isLetter($0) || (0x30...0x39).contains($0) || $0 == 0x2B || $0 == 0x2D || $0 == 0x2E }
    }

    static func isLetter(_ b: UInt8) -> Bool { (0x41...0x5A).contains(b) || (0x61...0x7A).contains(b) }

    static func trimmed(_ slice: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var s = slice
        while let first = s.first, first == 0x20 || first == 0x09 || first == 0x0A || first == 0x0D { s = s.dropFirst() }
        while let last = s.last, last == 0x20 || last == 0x09 || last == 0x0A || last == 0x0D { s = s.dropLast() }
        return s
    }

    /// The first occurrence of `needle` at or after `from`.
    static func find(_ needle: [UInt8], in bytes: [UInt8], from: Int) -> Int? {
        guard let first = needle.first, needle.count <= bytes.count else { return nil }
        var i = from
        let last = bytes.count - needle.count
        while i <= last {
            if bytes[i] == first, bytes[(i + 1)..<(i + needle.count)].elementsEqual(needle[1...]) { return i }
            i += 1
        }
        return nil
    }
}

/// Markdown carries its C2PA manifest as a ``StructuredTextManifest`` block: inside the front matter as a comment
/// line after the opening fence, or as an HTML comment on the first line of a file without front matter. The hash is
/// over the raw bytes.
extension MarkdownFormat: ManifestCarrying {
    public func findManifestStores(in bytes: [UInt8]) throws -> [EmbeddedManifestStore] {
        try StructuredTextManifest.locate(in: bytes).compactMap { block in
            block.store.map {
                EmbeddedManifestStore(bytes: $0, containerRange: block.range, location: "C2PA manifest block at offset \(block.range.lowerBound)")
            }
        }
    }

    public func removeManifestStores(from bytes: [UInt8]) throws -> [UInt8] {
        ManifestStoreBytes.cut(bytes, StructuredTextManifest.ranges(in: bytes))
    }

    public func embedManifestStore(_ store: [UInt8], into bytes: [UInt8]) throws -> (bytes: [UInt8], containerRange: Range<Int>) {
        try TextSniffing.requireUTF8(bytes, for: "a C2PA manifest block")
        let line: [UInt8]
        let at: Int
        if let frontMatter = try FrontMatter.locate(in: bytes) {
            line = StructuredTextManifest.line(for: store, prefix: "#") + frontMatter.lineBreak
            at = frontMatter.content.lowerBound
        } else {
            line = StructuredTextManifest.line(for: store, prefix: "<!--", suffix: "-->") + Self.lineBreak(of: bytes)
            at = FrontMatter.bomLength(bytes)
        }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + line.count)
        out += bytes[..<at]
        out += line
        out += bytes[at...]
        return (out, at..<(at + line.count))
    }
}
