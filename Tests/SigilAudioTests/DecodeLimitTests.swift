import Foundation
import SigilAudio
import SigilCore
import SigilFFmpeg
import SigilTestSupport
import Testing

/// Verification decodes compressed audio through ffmpeg with a bound on duration and size: a few bytes can declare
/// hours of many channels. The bound is what ffmpeg is told (`-t`, `-fs`), checked on a real file.
@Suite(.enabled(if: (try? FFmpegTools.locate()) != nil, "ffmpeg is not installed"))
struct DecodeLimitTests {
    let audio = FFmpegAudio(tools: try! FFmpegTools.locate())
    let flac = try! [UInt8](Data(contentsOf: TestPaths.examples.appendingPathComponent("chord.flac")))

    /// The WAV's data chunk length.
    func dataBytes(_ wav: [UInt8]) -> Int {
        var at = 12
        while at + 8 <= wav.count {
            let size = Int(wav[at + 4]) | Int(wav[at + 5]) << 8 | Int(wav[at + 6]) << 16 | Int(wav[at + 7]) << 24
            if wav[at..<(at + 4)].elementsEqual("data".utf8) { return min(size, wav.count - at - 8) }
            at += 8 + size + (size & 1)
        }
        return 0
    }

    @Test func aDurationLimitCutsTheDecodedAudio() throws {
        let whole = try audio.decodeToWAV(flac, fileExtension: "flac")
        let cut = try audio.decodeToWAV(flac, fileExtension: "flac", limit: .init(seconds: 0.25, bytes: 1 << 30))
        #expect(dataBytes(whole) > 0)
        #expect(dataBytes(cut) < dataBytes(whole), "\(dataBytes(cut)) of \(dataBytes(whole))")
    }

    @Test func aSizeLimitCutsTheDecodedAudio() throws {
        let cut = try audio.decodeToWAV(flac, fileExtension: "flac", limit: .init(seconds: 7_200, bytes: 20_000))
        #expect(cut.count <= 20_000 + 4_096, "\(cut.count) bytes")
    }

    /// Labeling must cover all of the audio: past its limit it refuses (a decompression bomb), never labels a cut file.
    @Test func labelingRefusesAudioPastItsLimitInsteadOfCuttingIt() throws {
        let whole = try audio.decodeToWAV(flac, fileExtension: "flac", limit: .labeling)
        #expect(dataBytes(whole) > 20_000)
        let error = #expect(throws: SigilError.self) {
            _ = try audio.decodeToWAV(flac, fileExtension: "flac", limit: .init(seconds: 86_400, bytes: 20_000, refusesMore: true))
        }
        #expect(error?.code == .tooLarge)
        // A refusing limit is never a cut by duration either: ffmpeg is not told the seconds (stop 41 review).
        let long = try audio.decodeToWAV(flac, fileExtension: "flac", limit: .init(seconds: 0.25, bytes: 1 << 30, refusesMore: true))
        #expect(dataBytes(long) == dataBytes(whole))
    }
}
