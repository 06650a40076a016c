import Crypto
import Foundation
@_exported import SigilCore

/// The provider's keys: one directory, one file per key, private material written 0600 atomically.
///
/// Typed keys (the C2PA signer chain, the SM2 key, the transparency-log signer, the watermark key) are built on
/// the raw operations here by the modules that use them. A key that does not exist yet can be created on first
/// use as a **development** key; ``DevelopmentKeyNotice`` lets the CLI warn about it.
///
/// ```
/// keys/
///   watermark.key          32 random bytes (hex)
///   log-ed25519.key        the transparency log's signing key
///   c2pa/…                 chain and signer key (provenance)
/// ```
public struct Keystore: Sendable, Hashable {
    public let directory: String

    public init(directory: String) {
        self.directory = directory
    }

    /// The path of a named item.
    public func path(of name: String) -> String { directory + "/" + name }

    /// Whether a named item exists.
    public func contains(_ name: String) -> Bool { FileManager.default.fileExists(atPath: path(of: name)) }

    /// Reads a named item.
    ///
    /// - Throws: ``SigilError`` `.io` naming the file when it is missing or unreadable.
    public func read(_ name: String) throws -> [UInt8] {
        let p = path(of: name)
        guard let data = FileManager.default.contents(atPath: p) else {
            throw SigilError(.io, "key \(name) not found in the keystore \(directory)", path: p)
        }
        return [UInt8](data)
    }

    /// Writes a named item atomically (temporary file + rename) with `mode` (0600 for private material).
    public func write(_ name: String, _ bytes: [UInt8], mode: mode_t = 0o600) throws {
        let p = path(of: name)
        try Self.makeDirectory((p as NSString).deletingLastPathComponent)
        let temporary = p + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else { throw SigilError(.io, "cannot create \(temporary): \(String(cString: strerror(errno)))", path: p) }
        let ok = bytes.withUnsafeBytes { buffer -> Bool in
            var offset = 0
            while offset < buffer.count {
                let n = Foundation.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if n <= 0 { return false }
                offset += n
            }
            return fsync(fd) == 0
        }
        close(fd)
        guard ok, rename(temporary, p) == 0 else {
            unlink(temporary)
            throw SigilError(.io, "cannot write key \(name): \(String(cString: strerror(errno)))", path: p)
        }
    }

    /// Removes a named item; an absent one is not an error.
    ///
    /// - Throws: ``SigilError`` `.io` when the file exists and cannot be removed.
    public func remove(_ name: String) throws {
        let p = path(of: name)
        guard unlink(p) == 0 || errno == ENOENT else {
            throw SigilError(.io, "cannot remove key \(name): \(String(cString: strerror(errno)))", path: p)
        }
    }

    /// Reads a named item, or creates it with `make` when absent. Creation is race-safe across processes:
    /// the first writer wins and everyone reads its bytes.
    ///
    /// - Returns: the bytes and whether this call created them (the caller warns about a new development key).
    public func readOrCreate(_ name: String, make: () throws -> [UInt8]) throws -> (bytes: [UInt8], created: Bool) {
        if contains(name) { return (try read(name), false) }
        let bytes = try make()
        let p = path(of: name)
        try Self.makeDirectory((p as NSString).deletingLastPathComponent)
        // link(2) of a fully written temporary file gives an atomic "create if absent".
        let temporaryName = name + ".new-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try write(temporaryName, bytes)
        let temporary = path(of: temporaryName)
        defer { unlink(temporary) }
        if link(temporary, p) == 0 {
            try markDevelopment(name, bytes)
            return (bytes, true)
        }
        guard errno == EEXIST else { throw SigilError(.io, "cannot create key \(name): \(String(cString: strerror(errno)))", path: p) }
        return (try read(name), false)
    }

    /// The marker beside an item created on first use: `<name>.development`, holding the SHA-256 of the bytes it
    /// marks, so replacing the key file with a provisioned one (by any means) ends its development status.
    public static func developmentMarker(_ name: String) -> String { name + ".development" }

    /// Marks `name` (holding `bytes`) as a development key.
    func markDevelopment(_ name: String, _ bytes: [UInt8]) throws {
        try write(Self.developmentMarker(name), Array(SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined().utf8))
    }

    /// Whether `name` is a development key Sigil created on first use and nobody has replaced since.
    public func isDevelopment(_ name: String) -> Bool {
        guard contains(name), contains(Self.developmentMarker(name)),
            let bytes = try? read(name), let marker = try? read(Self.developmentMarker(name))
        else { return false }
        return String(decoding: marker, as: UTF8.self) == SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
    }

    static func makeDirectory(_ path: String) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw SigilError(.io, "\(path) exists and is not a directory", path: path) }
            return
        }
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw SigilError(.io, "cannot create the directory \(path): \(error.localizedDescription)", path: path)
        }
    }
}

/// Said when Sigil creates a development key on first use, so the CLI can warn that it is not a provisioned key.
public struct DevelopmentKeyNotice: Sendable, Hashable, CustomStringConvertible {
    public var name: String
    public var path: String
    public init(name: String, path: String) {
        self.name = name
        self.path = path
    }
    public var description: String {
        "created a development key \(name) at \(path); provision a real one before production (see `sigil keys`)"
    }
}
