public import SigilContainers
public import SigilCore

/// What a person sees of a sound before listening: its length and a coarse outline of its loudness over time (the
/// highest absolute sample in each of a fixed number of equal slices), for the verify page's waveform.
public struct AudioOverview: Sendable, Hashable {
    /// The length of the audio, in seconds.
    public var seconds: Double
    /// The highest absolute sample (0…1, any channel) in each slice, in order.
    public var peaks: [Float]

    public init(seconds: Double, peaks: [Float]) {
        self.seconds = seconds
        self.peaks = peaks
    }

    /// The outline of the PCM WAV that `source` reads, in `slices` slices (fewer when the audio has fewer frames),
    /// read in chunks: memory stays flat in the file's length.
    ///
    /// - Throws: ``SigilError`` from the WAV layout (`.unsupportedFormat`, `.malformed`, `.truncated`).
    public static func read(wav source: any ByteSource, slices: Int = 300) throws -> AudioOverview {
        let layout = try WAVPCMLayout(source)
        let count = max(1, min(slices, 4096, layout.frameCount))
        var peaks = [Float](repeating: 0, count: layout.frameCount == 0 ? 0 : count)
        var frame = 0
        let channels = layout.channels
        try PCMCodec.forEachChunk(of: layout, in: source) { samples in
            var index = 0
            while index + channels <= samples.count {
                // frame * count / frameCount, without overflow for any real file (frames < 2^40, slices ≤ 4,096).
                let slice = min(count - 1, frame * count / layout.frameCount)
                var high = peaks[slice]
                for channel in 0..<channels { high = max(high, min(1, abs(samples[index + channel]))) }
                peaks[slice] = high
                index += channels
                frame += 1
            }
        }
        return AudioOverview(seconds: Double(layout.frameCount) / Double(layout.sampleRate), peaks: peaks)
    }
}
