import Foundation

/// Plain text carries its C2PA manifest store in a ``TextManifestWrapper`` (C2PA "Embedding manifests into
/// unstructured text"): appended after the visible text, found anywhere in it. The data hash covers the
/// NFC-normalised text outside the wrapper, as the specification asks; Sigil leaves the author's characters as they
/// are and normalises only what it hashes.
///
/// The wrapper is Unicode and the specification hashes UTF-8: GB18030 text is refused (decision 0208).
extension PlainTextFormat: DataHashCanonicalizing {
    public func findManifestStores(in bytes: [UInt8]) throws -> [EmbeddedManifestStore] {
        try TextManifestWrapper.locate(in: bytes).map {
            EmbeddedManifestStore(bytes: $0.store, containerRange: $0.range, location: "C2PA text wrapper at offset \($0.range.lowerBound)")
        }
    }

    public func removeManifestStores(from bytes: [UInt8]) throws -> [UInt8] {
        ManifestStoreBytes.cut(bytes, TextManifestWrapper.ranges(in: bytes))
    }

    public func embedManifestStore(_ store: [UInt8], into bytes: [UInt8]) throws -> (bytes: [UInt8], containerRange: Range<Int>) {
        try TextSniffing.requireUTF8(bytes, for: "a C2PA text wrapper")
        let wrapper = try TextManifestWrapper.encode(store)
        return (bytes + wrapper, bytes.count..<(bytes.count + wrapper.count))
    }

    public func dataHashInput(_ bytes: [UInt8], excluding exclusions: [Range<Int>]) throws -> [UInt8] {
        let clamped = exclusions.map { min($0.lowerBound, bytes.count)..<min($0.upperBound, bytes.count) }
        let kept = ManifestStoreBytes.cut(bytes, clamped)
        if !kept.contains(where: { $0 >= 0x80 }) { return kept }
        try TextSniffing.requireUTF8(kept, for: "the C2PA text data hash")
        return Array(String(decoding: kept, as: UTF8.self).precomposedStringWithCanonicalMapping.utf8)
    }
}
