#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Random-access reads of a file's bytes without holding the file: what the streaming label writers and the
/// essence hashers walk. ``MemoryByteSource`` wraps bytes already in memory; ``FileByteSource`` reads an open
/// file with `pread(2)`.
public protocol ByteSource: Sendable {
    /// The length of the file.
    var count: Int { get }
    /// The bytes in `range` (clamped to the file: fewer at its end).
    ///
    /// - Throws: ``SigilError`` `.io` when the read fails.
    func read(_ range: Range<Int>) throws -> [UInt8]
}

extension ByteSource {
    /// Exactly `length` bytes at `offset`, or `.truncated` naming `structure`.
    public func require(_ length: Int, at offset: Int, for structure: @autoclosure () -> String) throws -> [UInt8] {
        guard offset >= 0, length >= 0, offset <= count, length <= count - offset else {
            throw SigilError.truncated(structure(), at: offset, needs: length, remaining: max(0, count - offset))
        }
        let bytes = try read(offset..<(offset + length))
        guard bytes.count == length else {
            throw SigilError.truncated(structure(), at: offset, needs: length, remaining: bytes.count)
        }
        return bytes
    }

    /// Calls `body` with consecutive chunks of `range` (at most `chunkSize` bytes each): memory stays flat.
    public func forEachChunk(of range: Range<Int>, chunkSize: Int = 1 << 20, _ body: ([UInt8]) throws -> Void) throws {
        var at = range.lowerBound
        while at < range.upperBound {
            let chunk = try read(at..<min(range.upperBound, at + chunkSize))
            guard !chunk.isEmpty else {
                throw SigilError(.truncated, "the file ended at offset \(at) inside a range that runs to \(range.upperBound)", offset: at)
            }
            try body(chunk)
            at += chunk.count
        }
    }
}

/// Bytes in memory as a ``ByteSource``.
public struct MemoryByteSource: ByteSource {
    public let bytes: [UInt8]
    public init(_ bytes: [UInt8]) { self.bytes = bytes }
    public var count: Int { bytes.count }
    public func read(_ range: Range<Int>) throws -> [UInt8] {
        let lower = min(max(range.lowerBound, 0), bytes.count)
        let upper = min(max(range.upperBound, lower), bytes.count)
        if lower == 0 && upper == bytes.count { return bytes } // the whole: shared, not copied
        return Array(bytes[lower..<upper])
    }
}

/// An open file as a ``ByteSource``: reads with `pread(2)`, so it is safe to share between tasks. It does not
/// own the descriptor: the caller opens and closes it.
public struct FileByteSource: ByteSource {
    public let descriptor: Int32
    public let count: Int
    /// The path, for error messages.
    public let path: String

    public init(descriptor: Int32, count: Int, path: String) {
        self.descriptor = descriptor
        self.count = count
        self.path = path
    }

    public func read(_ range: Range<Int>) throws -> [UInt8] {
        let lower = min(max(range.lowerBound, 0), count)
        let upper = min(max(range.upperBound, lower), count)
        let length = upper - lower
        if length == 0 { return [] }
        var failure: Int32 = 0
        let bytes = [UInt8](unsafeUninitializedCapacity: length) { buffer, filled in
            filled = 0
            while filled < length {
                let n = pread(descriptor, buffer.baseAddress! + filled, length - filled, off_t(lower + filled))
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    break
                }
                if n == 0 { break }
                filled += n
            }
        }
        guard failure == 0 else {
            throw SigilError(.io, "reading \(length) bytes at offset \(lower) failed: \(String(cString: strerror(failure)))", path: path)
        }
        return bytes
    }
}
