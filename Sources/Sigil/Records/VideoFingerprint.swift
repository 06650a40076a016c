import Foundation

/// A video's fingerprint for the record lookup when its labels are gone (decision 0309): the 64-bit DCT perceptual
/// hash (``PerceptualHash``) of frames at their presentation times, from the first ``window`` seconds.
///
/// A labeled video's record holds the hashes of its **keyframes** (`-skip_frame nokey`: only they are decoded, so the
/// cost does not grow with the frame rate), or of one frame a second when its keyframes are sparse; a suspect file is decoded whole over the same
/// window and each recorded keyframe compared with the suspect's frame nearest its time, after the best of a few
/// small time shifts. Re-encoding, a lower resolution or bit rate, and a new container keep the hashes close; flat
/// frames (fades, black) carry no hash, since any two of them look alike.
public struct VideoFingerprint: Sendable, Hashable {
    /// One hashed frame.
    public struct Frame: Sendable, Hashable {
        /// Presentation time from the first frame, in seconds.
        public var time: Double
        public var hash: UInt64

        public init(time: Double, hash: UInt64) {
            self.time = time
            self.hash = hash
        }
    }

    public var frames: [Frame]

    public init(frames: [Frame]) { self.frames = frames }

    /// The seconds from the first frame a fingerprint covers.
    public static let window = 60.0
    /// The most keyframes a record holds (12 bytes each in its `video-keyframe-dct64` fingerprint).
    public static let maximumFrames = 256
    /// A frame whose 32 × 32 luma varies less than this (standard deviation, 0…255) is flat and not hashed.
    static let flatDeviation = 3.0
    /// Keyframes that must be compared for a match.
    public static let minimumCompared = 3
    /// The median Hamming distance (of 64 bits) at or under which a suspect matches a record.
    public static let matchDistance = 10
    /// The time shifts tried (seconds): a re-encode may start its first frame a little earlier or later.
    static let shifts: [Double] = [-0.5, -0.25, -0.1, 0, 0.1, 0.25, 0.5]

    /// What a comparison found.
    public struct Match: Sendable, Hashable {
        /// The median distance of the compared keyframes.
        public var distance: Int
        /// How many keyframes were compared.
        public var compared: Int
        /// The time shift that fitted best, in seconds.
        public var shift: Double
    }

    /// The frames a record keeps of the video at `path` (its first video stream) within ``window``: its keyframes
    /// (only they are decoded), or, when they are sparse — fewer than one every ``sparseKeyframes`` seconds, or fewer
    /// than twice ``minimumCompared`` — one frame a second (every frame decoded, the window bounds the cost).
    ///
    /// - Throws: ``SigilError`` `.externalTool` when ffmpeg fails.
    public static func recorded(of path: String, tools: FFmpegTools) throws -> VideoFingerprint {
        let probe = try VideoProbe.probe(path, window: window + 5, tools: tools)
        let keyframes = try decode(path, probe: probe, tools: tools, sampling: .keyframes)
        let pts = probe.packets.map(\.pts)
        let covered = min(window, (pts.max() ?? 0) - (pts.min() ?? 0))
        if keyframes.frames.count >= max(2 * minimumCompared, Int(covered / sparseKeyframes)) { return keyframes }
        return try decode(path, probe: probe, tools: tools, sampling: .perSecond)
    }

    /// Keyframes farther apart than this (seconds, on average) are sparse.
    static let sparseKeyframes = 3.0

    /// Every frame of the video at `path` within ``window`` (the suspect side of a lookup).
    ///
    /// - Throws: ``SigilError`` `.externalTool` when ffmpeg fails.
    public static func allFrames(of path: String, tools: FFmpegTools) throws -> VideoFingerprint {
        try decode(path, probe: try VideoProbe.probe(path, window: window + 5, tools: tools), tools: tools, sampling: .all)
    }

    /// Which frames are hashed.
    enum Sampling {
        /// The keyframes only (`-skip_frame nokey`).
        case keyframes
        /// Every frame.
        case all
        /// One a second from the first (ffmpeg's `fps=1`: the frame nearest each second).
        case perSecond
    }

    /// Decodes 32 × 32 luma frames and hashes them. Their times: for keyframes and every frame, the video packets'
    /// presentation times from the demuxer (``VideoProbe``, no decode) in the order ffmpeg hands the frames out
    /// (`passthrough`); one a second, the second.
    static func decode(_ path: String, probe: VideoProbe, tools: FFmpegTools, sampling: Sampling) throws -> VideoFingerprint {
        let filters = (sampling == .perSecond ? "fps=1," : "") + "scale=32:32:flags=area,format=gray"
        let output = try tools.ffmpeg(
            (sampling == .keyframes ? ["-skip_frame", "nokey"] : []) + [
                "-t", String(format: "%.0f", window), "-i", path, "-map", "0:\(probe.video.index)", "-an", "-sn",
            ] + (sampling == .perSecond ? [] : ["-fps_mode", "passthrough"]) + [
                "-vf", filters, "-f", "rawvideo", "-pix_fmt", "gray", "-",
            ])
        let size = 32 * 32
        var times: [Double]
        switch sampling {
        case .perSecond: times = (0..<(output.stdout.count / size)).map(Double.init)
        case .keyframes: times = probe.packets.filter(\.keyframe).map(\.pts).sorted()
        case .all: times = probe.frameTimes
        }
        let origin = sampling == .perSecond ? 0 : times.first ?? 0
        var frames: [Frame] = []
        for index in 0..<min(times.count, output.stdout.count / size) {
            let luma = Array(output.stdout[(index * size)..<((index + 1) * size)])
            guard deviation(luma) >= flatDeviation else { continue }
            let pixels = PixelBuffer(width: 32, height: 32, layout: .gray, bytes: luma)
            frames.append(Frame(time: times[index] - origin, hash: PerceptualHash.hash(pixels)))
        }
        return VideoFingerprint(frames: frames)
    }

    static func deviation(_ values: [UInt8]) -> Double {
        let mean = values.reduce(0.0) { $0 + Double($1) } / Double(max(values.count, 1))
        let variance = values.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / Double(max(values.count, 1))
        return variance.squareRoot()
    }

    /// How this suspect (every frame) compares with a recorded fingerprint (keyframes): for each shift, each recorded
    /// keyframe against the suspect's frame nearest its time (within 0.1 s); the shift with the lowest median wins.
    /// Nil when fewer than ``minimumCompared`` keyframes could be compared or the median is over ``matchDistance``.
    public func match(recorded: VideoFingerprint) -> Match? {
        guard !frames.isEmpty else { return nil }
        let times = frames.map(\.time)
        var best: Match?
        for shift in Self.shifts {
            var distances: [Int] = []
            for keyframe in recorded.frames {
                let target = keyframe.time + shift
                // The suspect's frames are in time order: binary search for the nearest.
                var low = 0
                var high = times.count
                while low < high {
                    let mid = (low + high) / 2
                    if times[mid] < target { low = mid + 1 } else { high = mid }
                }
                let candidates = [low - 1, low].filter { times.indices.contains($0) }
                guard let nearest = candidates.min(by: { abs(times[$0] - target) < abs(times[$1] - target) }),
                    abs(times[nearest] - target) <= 0.1
                else { continue }
                distances.append(PerceptualHash.distance(keyframe.hash, frames[nearest].hash))
            }
            guard distances.count >= Self.minimumCompared else { continue }
            let median = distances.sorted()[distances.count / 2]
            if best.map({ median < $0.distance }) ?? true { best = Match(distance: median, compared: distances.count, shift: shift) }
        }
        guard let best, best.distance <= Self.matchDistance else { return nil }
        return best
    }

    /// As a record's fingerprint (``ContentFingerprint/videoKeyframes``): per keyframe its time in milliseconds
    /// (32 bits) and its hash (64 bits), big-endian; nil without a hashed keyframe.
    public var contentFingerprint: ContentFingerprint? {
        guard !frames.isEmpty else { return nil }
        var value: [UInt8] = []
        for frame in frames.prefix(Self.maximumFrames) {
            let ms = UInt32(clamping: Int((frame.time * 1000).rounded()))
            value += (0..<4).map { UInt8(truncatingIfNeeded: ms >> (24 - 8 * $0)) }
            value += (0..<8).map { UInt8(truncatingIfNeeded: frame.hash >> (56 - 8 * $0)) }
        }
        return ContentFingerprint(type: ContentFingerprint.videoKeyframes, value: value)
    }

    /// The fingerprint a record holds, or nil when it holds another kind.
    public init?(_ fingerprint: ContentFingerprint) {
        guard fingerprint.type == ContentFingerprint.videoKeyframes, fingerprint.value.count % 12 == 0 else { return nil }
        let v = fingerprint.value
        frames = stride(from: 0, to: v.count, by: 12).map { i in
            let ms = v[i..<(i + 4)].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            let hash = v[(i + 4)..<(i + 12)].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            return Frame(time: Double(ms) / 1000, hash: hash)
        }
    }
}
