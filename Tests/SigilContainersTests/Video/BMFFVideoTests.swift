import Foundation
import Testing
@testable import SigilContainers

/// MP4 and MOV labels (`moov/udta/meta` key `AIGC`) on the shared clips and on built files: one label, the essence
/// byte-identical, ffmpeg's packets unchanged; fragmented and damaged files refused with a reason.
@Suite struct BMFFVideoTests {
    static let clips = Fixtures.videoFiles(".mp4", ".mov")

    @Test(.enabled(if: Fixtures.videoAvailable, "the shared video clips are not present"))
    func theClipsArePresent() {
        #expect(Self.clips.count >= 3)
    }

    @Test(arguments: clips)
    func labelsTheClip(_ name: String) throws {
        let bytes = try Fixtures.video(name)
        let format: MediaFormat = name.hasSuffix(".mov") ? .mov : .mp4
        let labeled = try AudioCheck.labelAndCheck(bytes, format: format, name: name, streams: "0")
        #expect(labeled.count >= bytes.count)
    }

    @Test func aMOVTakesTheLabelAndKeepsItsAppleItems() throws {
        let mov = Build.bmffVideo(brand: "qt  ", udta: [Build.itunesMeta(ConformanceSample.marker)])
        #expect(MediaRegistry.standard.format(of: mov) == .mov)
        let labeled = try LabelWriter.write(ConformanceSample.labelA, into: mov)
        #expect(try AudioCheck.labels(labeled).count == 1)
        #expect(labeled.firstIndex(of: Array(ConformanceSample.marker.utf8)) != nil)
        #expect(try Build.chunks(labeled) == Build.chunks(mov), "every chunk offset points at the same bytes")
    }

    @Test(arguments: [false, true])
    func moovAfterMdatMovesNoChunk(_ co64: Bool) throws {
        let mp4 = Build.bmffVideo(moovLast: true, co64: co64)
        let labeled = try LabelWriter.write(ConformanceSample.labelA, into: mp4)
        #expect(try Build.chunks(labeled) == Build.chunks(mp4))
        #expect(try AudioCheck.labels(labeled).count == 1)
    }

    /// A peer's label beside the TC260 site (a raw `udta/aigc` box, XMP in `udta/XMP_`) is removed: one label left
    /// (decision 0020), and the XMP packet keeps its length.
    @Test func aPeersOtherLabelSitesAreRemoved() throws {
        let old = Build.sampleJSON.replacingOccurrences(of: "abc123", with: "peer0001")
        let xmp = Array(
            "<x:xmpmeta xmlns:x='adobe:ns:meta/'><rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'><rdf:Description rdf:about='' xmlns:TC260='http://www.tc260.org.cn/ns/AIGC/1.0/'><TC260:AIGC>\(XMLText.escapeContent(old))</TC260:AIGC></rdf:Description></rdf:RDF></x:xmpmeta>"
                .utf8)
        let mp4 = Build.bmffVideo(udta: [Build.box("aigc", Array(old.utf8)), Build.box("XMP_", xmp), Build.itunesMeta(ConformanceSample.marker)])
        #expect(try AudioCheck.labels(mp4).count == 2)
        let labeled = try LabelWriter.write(ConformanceSample.labelA, into: mp4)
        let labels = try AudioCheck.labels(labeled)
        #expect(labels.count == 1)
        #expect(labels.first?.parsedPayload.label?.produceID == "abc123")
        #expect(labeled.firstIndex(of: Array(ConformanceSample.marker.utf8)) != nil)
        #expect(labeled.firstIndex(of: Array("</rdf:RDF></x:xmpmeta>".utf8)) != nil, "the rest of the XMP packet is kept")
        #expect(try Build.chunks(labeled) == Build.chunks(mp4))
    }

    @Test func heifStaysReadOnly() {
        let heic = [0, 0, 0, 24] + Array("ftypheic".utf8) + [0, 0, 2, 0] + Array("mif1heic".utf8)
        #expect(MediaRegistry.standard.format(of: heic) == .heif)
        #expect(!(MediaRegistry.standard.identify(heic)?.handler is any LabelWriting))
    }

    /// A fragmented file whose `moov` must grow: its `moof` offsets would move, so it is refused.
    @Test func aFragmentedFileWithoutRoomIsRefused() throws {
        var mp4 = Build.bmffVideo()
        mp4 += Build.box("moof", Build.box("mfhd", [0, 0, 0, 0, 0, 0, 0, 1])) + Build.box("mdat", [1, 2, 3])
        AudioCheck.refuses(mp4, "fragmented MP4")
        let roomy = Build.bmffVideo(free: 2000) + Build.box("moof", Build.box("mfhd", [0, 0, 0, 0, 0, 0, 0, 1])) + Build.box("mdat", [1, 2, 3])
        let labeled = try LabelWriter.write(ConformanceSample.labelA, into: roomy)
        #expect(labeled.count == roomy.count, "the free box took the label, nothing moved")
        #expect(Array(labeled.suffix(700)) == Array(roomy.suffix(700)))
    }

    /// The C2PA box goes right after `ftyp` (decision 0209): every chunk offset moves by its length, whether `moov`
    /// comes before or after `mdat`, with 32- or 64-bit offsets; removing it moves them back.
    @Test(arguments: [false, true], [false, true])
    func theC2PABoxMovesEveryChunk(_ moovLast: Bool, _ co64: Bool) throws {
        let mp4 = Build.bmffVideo(udta: [Build.itunesMeta(ConformanceSample.marker)], moovLast: moovLast, co64: co64)
        let (signed, range) = try BMFFFormat().embedManifestStore(FormatConformanceTests.fakeStore, into: mp4)
        let top = try BMFFWalker.topLevel(signed)
        #expect(top.map(\.type).prefix(2) == ["ftyp", "uuid"] && top[1].range == range)
        #expect(try Build.chunks(signed) == Build.chunks(mp4), "every chunk offset points at the same bytes")
        #expect(try BMFFFormat().removeManifestStores(from: signed) == mp4)
        #expect(try BMFFFormat().manifestBoxes(in: signed).contains { $0.path == "/moov/trak/mdia/minf/stbl/\(co64 ? "co64" : "stco")" })
    }

    /// A 32-bit chunk offset the C2PA box would push past 4 GiB, and a fragmented file, are refused by name.
    @Test func theC2PABoxRefusesWhatItCannotMove() throws {
        var mp4 = Build.bmffVideo()
        let stco = try #require(mp4.firstIndex(of: Array("stco".utf8)))
        mp4.replaceSubrange((stco + 12)..<(stco + 16), with: UInt32.max.bigEndianBytes(4))
        let overflow = try #require(throws: SigilError.self) { try BMFFFormat().embedManifestStore(FormatConformanceTests.fakeStore, into: mp4) }
        #expect(overflow.code == .capacity && overflow.message.contains("32 bits"))
        let fragmented = Build.bmffVideo() + Build.box("moof", Build.box("mfhd", [0, 0, 0, 0, 0, 0, 0, 1])) + Build.box("mdat", [1, 2, 3])
        let refused = try #require(throws: SigilError.self) { try M4AFormat().embedManifestStore(FormatConformanceTests.fakeStore, into: fragmented) }
        #expect(refused.code == .unsupportedFormat && refused.message.contains("fragmented"))
    }

    @Test func hostileBoxesAreRefused() throws {
        let mp4 = Build.bmffVideo()
        // A box size past the end of the file.
        var past = mp4
        past.replaceSubrange((past.count - 608)..<(past.count - 604), with: UInt32(1 << 30).bigEndianBytes(4))
        AudioCheck.refuses(past, "mdat size past EOF")
        // A 64-bit size far past the end.
        AudioCheck.refuses(mp4 + [0, 0, 0, 1] + Array("free".utf8) + UInt64(1 << 62).bigEndianBytes(8), "64-bit size")
        // A 64-bit size smaller than its own header.
        AudioCheck.refuses(mp4 + [0, 0, 0, 1] + Array("free".utf8) + UInt64(4).bigEndianBytes(8), "64-bit size below 16")
        // Two moov boxes.
        let moov = try #require(try BMFFWalker.topLevel(mp4).first { $0.type == "moov" })
        AudioCheck.refuses(mp4 + Array(mp4[moov.range]), "two moov boxes")
        // A chunk-offset table that declares more entries than it holds.
        var lying = mp4
        let stco = try #require(lying.firstIndex(of: Array("stco".utf8)))
        lying.replaceSubrange((stco + 8)..<(stco + 12), with: UInt32(1 << 28).bigEndianBytes(4))
        AudioCheck.refuses(lying, "stco count")
    }
}
