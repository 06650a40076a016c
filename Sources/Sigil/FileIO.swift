import Foundation

/// File reading and atomic writing with errors that name the path.
public enum FileIO {
    /// Largest input Sigil reads into memory (2 GiB).
    public static let maximumFileSize = 2 << 30

    public static func read(_ path: String) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let reason = errno == ENOENT ? "no such file" : "cannot be opened for reading: \(String(cString: strerror(errno)))"
            throw SigilError(.io, reason, path: path)
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw SigilError(.io, "cannot be examined: \(String(cString: strerror(errno)))", path: path) }
        guard info.st_mode & S_IFMT != S_IFDIR else { throw SigilError(.io, "is a directory", path: path) }
        let size = Int(info.st_size)
        guard size <= maximumFileSize else { throw SigilError(.tooLarge, "is \(size) bytes, over Sigil's \(maximumFileSize)-byte input limit", path: path) }
        if size == 0 { return [] }
        // One read(2) loop straight into the array: no Data, no second copy.
        var failure: Int32 = 0
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            count = 0
            while count < size {
                let n = Foundation.read(fd, buffer.baseAddress! + count, size - count)
                if n < 0 { if errno == EINTR { continue }; failure = errno; break }
                if n == 0 { break }
                count += n
            }
        }
        guard failure == 0 else { throw SigilError(.io, "cannot be read: \(String(cString: strerror(failure)))", path: path) }
        return bytes
    }

    /// Writes `bytes` to a temporary file in the destination's folder, then renames it over `path`: readers see
    /// the old file or the new one, never a part.
    ///
    /// - Parameter durable: `fsync` the file before the rename, so that it also survives a power loss. A batch
    ///   writes with `false` and calls ``syncAll()`` once before it reports success.
    public static func writeAtomically(_ bytes: [UInt8], to path: String, durable: Bool = true) throws {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw SigilError(.io, "the output folder \(directory) does not exist", path: path)
        }
        let temporary = directory + "/." + url.lastPathComponent + ".sigil-\(UInt32.random(in: 0...UInt32.max)).tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw SigilError(.io, "cannot create a temporary file in \(directory): \(String(cString: strerror(errno)))", path: path) }
        var ok = false
        defer {
            if !ok { unlink(temporary) }
        }
        let written = bytes.withUnsafeBytes { buffer -> Bool in
            var offset = 0
            while offset < buffer.count {
                let n = Foundation.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if n <= 0 { return false }
                offset += n
            }
            return true
        }
        let synced = !durable || fsync(fd) == 0
        close(fd)
        guard written, synced else { throw SigilError(.io, "writing \(bytes.count) bytes failed: \(String(cString: strerror(errno)))", path: path) }
        guard rename(temporary, path) == 0 else { throw SigilError(.io, "cannot rename the temporary file into place: \(String(cString: strerror(errno)))", path: path) }
        ok = true
    }

    /// Flushes every file written so far to stable storage (one `sync(2)` for a whole batch).
    public static func syncAll() {
        sync()
    }
}
