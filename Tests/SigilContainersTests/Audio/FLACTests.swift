import Foundation
import Testing
@testable import SigilContainers

@Suite struct FLACLabelTests {
    static let seekTable: [UInt8] = [UInt8](repeating: 0, count: 8) + UInt64(0).bigEndianBytes(8) + [0x10, 0x00]
    static let picture: [UInt8] =
        UInt32(3).bigEndianBytes(4) + UInt32(9).bigEndianBytes(4) + Array("image/png".utf8) + [UInt8](repeating: 0, count: 20) + [1, 2, 3]

    @Test func theLabelGoesIntoPaddingWhenItFitsSoTheFramesDoNotMove() throws {
        let flac = Build.flac([
            (3, Self.seekTable), (4, Build.vorbisComment(["TITLE=song"])), (6, Self.picture), (1, [UInt8](repeating: 0, count: 1024)),
        ])
        let labeled = try LabelWriter.write(ConformanceSample.labelA, into: flac)
        #expect(labeled.count == flac.count, "the padding absorbed the comment's growth")
        #expect(Array(labeled.suffix(Build.flacFrames.count)) == Build.flacFrames)
        let structure = try FLACStructure(MemoryByteSource(labeled))
        #expect(structure.damage == nil)
        #expect(structure.blocks.map(\.type) == [0, 3, 4, 6, 1])
        #expect(labeled.firstIndex(of: Array("TITLE=song".utf8)) != nil)
        #expect(labeled.firstIndex(of: Self.picture) != nil)
        // Relabeling with a shorter label gives the bytes back to the padding.
        let shorter = LabelAssignment(json: #"{"Label":"1","ContentProducer":"x","ProduceID":"y"}"#, wrappedJSON: "")
        #expect(try LabelWriter.write(shorter, into: labeled).count == flac.count)
    }

    @Test func withoutPaddingTheBlocksAreRewrittenAndTheFramesFollow() throws {
        let flac = Build.flac([(4, Build.vorbisComment(["TITLE=song", "aigc=old"]))])
        let labeled = try LabelWriter.write(ConformanceSample.labelA, into: flac)
        #expect(labeled.count > flac.count)
        let found = try AudioCheck.labels(labeled)
        #expect(found.count == 1)
        #expect(found.first?.kind == .vorbisComment)
        #expect(found.first?.location.contains("comment[1]") == true, "the old label's place is kept")
        #expect(Array(labeled.suffix(Build.flacFrames.count)) == Build.flacFrames)
    }

    @Test func aFileWithOnlySTREAMINFOGetsACommentBlock() throws {
        let flac = Build.flac([])
        let labeled = try LabelWriter.write(ConformanceSample.labelA, into: flac)
        let structure = try FLACStructure(MemoryByteSource(labeled))
        #expect(structure.blocks.map(\.type) == [0, 4])
        #expect(structure.blocks.map(\.isLast) == [false, true])
        #expect(try AudioCheck.labels(labeled).count == 1)
    }

    @Test func hostileFilesAreRefused() {
        let flac = Build.flac([(4, Build.vorbisComment(["TITLE=song"])), (1, [UInt8](repeating: 0, count: 64))])
        for cut in [3, 6, 30, 45, 60] { AudioCheck.refuses(Array(flac.prefix(cut)), "cut at \(cut)") }
        var lying = flac
        lying[42 + 1] = 0xFF // the comment block claims 16 MiB
        AudioCheck.refuses(lying, "a block length past the end")
        var shifted = flac
        shifted[42 + 3] &+= 2 // a length that stays inside the file but misses the frames
        AudioCheck.refuses(shifted, "a block length that misses the frame sync")
        var comments = flac
        comments[46 + 4 + 4] = 0xFF // the comment count lies
        comments[46 + 4 + 5] = 0xFF
        AudioCheck.refuses(comments, "a comment count past the end")
    }

    @Test(.enabled(if: Fixtures.audioFormatsAvailable, "the shared audio corpus is not present"), arguments: Fixtures.audioFiles(".flac"))
    func corpusFile(_ name: String) throws {
        let bytes = try Fixtures.audio(name)
        let labeled = try AudioCheck.labelAndCheck(bytes, format: .flac, name: name)
        let before = try FLACStructure(MemoryByteSource(bytes))
        let after = try FLACStructure(MemoryByteSource(labeled))
        #expect(before.blocks.map(\.type) == after.blocks.map(\.type), "\(name): the same blocks in the same order")
        for type in [FLACStructure.BlockType.streamInfo, .seekTable, .picture, .application, .cueSheet] {
            #expect(before.blocks(type).map { Array(bytes[$0.data]) } == after.blocks(type).map { Array(labeled[$0.data]) }, "\(name): \(type) kept")
        }
        let comments = try VorbisComment(parsing: Array(bytes[before.blocks(.vorbisComment)[0].data]), base: 0, structure: "")
        let labeledComments = try VorbisComment(parsing: Array(labeled[after.blocks(.vorbisComment)[0].data]), base: 0, structure: "")
        #expect(labeledComments.vendor == comments.vendor)
        #expect(labeledComments.comments.filter { !$0.isLabel }.map(\.bytes) == comments.comments.map(\.bytes), "\(name): every other comment kept")
        if !before.blocks(.padding).isEmpty {
            #expect(labeled.count == bytes.count, "\(name): written into the padding")
        }
    }
}
