import Foundation
import Testing
@testable import SigilContainers

@Suite struct MetadataTransplantTests {
    static let icc = Build.segment(0xE2, Array("ICC_PROFILE\0".utf8) + [1, 1] + [UInt8](repeating: 7, count: 40))
    static let iptc = Build.segment(0xED, Array("Photoshop 3.0\0".utf8) + [UInt8](repeating: 3, count: 20))
    static let comment = Build.segment(0xFE, Array("a comment".utf8))
    static let adobe = Build.segment(0xEE, Array("Adobe".utf8) + [0, 100, 0, 0, 0, 0, 1])

    @Test func jpegCopiesAPPnAndCOMInOrder() throws {
        let exif = Build.exifSegment(Build.tiff(bigEndian: true, ifd0: [Build.short(0x0112, 6, bigEndian: true)]))
        let xmp = Build.xmpSegment(Build.elementXMP())
        let original = Build.jpeg([Build.jfif, exif, Self.icc, xmp, Self.iptc, Self.adobe, Self.comment], width: 20, height: 10)
        // The encoder writes its own JFIF and an ICC profile of the same kind.
        let encoderJFIF = Build.segment(0xE0, Array("JFIF\0".utf8) + [1, 2, 0, 0, 72, 0, 72, 0, 0])
        let encoderICC = Build.segment(0xE2, Array("ICC_PROFILE\0".utf8) + [1, 1, 9, 9])
        let encoded = Build.jpeg([encoderJFIF, encoderICC], width: 20, height: 10)
        let result = try MetadataTransplant.transplant(from: original, into: encoded, format: .jpeg)

        let segments = try JPEGStructure(result).segments
        let app = segments.filter { $0.isAPP || $0.isCOM }.map { Array(result[$0.range]) }
        #expect(app == [encoderJFIF, exif, Self.icc, xmp, Self.iptc, Self.comment])
        #expect(try CompressedImageData.bytes(of: result) == CompressedImageData.bytes(of: encoded))
        #expect(try LabelScanner.scan(result).carriers.first?.text == Build.sampleJSON)
        #expect(try ImageHeader.read(result).orientation == 6)
    }

    @Test func jpegKeepsTheOriginalJFIFWhenTheEncoderHasNone() throws {
        let original = Build.jpeg([Build.jfif, Self.comment])
        let encoded = Build.jpeg([])
        let result = try MetadataTransplant.transplant(from: original, into: encoded, format: .jpeg)
        let app = try JPEGStructure(result).segments.filter { $0.isAPP || $0.isCOM }.map { Array(result[$0.range]) }
        #expect(app == [Build.jfif, Self.comment])
    }

    @Test func pngCopiesAncillaryChunks() throws {
        let iccp = Build.pngChunk("iCCP", Array("icc\0".utf8) + [0] + (try Zlib.deflate([1, 2, 3])))
        let phys = Build.pngChunk("pHYs", [0, 0, 11, 19, 0, 0, 11, 19, 1])
        let text = Build.tEXt("AIGC", Build.sampleJSON)
        let xmp = Build.iTXt(PNGText.xmpKeyword, Build.elementXMP())
        let exif = Build.pngChunk("eXIf", Build.tiff(bigEndian: false, ifd0: [Build.short(0x0112, 3, bigEndian: false)]))
        let trns = Build.pngChunk("tRNS", [0, 0])
        let original = Build.png([iccp, phys, trns, text, xmp, exif])
        let encoderGamma = Build.pngChunk("gAMA", [0, 0, 0xB1, 0x8F])
        let encoderSRGB = Build.pngChunk("sRGB", [0])
        let encoderPhys = Build.pngChunk("pHYs", [0, 0, 0, 1, 0, 0, 0, 1, 0])
        let encoded =
            PNGStructure.signature + Build.ihdr(width: 5, height: 5, colorType: 6) + encoderGamma + encoderSRGB + encoderPhys
            + Build.pngChunk("IDAT", [9, 9, 9]) + Build.pngChunk("IEND", [])
        let result = try MetadataTransplant.transplant(from: original, into: encoded, format: .png)
        let s = try PNGStructure(result)
        #expect(s.damage.isEmpty)
        #expect(s.chunks.map(\.type) == ["IHDR", "iCCP", "pHYs", "tEXt", "iTXt", "eXIf", "IDAT", "IEND"])
        #expect(Array(result[s.chunks[0].range]) == Build.ihdr(width: 5, height: 5, colorType: 6))
        #expect(Array(result[s.chunks[2].range]) == phys)
        #expect(try CompressedImageData.bytes(of: result) == [9, 9, 9])
        #expect(try LabelScanner.scan(result).carriers.count == 2)
        #expect(try ImageHeader.read(result).orientation == 3)
    }

    @Test func pngKeepsEncoderColourChunksWithoutAnOriginalProfile() throws {
        let original = Build.png([Build.tEXt("Comment", "x")])
        let encoderGamma = Build.pngChunk("gAMA", [0, 0, 0xB1, 0x8F])
        let encoded = PNGStructure.signature + Build.ihdr() + encoderGamma + Build.idat() + Build.pngChunk("IEND", [])
        let result = try MetadataTransplant.transplant(from: original, into: encoded, format: .png)
        #expect(try PNGStructure(result).chunks.map(\.type) == ["IHDR", "tEXt", "gAMA", "IDAT", "IEND"])
    }

    @Test func webpBuildsVP8X() throws {
        let exif = Build.tiff(bigEndian: false, ifd0: [Build.short(0x0112, 6, bigEndian: false)])
        let original = Build.webp([
            Build.riffChunk("VP8X", [0x2C, 0, 0, 0, 19, 0, 0, 9, 0, 0]), Build.riffChunk("ICCP", [1, 2, 3]), Build.riffChunk("VP8 ", Build.vp8),
            Build.riffChunk("EXIF", exif), Build.riffChunk("XMP ", Build.elementXMP()),
        ])
        var vp8l = Build.vp8l
        vp8l[4] |= 0x10 // alpha
        let encoded = Build.webp([Build.riffChunk("VP8L", vp8l)])
        let result = try MetadataTransplant.transplant(from: original, into: encoded, format: .webp)
        let s = try RIFFStructure(result)
        #expect(s.damage.isEmpty)
        #expect(s.declaredSize + 8 == result.count)
        #expect(s.chunks.map(\.fourCC) == ["VP8X", "ICCP", "VP8L", "EXIF", "XMP "])
        #expect(result[s.chunks[0].data.lowerBound] == 0x3C) // ICC | alpha | EXIF | XMP
        #expect(try ImageHeader.read(result) == ImageHeader(format: .webp, width: 32, height: 32, orientation: 6, hasAlpha: true))
        #expect(try CompressedImageData.bytes(of: result) == CompressedImageData.bytes(of: encoded))
        #expect(try LabelScanner.scan(result).carriers.count == 1)
    }

    @Test func webpWithoutMetadataIsUnchanged() throws {
        let encoded = Build.webp([Build.riffChunk("VP8L", Build.vp8l)])
        #expect(try MetadataTransplant.transplant(from: Build.webp([Build.riffChunk("VP8 ", Build.vp8)]), into: encoded, format: .webp) == encoded)
    }

    @Test func mismatchedFormats() {
        #expect(throws: SigilError(.unsupportedFormat, "")) {
            try MetadataTransplant.transplant(from: Build.png([]), into: Build.jpeg([]), format: .png)
        }
        #expect(throws: SigilError(.unsupportedFormat, "")) {
            try MetadataTransplant.transplant(from: Build.gif(extensions: []), into: Build.gif(extensions: []), format: .gif)
        }
    }
}
