import Foundation
import SigilAudio
import SigilContainers
import SigilCore
import SigilFFmpeg
import SigilTestSupport
import Testing

private let sharedAudio = TestPaths.shared.appendingPathComponent("media/audio")

/// Chromaprint fingerprints find a sound again after a re-encode and in an excerpt, and keep different sounds apart
/// (decision 0033). The shared clips are the tuning set; the held-out recall is in the benchmark.
@Suite(.enabled(if: FileManager.default.fileExists(atPath: sharedAudio.path), "needs ../shared/media/audio"))
struct AudioFingerprintTests {
    static let folder = sharedAudio
    static var clips: [URL] {
        ((try? FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)) ?? [])
            .filter { $0.pathExtension == "wav" }.sorted { $0.path < $1.path }
    }

    func fingerprint(_ url: URL) throws -> AudioFingerprint {
        try AudioFingerprint.compute(wav: MemoryByteSource([UInt8](try Data(contentsOf: url))))
    }

    @Test func aSoundMatchesItselfExactly() throws {
        let print = try fingerprint(try #require(Self.clips.first))
        #expect(print.values.count > 100)
        let match = try #require(print.match(in: print))
        #expect(match.offset == 0 && match.bitErrorRate == 0)
    }

    @Test func differentSoundsDoNotMatch() throws {
        let prints = try Self.clips.map(fingerprint)
        #expect(prints.count >= 6)
        for (i, a) in prints.enumerated() {
            for (j, b) in prints.enumerated() where i != j {
                let near = a.compare(b, at: 0)?.bitErrorRate ?? 1
                #expect(a.match(in: b) == nil, "\(Self.clips[i].lastPathComponent) in \(Self.clips[j].lastPathComponent) (BER at 0: \(near))")
            }
        }
    }

    @Test func tooShortASoundMatchesNothing() throws {
        let print = try fingerprint(try #require(Self.clips.first))
        let short = AudioFingerprint(values: Array(print.values.prefix(AudioFingerprint.minimumOverlap - 1)))
        #expect(short.match(in: print) == nil)
    }

    @Test(.enabled(if: (try? FFmpegTools.locate()) != nil, "needs ffmpeg"))
    func aReencodedSoundAndAnExcerptMatchWhereTheyCameFrom() throws {
        let tools = try FFmpegTools.locate()
        let dir = try TestPaths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        for clip in Self.clips {
            let original = try fingerprint(clip)
            let mp3 = dir.appendingPathComponent("low.mp3").path
            try tools.ffmpeg(["-i", clip.path, "-map_metadata", "-1", "-c:a", "libmp3lame", "-b:a", "64k", "-y", mp3])
            let reencoded = try #require(
                try AudioFingerprint.compute(audio: [UInt8](try Data(contentsOf: URL(fileURLWithPath: mp3))), format: .mp3, tools: tools))
            let whole = try #require(reencoded.match(in: original), "\(clip.lastPathComponent) after MP3 64k")
            #expect(abs(whole.offset) <= 1)
            let excerpt = dir.appendingPathComponent("excerpt.wav").path
            try tools.ffmpeg(["-ss", "8", "-t", "10", "-i", clip.path, "-map_metadata", "-1", "-c:a", "pcm_s16le", "-y", excerpt])
            let cut = try fingerprint(URL(fileURLWithPath: excerpt))
            let found = try #require(cut.match(in: original), "\(clip.lastPathComponent): a 10-s excerpt from 8 s")
            #expect(abs(found.seconds - 8) < 0.5, "found at \(found.seconds) s")
        }
    }
}
