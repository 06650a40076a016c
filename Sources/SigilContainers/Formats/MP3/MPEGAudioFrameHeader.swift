/// The 4-byte header of an MPEG-1/2/2.5 Layer III audio frame (ISO/IEC 11172-3, 13818-3): enough to walk frames
/// and to tell whether two streams can be joined frame by frame.
public struct MPEGAudioFrameHeader: Sendable, Hashable {
    /// 1 for MPEG-1, 2 for MPEG-2, 25 for MPEG-2.5.
    public var version: Int
    public var bitrate: Int
    public var sampleRate: Int
    public var channels: Int
    public var padded: Bool
    /// Whether a 16-bit CRC follows the header.
    public var protected: Bool

    /// The header at `offset` of `bytes`, or nil when there is no valid Layer III header there.
    public init?(_ bytes: [UInt8], at offset: Int) {
        guard offset >= 0, offset + 4 <= bytes.count, bytes[offset] == 0xFF, bytes[offset + 1] & 0xE0 == 0xE0 else { return nil }
        let b1 = bytes[offset + 1]
        let b2 = bytes[offset + 2]
        let b3 = bytes[offset + 3]
        switch (b1 >> 3) & 3 {
        case 3: version = 1
        case 2: version = 2
        case 0: version = 25
        default: return nil
        }
        guard (b1 >> 1) & 3 == 1 else { return nil } // Layer III only
        let bitrateIndex = Int(b2 >> 4)
        let rateIndex = Int((b2 >> 2) & 3)
        guard bitrateIndex != 0, bitrateIndex != 15, rateIndex != 3 else { return nil } // free format, bad, reserved
        let mpeg1Rates = [32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320]
        let mpeg2Rates = [8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160]
        bitrate = (version == 1 ? mpeg1Rates : mpeg2Rates)[bitrateIndex - 1] * 1000
        let base = [44100, 48000, 32000][rateIndex]
        sampleRate = version == 1 ? base : version == 2 ? base / 2 : base / 4
        padded = (b2 >> 1) & 1 == 1
        channels = b3 >> 6 == 3 ? 1 : 2
        protected = b1 & 1 == 0
    }

    /// Samples per channel in one frame.
    public var samplesPerFrame: Int { version == 1 ? 1152 : 576 }

    /// The whole frame's length in bytes, header included.
    public var length: Int { (version == 1 ? 144 : 72) * bitrate / sampleRate + (padded ? 1 : 0) }

    /// The side information's length, which a Xing/Info tag follows.
    public var sideInfoLength: Int { version == 1 ? (channels == 1 ? 17 : 32) : (channels == 1 ? 9 : 17) }
}
