import Testing

@testable import SigilCLI

@Suite("sigil serve's allocator thresholds (decision 0107)")
struct AllocatorTuningTests {
    @Test("an operator's own allocator setting is left alone")
    func operatorSettingsWin() {
        for knob in ["MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "GLIBC_TUNABLES"] {
            #expect(AllocatorTuning.applyForServer(environment: [knob: "1"]) == false, "\(knob)")
        }
    }

    #if canImport(Glibc)
        @Test("without one, glibc takes the server's thresholds")
        func glibcTakesTheThresholds() {
            #expect(AllocatorTuning.applyForServer(environment: [:]))
        }
    #endif
}
