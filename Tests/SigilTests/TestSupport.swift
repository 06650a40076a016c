import Foundation
import Sigil

/// Paths and helpers shared by the integration tests.
enum TestSupport {
    /// The package root, from this file's path.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    /// `../shared` beside the checkout (specs, fixtures, media); absent on machines without it.
    static let shared = root.deletingLastPathComponent().appendingPathComponent("shared")
    static let examples = root.appendingPathComponent("examples")
    static let peers = shared.appendingPathComponent("fixtures/aigc-peers")
    static var hasPeers: Bool { FileManager.default.fileExists(atPath: peers.appendingPathComponent("INDEX.json").path) }

    static let producer = try! ProviderCode("001191110102MACQD9K64010000")

    static func policy(_ marks: Set<Mark> = Set(Mark.supported), produceID: String? = nil) throws -> LabelPolicy {
        var p = LabelPolicy(producer: producer)
        p.marks = marks
        p.produceID = produceID
        return p
    }

    static func read(_ url: URL) throws -> [UInt8] { try FileIO.read(url.path) }

    /// A fresh temporary folder.
    static func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("sigil-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Whether a command is on PATH.
    static func which(_ tool: String) -> String? {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let path = "\(dir)/\(tool)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }

    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs a program and waits for it; output goes through temporary files so large outputs cannot deadlock a pipe.
    static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) throws -> Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let outURL = dir.appendingPathComponent("out"), errURL = dir.appendingPathComponent("err")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try? out.close()
        try? err.close()
        return Run(status: process.terminationStatus,
                   stdout: (try? String(contentsOf: outURL, encoding: .utf8)) ?? "",
                   stderr: (try? String(contentsOf: errURL, encoding: .utf8)) ?? "")
    }

    /// The built `sigil` executable beside the test bundle.
    static var sigilBinary: String? {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("sigil").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        let fallback = root.appendingPathComponent(".build/debug/sigil").path
        return FileManager.default.isExecutableFile(atPath: fallback) ? fallback : nil
    }
}
