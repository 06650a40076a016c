public import SigilCore

/// The GB 45438 §5.3 c) audio rhythm label: Morse "AI" (·- ··, "短长短短") as a pure tone with standard Morse
/// timing (dot 1 unit, dash 3, gap inside a letter 1, gap between letters 3), raised-cosine ramps at every tone
/// edge, and silence before and after it.
public struct RhythmLabel: Sendable, Hashable {
    /// The Morse unit in milliseconds (a dot); 100–150 ms, 120 by default.
    public var unitMilliseconds: Double
    /// The tone's frequency in hertz; 1 kHz by default, 300–4000 Hz allowed (the range the detector searches).
    public var toneHertz: Double
    /// The raised-cosine ramp at each tone edge, in milliseconds.
    public var rampMilliseconds: Double
    /// Silence before the first tone, in milliseconds.
    public var paddingBeforeMilliseconds: Double
    /// Silence after the last tone, in milliseconds.
    public var paddingAfterMilliseconds: Double

    /// The units a Morse unit may take, in milliseconds.
    public static let unitRange: ClosedRange<Double> = 100...150
    /// The tones allowed, in hertz.
    public static let toneRange: ClosedRange<Double> = 300...4000

    /// Morse "AI" as (tone on, units) steps: dot, gap, dash, letter gap, dot, gap, dot: 11 units.
    public static let morseAI: [(on: Bool, units: Int)] = [(true, 1), (false, 1), (true, 3), (false, 3), (true, 1), (false, 1), (true, 1)]

    public init(
        unitMilliseconds: Double = 120, toneHertz: Double = 1000, rampMilliseconds: Double = 5, paddingBeforeMilliseconds: Double = 200,
        paddingAfterMilliseconds: Double = 200
    ) {
        self.unitMilliseconds = unitMilliseconds
        self.toneHertz = toneHertz
        self.rampMilliseconds = rampMilliseconds
        self.paddingBeforeMilliseconds = paddingBeforeMilliseconds
        self.paddingAfterMilliseconds = paddingAfterMilliseconds
    }

    /// Checks the settings against each other and a sample rate.
    ///
    /// - Throws: ``SigilError`` `.usage` naming the setting out of range.
    public func validate(sampleRate: Int) throws {
        guard Self.unitRange.contains(unitMilliseconds) else {
            throw SigilError(.usage, "the Morse unit must be 100–150 ms (GB 45438 rhythm label), not \(unitMilliseconds) ms")
        }
        guard Self.toneRange.contains(toneHertz) else { throw SigilError(.usage, "the tone must be 300–4000 Hz, not \(toneHertz) Hz") }
        guard sampleRate >= 8000, Double(sampleRate) > 2.5 * toneHertz else {
            throw SigilError(.usage, "a \(toneHertz) Hz tone cannot be carried at a sample rate of \(sampleRate) Hz")
        }
        guard (1...(unitMilliseconds / 2)).contains(rampMilliseconds) else {
            throw SigilError(.usage, "the ramp must be 1 ms to half the unit, not \(rampMilliseconds) ms")
        }
        guard (0...1000).contains(paddingBeforeMilliseconds), (0...1000).contains(paddingAfterMilliseconds) else {
            throw SigilError(.usage, "the silence around the rhythm label must be 0–1000 ms each side")
        }
    }

    /// The tone part's length (11 units), in milliseconds.
    public var toneMilliseconds: Double { unitMilliseconds * 11 }
    /// The whole label's length with its padding, in milliseconds.
    public var totalMilliseconds: Double { paddingBeforeMilliseconds + toneMilliseconds + paddingAfterMilliseconds }
}
