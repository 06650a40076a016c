import Foundation
@testable import SigilContainers

/// The shared documents and the independent readers the document tests cross-check with, when installed.
enum DocumentTools {
    static let documents = Fixtures.shared.appendingPathComponent("media/documents")
    static var documentsAvailable: Bool { FileManager.default.fileExists(atPath: documents.appendingPathComponent("SOURCES.md").path) }

    /// The bytes of `../shared/media/documents/<name>`.
    static func document(_ name: String) throws -> [UInt8] {
        try [UInt8](Data(contentsOf: documents.appendingPathComponent(name)))
    }

    /// The shared documents whose names end with one of `suffixes`.
    static func documents(_ suffixes: String...) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: documents.path)) ?? []
        return names.filter { name in suffixes.contains { name.hasSuffix($0) } }.sorted()
    }

    /// The path of `tool` on PATH, or nil.
    static func which(_ tool: String) -> String? {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let candidate = "\(dir)/\(tool)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Whether python3 can import `module`.
    static func hasPython(_ module: String) -> Bool {
        guard which("python3") != nil else { return false }
        return (try? run("python3", ["-c", "import \(module)"]).status) == 0
    }

    /// Runs `tool` with `arguments`; standard output and the exit status.
    static func run(_ tool: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: which(tool) ?? tool)
        process.arguments = arguments
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("sigil-doc-\(UUID().uuidString)")
        FileManager.default.createFile(atPath: out.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: out) }
        let handle = try FileHandle(forWritingTo: out)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        process.waitUntilExit()
        try handle.close()
        return (process.terminationStatus, String(decoding: try Data(contentsOf: out), as: UTF8.self))
    }

    /// Writes `bytes` to a temporary file named `name` and passes its path to `body`.
    static func withFile<T>(_ bytes: [UInt8], named name: String, _ body: (String) throws -> T) throws -> T {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sigil-doc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent(name)
        try Data(bytes).write(to: file)
        return try body(file.path)
    }
}
