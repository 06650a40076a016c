import Foundation
import Testing
@testable import SigilImaging

@Suite struct PNGCodecTests {
    @Test(.enabled(if: TestSupport.hasSamplePNGs)) func decodesSampleImages() throws {
        for url in TestSupport.samplePNGs {
            let bytes = try TestSupport.read(url)
            let decoded = try PNGCodec.decode(bytes, maxPixels: 50_000_000)
            // IHDR width/height read independently.
            let width = Int(bytes[16]) << 24 | Int(bytes[17]) << 16 | Int(bytes[18]) << 8 | Int(bytes[19])
            let height = Int(bytes[20]) << 24 | Int(bytes[21]) << 16 | Int(bytes[22]) << 8 | Int(bytes[23])
            #expect(decoded.pixels.width == width, "\(url.lastPathComponent)")
            #expect(decoded.pixels.height == height, "\(url.lastPathComponent)")
            #expect(decoded.pixels.bytes.count == width * height * decoded.pixels.channels)
            let info = try #require(decoded.png)
            #expect(info.bitDepth == Int(bytes[24]))
            #expect(decoded.pixels.layout == .rgb || info.colorType != .rgb)
        }
    }

    @Test(arguments: [PixelBuffer.Layout.gray, .grayAlpha, .rgb, .rgba])
    func roundTripIsLossless(layout: PixelBuffer.Layout) throws {
        let original = TestSupport.noiseImage(width: 37, height: 23, layout: layout)
        let png = try PNGCodec.encode(original)
        let decoded = try PNGCodec.decode(png, maxPixels: 10_000)
        #expect(decoded.pixels.layout == layout)
        #expect(decoded.pixels.bytes == original.bytes)
        #expect(
            decoded.png
                == PNGInfo(
                    bitDepth: 8, colorType: [.gray: .gray, .grayAlpha: .grayAlpha, .rgb: .rgb, .rgba: .rgba][layout]!,
                    interlaced: false, hasAlpha: layout.hasAlpha))
    }

    @Test func sixteenBitWithoutGammaIsTakenAsSRGB() throws {
        let png = PNGBuilder.build(width: 4, height: 2, bitDepth: 16, colorType: 2) { x, _, c in
            [0x0000 + c, 0x8080 + c, 0xFFFF - c, 0x4040 + c][x] // ±c keeps channels distinct but rounds to the same byte
        }
        let decoded = try PNGCodec.decode(png, maxPixels: 100)
        #expect(decoded.png?.bitDepth == 16)
        #expect(decoded.pixels.layout == .rgb)
        let row = Array(decoded.pixels.bytes[0..<12])
        #expect(row == [0, 0, 0, 128, 128, 128, 255, 255, 255, 64, 64, 64])
    }

    @Test func sixteenBitGrayAlpha() throws {
        let png = PNGBuilder.build(width: 3, height: 3, bitDepth: 16, colorType: 4) { x, _, c in c == 0 ? 0xC0C0 : [0xFFFF, 0x0000, 0x8080][x] }
        let decoded = try PNGCodec.decode(png, maxPixels: 100)
        #expect(decoded.pixels.layout == .grayAlpha)
        #expect(decoded.pixels.pixel(x: 0, y: 0) == [192, 255])
        #expect(decoded.pixels.pixel(x: 1, y: 0)[1] == 0)
        #expect(decoded.pixels.pixel(x: 2, y: 0)[1] == 128)
    }

    @Test func palette4BitWithTransparency() throws {
        let palette: [UInt8] = [255, 0, 0, 0, 255, 0, 0, 0, 255]
        let png = PNGBuilder.build(width: 5, height: 3, bitDepth: 4, colorType: 3, palette: palette, transparency: [255, 0]) { x, _, _ in x % 3 }
        let decoded = try PNGCodec.decode(png, maxPixels: 100)
        #expect(decoded.png == PNGInfo(bitDepth: 4, colorType: .palette, interlaced: false, hasAlpha: true))
        #expect(decoded.pixels.layout == .rgba)
        #expect(decoded.pixels.pixel(x: 0, y: 0) == [255, 0, 0, 255])
        #expect(decoded.pixels.pixel(x: 1, y: 1)[3] == 0)
        #expect(decoded.pixels.pixel(x: 2, y: 2) == [0, 0, 255, 255])
    }

    @Test func paletteWithoutTransparencyIsRGB() throws {
        let palette: [UInt8] = [10, 20, 30, 200, 210, 220]
        let png = PNGBuilder.build(width: 9, height: 2, bitDepth: 8, colorType: 3, palette: palette) { x, y, _ in (x + y) % 2 }
        let decoded = try PNGCodec.decode(png, maxPixels: 100)
        #expect(decoded.pixels.layout == .rgb)
        #expect(decoded.pixels.pixel(x: 1, y: 0) == [200, 210, 220])
    }

    @Test func oneBitGray() throws {
        let png = PNGBuilder.build(width: 11, height: 2, bitDepth: 1, colorType: 0) { x, y, _ in (x + y) % 2 }
        let decoded = try PNGCodec.decode(png, maxPixels: 100)
        #expect(decoded.png?.bitDepth == 1)
        #expect(decoded.pixels.layout == .gray)
        #expect(Array(decoded.pixels.bytes[0..<4]) == [0, 255, 0, 255])
        #expect(decoded.pixels.bytes[11] == 255)
    }

    @Test func grayWithTRNSGainsAlpha() throws {
        let png = PNGBuilder.build(width: 4, height: 1, bitDepth: 8, colorType: 0, transparency: [0, 50]) { x, _, _ in x * 50 }
        let decoded = try PNGCodec.decode(png, maxPixels: 100)
        #expect(decoded.pixels.layout == .grayAlpha)
        #expect(decoded.pixels.pixel(x: 1, y: 0) == [50, 0])
        #expect(decoded.pixels.pixel(x: 2, y: 0) == [100, 255])
    }

    @Test func interlacedMatchesNonInterlaced() throws {
        let sample: (Int, Int, Int) -> Int = { x, y, c in (x * 7 + y * 13 + c * 50) % 256 }
        let plain = try PNGCodec.decode(PNGBuilder.build(width: 19, height: 13, bitDepth: 8, colorType: 2, sample: sample), maxPixels: 1_000)
        let adam7 = try PNGCodec.decode(
            PNGBuilder.build(width: 19, height: 13, bitDepth: 8, colorType: 2, interlaced: true, sample: sample), maxPixels: 1_000)
        #expect(adam7.png?.interlaced == true)
        #expect(plain.png?.interlaced == false)
        #expect(adam7.pixels.bytes == plain.pixels.bytes)
        let expected: [UInt8] = [74, 124, 174] // (5·7 + 3·13 + c·50) for c = 0, 1, 2
        #expect(adam7.pixels.pixel(x: 5, y: 3) == expected)
    }

    @Test func hugeHeaderThrowsTooLarge() {
        var png = PNGBuilder.signature + PNGBuilder.ihdr(width: 50_000, height: 50_000, bitDepth: 8, colorType: 2, interlace: 0)
        png += PNGBuilder.chunk("IDAT", PNGBuilder.zlibStored([0, 1, 2])) + PNGBuilder.chunk("IEND", [])
        // Refused from the header, before any allocation (how fast is a benchmark's question, not a unit test's).
        let thrown = #expect(throws: SigilError.self) { _ = try PNGCodec.decode(png, maxPixels: 100_000_000) }
        #expect(thrown?.code == .tooLarge)
        #expect(thrown?.message.contains("50000") == true)
    }

    @Test func badCRCAndTruncationThrowCodec() throws {
        var png = try PNGCodec.encode(TestSupport.smoothImage(width: 64, height: 64))
        let truncated = Array(png[0..<png.count / 2])
        #expect(throws: SigilError(.codec, "")) { _ = try PNGCodec.decode(truncated, maxPixels: 10_000) }
        png[29] ^= 0xFF // IHDR CRC
        #expect(throws: SigilError(.codec, "")) { _ = try PNGCodec.decode(png, maxPixels: 10_000) }
        #expect(throws: SigilError(.codec, "")) { _ = try PNGCodec.decode(Array("GIF89a".utf8), maxPixels: 10_000) }
    }

    @Test func crcHelperMatchesKnownVector() {
        #expect(PNGBuilder.crc32(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(PNGBuilder.adler32(Array("Wikipedia".utf8)) == 0x11E6_0398)
    }
}
