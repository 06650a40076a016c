#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
public import SigilContainers

/// Finds rhythm labels in audio, independently of how they were made: tone bursts at any frequency in
/// 300–4000 Hz separated by near-silence, measured and decoded as Morse.
///
/// The samples (mixed to mono) are cut into 10 ms blocks. A block is *tonal* when its zero crossings give a
/// frequency in range and a single sinusoid at that frequency (a Goertzel-style least-squares fit) carries most of
/// its energy. Runs of tonal blocks at one frequency are bursts; bursts at the same frequency whose gaps are quiet
/// (20 dB below the bursts) form a group, which is timed (the unit is the group's length over its units) and
/// decoded: dot < 2 units ≤ dash, gap < 2 units inside a letter, < 5 between letters.
public struct RhythmDetector: Sendable {
    /// One rhythm label found.
    public struct Detection: Sendable, Hashable {
        /// Dots and dashes, letters separated by a space (`.- ..` for "AI").
        public var pattern: String
        /// The letters decoded (`?` for a letter Morse does not have).
        public var letters: String
        /// Seconds from the start of the audio to the first tone's start and the last tone's end.
        public var start: Double
        public var end: Double
        /// The Morse unit, in milliseconds.
        public var unitMilliseconds: Double
        /// The tone, in hertz.
        public var toneHertz: Double
        /// The bursts' lengths in milliseconds, in order.
        public var burstMilliseconds: [Double]
        /// Whether this is Morse "AI" (·- ··), the GB 45438 5.3 c) rhythm.
        public var isMorseAI: Bool { letters == "AI" }
    }

    struct Block {
        var energy: Double
        var hertz: Double?
    }

    public let sampleRate: Int
    let blockLength: Int
    private var blocks: [Block] = []
    private var pending: [Float] = []

    public init(sampleRate: Int) {
        self.sampleRate = sampleRate
        self.blockLength = max(16, sampleRate / 100)
    }

    /// Adds interleaved samples of `channels` channels (whole frames), mixed to mono.
    public mutating func add(_ samples: [Float], channels: Int) {
        let frames = samples.count / max(1, channels)
        pending.reserveCapacity(pending.count + frames)
        for f in 0..<frames {
            var sum: Float = 0
            for c in 0..<channels { sum += samples[f * channels + c] }
            pending.append(sum / Float(channels))
        }
        var at = 0
        while pending.count - at >= blockLength {
            blocks.append(analyse(pending[at..<(at + blockLength)]))
            at += blockLength
        }
        pending.removeFirst(at)
    }

    /// The block's energy and, when it is a pure tone in range, its frequency.
    func analyse(_ x: ArraySlice<Float>) -> Block {
        let n = x.count
        var energy = 0.0
        for s in x { energy += Double(s) * Double(s) }
        energy /= Double(n)
        guard energy > 1e-7 else { return Block(energy: energy, hertz: nil) } // below about −70 dBFS
        // Interpolated zero-crossing times: half a period apart for a pure tone.
        var first = -1.0
        var last = -1.0
        var count = 0
        var previous = x[x.startIndex]
        for i in 1..<n {
            let current = x[x.startIndex + i]
            if (previous < 0) != (current < 0), previous != current {
                let t = Double(i - 1) + Double(previous / (previous - current))
                if first < 0 { first = t }
                last = t
                count += 1
            }
            previous = current
        }
        guard count >= 3, last > first else { return Block(energy: energy, hertz: nil) }
        let hertz = Double(count - 1) / (2 * (last - first)) * Double(sampleRate)
        guard (280...4200).contains(hertz) else { return Block(energy: energy, hertz: nil) }
        // The share of the energy one sinusoid at that frequency explains. cos(wi) and sin(wi) by rotation (one
        // complex multiply per sample instead of a sine and a cosine, which took half of a long WAV's verify; over a
        // 10 ms block the rotation drifts by less than 1e-12).
        let w = 2 * Double.pi * hertz / Double(sampleRate)
        let (stepC, stepS) = (cos(w), sin(w))
        var c = 1.0
        var s = 0.0
        var cc = 0.0
        var ss = 0.0
        var cs = 0.0
        var xc = 0.0
        var xs = 0.0
        for i in 0..<n {
            let v = Double(x[x.startIndex + i])
            cc += c * c
            ss += s * s
            cs += c * s
            xc += v * c
            xs += v * s
            (c, s) = (c * stepC - s * stepS, s * stepC + c * stepS)
        }
        let det = cc * ss - cs * cs
        guard det > 1e-9 else { return Block(energy: energy, hertz: nil) }
        let a = (xc * ss - xs * cs) / det
        let b = (xs * cc - xc * cs) / det
        let explained = (a * xc + b * xs) / Double(n)
        return Block(energy: energy, hertz: explained >= 0.8 * energy ? hertz : nil)
    }

    /// The rhythm labels in everything added so far.
    public func detections() -> [Detection] {
        let seconds = Double(blockLength) / Double(sampleRate)
        // Bursts: runs of tonal blocks at one frequency (within 4 %).
        struct Burst {
            var from: Int
            var to: Int
            var hertz: [Double]
            var energy: Double
            var tone: Double { hertz.sorted()[hertz.count / 2] }
        }
        var bursts: [Burst] = []
        for (i, block) in blocks.enumerated() {
            guard let hz = block.hertz else { continue }
            if var current = bursts.last, current.to == i, abs(hz - current.tone) <= 0.04 * current.tone {
                current.to = i + 1
                current.hertz.append(hz)
                current.energy = max(current.energy, block.energy)
                bursts[bursts.count - 1] = current
            } else {
                bursts.append(Burst(from: i, to: i + 1, hertz: [hz], energy: block.energy))
            }
        }
        // A burst of a Morse element lasts 80–800 ms (a dot is one unit, at least 100 ms; shorter tonal runs are notes).
        bursts = bursts.filter { (8...80).contains($0.to - $0.from) }
        // Groups: neighbouring bursts at one tone with quiet gaps of at most 1 s.
        var groups: [[Burst]] = []
        for burst in bursts {
            if let previous = groups.last?.last, burst.from - previous.to <= 100, abs(burst.tone - previous.tone) <= 0.04 * previous.tone,
                quiet(blocks, between: previous.to, and: burst.from, below: 0.01 * min(previous.energy, burst.energy))
            {
                groups[groups.count - 1].append(burst)
            } else {
                groups.append([burst])
            }
        }
        return groups.filter { $0.count >= 2 }.map { group in
            let lengths = group.map { Double($0.to - $0.from) }
            let gaps = zip(group, group.dropFirst()).map { Double($1.from - $0.to) }
            // The unit: the shortest burst's length, refined over the whole group once it is decoded.
            let shortest = lengths.min() ?? 1
            let elements = lengths.map { $0 < 2 * shortest ? "." : "-" }
            var pattern = elements[0]
            var units = elements[0] == "." ? 1 : 3
            for (gap, element) in zip(gaps, elements.dropFirst()) {
                if gap < 2 * shortest {
                    units += 1
                } else {
                    pattern += gap < 5 * shortest ? " " : " / "
                    units += gap < 5 * shortest ? 3 : 7
                }
                pattern += element
                units += element == "." ? 1 : 3
            }
            let span = Double(group.last!.to - group[0].from) * seconds
            let letters = pattern.split(separator: " ").map { Self.morse[String($0)] ?? ($0 == "/" ? " " : "?") }.joined()
            return Detection(
                pattern: pattern, letters: letters, start: Double(group[0].from) * seconds, end: Double(group.last!.to) * seconds,
                unitMilliseconds: span / Double(units) * 1000, toneHertz: (Self.median(group.flatMap(\.hertz)) * 10).rounded() / 10,
                burstMilliseconds: lengths.map { $0 * seconds * 1000 })
        }
    }

    /// Whether the gap between two bursts is quiet: its blocks, but the one at each edge (where a tone's ramp
    /// ends or starts inside the block), stay below `threshold`.
    func quiet(_ blocks: [Block], between from: Int, and to: Int, below threshold: Double) -> Bool {
        guard to - from > 2 else { return true }
        return blocks[(from + 1)..<(to - 1)].allSatisfy { $0.energy <= threshold }
    }

    static func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

    /// International Morse letters and digits.
    static let morse: [String: String] = [
        ".-": "A", "-...": "B", "-.-.": "C", "-..": "D", ".": "E", "..-.": "F", "--.": "G", "....": "H", "..": "I", ".---": "J",
        "-.-": "K", ".-..": "L", "--": "M", "-.": "N", "---": "O", ".--.": "P", "--.-": "Q", ".-.": "R", "...": "S", "-": "T",
        "..-": "U", "...-": "V", ".--": "W", "-..-": "X", "-.--": "Y", "--..": "Z", ".----": "1", "..---": "2", "...--": "3",
        "....-": "4", ".....": "5", "-....": "6", "--...": "7", "---..": "8", "----.": "9", "-----": "0",
    ]
}

extension RhythmDetector {
    /// The rhythm labels in the PCM WAV that `source` reads, decoded in chunks of whole frames.
    ///
    /// - Throws: ``SigilError`` `.unsupportedFormat` for a WAV that is not PCM/float, and the layout's damage errors.
    public static func detect(inWAV source: any ByteSource) throws -> [Detection] {
        let layout = try WAVPCMLayout(source)
        var detector = RhythmDetector(sampleRate: layout.sampleRate)
        try PCMCodec.forEachChunk(of: layout, in: source) { detector.add($0, channels: layout.channels) }
        return detector.detections()
    }
}
