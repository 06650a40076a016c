#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
public import SigilContainers
public import SigilCore
import SigilFFmpeg

/// Splices the rhythm label into a PCM WAV without re-encoding it: the label is rendered at the file's rate and
/// channel count, at a level set from the content's loudness (``RhythmLevel``), encoded in the file's sample
/// format and inserted into the `data` chunk at frame boundaries. The result is an ``EditPlan`` over the
/// original, so the original samples are copied as spans and memory stays flat for any file size.
public struct RhythmLabelInserter: Sendable, Hashable {
    /// Where the label goes.
    public enum Position: Sendable, Hashable {
        case start, end, both
        /// Before the frame nearest this time, in seconds from the start.
        case at(seconds: Double)

        /// The latest position a label can be asked for: 30 days, so a frame number computed from it at any sample
        /// rate fits an integer with room to spare.
        public static let latestSeconds: Double = 2_592_000

        /// The frame nearest `seconds` at `sampleRate`, or nil for a time that is not finite, negative, or past
        /// ``latestSeconds``.
        static func frame(at seconds: Double, sampleRate: Int) -> Int? {
            guard seconds.isFinite, seconds >= 0, seconds <= latestSeconds else { return nil }
            return Int(exactly: (seconds * Double(sampleRate)).rounded())
        }

        /// Parses `start`, `end`, `both` or a number of seconds.
        ///
        /// - Throws: ``SigilError`` `.usage` for anything else.
        public init(parsing text: String) throws {
            switch text {
            case "start": self = .start
            case "end": self = .end
            case "both": self = .both
            default:
                guard let seconds = Double(text), seconds.isFinite, seconds >= 0 else {
                    throw SigilError(.usage, "the audio label position must be start, end, both or a time in seconds, not '\(text)'")
                }
                guard seconds <= Self.latestSeconds else {
                    throw SigilError(
                        .usage, "the audio label position \(text) s is past any recording (at most \(Int(Self.latestSeconds)) s, 30 days)")
                }
                self = .at(seconds: seconds)
            }
        }
    }

    public var label: RhythmLabel
    public var position: Position
    public var level: RhythmLevel
    /// When set, the spoken label (GB 45438 5.3 b) goes in instead of the rhythm, at the same level rule and
    /// positions (decision 0025).
    public var voice: VoiceLabel? = nil

    public init(label: RhythmLabel = RhythmLabel(), position: Position = .start, level: RhythmLevel = RhythmLevel()) {
        self.label = label
        self.position = position
        self.level = level
    }

    /// What an insertion did, for reports and tests.
    public struct Outcome: Sendable {
        public var plan: EditPlan
        /// The frames before which a label was inserted (original frame numbers).
        public var frames: [Int]
        /// The content's integrated loudness (nil for silence) and the label's target, in LUFS.
        public var contentLUFS: Double?
        public var labelLUFS: Double
        /// How many seconds of the content its loudness was measured from (all of it up to
        /// ``RhythmLabelInserter/wholeLoudnessSeconds``, excerpts beyond).
        public var contentMeasuredSeconds: Double = 0
        /// Frames per label, padding included.
        public var labelFrames: Int
        /// The spoken label's measured rate in characters a minute; nil for the rhythm label.
        public var voiceCharactersPerMinute: Double? = nil
    }

    /// The edits that insert the label into the PCM WAV `source` reads.
    ///
    /// - Throws: ``SigilError`` `.unsupportedFormat` for a WAV that is not PCM/float, `.usage` for a position past
    ///   the end or settings out of range, and the layout's damage errors.
    public func edits(in source: any ByteSource) throws -> Outcome {
        let layout = try WAVPCMLayout(source)
        let synth = try RhythmSynthesizer(label, sampleRate: layout.sampleRate, channels: layout.channels)
        let (content, measured) = try Self.loudness(of: layout, in: source)
        var samples: [Float]
        var spokenRate: Double? = nil
        if let voice {
            (samples, spokenRate) = try spoken(voice, layout: layout, contentLUFS: content)
        } else {
            samples = synth.samples(amplitude: try level.amplitude(for: synth, contentLUFS: content))
        }
        let codec = PCMCodec(layout.encoding)
        let frames: [Int]
        switch position {
        case .start: frames = [0]
        case .end: frames = [layout.frameCount]
        case .both: frames = layout.frameCount == 0 ? [0] : [0, layout.frameCount]
        case .at(let seconds):
            guard let frame = Position.frame(at: seconds, sampleRate: layout.sampleRate), frame <= layout.frameCount else {
                throw SigilError(
                    .usage,
                    "the audio label position \(seconds) s is past the end of the \(Double(layout.frameCount) / Double(layout.sampleRate)) s file")
            }
            frames = [frame]
        }
        let bridge = min(synth.frames(label.rampMilliseconds), synth.frames(min(label.paddingBeforeMilliseconds, label.paddingAfterMilliseconds)))
        let inserts = try frames.map { frame in
            (frame, codec.encode(try Self.bridged(samples, at: frame, of: layout, in: source, frames: bridge)))
        }
        let plan = try layout.insertions(inserts, sourceLength: source.count)
        return Outcome(
            plan: plan, frames: frames, contentLUFS: content, labelLUFS: level.targetLUFS(content: content), contentMeasuredSeconds: measured,
            labelFrames: samples.count / layout.channels, voiceCharactersPerMinute: spokenRate)
    }

    /// The spoken label at the file's rate and channels, set to the level rule's loudness (peak capped), with the
    /// rhythm label's silence padding on either side.
    func spoken(_ voice: VoiceLabel, layout: WAVPCMLayout, contentLUFS: Double?) throws -> (samples: [Float], rate: Double) {
        let (speech, rate) = try voice.samples(sampleRate: layout.sampleRate, channels: layout.channels, tools: try FFmpegTools.locate())
        let ceiling = Float(pow(10, level.peakCeilingDBFS / 20))
        var gain: Float = 1
        if let measured = try LoudnessMeter.integratedLoudness(of: speech, sampleRate: layout.sampleRate, channels: layout.channels) {
            gain = Float(pow(10, (level.targetLUFS(content: contentLUFS) - measured) / 20))
        }
        let peak = speech.reduce(Float(0)) { max($0, abs($1)) }
        if peak > 0 { gain = min(gain, ceiling / peak) }
        func silence(_ ms: Double) -> [Float] {
            [Float](repeating: 0, count: Int((ms / 1000 * Double(layout.sampleRate)).rounded()) * layout.channels)
        }
        return (silence(label.paddingBeforeMilliseconds) + speech.map { $0 * gain } + silence(label.paddingAfterMilliseconds), rate)
    }

    /// The label's samples joined to the content on either side without a step: its first `frames` frames of
    /// padding glide from the content's last sample to silence and its last `frames` from silence to the content's
    /// next sample (raised-cosine), so the splice adds no click however loud the content is where it is cut.
    static func bridged(_ samples: [Float], at frame: Int, of layout: WAVPCMLayout, in source: any ByteSource, frames: Int) throws -> [Float] {
        guard frames > 0 else { return samples }
        let c = layout.channels
        let codec = PCMCodec(layout.encoding)
        let count = samples.count / c
        func frameSamples(_ index: Int) throws -> [Float] {
            codec.decode(try source.require(layout.blockAlign, at: layout.data.lowerBound + index * layout.blockAlign, for: "WAV data frame"))
        }
        let before = frame > 0 ? try frameSamples(frame - 1) : nil
        let after = frame < layout.frameCount ? try frameSamples(frame) : nil
        var out = samples
        for i in 0..<min(frames, count) {
            let glide = Float(0.5 * (1 + cos(Double.pi * Double(i) / Double(frames))))
            for ch in 0..<c {
                if let before { out[i * c + ch] += before[ch] * glide }
                if let after { out[(count - 1 - i) * c + ch] += after[ch] * glide }
            }
        }
        return out
    }

    /// Audio up to this long is measured whole; longer audio from excerpts (``loudness(of:in:)``, decision 0032).
    public static let wholeLoudnessSeconds = 60.0
    /// How many excerpts, and how long each, a long file's loudness is estimated from: 48 × 0.8 s = 38.4 s of audio
    /// spread evenly over the file, whatever its length.
    static let loudnessExcerpts = (count: 48, seconds: 0.8)

    /// The content's integrated loudness (EBU R128, gated; nil for silence) and how many seconds of it were measured.
    ///
    /// Up to ``wholeLoudnessSeconds`` every sample is measured. A longer file is estimated from
    /// ``loudnessExcerpts`` spread evenly over it, each measured apart and gated together, so the rhythm label's
    /// level costs the same for a minute or for a day of audio and the label is written at the speed of a copy
    /// (decision 0032: on the held-out long files the estimate was within 1 LU of the whole file's loudness).
    public static func loudness(of layout: WAVPCMLayout, in source: any ByteSource) throws -> (lufs: Double?, measuredSeconds: Double) {
        let rate = Double(layout.sampleRate)
        let seconds = Double(layout.frameCount) / rate
        guard seconds > wholeLoudnessSeconds else {
            let meter = try LoudnessMeter(sampleRate: layout.sampleRate, channels: layout.channels)
            try PCMCodec.forEachChunk(of: layout, in: source) { meter.add($0) }
            return (meter.integratedLoudness, seconds)
        }
        let codec = PCMCodec(layout.encoding)
        let excerptFrames = Int(loudnessExcerpts.seconds * rate)
        let stride = (layout.frameCount - excerptFrames) / (loudnessExcerpts.count - 1)
        var meters: [LoudnessMeter] = []
        for index in 0..<loudnessExcerpts.count {
            let meter = try LoudnessMeter(sampleRate: layout.sampleRate, channels: layout.channels)
            let offset = layout.data.lowerBound + index * stride * layout.blockAlign
            meter.add(codec.decode(try source.require(excerptFrames * layout.blockAlign, at: offset, for: "WAV data frames")))
            meters.append(meter)
        }
        return (LoudnessMeter.integratedLoudness(combining: meters), Double(excerptFrames * loudnessExcerpts.count) / rate)
    }
}
