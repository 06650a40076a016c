import CSigilIO
import Foundation

/// File reading and atomic writing with errors that name the path.
public enum FileIO {
    /// Largest input Sigil reads into memory (2 GiB).
    public static let maximumFileSize = 2 << 30

    /// The extension of the last component of `path` ("jpg" for `a/b.jpg`; "" for `a/.hidden` or `a/b`), as
    /// `URL.pathExtension` gives it but without building a URL (which examines the file system).
    public static func fileExtension(of path: String) -> String {
        let name = path.utf8.lastIndex(of: UInt8(ascii: "/")).map { path[path.utf8.index(after: $0)...] } ?? path[...]
        guard let dot = name.utf8.lastIndex(of: UInt8(ascii: ".")), dot != name.startIndex else { return "" }
        return String(name[name.utf8.index(after: dot)...])
    }

    /// Reads a whole file.
    ///
    /// - Throws: ``SigilError`` `.io` naming the path (missing, a folder, unreadable), `.tooLarge` over
    ///   ``maximumFileSize``.
    public static func read(_ path: String) throws -> [UInt8] {
        let (fd, size) = try openForReading(path)
        defer { close(fd) }
        return try read(fd, count: size, at: 0, path: path)
    }

    /// Opens `path` for reading and returns its descriptor (the caller closes it) and size.
    ///
    /// - Throws: as ``read(_:)``.
    public static func openForReading(_ path: String) throws -> (fd: Int32, size: Int) {
        try openFile(path, limit: maximumFileSize)
    }

    /// Opens `path` for reading and writing in place (``Labeler/labelFileInPlace(at:durable:)``), without the
    /// in-memory size limit.
    public static func openForUpdating(_ path: String) throws -> (fd: Int32, size: Int) {
        try openFile(path, limit: Int.max, flags: O_RDWR)
    }

    /// Overwrites `bytes` at `offset` of an open file, then flushes it when `durable`.
    public static func overwrite(_ edits: [(offset: Int, bytes: [UInt8])], in fd: Int32, path: String, durable: Bool) throws {
        for edit in edits { try write(edit.bytes, to: fd, at: edit.offset, path: path) }
        guard !durable || fsync(fd) == 0 else {
            throw SigilError(.io, "cannot flush the file to disk: \(String(cString: strerror(errno)))", path: path)
        }
    }

    private static func openFile(_ path: String, limit: Int, flags: Int32 = O_RDONLY) throws -> (fd: Int32, size: Int) {
        let fd = open(path, flags | O_CLOEXEC)
        guard fd >= 0 else {
            let reason =
                errno == ENOENT
                ? "no such file" : "cannot be opened for \(flags == O_RDONLY ? "reading" : "writing"): \(String(cString: strerror(errno)))"
            throw SigilError(.io, reason, path: path)
        }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            close(fd)
            throw SigilError(.io, "cannot be examined: \(String(cString: strerror(errno)))", path: path)
        }
        guard info.st_mode & S_IFMT != S_IFDIR else {
            close(fd)
            throw SigilError(.io, "is a directory", path: path)
        }
        let size = Int(info.st_size)
        guard size <= limit else {
            close(fd)
            throw SigilError(.tooLarge, "is \(size) bytes, over Sigil's \(limit)-byte limit for reading a file into memory", path: path)
        }
        return (fd, size)
    }

    /// Opens `path` for reading without the in-memory size limit: for readers that stream (``FileByteSource``).
    ///
    /// - Throws: as ``read(_:)`` but never `.tooLarge`.
    public static func openForStreaming(_ path: String) throws -> (fd: Int32, size: Int) {
        try openFile(path, limit: Int.max)
    }

    /// Calls `body` with the file at `path` as a ``FileByteSource`` (opened for streaming, closed after).
    ///
    /// - Throws: as ``openForStreaming(_:)``, and whatever `body` throws.
    public static func withSource<T>(_ path: String, _ body: (FileByteSource) throws -> T) throws -> T {
        let (fd, size) = try openForStreaming(path)
        defer { close(fd) }
        return try body(FileByteSource(descriptor: fd, count: size, path: path))
    }

    /// Reads up to `count` bytes at `offset` of an open file (fewer only at its end), straight into the array.
    public static func read(_ fd: Int32, count: Int, at offset: Int, path: String) throws -> [UInt8] {
        if count <= 0 { return [] }
        return try FileByteSource(descriptor: fd, count: Int.max, path: path).read(offset..<(offset + count))
    }

    /// One piece of a file being written: bytes in memory, or a byte range of an open file that the kernel
    /// copies without bringing it into this process (`sendfile(2)`).
    public enum Part: Sendable {
        case bytes([UInt8])
        case copy(from: Int32, range: Range<Int>)
    }

    /// Writes `bytes` to a temporary file in the destination's folder, then renames it over `path`: readers see
    /// the old file or the new one, never a part.
    ///
    /// - Parameter durable: `fsync` the file before the rename, so that it also survives a power loss. A batch
    ///   writes with `false` and calls ``syncAll()`` once before it reports success.
    public static func writeAtomically(_ bytes: [UInt8], to path: String, durable: Bool = true) throws {
        try writeAtomically([.bytes(bytes)], to: path, durable: durable)
    }

    /// Writes `parts` in order to a temporary file in the destination's folder, then renames it over `path`, as
    /// ``writeAtomically(_:to:durable:)-([UInt8],_,_)`` does.
    ///
    /// - Throws: ``SigilError`` `.io` naming `path`; `.truncated` when a source file ends before a copied range.
    public static func writeAtomically(_ parts: [Part], to path: String, durable: Bool = true) throws {
        try withTemporaryFile(for: path, durable: durable) { fd in
            for part in parts {
                switch part {
                case .bytes(let bytes): try write(bytes, to: fd, path: path)
                case .copy(let source, let range): try copy(range, from: source, to: fd, path: path)
                }
            }
        }
    }

    /// Writes what `produce` hands its `write` function, in order, to a temporary file in the destination's folder,
    /// then renames it over `path`, as ``writeAtomically(_:to:durable:)-([UInt8],_,_)`` does: for content computed
    /// as it is written (marked samples), never held whole.
    ///
    /// - Throws: ``SigilError`` `.io` naming `path`, and what `produce` throws (then `path` is untouched).
    public static func writeAtomically(to path: String, durable: Bool = true, producing produce: (_ write: ([UInt8]) throws -> Void) throws -> Void)
        throws
    {
        try withTemporaryFile(for: path, durable: durable) { fd in
            try produce { bytes in try write(bytes, to: fd, path: path) }
        }
    }

    /// Writes a file whose copied spans are known now but whose literal bytes are known only once `finish` has run,
    /// atomically as ``writeAtomically(_:to:durable:)-([Part],_,_)`` does.
    ///
    /// `provisional` lays the file out: when they copy `overlapFrom` bytes or more, its ``Part/copy(from:range:)`` parts
    /// start copying at once, on another thread, while `finish` runs on this one (a signed label digests the content
    /// it describes while the kernel copies it); a smaller file is copied first on this thread, then `finish` runs.
    /// `finish` returns the final parts; when they have the provisional layout (the same copies, literal
    /// parts of the same lengths) only the literal bytes are written into place, else the file is written again from
    /// the final parts.
    ///
    /// - Throws: what `finish` throws; ``SigilError`` `.io` naming `path`; `.truncated` when a source file ends
    ///   before a copied range.
    public static func writeAtomically(
        _ provisional: [Part], to path: String, durable: Bool = true, overlapFrom: Int = overlapThreshold, completing finish: () throws -> [Part]
    ) throws {
        try withTemporaryFile(for: path, durable: durable) { fd in
            var offsets: [Int] = []
            var end = 0
            for part in provisional {
                offsets.append(end)
                end += part.count
            }
            let copies: [(source: Int32, range: Range<Int>, at: Int)] = zip(provisional, offsets).compactMap { part, at in
                if case .copy(let source, let range) = part { (source, range, at) } else { nil }
            }
            let copyAll: @Sendable () throws -> Void = {
                for copy in copies {
                    guard lseek(fd, off_t(copy.at), SEEK_SET) == off_t(copy.at) else {
                        throw SigilError(.io, "cannot seek in the temporary file: \(String(cString: strerror(errno)))", path: path)
                    }
                    try Self.copy(copy.range, from: copy.source, to: fd, path: path)
                }
            }
            let final: [Part]
            if copies.reduce(0, { $0 + $1.range.count }) < overlapFrom {
                // A small file: a thread of its own costs more than the overlap saves (a folder already keeps every
                // core busy with a file each).
                try copyAll()
                final = try finish()
            } else {
                let copier = BackgroundWork.start(copyAll)
                do {
                    final = try finish()
                } catch {
                    _ = try? copier.wait()
                    throw error
                }
                try copier.wait()
            }
            guard final.count == provisional.count, zip(final, provisional).allSatisfy({ $0.hasLayout(of: $1) }) else {
                // The layout moved (a literal part changed length): write the whole file again, in order.
                guard ftruncate(fd, 0) == 0, lseek(fd, 0, SEEK_SET) == 0 else {
                    throw SigilError(.io, "cannot rewind the temporary file: \(String(cString: strerror(errno)))", path: path)
                }
                for part in final {
                    switch part {
                    case .bytes(let bytes): try write(bytes, to: fd, path: path)
                    case .copy(let source, let range): try copy(range, from: source, to: fd, path: path)
                    }
                }
                return
            }
            for (part, at) in zip(final, offsets) {
                if case .bytes(let bytes) = part { try write(bytes, to: fd, at: at, path: path) }
            }
        }
    }

    /// The copied length from which ``writeAtomically(_:to:durable:overlapFrom:completing:)`` copies on a thread of
    /// its own while `finish` runs; below it, the copy runs first on the calling thread.
    public static let overlapThreshold = 8 << 20

    /// Creates a temporary file beside `path`, lets `body` fill it, flushes it when `durable`, and renames it over
    /// `path`; on any failure the temporary file is removed and `path` is untouched.
    private static func withTemporaryFile(for path: String, durable: Bool, _ body: (Int32) throws -> Void) throws {
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { $0 == path.startIndex ? "/" : String(path[..<$0]) } ?? "."
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        var info = stat()
        guard stat(directory, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else {
            throw SigilError(.io, "the output folder \(directory) does not exist", path: path)
        }
        let temporary = directory + "/." + name + "." + WorkingFile.tag() + ".tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw SigilError(.io, "cannot create a temporary file in \(directory): \(String(cString: strerror(errno)))", path: path)
        }
        var ok = false
        defer {
            if !ok { unlink(temporary) }
        }
        do {
            defer { close(fd) }
            try body(fd)
            guard !durable || fsync(fd) == 0 else {
                throw SigilError(.io, "cannot flush the file to disk: \(String(cString: strerror(errno)))", path: path)
            }
        }
        guard rename(temporary, path) == 0 else {
            throw SigilError(.io, "cannot rename the temporary file into place: \(String(cString: strerror(errno)))", path: path)
        }
        ok = true
    }

    private static func write(_ bytes: [UInt8], to fd: Int32, at offset: Int, path: String) throws {
        try bytes.withUnsafeBytes { buffer in
            var done = 0
            while done < buffer.count {
                let n = pwrite(fd, buffer.baseAddress! + done, buffer.count - done, off_t(offset + done))
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { throw SigilError(.io, "writing \(bytes.count) bytes failed: \(String(cString: strerror(errno)))", path: path) }
                done += n
            }
        }
    }

    private static func write(_ bytes: [UInt8], to fd: Int32, path: String) throws {
        try bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = Foundation.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { throw SigilError(.io, "writing \(bytes.count) bytes failed: \(String(cString: strerror(errno)))", path: path) }
                offset += n
            }
        }
    }

    /// Copies `range` of `source` to the end of `fd`: `copy_file_range(2)` (in the kernel, shared extents where
    /// the file system can), else `sendfile(2)` (page cache to page cache), else `pread`/`write`.
    private static func copy(_ range: Range<Int>, from source: Int32, to fd: Int32, path: String) throws {
        var offset = range.lowerBound
        while offset < range.upperBound {
            var position = Int64(offset)
            let n = sigil_copy_file_range(source, &position, fd, range.upperBound - offset)
            if n > 0 {
                offset += n
                continue
            }
            if n < 0 && errno == EINTR { continue }
            if n < 0 && [EXDEV, EINVAL, ENOSYS, EOPNOTSUPP, EBADF].contains(errno) { break }
            guard n == 0 else { throw SigilError(.io, "copying unchanged bytes failed: \(String(cString: strerror(errno)))", path: path) }
            throw SigilError(
                .truncated, "the source file ended at offset \(offset) while \(range.upperBound) bytes were being copied", offset: offset)
        }
        while offset < range.upperBound {
            var position = off_t(offset)
            let n = sendfile(fd, source, &position, range.upperBound - offset)
            if n > 0 {
                offset += n
                continue
            }
            if n < 0 && errno == EINTR { continue }
            if n < 0 && (errno == EINVAL || errno == ENOSYS) { break }
            guard n == 0 else { throw SigilError(.io, "copying unchanged bytes failed: \(String(cString: strerror(errno)))", path: path) }
            throw SigilError(
                .truncated, "the source file ended at offset \(offset) while \(range.upperBound) bytes were being copied", offset: offset)
        }
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while offset < range.upperBound {
            let n = buffer.withUnsafeMutableBytes { pread(source, $0.baseAddress!, min($0.count, range.upperBound - offset), off_t(offset)) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                if n == 0 {
                    throw SigilError(
                        .truncated, "the source file ended at offset \(offset) while \(range.upperBound) bytes were being copied", offset: offset)
                }
                throw SigilError(.io, "reading unchanged bytes failed: \(String(cString: strerror(errno)))", path: path)
            }
            try write(Array(buffer[..<n]), to: fd, path: path)
            offset += n
        }
    }

    /// Flushes every file written so far to stable storage (one `sync(2)` for a whole batch).
    public static func syncAll() {
        sync()
    }
}

extension FileIO.Part {
    /// The number of bytes the part writes.
    var count: Int {
        switch self {
        case .bytes(let bytes): bytes.count
        case .copy(_, let range): range.count
        }
    }

    /// Whether the part lands where `other` does with the same length: the same copy, or literal bytes as long.
    func hasLayout(of other: FileIO.Part) -> Bool {
        switch (self, other) {
        case (.bytes(let a), .bytes(let b)): a.count == b.count
        case (.copy(let a, let r), .copy(let b, let q)): a == b && r == q
        default: false
        }
    }
}
