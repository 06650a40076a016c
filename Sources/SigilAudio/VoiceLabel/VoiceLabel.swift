#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import Foundation
public import SigilCore
public import SigilFFmpeg

/// The spoken form of the audio explicit label (GB 45438 5.3 b): a sentence with both wording elements, spoken at
/// 120–160 Chinese characters a minute. It comes from a clip the provider supplies (checked for its rate) or is
/// synthesised on this machine with Debian's `espeak-ng` (Mandarin voice), its speed adjusted until the speech
/// runs at ``charactersPerMinute``. Decision 0025.
public struct VoiceLabel: Sendable, Hashable {
    /// The sentence (default 「本内容由人工智能生成」).
    public var text: String
    /// The speaking rate aimed for when synthesising.
    public var charactersPerMinute: Double
    /// A provider's recording of ``text`` to use instead of synthesis.
    public var clip: String?

    /// The rates GB 45438 5.3 b) allows.
    public static let rateRange = 120.0...160.0
    /// The default sentence.
    public static let defaultText = "本内容由人工智能生成"

    public init(text: String = VoiceLabel.defaultText, charactersPerMinute: Double = 140, clip: String? = nil) {
        self.text = text
        self.charactersPerMinute = charactersPerMinute
        self.clip = clip
    }

    /// The characters that count towards the rate: letters and CJK ideographs, not punctuation or spaces.
    public var spokenCharacters: Int { text.unicodeScalars.filter { $0.properties.isAlphabetic }.count }

    /// The spoken label as interleaved float samples at `sampleRate` with `channels` channels, at full level (the
    /// inserter sets its loudness), and the rate it was measured to speak at.
    ///
    /// - Throws: ``SigilError`` `.externalTool` when espeak-ng or ffmpeg is missing or fails, `.usage` when a
    ///   supplied clip speaks outside 120–160 characters a minute or holds no speech.
    public func samples(sampleRate: Int, channels: Int, tools: FFmpegTools) throws -> (samples: [Float], charactersPerMinute: Double) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(WorkingFile.tag() + "-voice")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(at: directory) }
        let converted = directory.appendingPathComponent("voice.f32").path
        func render(_ input: String) throws -> [Float] {
            try tools.ffmpeg(["-i", input, "-ar", String(sampleRate), "-ac", String(channels), "-f", "f32le", "-c:a", "pcm_f32le", "-y", converted])
            let data = try Data(contentsOf: URL(fileURLWithPath: converted))
            return data.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
        }
        if let clip {
            let samples = try render(clip)
            let rate = try rate(of: samples, sampleRate: sampleRate, channels: channels)
            guard Self.rateRange.contains(rate) else {
                throw SigilError(
                    .usage,
                    "the voice label clip speaks \(spokenCharacters) characters at \(Int(rate.rounded())) a minute; GB 45438 5.3 b) wants 120–160")
            }
            return (samples, rate)
        }
        // espeak-ng's speed is in words a minute; scale it once by how far the first rendering missed the target.
        let espeak = try FFmpegTools.executable(
            "espeak-ng", neededFor: "the synthesised voice label needs it (Debian package espeak-ng), or give a clip")
        let wav = directory.appendingPathComponent("voice.wav").path
        var speed = 150.0
        var result: (samples: [Float], charactersPerMinute: Double) = ([], 0)
        for _ in 0..<3 {
            try tools.run(espeak, ["-v", "cmn", "-s", String(Int(speed.rounded())), "-w", wav, text])
            let samples = try render(wav)
            let rate = try rate(of: samples, sampleRate: sampleRate, channels: channels)
            result = (samples, rate)
            if abs(rate - charactersPerMinute) <= 5 { break }
            speed = min(450, max(80, speed * charactersPerMinute / rate))
        }
        guard Self.rateRange.contains(result.charactersPerMinute) else {
            throw SigilError(
                .externalTool, "espeak-ng spoke the voice label at \(Int(result.charactersPerMinute)) characters a minute, outside 120–160")
        }
        return result
    }

    /// Characters a minute over the span from the first to the last sample above −40 dBFS.
    func rate(of samples: [Float], sampleRate: Int, channels: Int) throws -> Double {
        let threshold: Float = 0.01
        guard let first = samples.firstIndex(where: { abs($0) > threshold }), let last = samples.lastIndex(where: { abs($0) > threshold }),
            last > first
        else {
            throw SigilError(.usage, "the voice label holds no speech (nothing above −40 dBFS)")
        }
        let seconds = Double((last - first) / channels) / Double(sampleRate)
        return Double(spokenCharacters) / (seconds / 60)
    }
}
