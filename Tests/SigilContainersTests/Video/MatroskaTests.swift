import Foundation
import Testing
@testable import SigilContainers

/// Matroska/WebM labels (`Segment/Tags/Tag/SimpleTag` `AIGC`) on the shared clip and on built files: one label
/// before the first Cluster, the Clusters byte-identical, SeekHead and Cues positions still pointing at their
/// elements; hostile files refused with a reason and read with findings.
@Suite struct MatroskaTests {
    static let clips = Fixtures.videoFiles(".webm", ".mkv")

    @Test(.enabled(if: Fixtures.videoAvailable, "the shared video clips are not present"))
    func theClipIsPresent() {
        #expect(!Self.clips.isEmpty)
    }

    @Test(arguments: clips)
    func labelsTheClip(_ name: String) throws {
        let bytes = try Fixtures.video(name)
        let format: MediaFormat = name.hasSuffix(".webm") ? .webm : .matroska
        let labeled = try AudioCheck.labelAndCheck(bytes, format: format, name: name, streams: "0")
        #expect(try Build.matroskaIndexesHold(bytes))
        #expect(try Build.matroskaIndexesHold(labeled), "SeekHead and Cues point at the moved elements")
        #expect(try Build.matroskaClusters(labeled) == Build.matroskaClusters(bytes))
    }

    @Test func aVoidThatFitsTakesTheLabel() throws {
        let mkv = Build.matroska(tags: [("TITLE", ConformanceSample.marker)], void: 600)
        let labeled = try LabelWriter.write(ConformanceSample.labelA, into: mkv)
        #expect(labeled.count == mkv.count, "nothing moved")
        let plan = try MatroskaFormat().labelEdits(ConformanceSample.labelA, in: MemoryByteSource(mkv))
        #expect(plan.overwrites != nil, "the label can be written in place")
        #expect(Array(labeled.suffix(300)) == Array(mkv.suffix(300)))
        #expect(try AudioCheck.labels(labeled).count == 1)
    }

    @Test func withoutRoomTheIndexesMove() throws {
        let mkv = Build.matroska(tags: [("TITLE", ConformanceSample.marker)])
        #expect(try Build.matroskaIndexesHold(mkv))
        let labeled = try LabelWriter.write(ConformanceSample.labelA, into: mkv)
        #expect(labeled.count > mkv.count)
        #expect(try Build.matroskaIndexesHold(labeled))
        #expect(try Build.matroskaClusters(labeled) == Build.matroskaClusters(mkv))
        let layout = try MatroskaLayout(MemoryByteSource(labeled))
        #expect(layout.segment.end == labeled.count, "the Segment's size covers the file")
        let labels = try AudioCheck.labels(labeled)
        #expect(labels.count == 1)
        #expect(labels.first?.kind == .matroskaSimpleTag)
        #expect(try LabelScanner.scan(labeled).carriers.count == 1)
        #expect(labeled.firstIndex(of: Array(ConformanceSample.marker.utf8)) != nil)
    }

    /// Cue positions that need a wider integer after the move: the layout is recomputed until it settles.
    @Test func widenedPositionsSettle() throws {
        let mkv = Build.matroska(tags: [("TITLE", String(repeating: "x", count: 65_300))])
        let labeled = try LabelWriter.write(ConformanceSample.labelA, into: mkv)
        #expect(try Build.matroskaIndexesHold(labeled))
        #expect(try AudioCheck.labels(labeled).count == 1)
    }

    /// mkvpropedit appends Tags after the last Cluster: that label is replaced by one before the first Cluster,
    /// the other tag kept, and the old Tags element keeps its length (a Void), so nothing after it moves.
    @Test func aLabelAfterTheClustersIsReplaced() throws {
        let old = Build.sampleJSON.replacingOccurrences(of: "abc123", with: "propedit1")
        let mkv = Build.matroska(tagsAfter: [("AIGC", old), ("COMMENT", ConformanceSample.marker)])
        let before = try AudioCheck.labels(mkv)
        #expect(before.count == 1 && before.first?.parsedPayload.label?.produceID == "propedit1")
        let labeled = try LabelWriter.write(ConformanceSample.labelA, into: mkv)
        let labels = try AudioCheck.labels(labeled)
        #expect(labels.count == 1)
        #expect(labels.first?.parsedPayload.label?.produceID == "abc123")
        let layout = try MatroskaLayout(MemoryByteSource(labeled))
        #expect(try #require(labels.first).offset < layout.children[layout.firstClusterIndex].offset, "the label is before the first Cluster")
        #expect(labeled.firstIndex(of: Array(ConformanceSample.marker.utf8)) != nil)
        #expect(try Build.matroskaIndexesHold(labeled))
    }

    @Test func unknownSizesStayUnknown() throws {
        let mkv = Build.matroska(docType: "webm", unknownSize: true)
        #expect(MediaRegistry.standard.format(of: mkv) == .webm)
        let labeled = try LabelWriter.write(ConformanceSample.labelA, into: mkv)
        let layout = try MatroskaLayout(MemoryByteSource(labeled))
        #expect(layout.segment.unknownSize)
        #expect(try Build.matroskaClusters(labeled) == Build.matroskaClusters(mkv))
        #expect(try Build.matroskaIndexesHold(labeled))
        #expect(try AudioCheck.labels(labeled).count == 1)
    }

    @Test func clustersWithPositionsAreNotMoved() throws {
        AudioCheck.refuses(Build.matroska(clusterPosition: true), "Cluster Position without room")
        let roomy = Build.matroska(void: 600, clusterPosition: true)
        let labeled = try LabelWriter.write(ConformanceSample.labelA, into: roomy)
        #expect(labeled.count == roomy.count)
    }

    @Test func hostileFilesAreRefusedAndReadWithFindings() throws {
        let mkv = Build.matroska(tags: [("TITLE", "t")])
        let segment = try MatroskaLayout(MemoryByteSource(mkv)).segment
        // The Segment's size past the end of the file.
        var past = mkv
        past.replaceSubrange((segment.dataStart - 8)..<segment.dataStart, with: EBML.encodeSize(1 << 40, width: 8)!)
        AudioCheck.refuses(past, "Segment size past EOF")
        #expect(try LabelScanner.scan(past).findings.contains { $0.code == .structureTruncated })
        // An unknown size where none is allowed (Info).
        let info = try #require(mkv.firstIndex(of: EBML.encodeID(EBML.ID.info)))
        var unknown = mkv
        unknown.replaceSubrange((info + 4)..<(info + 5), with: [0xFF])
        AudioCheck.refuses(unknown, "unknown-size Info")
        // A zero byte where an ID starts (a width past 8 bytes).
        var zero = mkv
        zero[segment.dataStart] = 0
        AudioCheck.refuses(zero, "invalid ID")
        #expect(try !LabelScanner.scan(zero).findings.isEmpty)
        // Tags nested past the bound: SimpleTags inside SimpleTags, 40 deep.
        var nested = EBML.element(EBML.ID.tagName, Array("AIGC".utf8))
        for _ in 0..<40 { nested = EBML.element(EBML.ID.simpleTag, nested) }
        let deep = Build.matroska()
        let deepSegment = try MatroskaLayout(MemoryByteSource(deep)).segment
        let tags = EBML.element(EBML.ID.tags, EBML.element(EBML.ID.tag, nested))
        let hostile = Array(deep[..<deepSegment.offset]) + EBML.element(EBML.ID.segment, Array(deep[deepSegment.data]) + tags, sizeWidth: 8)
        AudioCheck.refuses(hostile, "nesting 40 deep")
        #expect(try LabelScanner.scan(hostile).findings.contains { $0.message.contains("nested deeper") })
        // Truncated everywhere: an error or one label, never a trap.
        for cut in stride(from: 0, to: mkv.count, by: 7) {
            let truncated = Array(mkv[..<cut])
            _ = try? LabelScanner.scan(truncated)
            if let written = try? LabelWriter.write(ConformanceSample.labelA, into: truncated) {
                #expect(try AudioCheck.labels(written).count == 1, "cut at \(cut)")
            }
        }
    }
}
