import SigilAudio
import SigilContainers
import SigilCore
import Testing

/// Inputs a read-only review of the audio code found to trap (stop 41): each is now a usage error.
@Suite struct AudioReviewRegressionTests {
    @Test(arguments: ["1e300", "1e14", "2592001"])
    func aPositionPastAnyRecordingIsRefused(text: String) throws {
        let error = #expect(throws: SigilError.self) { try RhythmLabelInserter.Position(parsing: text) }
        #expect(error?.code == .usage)
    }

    /// A position made in code (not parsed) that no recording reaches: the splice and the stream labeler refuse it.
    @Test func aHugePositionMadeInCodeIsAnErrorNotATrap() throws {
        let wav = makeWAV(.signed(bits: 16), channels: 1, rate: 8000, samples: sine(rate: 8000, channels: 1, seconds: 1))
        let inserter = RhythmLabelInserter(position: .at(seconds: 1e300))
        #expect(throws: SigilError.self) { try inserter.edits(in: MemoryByteSource(wav)) }
        for seconds in [1e300, 1e14, -1, .infinity] {
            #expect(throws: SigilError.self) {
                try AudioStreamLabeler(encoding: .signed(bits: 16), channels: 2, sampleRate: 48_000, position: .at(seconds: seconds))
            }
        }
        #expect(try RhythmLabelInserter.Position(parsing: "2592000") == .at(seconds: 2_592_000))
    }
}
