internal import CEBUR128
public import SigilCore

/// Integrated loudness (EBU R128 / ITU-R BS.1770, gated) and sample peak of interleaved float PCM, measured with
/// libebur128. Feed it chunks with ``add(_:)``; memory stays flat however long the audio is.
public final class LoudnessMeter {
    /// The libebur128 state, held opaquely so that modules using this one need not see the C library.
    private var handle: OpaquePointer?
    private var state: UnsafeMutablePointer<ebur128_state>? { handle.map { UnsafeMutablePointer($0) } }
    public let channels: Int

    /// - Throws: ``SigilError`` `.usage` when libebur128 refuses the channel count or rate.
    public init(sampleRate: Int, channels: Int) throws {
        guard (1...64).contains(channels), (1...768_000).contains(sampleRate) else {
            throw SigilError(.usage, "cannot measure loudness of \(channels) channels at \(sampleRate) Hz")
        }
        guard let state = ebur128_init(UInt32(channels), UInt(sampleRate), cebur128_mode_integrated_and_peak()) else {
            throw SigilError(.codec, "libebur128 could not start a meter for \(channels) channels at \(sampleRate) Hz")
        }
        self.handle = OpaquePointer(state)
        self.channels = channels
    }

    deinit {
        var state = self.state
        ebur128_destroy(&state)
    }

    /// Adds interleaved samples (a whole number of frames).
    public func add(_ samples: [Float]) {
        let frames = samples.count / channels
        guard frames > 0 else { return }
        samples.withUnsafeBufferPointer { _ = ebur128_add_frames_float(state, $0.baseAddress, frames) }
    }

    /// The gated integrated loudness in LUFS; nil when everything was below the absolute gate (silence).
    public var integratedLoudness: Double? {
        var value = 0.0
        guard ebur128_loudness_global(state, &value) == 0, value.isFinite else { return nil }
        return value
    }

    /// The highest absolute sample value in any channel (1 = full scale).
    public var samplePeak: Double {
        var peak = 0.0
        for c in 0..<channels {
            var value = 0.0
            if ebur128_sample_peak(state, UInt32(c), &value) == 0 { peak = max(peak, value) }
        }
        return peak
    }

    /// The gated integrated loudness of several meters' audio taken together (the gate computed over all their
    /// blocks, as if the audio had been one stream): for excerpts measured apart, so no block spans two of them.
    /// Nil when everything was below the absolute gate.
    public static func integratedLoudness(combining meters: [LoudnessMeter]) -> Double? {
        guard !meters.isEmpty else { return nil }
        var states: [UnsafeMutablePointer<ebur128_state>?] = meters.map(\.state)
        var value = 0.0
        let status = states.withUnsafeMutableBufferPointer { ebur128_loudness_global_multiple($0.baseAddress, $0.count, &value) }
        guard status == 0, value.isFinite else { return nil }
        return value
    }

    /// The integrated loudness of `samples` in one call.
    public static func integratedLoudness(of samples: [Float], sampleRate: Int, channels: Int) throws -> Double? {
        let meter = try LoudnessMeter(sampleRate: sampleRate, channels: channels)
        meter.add(samples)
        return meter.integratedLoudness
    }
}
