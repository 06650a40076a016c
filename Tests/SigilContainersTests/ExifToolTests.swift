import Foundation
import Testing
@testable import SigilContainers

/// Where ExifTool is installed, if it is.
enum ExifTool {
    static let path: String? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for dir in path.split(separator: ":") {
            let candidate = "\(dir)/exiftool"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }()
}

/// Cross-checks the writer with ExifTool, when it is installed.
@Suite(.enabled(if: ExifTool.path != nil, "exiftool is not on PATH"))
struct ExifToolTests {
    static let config = Fixtures.resources.appendingPathComponent("tc260.exiftool.config").path

    /// Runs exiftool on `bytes` and returns the XMP-TC260:AIGC value it reports.
    func exiftoolLabel(_ bytes: [UInt8], suffix: String) throws -> String? {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sigil-exiftool-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("image.\(suffix)")
        try Data(bytes).write(to: file)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(ExifTool.path))
        process.arguments = ["-config", Self.config, "-j", "-XMP-TC260:AIGC", file.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let list = try JSONSerialization.jsonObject(with: output) as? [[String: Any]]
        return list?.first?["AIGC"] as? String
    }

    static let label = try! AIGCLabel.firstWrite(producer: ProviderCode.development.rawValue, produceID: "exiftool-check-01")

    @Test(
        .enabled(if: Fixtures.peersAvailable, "the shared peer fixtures (../shared/fixtures/aigc-peers) are not present"),
        arguments: [
            ("jpg", "jpeg/s3__jpg-none.jpg"), ("png", "png/s3__png-none.png"), ("webp", "webp/s3__webp-none.webp"), ("jpg", "jpeg/s3__jpg-aigc.jpg"),
            ("png", "png/aml__iptc-ia.png"),
        ])
    func exiftoolReadsOurLabel(_ suffix: String, _ fixture: String) throws {
        let original = try Fixtures.peer(fixture)
        let written = try LabelWriter.write(json: Self.label.json, wrappedJSON: Self.label.wrappedJSON, extra: [], into: original)
        #expect(try exiftoolLabel(written, suffix: suffix) == Self.label.json)
    }

    @Test func exiftoolReadsALabelInAFreshFile() throws {
        let png = Build.png([])
        let written = try LabelWriter.write(json: Self.label.json, wrappedJSON: Self.label.wrappedJSON, extra: [], into: png)
        #expect(try exiftoolLabel(written, suffix: "png") == Self.label.json)
    }
}
