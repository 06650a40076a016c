import Foundation
import Testing
@testable import SigilContainers

@Suite struct OggLabelTests {
    /// Every page of `bytes`, each checked against its CRC.
    static func pages(_ bytes: [UInt8]) throws -> [OggPage] {
        var out: [OggPage] = []
        var offset = 0
        let source = MemoryByteSource(bytes)
        while offset < bytes.count {
            let page = try OggPage.read(source, at: offset)
            _ = try page.verifiedBytes(source)
            out.append(page)
            offset = page.range.upperBound
        }
        return out
    }

    /// The comment list of a labeled stream.
    static func comments(_ bytes: [UInt8]) throws -> VorbisComment {
        let headers = OggHeaderPackets(MemoryByteSource(bytes), verify: true)
        let codec = try #require(OggCodec(identification: headers.packets[0]))
        return try VorbisComment(parsing: Array(headers.packets[1].dropFirst(codec.commentSignature.count)), base: 0, structure: "test")
    }

    /// What must not change: serial numbers, sequence numbers in order, the audio pages' granules, flags and bodies.
    static func expectSameStream(_ original: [UInt8], _ labeled: [UInt8], _ name: String) throws {
        let before = try pages(original)
        let after = try pages(labeled)
        #expect(Set(after.map(\.serial)) == Set(before.map(\.serial)), "\(name): serial kept")
        #expect(
            after.map(\.sequence) == Array(after[0].sequence..<(after[0].sequence + UInt32(after.count))), "\(name): sequence numbers consecutive")
        let headerPages = { (bytes: [UInt8]) in OggHeaderPackets(MemoryByteSource(bytes), verify: true).pages.count }
        let audioBefore = before.dropFirst(headerPages(original))
        let audioAfter = after.dropFirst(headerPages(labeled))
        #expect(audioBefore.map(\.granule) == audioAfter.map(\.granule), "\(name): granule positions kept")
        #expect(audioBefore.map(\.headerType) == audioAfter.map(\.headerType))
        #expect(audioBefore.map(\.lacing) == audioAfter.map(\.lacing))
        #expect(audioBefore.map { Array(original[$0.body]) } == audioAfter.map { Array(labeled[$0.body]) }, "\(name): audio packets identical")
        #expect(Array(original[before[0].range]) == Array(labeled[after[0].range]), "\(name): the identification page is kept")
    }

    @Test(arguments: [false, true])
    func vorbisIsLabeledAndTheAudioPagesAreOneSpan(_ separate: Bool) throws {
        let ogg = Build.ogg(Build.vorbisHeaders(["TITLE=song", "aigc=old"]), separate: separate)
        let plan = try OggFormat().labelEdits(ConformanceSample.labelA, in: MemoryByteSource(ogg))
        #expect(plan.edits.count == 1, "only the header pages are rewritten")
        let labeled = plan.apply(to: ogg)
        try Self.expectSameStream(ogg, labeled, "vorbis")
        let comments = try Self.comments(labeled)
        #expect(comments.comments.map(\.key) == ["TITLE", "AIGC"])
        #expect(comments.trailer == [1], "the framing bit is kept")
        #expect(try AudioCheck.labels(labeled).count == 1)
        #expect(OggHeaderPackets(MemoryByteSource(labeled), verify: true).pages.count == (separate ? 3 : 2), "the header keeps its page count")
    }

    @Test func whenTheHeaderNeedsAnotherPageTheAudioPagesAreRenumbered() throws {
        // Comment (1 lacing value) + setup (254) fill one page; the label pushes the header onto a second one.
        let title = "TITLE=" + String(repeating: "t", count: 200)
        let ogg = Build.ogg(Build.vorbisHeaders([title], setupLength: 253 * 255 - 7))
        #expect(OggHeaderPackets(MemoryByteSource(ogg), verify: true).pages.count == 2)
        let labeled = try LabelWriter.write(ConformanceSample.labelA, into: ogg)
        #expect(OggHeaderPackets(MemoryByteSource(labeled), verify: true).pages.count == 3)
        try Self.expectSameStream(ogg, labeled, "renumbered")
        #expect(try AudioCheck.labels(labeled).count == 1)
        let essence = { (bytes: [UInt8]) in try OggFormat().essenceRanges(in: MemoryByteSource(bytes)).flatMap { bytes[$0] } }
        #expect(try essence(ogg) == essence(labeled))
    }

    @Test func opusTagsAreRewrittenWithTheirExtraData() throws {
        var headers = Build.opusHeaders(["ARTIST=a"])
        headers[1] += [1, 0xAB, 0xCD] // binary extension data after the comments (first byte's low bit set)
        let opus = Build.ogg(headers)
        #expect(MediaRegistry.standard.format(of: opus) == .opus)
        let labeled = try LabelWriter.write(ConformanceSample.labelA, into: opus)
        try Self.expectSameStream(opus, labeled, "opus")
        let comments = try Self.comments(labeled)
        #expect(comments.trailer == [1, 0xAB, 0xCD])
        #expect(comments.comments.map(\.key) == ["ARTIST", "AIGC"])
    }

    @Test func hostileFilesAreRefused() throws {
        let ogg = Build.ogg(Build.vorbisHeaders(["TITLE=song"], setupLength: 40))
        let pages = try Self.pages(ogg)
        for cut in [3, 20, 40, pages[1].offset + 10, pages[2].offset + 30, ogg.count - 1] {
            AudioCheck.refuses(Array(ogg.prefix(cut)), "cut at \(cut)")
        }
        var crc = ogg
        crc[pages[1].body.lowerBound + 12] ^= 0x40
        AudioCheck.refuses(crc, "a header page CRC error")
        #expect(try LabelScanner.scan(crc).findings.contains { $0.code == .checksumMismatch })
        var lacing = ogg
        lacing[pages.last!.offset + 26 + pages.last!.lacing.count] = 0xFF // the last lacing value grows past the end of the file
        AudioCheck.refuses(lacing, "a lacing value past the end")
        let other = Build.ogg(Build.vorbisHeaders([], setupLength: 40), serial: 99)
        AudioCheck.refuses(ogg + other, "a chained second stream")
        var big = ogg
        big[pages[1].offset + 26] = 0xFF // 255 lacing values claimed in a short page
        AudioCheck.refuses(big, "a segment count past the end")
    }

    @Test(
        .enabled(if: Fixtures.audioFormatsAvailable, "the shared audio corpus is not present"),
        arguments: Fixtures.audioFiles(".ogg") + Fixtures.audioFiles(".opus"))
    func corpusFile(_ name: String) throws {
        let bytes = try Fixtures.audio(name)
        let format: MediaFormat = name.hasSuffix(".opus") ? .opus : .ogg
        let labeled = try AudioCheck.labelAndCheck(bytes, format: format, name: name)
        try Self.expectSameStream(bytes, labeled, name)
        let before = try Self.comments(bytes)
        let after = try Self.comments(labeled)
        #expect(after.vendor == before.vendor, "\(name): vendor kept")
        #expect(after.trailer == before.trailer)
        #expect(after.comments.filter { !$0.isLabel }.map(\.bytes) == before.comments.map(\.bytes), "\(name): every other comment kept")
        let plan = try OggFormat().labelEdits(ConformanceSample.labelA, in: MemoryByteSource(bytes))
        #expect(plan.edits.count == 1, "\(name): the audio pages are copied as one span")
    }
}
