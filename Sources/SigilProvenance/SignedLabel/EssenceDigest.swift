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
        let ranges = try locator.essenceRanges(in: source)
        switch type.uppercased() {
        case "SM3":
            let hasher = SM3.Hasher()
            for range in ranges { try source.forEachChunk(of: range) { hasher.update($0) } }
            return (identified.format, hasher.finalize())
        case "SHA256", "SHA-256":
            var hasher = SHA256()
            for range in ranges { try source.forEachChunk(of: range) { hasher.update(data: $0) } }
            return (identified.format, Array(hasher.finalize()))
        default:
            throw SigilError(.usage, "unknown digest type \(type); Sigil computes \(types.joined(separator: ", "))")
        }
    }
}
