/// A manifest carrier whose `c2pa.hash.data` digest covers a canonical form of the bytes outside the exclusions, not
/// the bytes themselves: plain text, whose data hash the C2PA specification computes over the NFC-normalised UTF-8
/// text (so text converted to another normalisation form after signing still validates).
///
/// The signer and the validator ask a carrier for this capability with a cast; every other carrier hashes the raw
/// bytes.
public protocol DataHashCanonicalizing: ManifestCarrying {
    /// The bytes a data hash digests: `bytes` without `exclusions` (sorted, non-overlapping, within `bytes`), in the
    /// carrier's canonical form.
    ///
    /// - Throws: ``SigilError`` when the remaining bytes cannot be canonicalised (text that is not UTF-8), naming
    ///   the offset.
    func dataHashInput(_ bytes: [UInt8], excluding exclusions: [Range<Int>]) throws -> [UInt8]
}
