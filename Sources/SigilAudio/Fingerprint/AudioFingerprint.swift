internal import CChromaprint
public import SigilContainers
public import SigilCore
public import SigilFFmpeg

/// A sound's Chromaprint fingerprint: the record of a generated sound is found again by it once the sound has lost its
/// labels to a re-encode or a cut (GB 45438 and the Measures keep the record; decision 0033).
///
/// The values are Chromaprint's raw sub-fingerprints (its default algorithm: 32 bits for each ≈ 0.124 s of audio,
/// from chroma features of the sound resampled to 11,025 Hz mono), of the sound's first ``maximumSeconds``.
/// Two fingerprints match when, at an offset where many of their values' halves agree exactly, the bits of their
/// overlapping values differ in at most ``matchThreshold`` of places over at least ``minimumOverlap`` values that
/// carry information (a value equal to the one before it, as in silence or a held tone, is not counted).
public struct AudioFingerprint: Sendable, Hashable {
    /// Chromaprint's raw sub-fingerprints, in order.
    public var values: [UInt32]

    /// The most values kept: 1,024 (4,096 bytes, the most a record's fingerprint holds), about the first 127 s.
    public static let maximumValues = 1024
    /// The audio a fingerprint is computed from: the first 130 s (a few values more than ``maximumValues``).
    public static let maximumSeconds = 130.0
    /// The fewest informative overlapping values a match needs: 40, about 5 s of sound.
    public static let minimumOverlap = 40
    /// The largest share of differing bits a match may have (unrelated sounds differ in about half).
    public static let matchThreshold = 0.25

    public init(values: [UInt32]) {
        self.values = Array(values.prefix(Self.maximumValues))
    }

    /// The fingerprint of interleaved samples (−1…1, clipped to 16 bits as Chromaprint takes them), of at most
    /// their first ``maximumSeconds``.
    ///
    /// - Throws: ``SigilError`` `.usage` for a rate or channel count Chromaprint does not take, `.codec` when it fails.
    public static func compute(samples: [Float], sampleRate: Int, channels: Int) throws -> AudioFingerprint {
        let session = try Session(sampleRate: sampleRate, channels: channels)
        try session.feed(samples)
        return try session.finish()
    }

    /// The fingerprint of a PCM WAV's first ``maximumSeconds``, read in chunks.
    ///
    /// - Throws: ``SigilError`` from the WAV layout, and as ``compute(samples:sampleRate:channels:)``.
    public static func compute(wav source: any ByteSource) throws -> AudioFingerprint {
        let layout = try WAVPCMLayout(source)
        let session = try Session(sampleRate: layout.sampleRate, channels: layout.channels)
        try PCMCodec.forEachChunk(of: layout, in: source, frames: Int(maximumSeconds * Double(layout.sampleRate))) { try session.feed($0) }
        return try session.finish()
    }

    /// One Chromaprint computation, fed in chunks; the context is freed with the session.
    final class Session {
        let context: OpaquePointer
        let channels: Int

        init(sampleRate: Int, channels: Int) throws {
            guard (1...8).contains(channels), (4_000...384_000).contains(sampleRate) else {
                throw SigilError(.usage, "cannot fingerprint \(channels) channels at \(sampleRate) Hz")
            }
            guard let context = chromaprint_new(cchromaprint_algorithm_default()) else {
                throw SigilError(.codec, "Chromaprint could not start a fingerprint")
            }
            self.context = context
            self.channels = channels
            guard chromaprint_start(context, Int32(sampleRate), Int32(channels)) == 1 else {
                throw SigilError(.codec, "Chromaprint refused \(channels) channels at \(sampleRate) Hz")
            }
        }

        deinit { chromaprint_free(context) }

        func feed(_ samples: [Float]) throws {
            let whole = samples.count - samples.count % channels
            // Whole frames, at most about a million samples a call (Chromaprint counts them in an Int32).
            let step = max(channels, (1 << 20) / channels * channels)
            var start = 0
            while start < whole {
                let end = min(whole, start + step)
                let pcm = samples[start..<end].map { Int16((max(-1, min(1, $0)) * 32767).rounded()) }
                let status = pcm.withUnsafeBufferPointer { chromaprint_feed(context, $0.baseAddress, Int32($0.count)) }
                guard status == 1 else { throw SigilError(.codec, "Chromaprint failed while reading the samples") }
                start = end
            }
        }

        func finish() throws -> AudioFingerprint {
            guard chromaprint_finish(context) == 1 else { throw SigilError(.codec, "Chromaprint could not finish the fingerprint") }
            var raw: UnsafeMutablePointer<UInt32>?
            var size: Int32 = 0
            guard chromaprint_get_raw_fingerprint(context, &raw, &size) == 1, let raw else {
                throw SigilError(.codec, "Chromaprint gave no fingerprint")
            }
            defer { chromaprint_dealloc(raw) }
            return AudioFingerprint(values: Array(UnsafeBufferPointer(start: raw, count: Int(max(0, size)))))
        }
    }

    /// Where this fingerprint (a sound, or an excerpt of one) lies in another, and how alike they are there.
    public struct Match: Sendable, Hashable {
        /// The other fingerprint's index of this one's first value (negative when this one starts earlier).
        public var offset: Int
        /// How many informative values overlap.
        public var overlap: Int
        /// The share of differing bits over the overlap (0 identical, about 0.5 unrelated).
        public var bitErrorRate: Double

        /// The offset in seconds (``AudioFingerprint/itemSeconds`` a value).
        public var seconds: Double { Double(offset) * AudioFingerprint.itemSeconds }
    }

    /// The time one value covers: Chromaprint's default algorithm steps 1,365.33 samples at 11,025 Hz.
    public static let itemSeconds = 4096.0 / 3.0 / 11025.0

    /// Where this fingerprint lies in `other`, when it matches there (see the type's description); nil otherwise.
    public func match(in other: AudioFingerprint) -> Match? {
        guard values.count >= Self.minimumOverlap, other.values.count >= Self.minimumOverlap else { return nil }
        // Offsets voted for by values whose high or low 16 bits agree exactly (whole values rarely survive a lossy
        // re-encode of speech; halves do: decision 0033). A half repeated more than 8 times in `other` carries no
        // place (silence, a held tone).
        var votes: [Int: Int] = [:]
        for half in [{ (v: UInt32) in v >> 16 }, { (v: UInt32) in v & 0xFFFF }] {
            var places: [UInt32: [Int]] = [:]
            for (index, value) in other.values.enumerated() { places[half(value), default: []].append(index) }
            for (index, value) in values.enumerated() {
                guard let at = places[half(value)], at.count <= 8 else { continue }
                for position in at { votes[position - index, default: 0] += 1 }
            }
        }
        // Most votes first, then the offset nearest zero, then the larger: the same order in every process.
        let candidates = votes.sorted { ($0.value, -abs($0.key), $0.key) > ($1.value, -abs($1.key), $1.key) }.prefix(4).map(\.key)
        var best: Match?
        for offset in candidates {
            guard let found = compare(other, at: offset), found.overlap >= Self.minimumOverlap else { continue }
            if found.bitErrorRate < best?.bitErrorRate ?? .infinity { best = found }
        }
        guard let best, best.bitErrorRate <= Self.matchThreshold else { return nil }
        return best
    }

    /// The bit error rate of this fingerprint against `other` with its first value at `other`'s index `offset`,
    /// over the overlapping values that differ from the value before them in this fingerprint.
    public func compare(_ other: AudioFingerprint, at offset: Int) -> Match? {
        let lower = max(0, -offset)
        let upper = min(values.count, other.values.count - offset)
        guard lower < upper else { return nil }
        var differing = 0
        var counted = 0
        for index in lower..<upper where index == 0 || values[index] != values[index - 1] {
            differing += (values[index] ^ other.values[index + offset]).nonzeroBitCount
            counted += 1
        }
        guard counted > 0 else { return nil }
        return Match(offset: offset, overlap: counted, bitErrorRate: Double(differing) / Double(counted * 32))
    }
}

extension AudioFingerprint {
    /// What is decoded of compressed audio to fingerprint it: the first ``maximumSeconds``, at most 128 MiB of PCM.
    static let decodeLimit = FFmpegAudio.DecodeLimit(seconds: maximumSeconds, bytes: 128 << 20)

    /// The fingerprint of an audio file's bytes: a PCM WAV read as it is, compressed audio (MP3, FLAC, Ogg Vorbis,
    /// Opus, M4A) decoded by `tools`' ffmpeg first. Nil for other formats, or compressed audio without ffmpeg.
    ///
    /// - Throws: ``SigilError`` from the WAV layout, ffmpeg or Chromaprint.
    public static func compute(audio bytes: [UInt8], format: MediaFormat, tools: FFmpegTools?) throws -> AudioFingerprint? {
        if format == .wav { return try compute(wav: MemoryByteSource(bytes)) }
        guard CompressedAudioRelabeler.formats.contains(format.id), let tools else { return nil }
        let wav = try FFmpegAudio(tools: tools).decodeToWAV(bytes, fileExtension: format.extensions.first ?? format.id, limit: decodeLimit)
        return try compute(wav: MemoryByteSource(wav))
    }
}
