import Foundation
import Testing
@testable import SigilContainers

/// Hostile variants of the real audio files: bytes in their metadata set to 0x00, 0xFF or flipped at seeded random
/// offsets, and cuts. Scanning never traps; writing gives a ``SigilError`` or a file with exactly one label.
@Suite(.enabled(if: Fixtures.audioFormatsAvailable, "the shared audio corpus is not present"))
struct AudioMutationTests {
    static let files = [".flac", ".mp3", ".ogg", ".opus", ".m4a", ".wav"].flatMap { Fixtures.audioFiles($0) }

    /// A small deterministic generator (SplitMix64), so a failure names a reproducible case.
    struct Seeded {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Int((z ^ (z >> 31)) % UInt64(bound))
        }
    }

    @Test(arguments: files)
    func mutatedMetadataGivesAnErrorOrOneLabel(_ name: String) throws {
        let original = try Fixtures.audio(name)
        let format = try #require(MediaRegistry.standard.format(of: original))
        var random = Seeded(state: UInt64(original.count))
        let region = min(original.count, 8192)
        for round in 0..<200 {
            var bytes = original
            let offset = random.next(region)
            switch round % 3 {
            case 0: bytes[offset] = 0xFF
            case 1: bytes[offset] = 0x00
            default: bytes[offset] ^= UInt8(1 + random.next(255))
            }
            if round % 10 == 9 { bytes = Array(bytes.prefix(random.next(bytes.count))) }
            _ = try? LabelScanner.scan(bytes)
            guard MediaRegistry.standard.format(of: bytes) == format else { continue }
            do {
                let written = try LabelWriter.write(ConformanceSample.labelA, into: bytes)
                let labels = try AudioCheck.labels(written).filter { $0.parsedPayload.label?.produceID == "abc123" }
                #expect(labels.count == 1, "\(name), round \(round), offset \(offset): \(labels.map(\.location))")
            } catch let error as SigilError {
                #expect(!error.message.isEmpty)
            }
        }
    }
}
