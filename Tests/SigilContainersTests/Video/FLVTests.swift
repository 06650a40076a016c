import Foundation
import SigilTestSupport
import Testing
@testable import SigilContainers

/// FLV labels (`onMetaData` key `AIGC`) on the shared clip, on ffmpeg's keyframe-indexed copy of it and on built
/// files: one label, audio and video tags byte-identical, the keyframe index still pointing at the video tags.
@Suite struct FLVTests {
    static let clips = Fixtures.videoFiles(".flv")

    @Test(.enabled(if: Fixtures.videoAvailable, "the shared video clips are not present"))
    func theClipIsPresent() {
        #expect(!Self.clips.isEmpty)
    }

    @Test(arguments: clips)
    func labelsTheClip(_ name: String) throws {
        let bytes = try Fixtures.video(name)
        try AudioCheck.labelAndCheck(bytes, format: .flv, name: name, streams: "0")
    }

    /// The keyframe positions of the `onMetaData` tag of `bytes`, and the offsets of the video tags.
    func keyframes(_ bytes: [UInt8]) throws -> (index: [Int], video: Set<Int>) {
        let source = MemoryByteSource(bytes)
        let structure = try FLVStructure(source)
        let script = try #require(structure.tags.first { $0.type == FLVStructure.Tag.script })
        let value = try FLVStructure.script(script, in: source).value
        let index = value.entries?.first { String(decoding: $0.key, as: UTF8.self) == "keyframes" }?.value.entries?
            .first { String(decoding: $0.key, as: UTF8.self) == "filepositions" }?.value
        guard case .strictArray(let numbers) = index else { return ([], []) }
        let positions = numbers.compactMap { item -> Int? in
            guard case .number(let bits) = item else { return nil }
            return Int(Double(bitPattern: bits))
        }
        return (positions, Set(structure.tags.filter { $0.type == 9 }.map(\.offset)))
    }

    @Test func theKeyframeIndexMovesWithTheTags() throws {
        let flv = Build.flv(keyframes: true)
        let before = try keyframes(flv)
        #expect(before.index.count == 3 && Set(before.index).isSubset(of: before.video))
        let labeled = try LabelWriter.write(ConformanceSample.labelA, into: flv)
        #expect(labeled.count > flv.count)
        let after = try keyframes(labeled)
        #expect(after.index.count == 3)
        #expect(Set(after.index).isSubset(of: after.video), "every file position points at a video tag")
        #expect(
            try FLVFormat().essenceRanges(in: MemoryByteSource(labeled)).flatMap { labeled[$0] }
                == FLVFormat().essenceRanges(in: MemoryByteSource(flv)).flatMap { flv[$0] })
    }

    /// ffmpeg's own keyframe index (`-flvflags add_keyframe_index`) on the shared clip.
    @Test(.enabled(if: AudioCheck.hasFFmpeg && Fixtures.videoAvailable, "ffmpeg or the shared clips are not present"))
    func ffmpegsKeyframeIndexIsKept() throws {
        let name = try #require(Self.clips.first)
        let dir = try TestPaths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let indexed = dir.appendingPathComponent("indexed.flv")
        let run = try TestProcess.run(
            AudioCheck.ffmpeg!,
            [
                "-nostdin", "-v", "error", "-i", Fixtures.videoFolder.appendingPathComponent(name).path, "-c", "copy", "-flvflags",
                "add_keyframe_index", indexed.path,
            ])
        #expect(run.status == 0, "\(run.stderr)")
        let bytes = try [UInt8](Data(contentsOf: indexed))
        let before = try keyframes(bytes)
        #expect(!before.index.isEmpty && Set(before.index).isSubset(of: before.video))
        let labeled = try AudioCheck.labelAndCheck(bytes, format: .flv, name: "indexed.flv", streams: "0")
        let after = try keyframes(labeled)
        #expect(after.index.count == before.index.count)
        #expect(Set(after.index).isSubset(of: after.video), "ffmpeg's keyframe index points at video tags after labeling")
    }

    @Test func aFileWithoutMetadataGetsAnOnMetaDataTag() throws {
        let flv = Build.flv(metadata: nil)
        let labeled = try LabelWriter.write(ConformanceSample.labelA, into: flv)
        let labels = try AudioCheck.labels(labeled)
        #expect(labels.count == 1)
        #expect(labels.first?.standard == true)
        #expect(try FLVStructure(MemoryByteSource(labeled)).tags.first?.type == FLVStructure.Tag.script)
    }

    @Test func hostileFilesAreRefusedAndReadWithFindings() throws {
        let flv = Build.flv()
        // A tag whose DataSize runs past the end of the file.
        var past = flv
        past.replaceSubrange(14..<17, with: [0xFF, 0xFF, 0xFF])
        AudioCheck.refuses(past, "DataSize past EOF")
        #expect(try LabelScanner.scan(past).findings.contains { $0.code == .structureTruncated })
        // A strict array that claims four billion values.
        let lying = Build.flv(metadata: [("x", .strictArray([]))])
        var huge = lying
        let marker = try #require(huge.firstIndex(of: [10, 0, 0, 0, 0]))
        huge.replaceSubrange((marker + 1)..<(marker + 5), with: [0xFF, 0xFF, 0xFF, 0xFF])
        AudioCheck.refuses(huge, "strict array count")
        #expect(try !LabelScanner.scan(huge).findings.isEmpty)
        // Objects nested 100 deep.
        var value = AMF0.null
        for _ in 0..<100 { value = .object([AMF0.Entry(key: [0x61], value: value)]) }
        AudioCheck.refuses(Build.flv(metadata: [("deep", value)]), "nesting 100 deep")
        // An unknown type marker.
        var unknown = Build.flv(metadata: [("x", .null)])
        let null = try #require(unknown.firstIndex(of: [0, 1, 0x78, 5]))
        unknown[null + 3] = 0x42
        AudioCheck.refuses(unknown, "AMF0 type 0x42")
        for cut in stride(from: 0, to: flv.count, by: 5) {
            let truncated = Array(flv[..<cut])
            _ = try? LabelScanner.scan(truncated)
            if let written = try? LabelWriter.write(ConformanceSample.labelA, into: truncated) {
                #expect(try AudioCheck.labels(written).count == 1, "cut at \(cut)")
            }
        }
    }
}
