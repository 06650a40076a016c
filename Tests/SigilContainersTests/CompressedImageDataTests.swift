import Foundation
import Testing
@testable import SigilContainers

@Suite struct CompressedImageDataTests {
    @Test func jpegExcludesMetadataSegments() throws {
        let plain = Build.jpeg([])
        let labelled = Build.jpeg([Build.jfif, Build.xmpSegment(Build.elementXMP()), Build.segment(0xFE, [1, 2])])
        let data = try CompressedImageData.bytes(of: plain)
        #expect(data == Array(plain.dropFirst(2)))
        #expect(try CompressedImageData.bytes(of: labelled) == data)
    }

    @Test func pngConcatenatesIDAT() throws {
        let png =
            PNGStructure.signature + Build.ihdr() + Build.pngChunk("IDAT", [1, 2]) + Build.tEXt("a", "b") + Build.pngChunk("IDAT", [3])
            + Build.pngChunk("IEND", [])
        #expect(try CompressedImageData.bytes(of: png) == [1, 2, 3])
    }

    @Test func webpImageChunks() throws {
        let webp = Build.webp([
            Build.riffChunk("VP8X", [0x10, 0, 0, 0, 19, 0, 0, 9, 0, 0]), Build.riffChunk("ALPH", [5]), Build.riffChunk("VP8 ", Build.vp8),
            Build.riffChunk("XMP ", [1]),
        ])
        #expect(try CompressedImageData.bytes(of: webp) == Build.riffChunk("ALPH", [5]) + Build.riffChunk("VP8 ", Build.vp8))
    }

    @Test func unsupported() {
        #expect(throws: SigilError(.unsupportedFormat, "")) { try CompressedImageData.bytes(of: Build.gif(extensions: [])) }
        #expect(throws: SigilError(.malformed, "")) {
            try CompressedImageData.bytes(of: PNGStructure.signature + Build.ihdr() + Build.pngChunk("IEND", []))
        }
    }
}
