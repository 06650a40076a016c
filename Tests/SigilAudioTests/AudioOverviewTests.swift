import SigilAudio
import SigilContainers
import SigilCore
import Testing

/// The outline the verify page draws: the loudest sample of each slice, in order, and the length.
@Suite struct AudioOverviewTests {
    @Test func slicesFollowTheLoudness() throws {
        let loud = sine(rate: 8000, channels: 2, seconds: 1, amplitude: 0.5)
        let quiet = sine(rate: 8000, channels: 2, seconds: 1, amplitude: 0.1)
        let wav = makeWAV(.float(bits: 32), channels: 2, rate: 8000, samples: loud + quiet)
        let overview = try AudioOverview.read(wav: MemoryByteSource(wav), slices: 100)
        #expect(overview.seconds == 2)
        #expect(overview.peaks.count == 100)
        #expect(overview.peaks.prefix(50).allSatisfy { abs($0 - 0.5) < 0.01 }, "\(overview.peaks.prefix(50))")
        #expect(overview.peaks.suffix(50).allSatisfy { abs($0 - 0.1) < 0.01 }, "\(overview.peaks.suffix(50))")
    }

    @Test func fewFramesGiveFewSlicesAndNoFramesNone() throws {
        let three = makeWAV(.signed(bits: 16), channels: 1, rate: 8000, samples: [0.25, -0.5, 0.125])
        #expect(try AudioOverview.read(wav: MemoryByteSource(three), slices: 300).peaks.count == 3)
        let empty = makeWAV(.signed(bits: 16), channels: 1, rate: 8000, samples: [])
        let none = try AudioOverview.read(wav: MemoryByteSource(empty))
        #expect(none.peaks.isEmpty && none.seconds == 0)
    }
}
