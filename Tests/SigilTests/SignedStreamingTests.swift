import Foundation
import Sigil
import Testing

/// The signed metadata-only label streams: the file is laid out with a placeholder signature, the kernel copies the
/// essence while the signer digests it, then the real label's bytes go into place (decision 0206).
@Suite struct SignedStreamingTests {
    @Test(arguments: ["landscape.jpg", "chord.wav", "report.pdf", "note.md"], LabelSigner.Algorithm.allCases)
    func signedStreamingLabelVerifiesAndKeepsTheEssence(name: String, algorithm: LabelSigner.Algorithm) throws {
        let dir = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        var policy = try TestSupport.policy([.implicit], produceID: "stream-signed-\(algorithm.rawValue)")
        policy.labelSignature = algorithm
        let labeler = try Labeler(policy: policy)
        let source = TestSupport.examples.appendingPathComponent(name)
        let out = dir.appendingPathComponent(name)
        let outcome = try labeler.labelFile(at: source.path, to: out.path, keepBytes: false)
        #expect(outcome.bytes.isEmpty, "the streaming path was taken")
        let written = try TestSupport.read(out)
        let report = try Verifier().verify(written)
        #expect(report.label?.produceID == "stream-signed-\(algorithm.rawValue)")
        #expect(report.label?.reservedCode1 == outcome.label.reservedCode1)
        #expect(outcome.label.reservedCode1.contains(#""BType":"SHA256""#))
        let integrity = try #require(report.integrity)
        #expect(integrity.state == .valid, "\(integrity.reason)")
        #expect(integrity.boundToContent)
        // The same file through the whole-file path: identical but for the (randomised) signature.
        let whole = try labeler.label(try TestSupport.read(source))
        #expect(whole.bytes.count == written.count)
        #expect(zip(whole.bytes, written).filter { $0 != $1 }.count <= 200, "only the signature's bytes differ")
    }

    /// A PDF whose cross-reference chain loops or points past the end fails on the streaming path as on the
    /// whole-file one, and leaves no output file (decision 0029).
    @Test func aDamagedPDFStreamsToAnErrorAndNoFile() throws {
        let dir = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let original = try TestSupport.read(TestSupport.examples.appendingPathComponent("report.pdf"))
        let text = String(decoding: original, as: UTF8.self)
        let startxref = try #require(text.range(of: "startxref", options: .backwards))
        let offset = text[startxref.upperBound...].split(whereSeparator: \.isWhitespace).first.map(String.init) ?? ""
        let cut = text.distance(from: text.startIndex, to: startxref.upperBound)
        let past = Array(original[..<cut]) + Array("\n999999999\n%%EOF\n".utf8)
        let truncated = Array(original.prefix(original.count - 40 - offset.count))
        let labeler = try Labeler(policy: try TestSupport.policy([.implicit]))
        for (name, bytes) in [("past.pdf", past), ("truncated.pdf", truncated)] {
            let input = dir.appendingPathComponent("in-" + name)
            try FileIO.writeAtomically(bytes, to: input.path)
            let out = dir.appendingPathComponent(name)
            let streamed = #expect(throws: SigilError.self) { try labeler.labelFile(at: input.path, to: out.path, keepBytes: false) }
            let whole = #expect(throws: SigilError.self) { try labeler.label(bytes) }
            #expect(streamed?.message == whole?.message, "\(name): \(streamed?.message ?? "")")
            #expect(!FileManager.default.fileExists(atPath: out.path), "\(name): no output")
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { !$0.hasPrefix("in-") }
            #expect(leftovers.isEmpty, "\(name): \(leftovers)")
        }
    }

    @Test func sm3BindingStillAvailable() throws {
        var policy = try TestSupport.policy([.implicit], produceID: "stream-sm3")
        var options = LabelOptions()
        options.labelBinding = "sm3"
        _ = try options.apply(to: &policy)
        #expect(policy.labelBinding == .sm3)
        let dir = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out.jpg")
        let outcome = try Labeler(policy: policy).labelFile(
            at: TestSupport.examples.appendingPathComponent("landscape.jpg").path, to: out.path, keepBytes: false)
        #expect(outcome.label.reservedCode1.contains(#""BType":"SM3""#))
        #expect(try Verifier().verify(try TestSupport.read(out)).integrity?.state == .valid)
        options.labelBinding = "md5"
        #expect(throws: SigilError.self) { try options.apply(to: &policy) }
    }
}

/// ``FileIO/writeAtomically(_:to:durable:completing:)``: copies overlap the caller's work, literal parts land where
/// the provisional layout put them, and a failure leaves nothing behind.
@Suite struct CompletingWriteTests {
    static func source(in dir: URL) throws -> (fd: Int32, bytes: [UInt8]) {
        let bytes = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 >> 9) }
        let path = dir.appendingPathComponent("source.bin").path
        try FileIO.writeAtomically(bytes, to: path)
        let (fd, _) = try FileIO.openForStreaming(path)
        return (fd, bytes)
    }

    /// Both ways of running the copy: on a thread of its own while `finish` runs (0), and first, on this thread.
    static let overlaps = [0, Int.max]

    @Test(arguments: overlaps) func literalPartsLandInTheProvisionalLayout(overlapFrom: Int) throws {
        let dir = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (fd, bytes) = try Self.source(in: dir)
        defer { close(fd) }
        let out = dir.appendingPathComponent("out.bin").path
        let provisional: [FileIO.Part] = [
            .bytes(Array(repeating: 0, count: 10)), .copy(from: fd, range: 0..<100_000), .bytes([0, 0]), .copy(from: fd, range: 200_000..<300_000),
        ]
        try FileIO.writeAtomically(provisional, to: out, overlapFrom: overlapFrom) {
            [.bytes(Array("HEADER-ONE".utf8)), .copy(from: fd, range: 0..<100_000), .bytes([9, 9]), .copy(from: fd, range: 200_000..<300_000)]
        }
        let written = try FileIO.read(out)
        var expected: [UInt8] = Array("HEADER-ONE".utf8)
        expected += bytes[0..<100_000]
        expected += [9, 9]
        expected += bytes[200_000..<300_000]
        #expect(written == expected)
    }

    @Test(arguments: overlaps) func aChangedLayoutIsWrittenAgainInOrder(overlapFrom: Int) throws {
        let dir = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (fd, bytes) = try Self.source(in: dir)
        defer { close(fd) }
        let out = dir.appendingPathComponent("out.bin").path
        try FileIO.writeAtomically([.bytes([0, 0]), .copy(from: fd, range: 0..<300_000)], to: out, overlapFrom: overlapFrom) {
            [.bytes([1, 2, 3]), .copy(from: fd, range: 0..<300_000)]
        }
        let expected: [UInt8] = [1, 2, 3] + bytes
        #expect(try FileIO.read(out) == expected)
    }

    @Test(arguments: overlaps) func aFailingFinishLeavesNothing(overlapFrom: Int) throws {
        let dir = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (fd, _) = try Self.source(in: dir)
        defer { close(fd) }
        let out = dir.appendingPathComponent("out.bin").path
        #expect(throws: SigilError.self) {
            try FileIO.writeAtomically([.bytes([0]), .copy(from: fd, range: 0..<300_000)], to: out, overlapFrom: overlapFrom) {
                throw SigilError(.usage, "the digest failed")
            }
        }
        // A copy past the end of the source fails the write too.
        #expect(throws: SigilError.self) {
            try FileIO.writeAtomically([.copy(from: fd, range: 0..<400_000)], to: out, overlapFrom: overlapFrom) {
                [.copy(from: fd, range: 0..<400_000)]
            }
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["source.bin"], "no output, no temporary file")
    }
}

@Suite struct FileExtensionTests {
    @Test(arguments: [
        ("a/b.jpg", "jpg"), ("b.JPG", "JPG"), ("a.b/c", ""), ("a/.hidden", ""), ("a/b.tar.gz", "gz"), ("b.", ""), ("/x/y.mp4", "mp4"),
        ("noext", ""), ("", ""),
    ])
    func matchesURLPathExtension(_ path: String, _ expected: String) {
        #expect(FileIO.fileExtension(of: path) == expected)
        #expect(FileIO.fileExtension(of: path) == URL(fileURLWithPath: path).pathExtension)
    }
}
