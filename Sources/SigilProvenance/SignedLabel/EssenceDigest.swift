import Crypto
import SigilContainers

/// The digest a signed label binds to: the essence of a file (compressed image data, audio frames, …; see
/// ``EssenceLocating``) read through a ``ByteSource`` in chunks, so memory stays flat in the file's length.
public enum EssenceDigest {
    /// The digest types Sigil computes (`BType` in PG-202511A's bindings).
    public static let types = ["SM3", "SHA256"]

    /// The format of `source` and the `type` digest of its essence.
    ///
    /// - Throws: ``SigilError`` `.unsupportedFormat` when the registry does not know the format or cannot single
    ///   out its essence; `.usage` for an unknown digest type; the walker's errors for a damaged container.
    public static func digest(of source: any ByteSource, type: String, registry: MediaRegistry = .standard) throws -> (
        format: MediaFormat, digest: [UInt8]
    ) {
        let head = try source.read(0..<min(source.count, MediaRegistry.sniffLength))
        guard let identified = registry.identify(head) else { throw registry.unrecognised(head) }
        guard let locator = identified.handler as? any EssenceLocating else {
            throw SigilError(
                .unsupportedFormat,
                "Sigil does not single out the essence of \(identified.format.displayName) files, so it cannot bind a signature to it")
        }
        // A format that reads the whole file to find its essence gets it once, and the digest hashes those bytes.
        let source: any ByteSource = locator.locatingReadsWholeFile ? MemoryByteSource(try source.read(0..<source.count)) : source
        let ranges = try locator.essenceRanges(in: source)
        switch type.uppercased() {
        case "SM3":
            let hasher = SM3.Hasher()
            for range in ranges { try source.forEachChunk(of: range) { hasher.update($0) } }
            return (identified.format, hasher.finalize())
        case "SHA256", "SHA-256":
            var hasher = SHA256()
            if let memory = source as? MemoryByteSource { // hash the ranges where they lie, no chunk copies
                if let past = ranges.first(where: { $0.lowerBound < 0 || $0.upperBound > memory.count }) {
                    throw SigilError(
                        .truncated, "the file ends at offset \(memory.count) inside a range that runs to \(past.upperBound)", offset: memory.count)
                }
                memory.bytes.withUnsafeBytes { all in
                    for range in ranges { hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: all[range])) }
                }
                return (identified.format, Array(hasher.finalize()))
            }
            for range in ranges { try source.forEachChunk(of: range) { hasher.update(data: $0) } }
            return (identified.format, Array(hasher.finalize()))
        default:
            throw SigilError(.usage, "unknown digest type \(type); Sigil computes \(types.joined(separator: ", "))")
        }
    }
}
