import Foundation
import SigilCore
import Testing
@testable import SigilContainers

/// Every shared document under 64 KiB, mutated at random positions (a seeded generator, so a failure repeats)
/// and truncated: scanning never traps, and writing gives a named error or a file whose label reads back once.
@Suite(.enabled(if: DocumentTools.documentsAvailable)) struct HostileDocumentTests {
    static let names = DocumentTools.documents(".md", ".docx", ".dotx", ".xlsx", ".pdf").filter { name in
        ((try? DocumentTools.document(name).count) ?? .max) < 64 << 10 && !name.contains("encrypted")
    }

    @Test(arguments: names) func mutationsGiveAnErrorOrOneLabel(_ name: String) throws {
        let original = try DocumentTools.document(name)
        var random = SplitMix64(seed: name.utf8.reduce(20) { $0 &* 31 &+ UInt64($1) })
        let registry = MediaRegistry.standard
        for round in 0..<300 {
            var bytes = original
            if round % 6 == 5 {
                bytes = Array(bytes.prefix(Int(random.next() % UInt64(bytes.count))))
            } else {
                for _ in 0..<(1 + Int(random.next() % 4)) {
                    bytes[Int(random.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: random.next())
                }
            }
            _ = try? LabelScanner.scan(bytes)
            guard let identified = registry.identify(bytes, fileExtension: "md"), let writer = identified.handler as? any LabelWriting else {
                continue
            }
            do {
                let written = try writer.writeLabel(ConformanceSample.labelA, into: bytes)
                let labels = try LabelScanner.scan(written).carriers.filter { $0.parsedPayload.value(of: .produceID) == "abc123" }
                #expect(labels.count == 1, "\(name) round \(round)")
            } catch let error as SigilError {
                #expect(!error.message.isEmpty)
            }
        }
    }
}
