import Foundation
import Testing
@testable import SigilContainers

/// The peers' audio and video fixtures (FLAC, Ogg, MP3, MP4/M4A/MOV, AVI) in INDEX.json, read with the verdicts it
/// gives, and each one that Sigil can label labeled once more (the peer's label replaced, one label left).
@Suite(.enabled(if: Fixtures.peersAvailable, "the shared peer fixtures are not present"))
struct AudioPeerCorpusTests {
    typealias Entry = PeerCorpusTests.Entry

    static let directories: Set<String> = ["flac", "mp3", "ogg", "mp4", "avi", "mkv", "flv"]

    static func entries() -> [Entry] { PeerCorpusTests.entries(in: directories) }

    @Test func theAudioFixturesAreListed() {
        #expect(Self.entries().count >= Self.directories.count)
    }

    @Test(arguments: entries())
    func readsAsThePeersSay(_ entry: Entry) throws {
        let bytes = try Fixtures.peer(entry.file)
        let scan = try LabelScanner.scan(bytes)
        let labels = scan.carriers.filter { $0.parsedPayload.hasAnnexEKeys }
        if entry.hasLabel == "false" {
            #expect(labels.isEmpty, "\(entry.file): \(labels.map(\.location))")
            return
        }
        let match = labels.first { carrier in
            (entry.expectedFields.first ?? [:]).allSatisfy { key, value in carrier.parsedPayload.fields.first { $0.key == key }?.value == value }
        }
        #expect(
            match != nil,
            "\(entry.file): no carrier yields \(entry.expectedFields); carriers \(scan.carriers.map(\.location)), findings \(scan.findings.map(\.message))"
        )
        #expect(labels.count == 1, "\(entry.file): \(labels.map(\.location))")
    }

    /// A peer's label is replaced, not doubled, when Sigil labels the file (GB 45438 6.1 c).
    @Test(arguments: entries().filter { $0.hasLabel != "false" })
    func relabelingLeavesOneLabel(_ entry: Entry) throws {
        let bytes = try Fixtures.peer(entry.file)
        guard MediaRegistry.standard.identify(bytes)?.handler is any LabelWriting else { return }
        let labeled: [UInt8]
        do {
            labeled = try LabelWriter.write(ConformanceSample.labelA, into: bytes)
        } catch let error as SigilError {
            // Peers' synthetic files are often not whole (no audio frames); refusing them with a reason is fine.
            #expect(!error.message.isEmpty)
            return
        }
        // Every form: Doubao's keyless `mdir` items and `moov/meta`, handler-less `udta/meta` keys, a raw `udta/aigc`
        // box and XMP in a `uuid` box included (decision 0020).
        let labels = try AudioCheck.labels(labeled)
        #expect(labels.count == 1, "\(entry.file): \(labels.map(\.location))")
        #expect(labels.first?.parsedPayload.label?.produceID == "abc123")
    }
}
