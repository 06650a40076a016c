import Foundation
import Testing
@testable import SigilContainers

extension ID3Unsynchronisation {
    /// `bytes` with `00` put after every `FF` that precedes `E0`–`FF` or `00` (what an unsynchronising writer does).
    static func encodeForTests(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        for (i, b) in bytes.enumerated() {
            out.append(b)
            if b == 0xFF, i + 1 < bytes.count, bytes[i + 1] >= 0xE0 || bytes[i + 1] == 0 { out.append(0) }
        }
        return out
    }
}

@Suite struct MP3WriterTests {
    static let cover = Build.id3Frame("APIC", [0] + Array("image/png".utf8) + [0, 3, 0] + [0x89, 0x50, 0x4E, 0x47, 1, 2, 3])

    /// The frames of the file's tag (decoded when unsynchronised) other than `TXXX:AIGC`, as bytes.
    static func otherFrames(_ bytes: [UInt8]) throws -> [[UInt8]] {
        guard let tag = try ID3Tag.read(bytes), let (tagBytes, readable) = try ID3Unsynchronisation.readable(Array(bytes[tag.range])) else {
            return []
        }
        return readable.frames.filter { frame in
            ID3Labels.labelText(tagBytes, frame, major: readable.major, tagFlags: readable.flags).map { $0.0 != "AIGC" } ?? true
        }.map { Array(tagBytes[$0.range]) }
    }

    @Test func theLabelIsMergedIntoTheTagAndThePaddingReused() throws {
        let mp3 = Build.mp3([Build.id3Frame("TIT2", [3] + Array("title".utf8)), Self.cover], padding: 512, trailer: Build.apev2 + Build.id3v1)
        let labeled = try LabelWriter.write(ConformanceSample.labelA, into: mp3)
        #expect(labeled.count == mp3.count, "the padding took the frame")
        #expect(try Self.otherFrames(labeled) == Self.otherFrames(mp3))
        #expect(Array(labeled.suffix(Build.mpegFrames.count + Build.apev2.count + 128)) == Build.mpegFrames + Build.apev2 + Build.id3v1)
        #expect(try MP3Structure(MemoryByteSource(labeled)).audio.count == Build.mpegFrames.count, "APEv2 and ID3v1 are not audio")
    }

    @Test func aFileWithoutATagGetsAnID3v24Tag() throws {
        let labeled = try LabelWriter.write(ConformanceSample.labelA, into: Build.mp3(nil))
        #expect(Array(labeled.prefix(5)) == Array("ID3".utf8) + [4, 0])
        #expect(try AudioCheck.labels(labeled).count == 1)
        #expect(Array(labeled.suffix(Build.mpegFrames.count)) == Build.mpegFrames)
    }

    @Test func anID3v23TagGetsAnID3v23FrameAndAnOldLabelIsReplaced() throws {
        let mp3 = Build.mp3(
            [Build.txxx("AIGC", "old", major: 3), Build.txxx("SOURCE", "x", major: 3), Build.txxx("AIGC", "older", major: 3)], major: 3)
        let labeled = try LabelWriter.write(ConformanceSample.labelA, into: mp3)
        #expect(labeled[3] == 3)
        let tag = try #require(try ID3Tag.read(labeled))
        #expect(tag.frames.map(\.id) == ["TXXX", "TXXX"])
        #expect(try AudioCheck.labels(labeled).first?.location.contains("TXXX[0]") == true, "in the old label's place")
    }

    @Test func anUnsynchronisedID3v23TagIsDecodedAndItsFramesKept() throws {
        // A cover with FF E0 in it: the writer that unsynchronised the tag put 00 after the FF.
        let body: [UInt8] = [0] + Array("image/jpeg".utf8) + [0, 3, 0] + [0xFF, 0xD8, 0xFF, 0xE0, 0x01]
        let plain = Build.id3Frame("APIC", body, major: 3)
        let unsynchronised = ID3Unsynchronisation.encodeForTests(plain)
        #expect(unsynchronised.count > plain.count)
        let mp3 = Build.mp3([unsynchronised], major: 3, flags: 0x80)
        let labeled = try LabelWriter.write(ConformanceSample.labelA, into: mp3)
        #expect(labeled[5] & 0x80 == 0, "written without unsynchronisation")
        #expect(try Self.otherFrames(labeled) == [plain])
        #expect(try AudioCheck.labels(labeled).count == 1)
    }

    @Test func anExtendedHeaderIsDropped() throws {
        let extended: [UInt8] = ID3Tag.syncsafeBytes(6) + [1, 0]
        let frames = extended + Build.id3Frame("TIT2", [3] + Array("t".utf8))
        let mp3 = Array("ID3".utf8) + [4, 0, 0x40] + ID3Tag.syncsafeBytes(frames.count) + frames + Build.mpegFrames
        let labeled = try LabelWriter.write(ConformanceSample.labelA, into: mp3)
        #expect(labeled[5] & 0x40 == 0)
        #expect(try Self.otherFrames(labeled) == [Build.id3Frame("TIT2", [3] + Array("t".utf8))])
    }

    @Test func hostileFilesAreRefused() {
        let mp3 = Build.mp3([Build.txxx("SOURCE", "x")], padding: 16)
        for cut in [5, 9, 12, 30] { AudioCheck.refuses(Array(mp3.prefix(cut)), "cut at \(cut)") }
        var lying = mp3
        lying[6] = 0x7F // a 256 MiB tag in a small file
        AudioCheck.refuses(lying, "an ID3 size past the end")
        var short = mp3
        short[9] = 10 // the tag ends inside its frames: no MPEG sync follows
        AudioCheck.refuses(short, "an ID3 size that misses the audio")
        var frame = mp3
        frame[10 + 4] = 0x7F // a frame size past the tag
        AudioCheck.refuses(frame, "a frame size past the tag")
    }

    @Test(.enabled(if: Fixtures.audioFormatsAvailable, "the shared audio corpus is not present"), arguments: Fixtures.audioFiles(".mp3"))
    func corpusFile(_ name: String) throws {
        let bytes = try Fixtures.audio(name)
        let labeled = try AudioCheck.labelAndCheck(bytes, format: .mp3, name: name)
        #expect(try Self.otherFrames(labeled) == Self.otherFrames(bytes), "\(name): every other frame kept")
        let before = try MP3Structure(MemoryByteSource(bytes))
        let after = try MP3Structure(MemoryByteSource(labeled))
        #expect(Array(bytes[before.audio.upperBound...]) == Array(labeled[after.audio.upperBound...]), "\(name): APEv2/ID3v1 kept")
        if let tag = try ID3Tag.read(bytes), tag.frames.last.map({ tag.framesEnd - $0.range.upperBound }) ?? 0 > 300 {
            #expect(labeled.count == bytes.count, "\(name): written into the padding")
        }
    }
}
