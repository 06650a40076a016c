import Crypto
import SigilContainers

/// The `c2pa.hash.data` hard binding: a hash over every byte of the asset except the exclusion ranges.
public enum DataHash {
    /// The digest of `bytes` without `exclusions` (sorted, clamped to the file), or nil for an algorithm C2PA does not
    /// allow (sha256, sha384, sha512).
    public static func compute(_ bytes: [UInt8], excluding exclusions: [Range<Int>], alg: String) -> [UInt8]? {
        switch alg {
        case "sha256": return digest(SHA256.self, bytes, exclusions)
        case "sha384": return digest(SHA384.self, bytes, exclusions)
        case "sha512": return digest(SHA512.self, bytes, exclusions)
        default: return nil
        }
    }

    /// The digest of the asset `source` reads without `exclusions`, read in chunks (memory stays flat in the asset's
    /// length), or nil for an algorithm C2PA does not allow.
    public static func compute(_ source: any ByteSource, excluding exclusions: [Range<Int>], alg: String) throws -> [UInt8]? {
        switch alg {
        case "sha256": return try digest(SHA256.self, source, exclusions)
        case "sha384": return try digest(SHA384.self, source, exclusions)
        case "sha512": return try digest(SHA512.self, source, exclusions)
        default: return nil
        }
    }

    static func digest<H: HashFunction>(_: H.Type, _ source: any ByteSource, _ exclusions: [Range<Int>]) throws -> [UInt8] {
        var hasher = H()
        var at = 0
        for range in exclusions.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            let lower = min(max(range.lowerBound, at), source.count)
            if lower > at { try source.forEachChunk(of: at..<lower) { hasher.update(data: $0) } }
            at = max(at, min(range.upperBound, source.count))
        }
        if at < source.count { try source.forEachChunk(of: at..<source.count) { hasher.update(data: $0) } }
        return Array(hasher.finalize())
    }

    static func digest<H: HashFunction>(_: H.Type, _ bytes: [UInt8], _ exclusions: [Range<Int>]) -> [UInt8] {
        var hasher = H()
        var at = 0
        bytes.withUnsafeBytes { raw in
            for range in exclusions.sorted(by: { $0.lowerBound < $1.lowerBound }) {
                let lower = min(max(range.lowerBound, at), bytes.count)
                if lower > at { hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: raw[at..<lower])) }
                at = max(at, min(range.upperBound, bytes.count))
            }
            if at < bytes.count { hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: raw[at..<bytes.count])) }
        }
        return Array(hasher.finalize())
    }
}
