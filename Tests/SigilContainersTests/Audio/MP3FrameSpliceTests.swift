import Foundation
@testable import SigilContainers
import SigilTestSupport
import Testing

/// Whole Layer III frames joined at the start and end of an MP3 (the rhythm label without re-encoding the
/// original, decision 0024): original frames unchanged, Xing/LAME counts and CRCs brought up to date, bad input named.
struct MP3FrameSpliceTests {
    static let vbr = TestPaths.shared.appendingPathComponent("media/audio-formats/m07__mp3_vbr_xing_id3v24.mp3")

    /// Frames cut from the file itself (after its Info frame) stand in for an encoded label.
    static func frames(of mp3: [UInt8], count: Int) throws -> (frames: [UInt8], infoFrameEnd: Int) {
        var at = 10 + ID3Tag.syncsafe(mp3, 6)
        while mp3[at] == 0 { at += 1 }
        let info = try #require(MPEGAudioFrameHeader(mp3, at: at))
        let start = at + info.length
        var end = start
        for _ in 0..<count { end += try #require(MPEGAudioFrameHeader(mp3, at: end)).length }
        return (Array(mp3[start..<end]), start)
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: vbr.path), "the shared MP3 is not present"))
    func framesJoinAtBothEndsAndTheInfoHeaderFollows() throws {
        let mp3 = try [UInt8](Data(contentsOf: Self.vbr))
        let (label, infoEnd) = try Self.frames(of: mp3, count: 5)
        let out = try MP3FrameSplice.insert(.init(frames: label, atStart: true, atEnd: true), into: mp3)
        #expect(out.count == mp3.count + 2 * label.count)
        #expect(Array(out[infoEnd..<(infoEnd + label.count)]) == label, "the label's frames follow the Info frame")
        #expect(Array(out[(infoEnd + label.count)..<(out.count - label.count)]) == Array(mp3[infoEnd...]), "the original frames are unchanged")
        // The Info frame's frame and byte counts grew by both copies.
        let original = try #require(Self.counts(mp3))
        let joined = try #require(Self.counts(out))
        #expect(joined.frames == original.frames + 10)
        #expect(joined.bytes == original.bytes + 2 * label.count)
        #expect(joined.tagCRCValid, "the LAME tag CRC was recomputed")
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: vbr.path), "the shared MP3 is not present"))
    func bytesThatAreNotFramesAreRefusedWithTheirOffset() throws {
        let mp3 = try [UInt8](Data(contentsOf: Self.vbr))
        let (label, _) = try Self.frames(of: mp3, count: 2)
        #expect(throws: SigilError.self) { try MP3FrameSplice.insert(.init(frames: label + [0, 1, 2, 3], atStart: true, atEnd: false), into: mp3) }
        do {
            _ = try MP3FrameSplice.insert(.init(frames: Array(label.dropLast(7)), atStart: true, atEnd: false), into: mp3)
            Issue.record("a truncated frame was accepted")
        } catch let error as SigilError {
            #expect(error.message.contains("inserted MPEG frame"), "\(error.message)")
        }
    }

    /// The Xing frame and byte counts and whether the LAME tag CRC is right.
    static func counts(_ mp3: [UInt8]) -> (frames: Int, bytes: Int, tagCRCValid: Bool)? {
        var at = 10 + ID3Tag.syncsafe(mp3, 6)
        while mp3[at] == 0 { at += 1 }
        guard let header = MPEGAudioFrameHeader(mp3, at: at) else { return nil }
        let xing = at + 4 + header.sideInfoLength
        guard mp3.matches(ascii: "Xing", at: xing) || mp3.matches(ascii: "Info", at: xing) else { return nil }
        let lame = xing + 120
        var crc: UInt16 = 0
        for byte in mp3[at..<(lame + 34)] {
            crc ^= UInt16(byte)
            for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0xA001 : crc >> 1 }
        }
        return (mp3.u32be(xing + 8), mp3.u32be(xing + 12), Int(crc) == mp3.u16be(lame + 34))
    }
}
