import Foundation
import Testing
@testable import SigilContainers

/// AVI labels (`LIST/INFO/AIGC`) on the shared clip and on built files: one label, `movi` and `idx1` unchanged;
/// files whose `movi` cannot move refused with a reason.
@Suite struct AVITests {
    static let clips = Fixtures.videoFiles(".avi")

    @Test(.enabled(if: Fixtures.videoAvailable, "the shared video clips are not present"))
    func theClipIsPresent() {
        #expect(!Self.clips.isEmpty)
    }

    @Test(arguments: clips)
    func labelsTheClip(_ name: String) throws {
        let bytes = try Fixtures.video(name)
        let labeled = try AudioCheck.labelAndCheck(bytes, format: .avi, name: name, streams: "0")
        #expect(labeled.count == bytes.count, "ffmpeg's JUNK before movi took the label; nothing moved")
    }

    func movi(_ avi: [UInt8]) throws -> [UInt8] {
        try AVIFormat().essenceRanges(in: MemoryByteSource(avi)).flatMap { avi[$0] }
    }

    @Test func movingMoviKeepsTheRelativeIndex() throws {
        let avi = Build.avi([Build.info([("INAM", ConformanceSample.marker)])])
        let labeled = try LabelWriter.write(ConformanceSample.labelA, into: avi)
        #expect(labeled.count > avi.count)
        #expect(try movi(labeled) == movi(avi))
        #expect(Array(labeled.suffix(56)) == Array(avi.suffix(56)), "idx1 is copied unchanged")
        let labels = try AudioCheck.labels(labeled)
        #expect(labels.count == 1)
        #expect(labels.first?.standard == true)
        #expect(labels.first?.location.contains("LIST/INFO") == true)
        #expect(labeled.firstIndex(of: Array(ConformanceSample.marker.utf8)) != nil)
    }

    @Test func junkRoomTakesTheLabel() throws {
        let avi = Build.avi([Build.riffChunk("JUNK", [UInt8](repeating: 0, count: 1000))])
        let labeled = try LabelWriter.write(ConformanceSample.labelA, into: avi)
        #expect(labeled.count == avi.count)
        #expect(Array(labeled.suffix(200)) == Array(avi.suffix(200)))
        #expect(try AudioCheck.labels(labeled).count == 1)
    }

    @Test func absoluteOffsetsWithoutRoomAreRefused() {
        AudioCheck.refuses(Build.avi(absoluteIndex: true), "absolute idx1")
        AudioCheck.refuses(Build.avi(openDML: true), "OpenDML indx")
        let avix = Array("RIFF".utf8) + UInt32(16).littleEndianBytes(4) + Array("AVIX".utf8) + Build.riffChunk("LIST", Array("movi".utf8))
        AudioCheck.refuses(Build.avi() + avix, "RIFF AVIX form")
    }

    @Test func anOpenDMLFileWithRoomIsLabeled() throws {
        let avix =
            Array("RIFF".utf8) + UInt32(20).littleEndianBytes(4) + Array("AVIX".utf8) + Build.riffChunk("LIST", Array("movi".utf8) + [1, 2, 3, 4])
        let avi = Build.avi([Build.riffChunk("JUNK", [UInt8](repeating: 0, count: 1000))], openDML: true) + avix
        let labeled = try LabelWriter.write(ConformanceSample.labelA, into: avi)
        #expect(labeled.count == avi.count)
        #expect(try movi(labeled) == movi(avi))
        #expect(try AudioCheck.labels(labeled).count == 1)
        #expect(try LabelScanner.scan(labeled).findings.filter { $0.code == .trailingData }.isEmpty, "an AVIX form is not trailing data")
    }

    @Test func hostileFilesAreRefused() {
        let avi = Build.avi()
        var past = avi
        past.replaceSubrange(4..<8, with: UInt32(1 << 30).littleEndianBytes(4))
        AudioCheck.refuses(past, "RIFF size past EOF")
        AudioCheck.refuses(avi + Array("RIFF".utf8) + UInt32(1 << 30).littleEndianBytes(4) + Array("AVIX".utf8), "AVIX size past EOF")
        AudioCheck.refuses(avi + Array("junk".utf8), "trailing bytes")
        let noMovi = Array("RIFF".utf8) + UInt32(4).littleEndianBytes(4) + Array("AVI ".utf8)
        AudioCheck.refuses(noMovi, "no movi")
    }

    @Test func aManifestChunkIsAppendedToTheAVIForm() throws {
        let avi = Build.avi()
        let store = [UInt8](repeating: 7, count: 101)
        let placed = try AVIFormat().embedManifestStore(store, into: avi)
        #expect(Array(placed.bytes.prefix(avi.count).dropFirst(8)) == Array(avi.dropFirst(8)), "nothing before the chunk moves")
        #expect(placed.bytes.u32le(4) == UInt32(placed.bytes.count - 8), "the RIFF size grows")
        #expect(try AVIFormat().findManifestStores(in: placed.bytes).map(\.bytes) == [store])
        #expect(try AVIFormat().removeManifestStores(from: placed.bytes) == avi)
    }

    @Test func anOpenDMLFileRefusesAManifest() {
        let avix = Array("RIFF".utf8) + UInt32(16).littleEndianBytes(4) + Array("AVIX".utf8) + Build.riffChunk("LIST", Array("movi".utf8))
        #expect(throws: SigilError.self) { try AVIFormat().embedManifestStore([1, 2, 3], into: Build.avi() + avix) }
    }
}
