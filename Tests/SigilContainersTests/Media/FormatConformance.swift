import Foundation
import Testing
@testable import SigilContainers

/// One sample file per format that takes labels, for ``FormatConformanceTests``: each carries a metadata item
/// holding ``marker`` that labeling must keep.
struct ConformanceSample: Sendable, CustomStringConvertible {
    var format: MediaFormat
    var bytes: [UInt8]
    var registry: MediaRegistry = .standard
    var description: String { format.id }

    static let marker = "SIGIL-KEEP-THIS-METADATA"

    /// A sample for every label-writing format of the standard registry, and the toy format of the tests.
    static let all: [ConformanceSample] = [
        ConformanceSample(format: .jpeg, bytes: Build.jpeg([Build.jfif, Build.segment(0xFE, Array(marker.utf8))])),
        ConformanceSample(format: .png, bytes: Build.png([Build.ihdr(), Build.tEXt("Comment", marker), Build.idat()])),
        ConformanceSample(format: .webp, bytes: Build.webp([Build.riffChunk("VP8L", Build.vp8l), Build.riffChunk("ICMT", Array(marker.utf8))])),
        ConformanceSample(format: .wav, bytes: Build.wav([Build.info([("ICMT", marker)])])),
        ConformanceSample(
            format: .flac, bytes: Build.flac([(4, Build.vorbisComment(["COMMENT=\(marker)"])), (1, [UInt8](repeating: 0, count: 16))])),
        ConformanceSample(format: .mp3, bytes: Build.mp3([Build.txxx("SOURCE", marker)])),
        ConformanceSample(
            format: .ogg, bytes: Build.ogg(Build.vorbisHeaders(["COMMENT=\(marker)"], setupLength: 40), audio: Array(Build.oggAudioPackets.prefix(2)))
        ),
        ConformanceSample(format: .opus, bytes: Build.ogg(Build.opusHeaders(["COMMENT=\(marker)"]), audio: Array(Build.oggAudioPackets.prefix(2)))),
        ConformanceSample(format: .m4a, bytes: Build.m4a(udta: [Build.itunesMeta(marker)])),
        ConformanceSample(format: .mp4, bytes: Build.bmffVideo(udta: [Build.itunesMeta(marker)])),
        ConformanceSample(format: .mov, bytes: Build.bmffVideo(brand: "qt  ", udta: [Build.itunesMeta(marker)])),
        ConformanceSample(format: .avi, bytes: Build.avi([Build.info([("ICMT", marker)])])),
        ConformanceSample(format: .matroska, bytes: Build.matroska(tags: [("COMMENT", marker)])),
        ConformanceSample(format: .webm, bytes: Build.matroska(docType: "webm", tags: [("COMMENT", marker)])),
        ConformanceSample(format: .flv, bytes: Build.flv(metadata: [("comment", AMF0.text(marker))])),
        ConformanceSample(format: .markdown, bytes: Array("---\ntitle: \(marker)\nlist:\n  - a\n---\n\n# Body\n".utf8)),
        ConformanceSample(format: .ooxml, bytes: Build.docx([("docProps/app.xml", Array("<Properties>\(marker)</Properties>".utf8), false)])),
        ConformanceSample(format: .pdf, bytes: Build.pdf(info: "/Title (\(marker))")),
        ConformanceSample(
            format: .toy, bytes: Array("TOY1\ncomment=\(marker)\n--\nessence bytes".utf8), registry: MediaRegistry.standard.adding(ToyFormat())),
    ]

    static let labelA = LabelAssignment(json: Build.sampleJSON, wrappedJSON: Build.sampleWrapped)
    static let labelB: LabelAssignment = {
        let json = Build.sampleJSON.replacingOccurrences(of: "abc123", with: "second0042")
        return LabelAssignment(json: json, wrappedJSON: "{\"AIGC\":\(json)}")
    }()

    var handler: any MediaFormatHandler { registry.handler(for: format)! }

    /// The carriers that hold Annex E keys.
    func labels(in bytes: [UInt8]) throws -> [LabelCarrier] {
        try LabelScanner.scan(bytes, registry: registry).carriers.filter { $0.parsedPayload.hasAnnexEKeys }
    }

    func write(_ label: LabelAssignment, into bytes: [UInt8]) throws -> [UInt8] {
        try LabelWriter.write(label, into: bytes, registry: registry)
    }

    /// Where the truncation test cuts: every offset (the samples are a few hundred bytes, so every structure
    /// boundary is among them).
    var boundaries: [Int] {
        Array(0...bytes.count)
    }
}

/// The checks every format that takes labels must pass. A format joins by registering its handler and adding a
/// sample to ``ConformanceSample/all``; `everyWritableFormatHasASample` fails until it does.
@Suite struct FormatConformanceTests {
    @Test func everyWritableFormatHasASample() {
        let sampled = Set(ConformanceSample.all.map(\.format))
        for format in MediaRegistry.standard.formats(with: (any LabelWriting).self) {
            #expect(sampled.contains(format), "\(format.displayName) writes labels but has no conformance sample")
        }
    }

    @Test(arguments: ConformanceSample.all)
    func sampleIsRecognised(_ sample: ConformanceSample) throws {
        #expect(sample.registry.format(of: sample.bytes) == sample.format)
        #expect(try sample.labels(in: sample.bytes).isEmpty, "the sample starts without a label")
    }

    @Test(arguments: ConformanceSample.all)
    func labelIsWrittenAndFoundExactlyOnce(_ sample: ConformanceSample) throws {
        let labeled = try sample.write(ConformanceSample.labelA, into: sample.bytes)
        let found = try sample.labels(in: labeled)
        #expect(found.count == 1)
        #expect(found.first?.parsedPayload.label?.produceID == "abc123")
        #expect(found.first?.standard == true, "written in the format's standard site")
        #expect(try LabelScanner.scan(labeled, registry: sample.registry).findings.filter { $0.severity == .error }.isEmpty)
    }

    @Test(arguments: ConformanceSample.all)
    func relabelingReplacesTheLabel(_ sample: ConformanceSample) throws {
        let once = try sample.write(ConformanceSample.labelA, into: sample.bytes)
        let twice = try sample.write(ConformanceSample.labelB, into: once)
        let found = try sample.labels(in: twice)
        #expect(found.count == 1, "GB 45438 6.1 c): one label per file")
        #expect(found.first?.parsedPayload.label?.produceID == "second0042")
        #expect(try sample.write(ConformanceSample.labelB, into: twice) == twice, "writing the same label again changes nothing")
    }

    @Test(arguments: ConformanceSample.all)
    func essenceAndOtherMetadataAreKept(_ sample: ConformanceSample) throws {
        let labeled = try sample.write(ConformanceSample.labelA, into: sample.bytes)
        if let locator = sample.handler as? any EssenceLocating {
            let before = try locator.essenceRanges(in: MemoryByteSource(sample.bytes)).flatMap { sample.bytes[$0] }
            let after = try locator.essenceRanges(in: MemoryByteSource(labeled)).flatMap { labeled[$0] }
            #expect(!before.isEmpty)
            #expect(before == after, "the essence is byte-identical")
        }
        #expect(labeled.firstIndex(of: Array(ConformanceSample.marker.utf8)) != nil, "the other metadata item is kept")
    }

    @Test(arguments: ConformanceSample.all)
    func streamingEditsEqualTheInMemoryWrite(_ sample: ConformanceSample) throws {
        guard let streaming = sample.handler as? any StreamingLabelWriting else { return }
        let plan = try streaming.labelEdits(ConformanceSample.labelA, in: MemoryByteSource(sample.bytes))
        #expect(plan.apply(to: sample.bytes) == (try sample.write(ConformanceSample.labelA, into: sample.bytes)))
        #expect(plan.resultLength == plan.apply(to: sample.bytes).count)
    }

    /// Cut at every offset: writing either refuses with a ``SigilError`` naming an offset or yields a file with
    /// one label; scanning never traps.
    @Test(arguments: ConformanceSample.all)
    func truncationGivesAnErrorOrAWholeFile(_ sample: ConformanceSample) throws {
        for cut in sample.boundaries where cut < sample.bytes.count {
            let truncated = Array(sample.bytes[..<cut])
            _ = try? LabelScanner.scan(truncated, registry: sample.registry)
            do {
                let written = try sample.write(ConformanceSample.labelA, into: truncated)
                #expect(try sample.labels(in: written).count == 1, "cut at \(cut): a written file has one label")
            } catch let error as SigilError {
                #expect(!error.message.isEmpty, "cut at \(cut)")
            }
        }
    }

    /// Every byte of the first 512 set to 0xFF and to 0x00 in turn (lengths that lie): an error or one label.
    @Test(arguments: ConformanceSample.all)
    func lyingBytesGiveAnErrorOrAWholeFile(_ sample: ConformanceSample) throws {
        for offset in 0..<min(512, sample.bytes.count) {
            for value: UInt8 in [0xFF, 0x00, 0x7F] {
                var mutated = sample.bytes
                mutated[offset] = value
                _ = try? LabelScanner.scan(mutated, registry: sample.registry)
                guard sample.registry.format(of: mutated) == sample.format else { continue }
                do {
                    let written = try sample.write(ConformanceSample.labelA, into: mutated)
                    #expect(try sample.labels(in: written).count == 1, "byte \(offset) = \(value): one label")
                } catch is SigilError {
                }
            }
        }
    }

    /// A fake C2PA store: a JUMBF superbox with the `c2pa` manifest-store description.
    static let fakeStore: [UInt8] = {
        let description = Array("jumd".utf8) + ManifestStoreBytes.storeType + [0x03] + Array("c2pa".utf8) + [0]
        let jumd = UInt32(description.count + 4).bigEndianBytes(4) + description
        let payload = jumd + UInt32(12).bigEndianBytes(4) + Array("junk".utf8) + [1, 2, 3, 4]
        return UInt32(payload.count + 8).bigEndianBytes(4) + Array("jumb".utf8) + payload
    }()

    @Test(arguments: ConformanceSample.all)
    func manifestStoresRoundTrip(_ sample: ConformanceSample) throws {
        guard let carrier = sample.handler as? any ManifestCarrying, carrier.embedsManifests else { return }
        #expect(ManifestStoreBytes.isStore(Self.fakeStore))
        let (embedded, range) = try carrier.embedManifestStore(Self.fakeStore, into: sample.bytes)
        let found = try carrier.findManifestStores(in: embedded)
        #expect(found.count == 1)
        #expect(found.first?.bytes == Self.fakeStore)
        #expect(found.first?.containerRange == range)
        let removed = try carrier.removeManifestStores(from: embedded)
        #expect(try carrier.findManifestStores(in: removed).isEmpty)
        if carrier is any ManifestCollectionLocating {
            // A package also declares the store's content type in [Content_Types].xml, a harmless line that stays when
            // the store goes (decision 0207): everything else is the original.
            #expect(removed.count < embedded.count && removed.count >= sample.bytes.count, "removing the store drops its entry")
        } else {
            #expect(removed == sample.bytes, "removing the store restores the file")
        }
        // A label written after the store keeps it (the store is the last mark applied, but relabeling must not drop it).
        let labeled = try sample.write(ConformanceSample.labelA, into: embedded)
        #expect(try carrier.findManifestStores(in: labeled).first?.bytes == Self.fakeStore)
    }
}
