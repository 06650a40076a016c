/// A checkpoint (c2sp.org/tlog-checkpoint@v1.0.0): the note text a log signs to commit to a tree head.
///
/// ```
/// <origin>
/// <tree size, ASCII decimal>
/// <root hash, base64>
/// [extension lines]
/// ```
public struct Checkpoint: Sendable, Hashable {
    /// The log's identity, a schema-less URL such as `log.example.com/aigc`; also the signing key's name.
    public var origin: String
    /// Leaves in the tree.
    public var size: UInt64
    /// The RFC 9162 root hash of those leaves.
    public var root: MerkleHash
    /// Optional extension lines (non-empty; not recommended by the spec and never written by Sigil).
    public var extensions: [String]

    public init(origin: String, size: UInt64, root: MerkleHash, extensions: [String] = []) {
        self.origin = origin
        self.size = size
        self.root = root
        self.extensions = extensions
    }

    /// The checkpoint text, each line ending in a newline.
    public var text: String {
        ([origin, String(size), root.base64] + extensions).map { $0 + "\n" }.joined()
    }

    /// Parses checkpoint text.
    ///
    /// - Throws: ``SigilError`` `.invalidCheckpoint` naming the line that breaks the format.
    public init(text: String) throws {
        guard text.hasSuffix("\n") else { throw SigilError(.invalidCheckpoint, "the checkpoint text does not end in a newline") }
        let lines = text.dropLast().split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard lines.count >= 3 else {
            throw SigilError(.invalidCheckpoint, "a checkpoint has an origin, a size and a root hash line; this one has \(lines.count) lines")
        }
        guard !lines[0].isEmpty else { throw SigilError(.invalidCheckpoint, "the checkpoint's origin line is empty") }
        guard let size = UInt64(lines[1]), lines[1] == String(size) else {
            throw SigilError(
                .invalidCheckpoint, "the checkpoint's size line \"\(lines[1].prefix(30))\" is not a decimal number without leading zeros")
        }
        let root: MerkleHash
        do {
            root = try MerkleHash(base64: lines[2])
        } catch {
            throw SigilError(.invalidCheckpoint, "the checkpoint's root line \"\(lines[2].prefix(60))\" is not base64 of a 32-byte hash")
        }
        let extensions = Array(lines[3...])
        guard !extensions.contains(where: \.isEmpty) else {
            throw SigilError(.invalidCheckpoint, "the checkpoint has an empty extension line")
        }
        self.init(origin: lines[0], size: size, root: root, extensions: extensions)
    }

    /// The signed note of this checkpoint.
    ///
    /// - Throws: ``SigilError`` when the signer's name is not the origin or the text is not a valid note text.
    public func signed(by signer: NoteSigner) throws -> SignedNote {
        guard signer.name == origin else {
            throw SigilError(
                .invalidKey, "the log key is named \(signer.name) but the checkpoint's origin is \(origin); a log signs under its origin")
        }
        return SignedNote(text: text, signatures: [try signer.sign(text)])
    }

    /// Opens a signed checkpoint: parses the note, checks the signatures against `verifiers` and, when given,
    /// that the origin is `origin`.
    ///
    /// - Throws: ``SigilError`` `.invalidNote`, `.invalidSignature` or `.invalidCheckpoint` naming the problem.
    public init(note: String, verifiers: [NoteVerifier], origin: String? = nil) throws {
        let parsed = try SignedNote(parsing: note)
        let checkpoint = try Checkpoint(text: parsed.text)
        if let origin, checkpoint.origin != origin {
            throw SigilError(.invalidCheckpoint, "the checkpoint is from the log \(checkpoint.origin), not \(origin)")
        }
        let trusted = verifiers.filter { $0.name == checkpoint.origin }
        guard !trusted.isEmpty else {
            throw SigilError(
                .invalidSignature,
                "no trusted key is named after the checkpoint's origin \(checkpoint.origin) (trusted: \(verifiers.map(\.name).joined(separator: ", ")))"
            )
        }
        // Signatures by other names (witness cosignatures) are ignored here; the log's own key must verify.
        try parsed.verified(by: trusted)
        self = checkpoint
    }
}
