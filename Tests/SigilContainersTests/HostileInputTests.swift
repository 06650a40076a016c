import Foundation
import Testing
@testable import SigilContainers

/// Inputs built to make a naive parser quadratic or recursive: each must be answered (no crash, no stack overflow)
/// with the right finding. How fast is measured by the benchmarks, not asserted here.
@Suite struct HostileInputTests {
    @Test func deeplyNestedXMP() throws {
        let packet = Array((String(repeating: "<a:b>", count: 200_000) + String(repeating: "</a:b>", count: 200_000)).utf8)
        let png = Build.png([Build.iTXt(PNGText.xmpKeyword, packet)])
        let scan = try LabelScanner.scan(png)
        #expect(scan.has(.xmpMalformed))
    }

    @Test func manySiblingDescriptions() throws {
        let inner = String(repeating: #"<rdf:Description a="1"><x:y>z</x:y></rdf:Description>"#, count: 50_000)
        let packet = Array(
            #"<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\#(inner)</rdf:RDF></x:xmpmeta>"#
                .utf8)
        let png = Build.png([Build.iTXt(PNGText.xmpKeyword, packet)])
        _ = try LabelScanner.scan(png)
    }

    @Test func fillBytesAndEmptyChunks() throws {
        let jpeg: [UInt8] = [0xFF, 0xD8] + [UInt8](repeating: 0xFF, count: 1 << 20) + [0xD9]
        let png = PNGStructure.signature + [UInt8](repeating: 0, count: 0) + (0..<50_000).flatMap { _ in Build.pngChunk("tEXt", [0x61, 0]) }
        _ = try LabelScanner.scan(jpeg)
        _ = try LabelScanner.scan(png)
        _ = try? ImageHeader.read(jpeg)
    }
}
