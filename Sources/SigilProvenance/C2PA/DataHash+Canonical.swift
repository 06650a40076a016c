import SigilContainers

extension DataHash {
    /// The digest of `bytes` without `exclusions` as `carrier` defines it: over a canonical form for a
    /// ``DataHashCanonicalizing`` carrier (plain text: NFC UTF-8), over the bytes themselves otherwise.
    ///
    /// - Returns: nil for an algorithm C2PA does not allow.
    /// - Throws: ``SigilError`` when the carrier cannot canonicalise the bytes (text that is not UTF-8).
    public static func compute(
        _ bytes: [UInt8], excluding exclusions: [Range<Int>], alg: String, carrier: (any ManifestCarrying)?
    ) throws -> [UInt8]? {
        guard let canonical = carrier as? any DataHashCanonicalizing else { return compute(bytes, excluding: exclusions, alg: alg) }
        var merged: [Range<Int>] = []
        for range in exclusions.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            let clamped = min(range.lowerBound, bytes.count)..<min(range.upperBound, bytes.count)
            if let last = merged.last, clamped.lowerBound <= last.upperBound {
                merged[merged.count - 1] = last.lowerBound..<max(last.upperBound, clamped.upperBound)
            } else {
                merged.append(clamped)
            }
        }
        return compute(try canonical.dataHashInput(bytes, excluding: merged), excluding: [], alg: alg)
    }
}
