import Foundation

/// File reading and atomic writing with errors that name the path.
public enum FileIO {
    /// Largest input Sigil reads into memory (2 GiB).
    public static let maximumFileSize = 2 << 30

    public static func read(_ path: String) throws -> [UInt8] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw SigilError(.io, "no such file", path: path)
        }
        guard !isDirectory.boolValue else { throw SigilError(.io, "is a directory", path: path) }
        guard let handle = FileHandle(forReadingAtPath: path) else { throw SigilError(.io, "cannot be opened for reading", path: path) }
        defer { try? handle.close() }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        guard size <= maximumFileSize else { throw SigilError(.tooLarge, "is \(size) bytes, over Sigil's \(maximumFileSize)-byte input limit", path: path) }
        do {
            let data = try handle.readToEnd() ?? Data()
            return [UInt8](data)
        } catch {
            throw SigilError(.io, "cannot be read: \(error.localizedDescription)", path: path)
        }
    }

    /// Writes `bytes` to a temporary file in the destination's folder, flushes it, then renames it over `path`.
    public static func writeAtomically(_ bytes: [UInt8], to path: String) throws {
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
        let synced = fsync(fd) == 0
        close(fd)
        guard written, synced else { throw SigilError(.io, "writing \(bytes.count) bytes failed: \(String(cString: strerror(errno)))", path: path) }
        guard rename(temporary, path) == 0 else { throw SigilError(.io, "cannot rename the temporary file into place: \(String(cString: strerror(errno)))", path: path) }
        ok = true
    }
}
