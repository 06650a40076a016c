import Foundation
import Testing
import Sigil
import SigilTestSupport

@Suite struct LabelerTests {
    static let samples = ["landscape.jpg", "portrait-gradient.jpg", "rotated-exif6.jpg", "alpha.png", "gray.png", "meadow.webp"]

    @Test("Label then verify each sample format", arguments: samples)
    func labelAndVerify(_ name: String) throws {
        let input = try TestSupport.read(TestSupport.examples.appendingPathComponent(name))
        let outcome = try Labeler(policy: try TestSupport.policy(produceID: "sample-\(name)")).label(input)
        let report = try Verifier().verify(outcome.bytes)
        #expect(report.verdict == .aiGenerated)
        #expect(report.conformance == .compliant, "\(report.allFindings)")
        #expect(report.sites.count == 1)
        #expect(report.sites.first?.carrier.standard == true)
        #expect(report.label == outcome.label)
        #expect(report.label?.produceID == "sample-\(name)")
        #expect(report.label?.contentPropagator == TestSupport.producer.rawValue, "Annex E Note 1 mirroring")
        let explicit = try #require(report.explicit)
        #expect(explicit.record.painted.inkHeightFraction >= 0.05)
        #expect((explicit.presence ?? 0) >= VerificationReport.Explicit.intactThreshold, "presence \(explicit.presence ?? -1)")
        #expect(!report.hasProblems)
        #expect(ImageHeader.sniff(outcome.bytes) == ImageHeader.sniff(input), "format kept")
    }

    @Test("Metadata-only labels leave the compressed image data byte-identical", arguments: samples)
    func metadataOnlyKeepsImageData(_ name: String) throws {
        let input = try TestSupport.read(TestSupport.examples.appendingPathComponent(name))
        let outcome = try Labeler(policy: try TestSupport.policy([.implicit])).label(input)
        #expect(try CompressedImageData.bytes(of: outcome.bytes) == CompressedImageData.bytes(of: input))
        #expect(outcome.explicit == nil)
        let report = try Verifier().verify(outcome.bytes)
        #expect(report.verdict == .aiGenerated)
        #expect(report.explicit == nil)
    }

    /// A metadata-only policy whose label depends on the header alone (no ReservedCode1 signature).
    static func headerOnlyPolicy(_ produceID: String) throws -> LabelPolicy {
        var policy = try TestSupport.policy([.implicit], produceID: produceID)
        policy.labelSignature = nil
        return policy
    }

    @Test(
        "A file labeled from its header alone is the file a whole-file label gives",
        arguments: ["landscape.jpg", "portrait-gradient.jpg", "rotated-exif6.jpg"])
    func headerOnlyFileLabelMatchesWholeFileLabel(_ name: String) throws {
        let dir = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let source = TestSupport.examples.appendingPathComponent(name)
        let labeler = try Labeler(policy: try Self.headerOnlyPolicy("header-\(name)"))
        let out = dir.appendingPathComponent(name)
        let outcome = try labeler.labelFile(at: source.path, to: out.path, keepBytes: false)
        #expect(outcome.bytes.isEmpty, "the header-only path was taken")
        #expect(outcome.width > 0 && outcome.height > 0)
        #expect(try TestSupport.read(out) == labeler.label(try TestSupport.read(source)).bytes)
        #expect(try Verifier().verify(try TestSupport.read(out)).label?.produceID == "header-\(name)")
    }

    @Test func headerOnlyLabelReadsPastLongAPPSegments() throws {
        // Three 60 KB APP2 segments push the first SOS past the 64 KiB first read.
        let dir = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let jpeg = try TestSupport.read(TestSupport.examples.appendingPathComponent("landscape.jpg"))
        let app2: [UInt8] = [0xFF, 0xE2, 0xEA, 0x62] + Array("SIGILTEST\0".utf8) + [UInt8](repeating: 0x5A, count: 60_000 - 10)
        let big = Array(jpeg[..<2]) + app2 + app2 + app2 + Array(jpeg[2...])
        let input = dir.appendingPathComponent("big.jpg")
        let out = dir.appendingPathComponent("out.jpg")
        try FileIO.writeAtomically(big, to: input.path)
        let labeler = try Labeler(policy: try Self.headerOnlyPolicy("big-header"))
        let outcome = try labeler.labelFile(at: input.path, to: out.path, keepBytes: false)
        #expect(outcome.bytes.isEmpty)
        let written = try TestSupport.read(out)
        #expect(written == (try labeler.label(big)).bytes)
        #expect(try CompressedImageData.bytes(of: written) == CompressedImageData.bytes(of: big))
    }

    @Test func headerOnlyLabelLeavesOtherJPEGsToTheWholeFilePath() throws {
        let dir = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let jpeg = try TestSupport.read(TestSupport.examples.appendingPathComponent("landscape.jpg"))
        let labeler = try Labeler(policy: try Self.headerOnlyPolicy("trailer"))
        // Bytes after EOI (a camera's trailer) are kept, through the whole-file path.
        let trailer = Array("TRAILER-AFTER-EOI".utf8)
        let withTrailer = dir.appendingPathComponent("trailer.jpg")
        let out = dir.appendingPathComponent("out.jpg")
        try FileIO.writeAtomically(jpeg + trailer, to: withTrailer.path)
        let outcome = try labeler.labelFile(at: withTrailer.path, to: out.path, keepBytes: false)
        _ = outcome
        #expect(try TestSupport.read(out) == (try labeler.label(jpeg + trailer)).bytes, "the same bytes as the whole-file path")
        #expect(try TestSupport.read(out).suffix(trailer.count + 2).elementsEqual([0xFF, 0xD9] + trailer))
        // A truncated file is refused, and nothing is written.
        let cut = dir.appendingPathComponent("cut.jpg")
        let cutOut = dir.appendingPathComponent("cut-out.jpg")
        try FileIO.writeAtomically(Array(jpeg.prefix(jpeg.count / 2)), to: cut.path)
        do {
            _ = try labeler.labelFile(at: cut.path, to: cutOut.path, keepBytes: false)
            Issue.record("a truncated JPEG was labeled")
        } catch let error as SigilError {
            #expect(error.code == .truncated)
            #expect(error.message.contains("without EOI"), "\(error)")
            #expect(error.path == cut.path)
        }
        #expect(!FileManager.default.fileExists(atPath: cutOut.path))
        #expect(
            try Set(FileManager.default.contentsOfDirectory(atPath: dir.path)) == ["trailer.jpg", "out.jpg", "cut.jpg"],
            "no temporary file left behind")
    }

    @Test func relabelingUpdatesTheOneLabelInPlace() throws {
        let input = try TestSupport.read(TestSupport.examples.appendingPathComponent("alpha.png"))
        let first = try Labeler(policy: try TestSupport.policy([.implicit], produceID: "first")).label(input)
        let second = try Labeler(policy: try TestSupport.policy([.implicit], produceID: "second")).label(first.bytes)
        let report = try Verifier().verify(second.bytes)
        #expect(report.sites.count == 1)
        #expect(report.label?.produceID == "second")
        #expect(!report.allFindings.contains { $0.code == .duplicateLabel })
    }

    @Test func explicitLabelKeepsEXIFOrientationAndOtherMetadata() throws {
        let input = try TestSupport.read(TestSupport.examples.appendingPathComponent("rotated-exif6.jpg"))
        let outcome = try Labeler(policy: try TestSupport.policy()).label(input)
        #expect(try ImageHeader.read(outcome.bytes).orientation == 6)
        let painted = try #require(outcome.explicit)
        // Displayed 400×640 after the 90° rotation: the bottom-right box sits in the displayed bottom-right quadrant.
        #expect(painted.box.x + painted.box.width > 200 && painted.box.y + painted.box.height > 320)
        #expect(painted.shortestSide == 400)
    }

    @Test func unsupportedAndDamagedInputsAreClearErrors() throws {
        let labeler = try Labeler(policy: try TestSupport.policy())
        #expect(throws: SigilError(.unsupportedFormat, "")) { try labeler.label([]) }
        // Bytes that are neither a known format nor text (text now takes the explicit text label, issue 20).
        #expect(throws: SigilError(.unsupportedFormat, "")) { try labeler.label([0x00, 0x00, 0x9C, 0x00, 0xFF, 0x01, 0x00]) }
        let jpeg = try TestSupport.read(TestSupport.examples.appendingPathComponent("landscape.jpg"))
        #expect(throws: SigilError.self) { try labeler.label(Array(jpeg.prefix(jpeg.count / 2))) }
        #expect(throws: SigilError.self) { try labeler.label(Array(jpeg.prefix(300))) }
    }

    @Test func declaredDecompressionBombIsRefusedBeforeDecoding() throws {
        // A PNG header declaring 50,000 × 50,000 pixels, followed by nothing.
        let png = PNGFixture.header(width: 50_000, height: 50_000)
        do {
            _ = try Labeler(policy: try TestSupport.policy()).label(png)
            Issue.record("a 2.5-gigapixel header was accepted")
        } catch let error as SigilError {
            #expect(error.code == .tooLarge)
            #expect(error.message.contains("50000×50000"))
        }
        var policy = try TestSupport.policy([.implicit])
        policy.maxPixels = 10
        #expect(throws: SigilError(.tooLarge, "")) {
            try Labeler(policy: policy).label(try TestSupport.read(TestSupport.examples.appendingPathComponent("gray.png")))
        }
    }

    @Test func failedLabelingLeavesNoOutputFile() throws {
        let dir = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let bad = dir.appendingPathComponent("bad.jpg")
        let out = dir.appendingPathComponent("out.jpg")
        try Data([0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10]).write(to: bad)
        #expect(throws: SigilError.self) { try Labeler(policy: try TestSupport.policy()).labelFile(at: bad.path, to: out.path) }
        #expect(!FileManager.default.fileExists(atPath: out.path))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["bad.jpg"], "no temporary file left behind")
    }

    @Test func wordingIsChecked() throws {
        var policy = try TestSupport.policy()
        policy.explicit.text = "AI"
        #expect(throws: SigilError(.invalidExplicitLabel, "")) {
            try Labeler(policy: policy).label(try TestSupport.read(TestSupport.examples.appendingPathComponent("gray.png")))
        }
    }
}

/// Builds PNG headers by hand for bomb tests.
enum PNGFixture {
    static func header(width: UInt32, height: UInt32) -> [UInt8] {
        var ihdr: [UInt8] = Array("IHDR".utf8)
        for v in [width, height] { ihdr += [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
        ihdr += [8, 2, 0, 0, 0]
        let crc = crc32(ihdr)
        return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13] + ihdr + [
            UInt8(crc >> 24), UInt8(crc >> 16 & 0xFF), UInt8(crc >> 8 & 0xFF), UInt8(crc & 0xFF),
        ]
    }

    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for b in bytes {
            crc ^= UInt32(b)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }
}

@Suite struct MarkListTests {
    @Test func aListIsSplitOnCommasAndTrimmedOfSpacesAndTabs() throws {
        #expect(try Mark.parseList("explicit,implicit") == [.explicit, .implicit])
        #expect(try Mark.parseList(" implicit ,\tc2pa\t, ,watermark") == [.implicit, .c2pa, .watermark])
        #expect(try Mark.parseList("implicit,") == [.implicit])
    }

    @Test func anUnknownOrEmptyListIsAUsageErrorNamingTheMark() {
        #expect(throws: SigilError.self) { try Mark.parseList(" , ") }
        do {
            _ = try Mark.parseList("implicit, exp licit")
            Issue.record("an unknown mark was accepted")
        } catch {
            #expect("\(error)".contains("\"exp licit\""), "\(error)")
        }
    }
}

@Suite struct JSONSurrogateTests {
    /// An unpaired high surrogate becomes U+FFFD and the escape after it is kept (it was dropped).
    @Test func anUnpairedHighSurrogateKeepsTheNextEscape() throws {
        #expect(try JSONValue.parse(#""\uD800\u0041""#).stringValue == "\u{FFFD}A")
        #expect(try JSONValue.parse(#""\uD83D\uDE00""#).stringValue == "😀")
    }
}
