import Foundation
import Testing
@testable import SigilContainers

/// Inputs libFuzzer found (Fuzz/Sources/SigilFuzz); each runs through the same checks as the harness.
@Suite struct FuzzRegressionTests {
    static let directory = Fixtures.resources.appendingPathComponent("FuzzRegressions")

    static func inputs() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).filter { $0.hasSuffix(".bin") }.sorted()
    }

    static let label =
        #"{"Label":"1","ContentProducer":"001191000000000000000K10000","ProduceID":"fuzz","ReservedCode1":"","ContentPropagator":"001191000000000000000K10000","PropagateID":"fuzz","ReservedCode2":""}"#
    static let extra = [XMPProperty(namespaceURI: "https://sigil.invalid/ns/1.0/", prefix: "sigil", name: "Job", value: "fuzz & <job>")]

    /// What the harness does with one input; returns a description of a broken invariant, if any.
    static func exercise(_ bytes: [UInt8]) -> String? {
        _ = ImageHeader.sniff(bytes)
        _ = try? ImageHeader.read(bytes)
        if let scan = try? LabelScanner.scan(bytes) {
            for carrier in scan.carriers { _ = carrier.parsedPayload }
        }
        _ = try? CompressedImageData.bytes(of: bytes)
        _ = LabelWriter.readProperty(namespaceURI: LabelWriter.namespaceURI, name: "AIGC", in: bytes)
        if let written = try? LabelWriter.write(json: label, wrappedJSON: "{\"AIGC\":\(label)}", extra: extra, into: bytes) {
            guard let scan = try? LabelScanner.scan(written),
                scan.carriers.contains(where: { $0.parsedPayload.value(of: .produceID) == "fuzz" })
            else { return "LabelWriter output does not read back" }
            _ = try? ImageHeader.read(written)
            if let format = ImageHeader.sniff(bytes) {
                _ = try? MetadataTransplant.transplant(from: written, into: bytes, format: format)
            }
        }
        return nil
    }

    @Test func corpusIsPresent() {
        #expect(!Self.inputs().isEmpty)
    }

    @Test(arguments: inputs())
    func regression(_ name: String) throws {
        let bytes = try [UInt8](Data(contentsOf: Self.directory.appendingPathComponent(name)))
        #expect(Self.exercise(bytes) == nil)
    }

    /// The XMP editor refuses packets it cannot map rather than splicing blindly.
    @Test func brokenPacketIsNotEdited() throws {
        let bytes = try [UInt8](Data(contentsOf: Self.directory.appendingPathComponent("webp-broken-xmp-readback-1.bin")))
        #expect(throws: SigilError(.malformed, "")) {
            try LabelWriter.write(json: Self.label, wrappedJSON: "", extra: Self.extra, into: bytes)
        }
    }
}
