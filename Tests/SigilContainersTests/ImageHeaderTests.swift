import Foundation
import Testing
@testable import SigilContainers

@Suite struct ImageHeaderTests {
    @Test func sniff() {
        #expect(ImageHeader.sniff(Build.jpeg([])) == .jpeg)
        #expect(ImageHeader.sniff(Build.png([])) == .png)
        #expect(ImageHeader.sniff(Build.webp([Build.riffChunk("VP8L", Build.vp8l)])) == .webp)
        #expect(ImageHeader.sniff(Build.tiff(bigEndian: true, ifd0: [])) == .tiff)
        #expect(ImageHeader.sniff(Build.tiff(bigEndian: false, ifd0: [])) == .tiff)
        #expect(ImageHeader.sniff(Build.gif(extensions: [])) == .gif)
        #expect(ImageHeader.sniff(Array("RIFF\0\0\0\0WAVE".utf8)) == nil)
        #expect(ImageHeader.sniff([]) == nil)
    }

    @Test func jpegDimensionsAndOrientation() throws {
        let exif = Build.exifSegment(Build.tiff(bigEndian: true, ifd0: [Build.short(0x0112, 6, bigEndian: true)]))
        let header = try ImageHeader.read(Build.jpeg([Build.jfif, exif], width: 640, height: 480))
        #expect(header == ImageHeader(format: .jpeg, width: 640, height: 480, orientation: 6))
    }

    @Test func invalidOrientationReadsAsOne() throws {
        let exif = Build.exifSegment(Build.tiff(bigEndian: false, ifd0: [Build.short(0x0112, 9, bigEndian: false)]))
        #expect(try ImageHeader.read(Build.jpeg([exif])).orientation == 1)
    }

    @Test func jpegWithoutSOF() {
        #expect(throws: SigilError(.malformed, "")) { try ImageHeader.read([0xFF, 0xD8, 0xFF, 0xD9]) }
    }

    @Test func jpegTruncatedSegmentNamesStructureAndOffset() {
        do {
            _ = try ImageHeader.read([0xFF, 0xD8, 0xFF, 0xE1, 0x40, 0x00, 1, 2, 3])
            Issue.record("expected an error")
        } catch let error as SigilError {
            #expect(error.code == .truncated)
            #expect(error.message == "JPEG APP1 segment at offset 2 declares 16382 bytes but only 3 remain")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func png() throws {
        let rgba = PNGStructure.signature + Build.ihdr(width: 300, height: 200, colorType: 6) + Build.idat() + Build.pngChunk("IEND", [])
        #expect(try ImageHeader.read(rgba) == ImageHeader(format: .png, width: 300, height: 200, hasAlpha: true))
        let trns =
            PNGStructure.signature + Build.ihdr(colorType: 2) + Build.pngChunk("tRNS", [0, 0, 0, 0, 0, 0]) + Build.idat() + Build.pngChunk("IEND", [])
        #expect(try ImageHeader.read(trns).hasAlpha)
        let apng =
            PNGStructure.signature + Build.ihdr() + Build.pngChunk("acTL", [0, 0, 0, 2, 0, 0, 0, 0]) + Build.idat() + Build.pngChunk("IEND", [])
        #expect(try ImageHeader.read(apng).isAnimated)
    }

    @Test func pngWithoutIHDR() {
        #expect(throws: SigilError(.malformed, "")) { try ImageHeader.read(PNGStructure.signature + Build.tEXt("a", "b")) }
        #expect(throws: SigilError(.truncated, "")) { try ImageHeader.read(PNGStructure.signature) }
    }

    @Test func webpVariants() throws {
        let lossy = Build.webp([Build.riffChunk("VP8 ", Build.vp8)])
        #expect(try ImageHeader.read(lossy) == ImageHeader(format: .webp, width: 20, height: 10))
        let lossless = Build.webp([Build.riffChunk("VP8L", Build.vp8l)])
        #expect(try ImageHeader.read(lossless) == ImageHeader(format: .webp, width: 32, height: 32))
        let animated = Build.webp([Build.riffChunk("VP8X", [0x12, 0, 0, 0, 99, 0, 0, 49, 0, 0]), Build.riffChunk("ANIM", [0, 0, 0, 0, 0, 0])])
        #expect(try ImageHeader.read(animated) == ImageHeader(format: .webp, width: 100, height: 50, isAnimated: true, hasAlpha: true))
        let alph = Build.webp([
            Build.riffChunk("VP8X", [0, 0, 0, 0, 19, 0, 0, 9, 0, 0]), Build.riffChunk("ALPH", [0]), Build.riffChunk("VP8 ", Build.vp8),
        ])
        #expect(try ImageHeader.read(alph).hasAlpha)
    }

    @Test func webpWithoutImage() {
        #expect(throws: SigilError(.malformed, "")) { try ImageHeader.read(Build.webp([Build.riffChunk("XMP ", [1])])) }
    }

    @Test func gif() throws {
        #expect(try ImageHeader.read(Build.gif(extensions: [])) == ImageHeader(format: .gif, width: 2, height: 3))
        #expect(
            try ImageHeader.read(Build.gif(extensions: [], frames: 2, transparent: true))
                == ImageHeader(format: .gif, width: 2, height: 3, isAnimated: true, hasAlpha: true))
    }

    @Test func tiffWithAlpha() throws {
        let tiff = Build.tiff(
            bigEndian: false,
            ifd0: [
                Build.short(0x0100, 7, bigEndian: false), Build.short(0x0101, 9, bigEndian: false), Build.short(0x0152, 2, bigEndian: false),
            ])
        #expect(try ImageHeader.read(tiff) == ImageHeader(format: .tiff, width: 7, height: 9, hasAlpha: true))
    }

    @Test func unsupported() {
        #expect(throws: SigilError(.unsupportedFormat, "")) { try ImageHeader.read(Array("%PDF-1.7".utf8)) }
    }

    @Test(.enabled(if: Fixtures.mediaAvailable, "shared media images are not present"))
    func realPNGs() throws {
        for name in try FileManager.default.contentsOfDirectory(atPath: Fixtures.media.path) where name.hasSuffix(".png") {
            let bytes = try [UInt8](Data(contentsOf: Fixtures.media.appendingPathComponent(name)))
            let header = try ImageHeader.read(bytes)
            #expect(header.format == .png)
            #expect(header.width > 0 && header.height > 0)
        }
    }
}
