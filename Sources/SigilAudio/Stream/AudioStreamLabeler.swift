#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
public import SigilContainers
public import SigilCore

/// Puts the rhythm label (GB 45438 5.3) into PCM audio while it streams, for TTS and voice assistants that send
/// sound before it is all synthesised (decision 0026).
///
/// The content passes through byte for byte and is never held back: ``opening()`` gives the label to send before
/// the first chunk (the listener hears it while synthesis is still running), ``pass(_:)`` returns each chunk as
/// it came (with a label spliced in at a given time, for ``RhythmLabelInserter/Position/at(seconds:)``), and
/// ``finish()`` gives the closing label. The only delay the label adds is its own length. Call ``opening()``
/// again at the start of each turn of a conversation.
///
/// Levels follow ``RhythmLevel``: the closing label is set from the integrated loudness (EBU R128) of everything
/// that passed, measured as it passed; an opening label cannot know the content yet and is set from
/// `assumedContentLUFS` (a TTS voice's usual level). Each label's last few milliseconds go out with the first
/// frame after it and glide into that frame, so there is no click however the content starts; the same glide
/// joins the content's last frame to a closing label.
///
/// One instance labels one stream, on one task; it is not `Sendable`.
public final class AudioStreamLabeler {
    /// A label in the output, for the record and for tests.
    public struct Placed: Sendable, Hashable {
        /// The first output frame of the label (its padding included), counted from the first frame sent.
        public var frame: Int
        /// Frames the label takes.
        public var frames: Int
        /// The loudness it was set to, in LUFS.
        public var lufs: Double
    }

    public let encoding: WAVPCMLayout.SampleEncoding
    public let channels: Int
    public let sampleRate: Int
    public let position: RhythmLabelInserter.Position
    public let level: RhythmLevel
    /// The content loudness an opening label assumes.
    public let assumedContentLUFS: Double

    /// The labels sent so far, in output order.
    public private(set) var placed: [Placed] = []
    /// Content bytes passed so far.
    public private(set) var contentBytes = 0

    private let synthesizer: RhythmSynthesizer
    private let codec: PCMCodec
    private let meter: LoudnessMeter
    private let blockAlign: Int
    private let bridge: Int
    /// Output frames sent so far (content and labels).
    private var outputFrames = 0
    /// Bytes of a partial frame not yet measured.
    private var measureCarry: [UInt8] = []
    /// The last whole content frame, for the glide into a label that follows it.
    private var lastFrame: [Float]?
    /// The end of a label, waiting for the content frame it glides into, and content bytes held until that frame
    /// is complete.
    private var pendingTail: [Float]?
    private var held: [UInt8] = []
    /// The content byte offset of a label still to come inside the stream.
    private var midLabelAt: Int?
    private var finished = false

    /// - Parameters:
    ///   - position: `.start`, `.end`, `.both`, or `.at(seconds:)` measured in content time.
    ///   - assumedContentLUFS: the loudness an opening label is set against (default −18 LUFS).
    /// - Throws: ``SigilError`` `.usage` for settings or a format out of range; `.codec` when libebur128 fails.
    public init(
        encoding: WAVPCMLayout.SampleEncoding, channels: Int, sampleRate: Int, label: RhythmLabel = RhythmLabel(),
        position: RhythmLabelInserter.Position = .start, level: RhythmLevel = RhythmLevel(), assumedContentLUFS: Double = -18
    ) throws {
        guard assumedContentLUFS.isFinite, (-70...0).contains(assumedContentLUFS) else {
            throw SigilError(.usage, "the assumed content loudness must be −70…0 LUFS, not \(assumedContentLUFS)")
        }
        synthesizer = try RhythmSynthesizer(label, sampleRate: sampleRate, channels: channels)
        meter = try LoudnessMeter(sampleRate: sampleRate, channels: channels)
        codec = PCMCodec(encoding)
        blockAlign = channels * encoding.bytes
        bridge = min(
            synthesizer.frames(label.rampMilliseconds), synthesizer.frames(min(label.paddingBeforeMilliseconds, label.paddingAfterMilliseconds)))
        self.encoding = encoding
        self.channels = channels
        self.sampleRate = sampleRate
        self.position = position
        self.level = level
        self.assumedContentLUFS = assumedContentLUFS
        if case .at(let seconds) = position {
            guard let frame = RhythmLabelInserter.Position.frame(at: seconds, sampleRate: sampleRate) else {
                throw SigilError(.usage, "the audio label position \(seconds) s is not a time in a recording (0 to 30 days)")
            }
            midLabelAt = frame * blockAlign
        }
    }

    /// The label to send before the content (for `.start` and `.both`; empty otherwise), or at the start of a
    /// new turn. Its last few milliseconds follow with the first frame that ``pass(_:)`` or ``finish()`` sees.
    ///
    /// - Throws: ``SigilError`` `.usage` after ``finish()``, or when the content so far ends inside a frame.
    public func opening() throws -> [UInt8] {
        guard !finished else { throw SigilError(.usage, "the stream is finished; start a new labeler for the next stream") }
        if contentBytes == 0 {
            switch position {
            case .start, .both: break
            case .end, .at: return []
            }
        }
        guard measureCarry.isEmpty, held.isEmpty else {
            throw SigilError(
                .usage, "a turn's label goes between frames, but the content so far ends \(measureCarry.count) bytes into a \(blockAlign)-byte frame")
        }
        return place(content: contentBytes == 0 ? assumedContentLUFS : meter.integratedLoudness ?? assumedContentLUFS)
    }

    /// One chunk of content: returned unchanged, after any label that falls before it, with a label spliced in
    /// where `.at(seconds:)` puts it. A chunk may end inside a frame.
    ///
    /// - Throws: ``SigilError`` `.usage` after ``finish()``.
    public func pass(_ chunk: [UInt8]) throws -> [UInt8] {
        guard !finished else { throw SigilError(.usage, "the stream is finished; no more content can pass") }
        var out: [UInt8] = []
        var rest = ArraySlice(chunk)
        while !rest.isEmpty {
            if let at = midLabelAt, contentBytes + rest.count >= at {
                // Content up to the label's frame, then the label, set from the loudness so far.
                let before = at - contentBytes
                out += passThrough(rest.prefix(before))
                rest = rest.dropFirst(before)
                midLabelAt = nil
                out += place(content: meter.integratedLoudness ?? assumedContentLUFS)
                continue
            }
            out += passThrough(rest)
            rest = []
        }
        return out
    }

    /// Ends the stream: any label end still waiting, then the closing label (for `.end` and `.both`, and for a
    /// `.at(seconds:)` past the end of the content), set from the loudness of everything that passed.
    public func finish() throws -> [UInt8] {
        guard !finished else { return [] }
        var out: [UInt8] = []
        // A partial frame at the end goes after the waiting label end.
        out += flushTail(after: nil) + held
        held = []
        let closing: Bool
        switch position {
        case .end, .both: closing = true
        case .at: closing = midLabelAt != nil
        case .start: closing = false
        }
        if closing {
            out += place(content: meter.integratedLoudness)
            out += flushTail(after: nil)
        }
        finished = true
        return out
    }

    // MARK: - Inside

    /// Renders a label at the current output position, set against `content` LUFS (nil: silence): any waiting
    /// label end first, then its head now (gliding from the last content frame), its last `bridge` frames held
    /// until the next content frame is known.
    private func place(content: Double?) -> [UInt8] {
        let out = flushTail(after: nil)
        let amplitude = (try? level.amplitude(for: synthesizer, contentLUFS: content)) ?? pow(10, level.peakCeilingDBFS / 20)
        var samples = synthesizer.samples(amplitude: amplitude)
        let count = samples.count / channels
        if let lastFrame, bridge > 0 {
            for i in 0..<min(bridge, count) {
                let glide = Float(0.5 * (1 + cos(Double.pi * Double(i) / Double(bridge))))
                for c in 0..<channels { samples[i * channels + c] += lastFrame[c] * glide }
            }
        }
        placed.append(Placed(frame: outputFrames, frames: count, lufs: level.targetLUFS(content: content)))
        let split = max(0, count - bridge) * channels
        pendingTail = Array(samples[split...])
        outputFrames += split / channels
        return out + codec.encode(Array(samples[..<split]))
    }

    /// The held label end, glided into `after` (nil: into silence), encoded; empty when none is waiting.
    private func flushTail(after: [Float]?) -> [UInt8] {
        guard var tail = pendingTail else { return [] }
        let count = tail.count / channels
        if let after {
            for i in 0..<count {
                let glide = Float(0.5 * (1 + cos(Double.pi * Double(i) / Double(max(1, count)))))
                for c in 0..<channels { tail[(count - 1 - i) * channels + c] += after[c] * glide }
            }
        }
        pendingTail = nil
        outputFrames += count
        return codec.encode(tail)
    }

    /// Content bytes out, measured on the way; while a label end waits for its next frame, bytes are held only
    /// until that frame is whole.
    private func passThrough(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        guard !bytes.isEmpty else { return [] }
        measure(bytes)
        contentBytes += bytes.count
        var out: [UInt8] = []
        var send = bytes
        if pendingTail != nil {
            held += bytes
            guard held.count >= blockAlign else { return [] }
            out += flushTail(after: codec.decode(Array(held[0..<blockAlign])))
            send = ArraySlice(held)
            held = []
        }
        out += send
        return out
    }

    /// Feeds whole frames to the loudness meter and remembers the last one; counts content frames.
    private func measure(_ bytes: ArraySlice<UInt8>) {
        var whole = measureCarry
        whole += bytes
        let frames = whole.count / blockAlign
        let used = frames * blockAlign
        if frames > 0 {
            let samples = codec.decode(Array(whole[0..<used]))
            meter.add(samples)
            lastFrame = Array(samples[(samples.count - channels)...])
            outputFrames += frames
        }
        measureCarry = Array(whole[used...])
    }
}
