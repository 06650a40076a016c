import Foundation

/// A video's fingerprint for the record lookup when its labels are gone (decision 0309): the 64-bit DCT perceptual
/// hash (``PerceptualHash``) of frames sampled at a fixed rate by the decoder (ffmpeg's `fps` filter: the frame
/// nearest each step, times counted from the first frame), from the first ``window`` seconds.
///
/// A labeled video's record holds one frame a second; a suspect file is sampled ten times a second (at most
/// ``suspectFrames``), and each recorded frame is compared with the suspect's frame at its time, after the best of a
/// few small time shifts and of the shifts at which the suspect would be an excerpt (frames that look alike vote for
/// them). Re-encoding, a lower resolution or bit rate, a new container or frame rate, a cut at the start and an
/// excerpt keep the hashes close. Flat frames (fades, black) carry no hash, and a match needs distinct frames, since
/// any two flat or still frames look alike.
public struct VideoFingerprint: Sendable, Hashable {
    /// One hashed frame.
    public struct Frame: Sendable, Hashable {
        /// Time from the first frame, in seconds.
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
    public static let window = 60
    /// Frames a second a record keeps.
    static let recordedRate = 1
    /// Frames a second a suspect is sampled at.
    static let suspectRate = 10
    /// The most frames a suspect is hashed at (``window`` × ``suspectRate``).
    public static let suspectFrames = 600
    /// The most frames a record holds (12 bytes each in its `video-frames-dct64` fingerprint).
    public static let maximumFrames = 256
    /// A frame whose 32 × 32 luma varies less than this (standard deviation, 0…255) is flat and not hashed.
    static let flatDeviation = 3.0
    /// Distinct frames (more than ``matchDistance`` bits apart from one another) that must be compared for a match.
    public static let minimumCompared = 3
    /// The median Hamming distance (of 64 bits) at or under which a suspect matches a record.
    public static let matchDistance = 10
    /// The time shifts always tried (seconds): a re-encode may start its first frame a little earlier or later.
    static let shifts: [Double] = [-0.5, -0.2, -0.1, 0, 0.1, 0.2, 0.5]

    /// What a comparison found.
    public struct Match: Sendable, Hashable {
        /// The median distance of the compared frames.
        public var distance: Int
        /// How many recorded frames were compared.
        public var compared: Int
        /// The time shift that fitted best, in seconds.
        public var shift: Double
    }

    /// The frames a record keeps of the video at `path` (its first video stream): one a second of the first
    /// ``window`` seconds (every frame of the window is decoded; the window bounds the cost).
    ///
    /// - Throws: ``SigilError`` `.externalTool` when ffmpeg fails.
    public static func recorded(of path: String, tools: FFmpegTools) throws -> VideoFingerprint {
        try sample(path, rate: recordedRate, most: maximumFrames, tools: tools)
    }

    /// A suspect video's frames (the lookup's side): ten a second of the first ``window`` seconds, ``suspectFrames`` at
    /// most, with one decoding thread.
    ///
    /// - Throws: ``SigilError`` `.externalTool` when ffmpeg fails or takes longer than its timeout.
    public static func suspect(_ path: String, tools: FFmpegTools) throws -> VideoFingerprint {
        try sample(path, rate: suspectRate, most: suspectFrames, tools: tools)
    }

    /// Decodes the first video stream, samples it `rate` times a second (ffmpeg's `fps` filter, which starts at the
    /// first frame's time), and hashes each sample's 32 × 32 luma; the sample's time is its index over `rate`.
    static func sample(_ path: String, rate: Int, most: Int, tools: FFmpegTools) throws -> VideoFingerprint {
        let output = try tools.ffmpeg([
            "-threads", "1", "-t", String(window), "-i", path, "-map", "0:V:0", "-an", "-sn", "-dn",
            "-vf", "fps=\(rate),scale=32:32:flags=area,format=gray", "-frames:v", String(most), "-f", "rawvideo", "-pix_fmt", "gray", "-",
        ])
        let size = 32 * 32
        var frames: [Frame] = []
        for index in 0..<min(most, output.stdout.count / size) {
            let luma = Array(output.stdout[(index * size)..<((index + 1) * size)])
            guard deviation(luma) >= flatDeviation else { continue }
            frames.append(
                Frame(time: Double(index) / Double(rate), hash: PerceptualHash.hash(PixelBuffer(width: 32, height: 32, layout: .gray, bytes: luma))))
        }
        return VideoFingerprint(frames: frames)
    }

    static func deviation(_ values: [UInt8]) -> Double {
        let mean = values.reduce(0.0) { $0 + Double($1) } / Double(max(values.count, 1))
        let variance = values.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / Double(max(values.count, 1))
        return variance.squareRoot()
    }

    /// How this suspect compares with a recorded fingerprint: for each shift, each recorded frame against the
    /// suspect's frame nearest its time (within 0.06 s: the suspect's samples are 0.1 s apart); the shift with the
    /// lowest median wins. Nil when fewer than ``minimumCompared`` distinct recorded frames could be compared or the
    /// median is over ``matchDistance``.
    public func match(recorded: VideoFingerprint) -> Match? {
        guard !frames.isEmpty else { return nil }
        let times = frames.map(\.time)
        var best: Match?
        for shift in Self.shifts + excerptShifts(recorded) {
            var distances: [Int] = []
            var compared: [UInt64] = []
            for recordedFrame in recorded.frames {
                let target = recordedFrame.time + shift
                // The suspect's frames are in time order: binary search for the nearest.
                var low = 0
                var high = times.count
                while low < high {
                    let mid = (low + high) / 2
                    if times[mid] < target { low = mid + 1 } else { high = mid }
                }
                let candidates = [low - 1, low].filter { times.indices.contains($0) }
                guard let nearest = candidates.min(by: { abs(times[$0] - target) < abs(times[$1] - target) }),
                    abs(times[nearest] - target) <= 0.06
                else { continue }
                distances.append(PerceptualHash.distance(recordedFrame.hash, frames[nearest].hash))
                compared.append(recordedFrame.hash)
            }
            guard distinct(compared) >= Self.minimumCompared else { continue }
            let median = distances.sorted()[distances.count / 2]
            if best.map({ median < $0.distance }) ?? true { best = Match(distance: median, compared: distances.count, shift: shift) }
        }
        guard let best, best.distance <= Self.matchDistance else { return nil }
        return best
    }

    /// How many of `hashes` are more than ``matchDistance`` bits from every one counted before (a still video's
    /// frames count once).
    func distinct(_ hashes: [UInt64]) -> Int {
        var kept: [UInt64] = []
        for hash in hashes where kept.allSatisfy({ PerceptualHash.distance($0, hash) > Self.matchDistance }) { kept.append(hash) }
        return kept.count
    }

    /// The time shifts at which this suspect may be an excerpt of the recorded video (cut at its start, or taken from
    /// its middle): every pair of a recorded frame and a suspect frame within ``matchDistance`` votes for the shift
    /// between them (in 0.1-s bins); the three bins with the most votes, at least ``minimumCompared`` each.
    func excerptShifts(_ recorded: VideoFingerprint) -> [Double] {
        var votes: [Int: Int] = [:]
        for recordedFrame in recorded.frames {
            for frame in frames where PerceptualHash.distance(recordedFrame.hash, frame.hash) <= Self.matchDistance {
                votes[Int(((frame.time - recordedFrame.time) * 10).rounded()), default: 0] += 1
            }
        }
        return votes.filter { $0.value >= Self.minimumCompared }.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(3)
            .map { Double($0.key) / 10 }
    }

    /// As a record's fingerprint (``ContentFingerprint/videoFrames``): per frame its time in milliseconds (32 bits)
    /// and its hash (64 bits), big-endian; nil without a hashed frame.
    public var contentFingerprint: ContentFingerprint? {
        guard !frames.isEmpty else { return nil }
        var value: [UInt8] = []
        for frame in frames.prefix(Self.maximumFrames) {
            let ms = UInt32(clamping: Int((frame.time * 1000).rounded()))
            value += (0..<4).map { UInt8(truncatingIfNeeded: ms >> (24 - 8 * $0)) }
            value += (0..<8).map { UInt8(truncatingIfNeeded: frame.hash >> (56 - 8 * $0)) }
        }
        return ContentFingerprint(type: ContentFingerprint.videoFrames, value: value)
    }

    /// The fingerprint a record holds, or nil when it holds another kind.
    public init?(_ fingerprint: ContentFingerprint) {
        guard fingerprint.type == ContentFingerprint.videoFrames, fingerprint.value.count % 12 == 0 else { return nil }
        let v = fingerprint.value
        frames = stride(from: 0, to: v.count, by: 12).map { i in
            let ms = v[i..<(i + 4)].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            let hash = v[(i + 4)..<(i + 12)].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            return Frame(time: Double(ms) / 1000, hash: hash)
        }
    }
}
