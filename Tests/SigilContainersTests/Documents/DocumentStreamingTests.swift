import Foundation
import Synchronization
import Testing

@testable import SigilContainers

#if canImport(Glibc)
    import Glibc
#endif

/// A file read through `pread`, every read counted: what the PDF reader asks of a file it streams.
final class CountingByteSource: ByteSource {
    let file: FileByteSource
    private let reads = Mutex<[Range<Int>]>([])

    init(_ file: FileByteSource) { self.file = file }
    var count: Int { file.count }

    func read(_ range: Range<Int>) throws -> [UInt8] {
        reads.withLock { $0.append(range) }
        return try file.read(range)
    }

    /// Every read so far, clamped to the file.
    var ranges: [Range<Int>] { reads.withLock { $0 }.map { max(0, min($0.lowerBound, count))..<max(0, min($0.upperBound, count)) } }
    var total: Int { ranges.reduce(0) { $0 + $1.count } }
    var largest: Int { ranges.map(\.count).max() ?? 0 }
    func reset() { reads.withLock { $0 = [] } }
}

/// An open temporary file holding some bytes, as the CLI's streaming path opens its input.
final class OpenFile {
    let path: String
    let descriptor: Int32
    let count: Int

    init(_ bytes: [UInt8], name: String) throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("sigil-stream-\(UUID().uuidString)-\(name)").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        descriptor = open(path, O_RDONLY)
        count = bytes.count
        guard descriptor >= 0 else { throw SigilError(.io, "cannot open \(path)") }
    }

    var source: FileByteSource { FileByteSource(descriptor: descriptor, count: count, path: path) }

    /// The file `plan` makes of this one, assembled as the streaming writer does: new bytes, and spans read from
    /// the file (where the writer has the kernel copy them).
    func assemble(_ plan: EditPlan) throws -> [UInt8] {
        var out: [UInt8] = []
        for piece in plan.pieces {
            switch piece {
            case .bytes(let bytes): out += bytes
            case .original(let range): out += try source.require(range.count, at: range.lowerBound, for: "the test file")
            }
        }
        return out
    }

    deinit {
        close(descriptor)
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// PDFs labeled by streaming (decision 0029): the label read from the cross-reference chain through a file, the
/// result the same bytes as the in-memory writer's, reads bounded however long the file.
@Suite struct DocumentStreamingTests {
    static let label = ConformanceSample.labelA

    /// The essence as the byte scan before decision 0029 found it: the first marker anywhere in the file.
    static func scannedEssenceEnd(_ bytes: [UInt8]) -> Int {
        let markers = [PDFLabelUpdate.marker, PDFManifestCarrier.marker].map { Array("\n\($0)\n".utf8) }
        return markers.compactMap { bytes.firstIndex(of: $0) }.min() ?? bytes.count
    }

    /// Streamed (a file read through pread) equals in memory, for the label, a relabel and the same label again,
    /// on every shared PDF that labels; the essence found from the chain equals the byte scan's.
    @Test(.enabled(if: DocumentTools.documentsAvailable)) func streamedEqualsInMemoryForEverySharedPDF() throws {
        let names = PDFTests.labelableNames
        #expect(names.count >= 9)
        for name in names {
            let original = try DocumentTools.document(name)
            var current = original
            for label in [Self.label, ConformanceSample.labelB, ConformanceSample.labelB] {
                let inMemory = try PDFFormat().writeLabel(label, into: current)
                let file = try OpenFile(current, name: name)
                let counting = CountingByteSource(file.source)
                let plan = try PDFFormat().labelEdits(label, in: counting)
                #expect(try file.assemble(plan) == inMemory, "\(name): streamed output equals the in-memory writer's")
                #expect(plan.edits.allSatisfy { $0.range == current.count..<current.count }, "\(name): only an insertion at the end")
                #expect(counting.total < max(1 << 20, current.count / 2), "\(name): \(counting.total) of \(current.count) bytes read")
                counting.reset()
                let essence = try PDFFormat().essenceRanges(in: counting)
                #expect(essence == [0..<Self.scannedEssenceEnd(current)], "\(name): the chain finds the essence the byte scan found")
                #expect(essence == [0..<original.count], "\(name): the essence is the original")
                current = inMemory
            }
        }
    }

    /// A PDF holding `megabytes` of incompressible image data in one uncompressed stream, with a classic table.
    static func largePDF(megabytes: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        var data = [UInt8](repeating: 0, count: megabytes << 20)
        data.withUnsafeMutableBytes { raw in
            let words = raw.bindMemory(to: UInt64.self)
            for i in words.indices { words[i] = generator.next() }
        }
        let side = Int(Double(data.count / 3).squareRoot())
        var out = Array("%PDF-1.7\n%\u{E2}\u{E3}\n".utf8)
        var offsets: [Int] = []
        func object(_ body: [UInt8]) {
            offsets.append(out.count)
            out += Array("\(offsets.count) 0 obj\n".utf8) + body + Array("\nendobj\n".utf8)
        }
        object(Array("<</Type/Catalog/Pages 2 0 R>>".utf8))
        object(Array("<</Type/Pages/Kids [3 0 R]/Count 1>>".utf8))
        object(Array("<</Type/Page/Parent 2 0 R/MediaBox [0 0 612 792]/Resources <</XObject <</Im0 4 0 R>>>>/Contents 5 0 R>>".utf8))
        let imageLength = side * side * 3
        object(
            Array(
                "<</Type/XObject/Subtype/Image/Width \(side)/Height \(side)/ColorSpace/DeviceRGB/BitsPerComponent 8/Length \(imageLength)>>stream\n"
                    .utf8)
                + data[..<imageLength] + Array("\nendstream".utf8))
        let content = "q 612 0 0 792 0 0 cm /Im0 Do Q"
        object(Array("<</Length \(content.utf8.count)>>stream\n\(content)\nendstream".utf8))
        object(Array("<</Title (A large document)/Producer (Sigil tests)>>".utf8))
        let xref = out.count
        out += Array("xref\n0 \(offsets.count + 1)\n0000000000 65535 f\r\n".utf8)
        for offset in offsets { out += Array((String(repeating: "0", count: 10 - String(offset).count) + "\(offset) 00000 n\r\n").utf8) }
        out += Array("trailer\n<</Size \(offsets.count + 1)/Root 1 0 R/Info 6 0 R>>\nstartxref\n\(xref)\n%%EOF\n".utf8)
        return out
    }

    /// The same document rewritten by qpdf with object streams and a cross-reference stream.
    static func withObjectStreams(_ bytes: [UInt8]) throws -> [UInt8] {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sigil-qpdf-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("in.pdf")
        let output = dir.appendingPathComponent("out.pdf")
        try Data(bytes).write(to: input)
        let result = try DocumentTools.run("qpdf", ["--object-streams=generate", "--stream-data=preserve", input.path, output.path])
        #expect(result.status == 0, "\(result.output)")
        return try [UInt8](Data(contentsOf: output))
    }

    /// The largest read and the total the label and the essence cost on a file many windows long: bounded by the
    /// structure, not the file's length (no read of the image stream).
    func checkBoundedReads(_ original: [UInt8], name: String) throws {
        #expect(original.count > 16 << 20, "the file is larger than any window")
        let file = try OpenFile(original, name: name)
        let counting = CountingByteSource(file.source)
        let plan = try PDFFormat().labelEdits(Self.label, in: counting)
        #expect(counting.largest <= 128 << 10, "\(name): the largest read is \(counting.largest) bytes")
        #expect(counting.total <= 256 << 10, "\(name): \(counting.total) bytes read in all")
        #expect(plan.pieces.first == .original(0..<original.count), "\(name): the whole original is copied, not read")
        let labeled = try file.assemble(plan)
        #expect(labeled == (try PDFFormat().writeLabel(Self.label, into: original)), "\(name): streamed equals in memory")
        var scan = ContainerScan(format: .pdf)
        PDFFormat().scanLabels(labeled, into: &scan)
        #expect(scan.carriers.contains { $0.parsedPayload.label?.produceID == "abc123" }, "\(name): the label reads back")

        let labeledFile = try OpenFile(labeled, name: name)
        let again = CountingByteSource(labeledFile.source)
        #expect(try PDFFormat().essenceRanges(in: again) == [0..<original.count], "\(name): the essence is the original")
        #expect(again.total <= 256 << 10, "\(name): finding the essence read \(again.total) bytes")
    }

    @Test func aLargeClassicTablePDFLabelsWithBoundedReads() throws {
        try checkBoundedReads(Self.largePDF(megabytes: 24), name: "large-classic.pdf")
    }

    @Test(.enabled(if: DocumentTools.which("qpdf") != nil)) func aLargeCrossReferenceStreamPDFLabelsWithBoundedReads() throws {
        let rewritten = try Self.withObjectStreams(Self.largePDF(megabytes: 24))
        #expect(rewritten.firstIndex(of: Array("/Type /XRef".utf8)) != nil || rewritten.firstIndex(of: Array("/Type/XRef".utf8)) != nil)
        try checkBoundedReads(rewritten, name: "large-xref-stream.pdf")
    }

    /// A classic table longer than the parser's window growth step: its entries are taken as they are read.
    @Test func aLongCrossReferenceTableStreams() throws {
        var out = Array("%PDF-1.4\n".utf8)
        var offsets: [Int] = []
        let filler = 60_000
        for i in 1...filler + 2 {
            offsets.append(out.count)
            let body = i == 1 ? "<</Type/Catalog/Pages 2 0 R>>" : (i == 2 ? "<</Type/Pages/Kids []/Count 0>>" : "\(i)")
            out += Array("\(i) 0 obj\n\(body)\nendobj\n".utf8)
        }
        let xref = out.count
        out += Array("xref\n0 \(offsets.count + 1)\n0000000000 65535 f\r\n".utf8)
        for offset in offsets { out += Array((String(repeating: "0", count: 10 - String(offset).count) + "\(offset) 00000 n\r\n").utf8) }
        out += Array("trailer\n<</Size \(offsets.count + 1)/Root 1 0 R>>\nstartxref\n\(xref)\n%%EOF\n".utf8)
        let file = try OpenFile(out, name: "long-table.pdf")
        let counting = CountingByteSource(file.source)
        let plan = try PDFFormat().labelEdits(Self.label, in: counting)
        #expect(try file.assemble(plan) == (try PDFFormat().writeLabel(Self.label, into: out)))
        #expect(counting.largest <= 128 << 10, "the table is read in pieces: \(counting.largest) bytes at most")
    }

    /// Damaged chains give the in-memory writer's error, naming the same offset.
    @Test func hostileFilesGiveTheSameErrorsStreamed() throws {
        let original = Build.pdf(info: "")
        let xref = try #require(original.firstIndex(of: Array("xref\n".utf8)))
        func replacing(_ a: String, _ b: String) throws -> [UInt8] {
            let at = try #require(original.firstIndex(of: Array(a.utf8)))
            return Array(original[..<at]) + Array(b.utf8) + Array(original[(at + a.utf8.count)...])
        }
        let info = try #require(original.firstIndex(of: Array("4 0 obj".utf8)))
        let infoEntry = String(repeating: "0", count: 10 - String(info).count) + "\(info) 00000 n"
        let cases: [(String, [UInt8], String)] = [
            ("loop", try replacing("/Root 1 0 R", "/Root 1 0 R/Prev \(xref)"), "loops"),
            ("past", try replacing("startxref\n\(xref)", "startxref\n99999999"), "past the end"),
            ("tail", Array(original.prefix(xref + 10)), "no startxref"),
            ("object", try replacing(infoEntry, "0999999999 00000 n"), "places object 4 past the end"),
        ]
        for (name, bytes, phrase) in cases {
            let memory = #expect(throws: SigilError.self) { try PDFFormat().writeLabel(Self.label, into: bytes) }
            let file = try OpenFile(bytes, name: "\(name).pdf")
            let streamed = #expect(throws: SigilError.self) { try PDFFormat().labelEdits(Self.label, in: file.source) }
            #expect(streamed?.message == memory?.message && streamed?.offset == memory?.offset, "\(name)")
            #expect(streamed?.message.contains(phrase) == true, "\(name): \(streamed?.message ?? "")")
        }
    }

    /// A structure that runs on past the window's bound (a dictionary that never closes) is refused, naming where it
    /// starts, after reading at most the bound.
    @Test func aStructurePastTheWindowBoundIsRefused() throws {
        var bytes = Array("%PDF-1.4\n1 0 obj\n<</Type/Catalog/Pad /".utf8)
        bytes += [UInt8](repeating: UInt8(ascii: "A"), count: 18 << 20)
        let xref = bytes.count
        bytes += Array(
            "\nxref\n0 2\n0000000000 65535 f\r\n0000000009 00000 n\r\ntrailer\n<</Size 2/Root 1 0 R>>\nstartxref\n\(xref + 1)\n%%EOF\n".utf8)
        let file = try OpenFile(bytes, name: "unbounded.pdf")
        let counting = CountingByteSource(file.source)
        let error = #expect(throws: SigilError.self) { try PDFFormat().labelEdits(Self.label, in: counting) }
        #expect(error?.code == .tooLarge && error?.offset == 9, "\(error?.message ?? "")")
        #expect(counting.total <= PDFParser.maximumWindow + (1 << 16))
    }
}
