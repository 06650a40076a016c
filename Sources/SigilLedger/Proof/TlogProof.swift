/// An offline proof of inclusion (c2sp.org/tlog-proof@v1): a leaf index, its inclusion proof and the signed
/// checkpoint it leads to, optionally with opaque extra data. Stored with the extension `.tlog-proof`.
///
/// ```
/// c2sp.org/tlog-proof@v1
/// extra <base64>           (optional; Sigil puts the entry bytes here)
/// index <leaf index>
/// <base64 hash>…          (leaf sibling first)
///
/// <checkpoint note>
/// ```
public struct TlogProof: Sendable, Hashable {
    /// The first line of every proof.
    public static let header = "c2sp.org/tlog-proof@v1"
    /// The file extension proofs are stored with.
    public static let fileExtension = "tlog-proof"
    /// Proofs longer than this are refused before parsing.
    public static let maximumLength = 1 << 20

    /// Opaque, unauthenticated data: Sigil stores the log entry so a verifier can recompute the leaf hash.
    public var extra: [UInt8]?
    /// The entry's leaf index.
    public var index: UInt64
    /// Leaf sibling first, up to the root's child.
    public var hashes: [MerkleHash]
    /// The signed checkpoint note, verbatim.
    public var checkpointNote: String

    public init(extra: [UInt8]?, index: UInt64, hashes: [MerkleHash], checkpointNote: String) {
        self.extra = extra
        self.index = index
        self.hashes = hashes
        self.checkpointNote = checkpointNote
    }

    /// The proof as text.
    public var text: String {
        var lines = [Self.header]
        if let extra { lines.append("extra " + StrictBase64.encode(extra)) }
        lines.append("index " + String(index))
        lines += hashes.map(\.base64)
        return lines.map { $0 + "\n" }.joined() + "\n" + checkpointNote
    }

    /// Parses proof text.
    ///
    /// - Throws: ``SigilError`` `.invalidProof` naming the line that breaks the format.
    public init(text: String) throws {
        guard text.utf8.count <= Self.maximumLength else {
            throw SigilError(.invalidProof, "the proof is \(text.utf8.count) bytes, over the \(Self.maximumLength)-byte limit")
        }
        let bytes = Array(text.utf8)
        guard let blank = bytes.indices.dropLast().first(where: { bytes[$0] == 0x0A && bytes[$0 + 1] == 0x0A }) else {
            throw SigilError(.invalidProof, "the proof has no blank line before its checkpoint")
        }
        let head = String(decoding: bytes[..<blank], as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        guard head.first == Substring(Self.header) else {
            throw SigilError(.invalidProof, "the proof does not start with \(Self.header)")
        }
        var position = 1
        var extra: [UInt8]?
        if position < head.count, head[position].hasPrefix("extra ") {
            guard let bytes = StrictBase64.decode(head[position].dropFirst(6)) else {
                throw SigilError(.invalidProof, "the proof's extra line is not base64")
            }
            extra = bytes
            position += 1
        }
        guard position < head.count, head[position].hasPrefix("index ") else {
            throw SigilError(.invalidProof, "the proof has no \"index <n>\" line")
        }
        let digits = head[position].dropFirst(6)
        guard let index = UInt64(digits), String(index) == digits else {
            throw SigilError(.invalidProof, "the proof's index \"\(digits.prefix(30))\" is not a decimal number without leading zeros")
        }
        position += 1
        guard head.count - position <= 64 else {
            throw SigilError(.invalidProof, "the proof has \(head.count - position) hash lines; a 64-bit tree needs at most 64")
        }
        var hashes: [MerkleHash] = []
        for line in head[position...] {
            do {
                hashes.append(try MerkleHash(base64: line))
            } catch {
                throw SigilError(.invalidProof, "the proof's hash line \"\(line.prefix(60))\" is not base64 of a 32-byte hash")
            }
        }
        self.init(extra: extra, index: index, hashes: hashes, checkpointNote: String(decoding: bytes[(blank + 2)...], as: UTF8.self))
    }

    /// Verifies the proof offline: the checkpoint's signature by a trusted log key (and origin, when given), then
    /// that `leafHash` is leaf ``index`` of the checkpointed tree.
    ///
    /// - Returns: the checkpoint the leaf is included in.
    /// - Throws: ``SigilError`` `.invalidSignature`, `.invalidCheckpoint`, `.invalidNote` or `.invalidProof`.
    @discardableResult
    public func verify(leafHash: MerkleHash, verifiers: [NoteVerifier], origin: String? = nil) throws -> Checkpoint {
        let checkpoint = try Checkpoint(note: checkpointNote, verifiers: verifiers, origin: origin)
        let proof = InclusionProof(index: index, treeSize: checkpoint.size, hashes: hashes)
        try proof.verify(leafHash: leafHash, root: checkpoint.root)
        return checkpoint
    }

    /// The inclusion proof this file carries, for the size its checkpoint claims (unverified).
    public func inclusionProof(treeSize: UInt64) -> InclusionProof {
        InclusionProof(index: index, treeSize: treeSize, hashes: hashes)
    }
}
