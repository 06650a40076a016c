/// One SHA-256 value in the log's Merkle tree: a leaf hash, an interior node hash or a root.
///
/// Stored inline as four machine words (no heap allocation), so trees of millions of hashes stay compact and
/// comparisons are four word compares. The byte order is the digest's: ``bytes`` returns exactly the 32 bytes
/// SHA-256 produced.
public struct MerkleHash: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Hash length in bytes.
    public static let byteCount = 32

    @usableFromInline var w0: UInt64
    @usableFromInline var w1: UInt64
    @usableFromInline var w2: UInt64
    @usableFromInline var w3: UInt64

    /// The all-zero value (never a real SHA-256 output; used as a placeholder).
    public static let zero = MerkleHash(w0: 0, w1: 0, w2: 0, w3: 0)

    @inlinable init(w0: UInt64, w1: UInt64, w2: UInt64, w3: UInt64) {
        self.w0 = w0
        self.w1 = w1
        self.w2 = w2
        self.w3 = w3
    }

    /// A hash from exactly 32 bytes.
    ///
    /// - Throws: ``SigilError`` `.invalidProof` when `bytes` is not 32 bytes long.
    public init(bytes: some Collection<UInt8>) throws {
        guard bytes.count == Self.byteCount else {
            throw SigilError(.invalidProof, "a SHA-256 hash is 32 bytes, this one has \(bytes.count)")
        }
        self.init(unchecked: Array(bytes))
    }

    /// A hash from the first 32 bytes at `pointer`.
    @inlinable
    public init(loadingFrom pointer: UnsafeRawBufferPointer) {
        precondition(pointer.count >= Self.byteCount, "MerkleHash needs 32 bytes")
        w0 = pointer.loadUnaligned(fromByteOffset: 0, as: UInt64.self)
        w1 = pointer.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
        w2 = pointer.loadUnaligned(fromByteOffset: 16, as: UInt64.self)
        w3 = pointer.loadUnaligned(fromByteOffset: 24, as: UInt64.self)
    }

    init(unchecked bytes: [UInt8]) {
        self = bytes.withUnsafeBytes { MerkleHash(loadingFrom: $0) }
    }

    /// A hash from its base64 text (RFC 4648 §4, as in checkpoints and proofs).
    ///
    /// - Throws: ``SigilError`` `.invalidProof` when the text is not base64 of 32 bytes.
    public init(base64: some StringProtocol) throws {
        guard let bytes = StrictBase64.decode(base64) else {
            throw SigilError(.invalidProof, "\"\(base64.prefix(60))\" is not standard base64")
        }
        try self.init(bytes: bytes)
    }

    /// A hash from 64 hexadecimal digits.
    ///
    /// - Throws: ``SigilError`` `.invalidProof` when the text is not 64 hex digits.
    public init(hex: some StringProtocol) throws {
        guard let bytes = LowerHex.decode(hex) else {
            throw SigilError(.invalidProof, "\"\(hex.prefix(70))\" is not hexadecimal")
        }
        try self.init(bytes: bytes)
    }

    /// Calls `body` with the 32 bytes.
    @inlinable
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        var copy = self
        return try Swift.withUnsafeBytes(of: &copy) { try body($0) }
    }

    /// The 32 bytes.
    public var bytes: [UInt8] { withUnsafeBytes { Array($0) } }
    /// Standard base64 (44 characters).
    public var base64: String { StrictBase64.encode(bytes) }
    /// Lower-case hexadecimal (64 digits).
    public var hex: String { LowerHex.encode(bytes) }
    public var description: String { hex }

    /// Byte-wise (lexicographic) order.
    public static func < (lhs: MerkleHash, rhs: MerkleHash) -> Bool {
        lhs.bytes.lexicographicallyPrecedes(rhs.bytes)
    }
}
