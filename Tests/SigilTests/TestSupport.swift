import Foundation
import Sigil
import SigilTestSupport

/// Paths and helpers shared by the integration tests.
enum TestSupport {
    /// The package root, from this file's path.
    static let root = TestPaths.root
    /// `../shared` beside the checkout (specs, fixtures, media); absent on machines without it.
    static let shared = TestPaths.shared
    static let examples = TestPaths.examples
    static let peers = shared.appendingPathComponent("fixtures/aigc-peers")
    static var hasPeers: Bool { FileManager.default.fileExists(atPath: peers.appendingPathComponent("INDEX.json").path) }

    static let producer = try! ProviderCode("001191110102MACQD9K64010000")

    /// A policy with the keys of the test data directory (`SIGIL_DATA`), loaded as the CLI loads them.
    static func policy(_ marks: Set<Mark> = Set(Mark.supported), produceID: String? = nil) throws -> LabelPolicy {
        var p = LabelPolicy(producer: producer)
        p.marks = marks
        p.produceID = produceID
        if marks.contains(.watermark) { p.watermarkKey = try WatermarkKeys.load().watermarker.key }
        if marks.contains(.c2pa) || p.labelSignature != nil { p.provenanceKeys = try ProvenanceKeyLoader.load().keys }
        return p
    }

    static func read(_ url: URL) throws -> [UInt8] { try FileIO.read(url.path) }

    static func temporaryFolder() throws -> URL { try TestPaths.temporaryFolder() }
    static func which(_ tool: String) -> String? { TestPaths.which(tool) }
    typealias Run = TestProcess.Run
    static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) throws -> Run {
        try TestProcess.run(executable, arguments, environment: environment)
    }
    static var sigilBinary: String? { TestPaths.sigilBinary }
}
