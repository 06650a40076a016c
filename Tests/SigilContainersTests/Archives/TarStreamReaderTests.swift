import Foundation
import SigilContainers
import SigilCore
import SigilTestSupport
import Testing

/// The batch route's tar reader on archives GNU tar writes (ustar, pax and GNU long names), fed in chunks of every
/// size, and on damaged ones.
@Suite(.enabled(if: TestPaths.which("tar") != nil, "tar is not on PATH"))
struct TarStreamReaderTests {
    /// Files (path → bytes) in a folder, a symlink and an empty folder beside them; the tar of them in `format`.
    static func archive(format: String) throws -> (files: [String: [UInt8]], tar: [UInt8]) {
        let dir = try TestPaths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        var generator = SystemRandomNumberGenerator()
        let long = String(repeating: "nested-folder/", count: 6) + String(repeating: "n", count: 60) + ".jpg" // over 100 bytes
        var files: [String: [UInt8]] = [
            "a.bin": (0..<1000).map { _ in UInt8.random(in: 0...255, using: &generator) },
            "empty.txt": [],
            "exact.bin": [UInt8](repeating: 7, count: 1024),
        ]
        if format != "ustar" || long.utf8.count <= 255 { files[long] = (0..<3000).map { _ in UInt8.random(in: 0...255, using: &generator) } }
        for (name, bytes) in files {
            let url = dir.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(bytes).write(to: url)
        }
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("empty-folder"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent("link").path, withDestinationPath: "a.bin")
        let out = dir.appendingPathComponent("out.tar").path
        let run = try TestProcess.run(
            TestPaths.which("tar")!, ["--format=\(format)", "-cf", out, "-C", dir.path, "empty-folder", "link"] + files.keys.sorted())
        guard run.status == 0 else { throw SigilError(.io, "tar failed: \(run.stderr)") }
        return (files, [UInt8](try Data(contentsOf: URL(fileURLWithPath: out))))
    }

    static func read(_ tar: [UInt8], chunk: Int) throws -> [String: [UInt8]] {
        var reader = TarStreamReader()
        var files: [String: [UInt8]] = [:]
        var current: String?
        var start = 0
        while start < tar.count {
            for event in try reader.feed(tar[start..<min(start + chunk, tar.count)]) {
                switch event {
                case .fileStart(let name, _):
                    #expect(current == nil)
                    current = name
                    files[name] = []
                case .fileData(let bytes): files[current!, default: []] += bytes
                case .fileEnd: current = nil
                }
            }
            start += chunk
        }
        try reader.finish()
        #expect(reader.ended, "the end-of-archive marker was read")
        return files
    }

    @Test(
        "every regular file comes out whole, named as archived, whatever the chunk size; folders and links are skipped",
        arguments: ["ustar", "pax", "gnu"])
    func readsWhatTarWrote(_ format: String) throws {
        let (files, tar) = try Self.archive(format: format)
        for chunk in [1, 7, 511, 512, 4096, tar.count] {
            #expect(try Self.read(tar, chunk: chunk) == files, "\(format), chunks of \(chunk)")
        }
    }

    @Test("a stream cut inside an entry or a header is a truncation error at the cut, never a short file")
    func truncated() throws {
        let (_, tar) = try Self.archive(format: "pax")
        for cut in [100, 700, 1500, 2100] {
            var reader = TarStreamReader()
            _ = try reader.feed(tar[..<cut])
            #expect(throws: SigilError.self) { try reader.finish() }
            do {
                try reader.finish()
            } catch let error as SigilError {
                #expect(error.code == .truncated)
                #expect(error.offset == cut)
            }
        }
    }

    @Test("a header whose checksum does not add up, or whose size is not octal, is refused with its offset")
    func damagedHeaders() throws {
        let (_, tar) = try Self.archive(format: "gnu")
        var badSum = tar
        badSum[0] ^= 0x01 // the first header's name changes, its checksum does not
        #expect(throws: SigilError.self) { try TarStreamReader.events(in: badSum) }
        do { _ = try TarStreamReader.events(in: badSum) } catch let error as SigilError {
            #expect(error.code == .malformed)
            #expect(error.offset == 0)
        }
        #expect(throws: SigilError.self) {
            try TarStreamReader.events(in: Array("not a tar archive at all".utf8) + [UInt8](repeating: 0x41, count: 600))
        }
    }
}
