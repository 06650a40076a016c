extension SigilError.Code {
    /// A Merkle inclusion or consistency proof does not verify, or is malformed.
    public static let invalidProof = SigilError.Code("invalid-proof")
    /// A checkpoint's text breaks c2sp.org/tlog-checkpoint (origin, size, root hash lines).
    public static let invalidCheckpoint = SigilError.Code("invalid-checkpoint")
    /// A signed note breaks c2sp.org/signed-note (layout, signature lines, key names).
    public static let invalidNote = SigilError.Code("invalid-note")
    /// A signature made by a known key does not verify, or no known key signed at all.
    public static let invalidSignature = SigilError.Code("invalid-signature")
    /// A verifier key (vkey) or signing key is malformed.
    public static let invalidKey = SigilError.Code("invalid-key")
    /// Two tree heads cannot both be true: the log would contradict itself.
    public static let inconsistentTree = SigilError.Code("inconsistent-tree")
    /// A tile, tile path or entry bundle breaks c2sp.org/tlog-tiles.
    public static let invalidTile = SigilError.Code("invalid-tile")
}
