import Foundation
import Sigil
import SigilTestSupport
import Testing

/// `sigil label --in-place` and ``Labeler/labelFileInPlace(at:durable:)``: a label that fits the room the file keeps
/// overwrites only its bytes (same inode); otherwise the file is rewritten atomically.
@Suite struct InPlaceLabelTests {
    static func policy(_ produceID: String) throws -> LabelPolicy {
        var policy = try TestSupport.policy([.implicit], produceID: produceID)
        policy.labelSignature = nil
        return policy
    }

    static func inode(_ path: String) -> UInt64 {
        // FileManager's inode, not stat(2): which Clang module owns `struct stat` (Glibc or CoreFoundation) depends on
        // the module cache's build order, and a clean build failed to see its members (MemberImportVisibility).
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.systemFileNumber] as? NSNumber)?.uint64Value ?? 0
    }

    @Test func aLabelOfTheSameLengthIsOverwrittenInPlace() throws {
        let dir = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("chord.wav").path
        try Labeler(policy: try Self.policy("inplace-0001")).labelFile(at: TestSupport.examples.appendingPathComponent("chord.wav").path, to: path)
        let before = try FileIO.read(path)
        let inode = Self.inode(path)
        let (outcome, write) = try Labeler(policy: try Self.policy("inplace-0002")).labelFileInPlace(at: path)
        #expect(write == .overwritten)
        #expect(outcome.label.produceID == "inplace-0002")
        #expect(Self.inode(path) == inode, "the same file, not a new one renamed over it")
        let after = try FileIO.read(path)
        #expect(after.count == before.count)
        #expect(try Verifier().verify(after).label?.produceID == "inplace-0002")
        #expect(try Verifier().verify(after).sites.count == 1, "one label (6.1 c)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["chord.wav"])
    }

    static let paddedFLAC = TestSupport.shared.appendingPathComponent("media/audio-formats/m03__flac_vc_picture_padding.flac")

    /// A FLAC label that fits the PADDING block keeps the file's length, though the PICTURE between the comment and
    /// the padding moves: the small moved blocks are rewritten where they now go, the audio frames stay put.
    @Test(.enabled(if: FileManager.default.fileExists(atPath: paddedFLAC.path), "the shared FLAC with padding is not present"))
    func aLabelThatFitsThePaddingIsWrittenInPlace() throws {
        let dir = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("padded.flac").path
        let original = try FileIO.read(Self.paddedFLAC.path)
        try FileIO.writeAtomically(original, to: path)
        let inode = Self.inode(path)
        let labeler = try Labeler(policy: try Self.policy("inplace-flac"))
        let (_, write) = try labeler.labelFileInPlace(at: path)
        #expect(write == .overwritten)
        #expect(Self.inode(path) == inode)
        let after = try FileIO.read(path)
        #expect(after == (try labeler.label(original)).bytes, "the bytes a labeled copy would have")
        #expect(try Verifier().verify(after).sites.count == 1)
    }

    @Test(arguments: ["landscape.jpg", "gray.png"])
    func aFileWithoutRoomIsRewrittenAtomically(name: String) throws {
        let dir = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent(name).path
        let original = try FileIO.read(TestSupport.examples.appendingPathComponent(name).path)
        try FileIO.writeAtomically(original, to: path)
        let labeler = try Labeler(policy: try Self.policy("inplace-\(name)"))
        let (_, write) = try labeler.labelFileInPlace(at: path)
        #expect(write == .rewritten)
        let after = try FileIO.read(path)
        #expect(after == (try labeler.label(original)).bytes, "the bytes a labeled copy would have")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == [name], "no temporary file left")
    }

    @Test(.enabled(if: TestSupport.sigilBinary != nil, "the sigil executable is not built"))
    func theCLIContract() throws {
        let sigil = try #require(TestSupport.sigilBinary)
        let dir = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let folder = dir.appendingPathComponent("in")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for name in ["landscape.jpg", "chord.wav"] {
            try FileManager.default.copyItem(at: TestSupport.examples.appendingPathComponent(name), to: folder.appendingPathComponent(name))
        }
        let producer = TestSupport.producer.rawValue
        let both = try TestSupport.run(
            sigil, ["label", folder.path, "-o", dir.appendingPathComponent("out").path, "--in-place", "--producer", producer])
        #expect(both.status == 2)
        #expect(both.stderr.contains("--in-place"))
        let one = try TestSupport.run(
            sigil,
            ["label", folder.appendingPathComponent("chord.wav").path, "--in-place", "--marks", "implicit", "--no-record", "--producer", producer])
        #expect(one.status == 0, "\(one.stderr)")
        let batch = try TestSupport.run(
            sigil, ["label", folder.path, "--in-place", "--marks", "implicit", "--no-record", "--producer", producer, "--json"])
        #expect(batch.status == 0, "\(batch.stderr)")
        #expect(batch.stdout.contains("\"labeled\" : 2") || batch.stdout.contains("\"labeled\": 2"), "\(batch.stdout)")
        for name in ["landscape.jpg", "chord.wav"] {
            let report = try Verifier().verify(try FileIO.read(folder.appendingPathComponent(name).path))
            #expect(report.sites.count == 1, "\(name): one label after two in-place runs")
            #expect(report.integrity?.state == .valid, "\(name): the signed label verifies")
        }
        #expect(try Set(FileManager.default.contentsOfDirectory(atPath: folder.path)) == ["landscape.jpg", "chord.wav"])
    }
}
