import Foundation
import Testing
@testable import SigilImaging

@Suite struct WebPCodecTests {
    @Test func lossyRoundTrip() throws {
        let original = TestSupport.smoothImage(width: 160, height: 120)
        let webp = try WebPCodec.encode(original, lossless: false, quality: 90)
        #expect(Array(webp[0..<4]) == Array("RIFF".utf8) && Array(webp[8..<12]) == Array("WEBP".utf8))
        let decoded = try WebPCodec.decode(webp, maxPixels: 100_000)
        #expect(decoded.webp == WebPInfo(lossless: false, hasAlpha: false, animated: false))
        #expect(decoded.pixels.layout == .rgb)
        #expect(TestSupport.psnr(original, decoded.pixels) > 30)
    }

    @Test(arguments: [PixelBuffer.Layout.rgb, .rgba])
    func losslessRoundTripIsExact(layout: PixelBuffer.Layout) throws {
        let original = TestSupport.noiseImage(width: 33, height: 17, layout: layout)
        let decoded = try WebPCodec.decode(WebPCodec.encode(original, lossless: true, quality: 50), maxPixels: 10_000)
        #expect(decoded.webp == WebPInfo(lossless: true, hasAlpha: layout.hasAlpha, animated: false))
        #expect(decoded.pixels.layout == layout)
        #expect(decoded.pixels.bytes == original.bytes)
    }

    @Test func grayIsExpanded() throws {
        let gray = TestSupport.noiseImage(width: 8, height: 8, layout: .gray)
        let decoded = try WebPCodec.decode(WebPCodec.encode(gray, lossless: true, quality: 50), maxPixels: 100)
        #expect(decoded.pixels.layout == .rgb)
        #expect(decoded.pixels.pixel(x: 3, y: 2) == Array(repeating: gray.bytes[2 * 8 + 3], count: 3))
    }

    @Test(.enabled(if: TestSupport.hasWebPFixture)) func decodesPeerFixture() throws {
        let decoded = try WebPCodec.decode(TestSupport.read(TestSupport.webpNone), maxPixels: 10_000_000)
        #expect(decoded.pixels.width == 800 && decoded.pixels.height == 600)
        #expect(decoded.webp?.lossless == false)
        #expect(throws: SigilError(.tooLarge, "")) { _ = try WebPCodec.decode(TestSupport.read(TestSupport.webpNone), maxPixels: 479_999) }
    }

    @Test func truncatedAndGarbageThrowCodec() throws {
        let webp = try WebPCodec.encode(TestSupport.smoothImage(width: 64, height: 64), lossless: false, quality: 80)
        #expect(throws: SigilError(.codec, "")) { _ = try WebPCodec.decode(Array(webp[0..<webp.count / 2]), maxPixels: 10_000) }
        #expect(throws: SigilError(.codec, "")) { _ = try WebPCodec.decode(Array("RIFF0000WEBPjunkjunk".utf8), maxPixels: 10_000) }
    }

    @Test func animatedIsRefused() throws {
        // VP8X with the animation flag, ANIM, and one ANMF frame wrapping a lossless bitstream.
        let still = try WebPCodec.encode(TestSupport.noiseImage(width: 4, height: 4), lossless: true, quality: 50)
        let frameChunk = Array(still[12...]) // "VP8L" chunk of the still image
        func le(_ v: Int, _ n: Int) -> [UInt8] { (0..<n).map { UInt8((v >> (8 * $0)) & 0xFF) } }
        func chunk(_ tag: String, _ body: [UInt8]) -> [UInt8] {
            Array(tag.utf8) + le(body.count, 4) + body + (body.count % 2 == 1 ? [0] : [])
        }
        let vp8x = chunk("VP8X", [0x02, 0, 0, 0] + le(3, 3) + le(3, 3))
        let anim = chunk("ANIM", [0, 0, 0, 0, 0, 0])
        let anmf = chunk("ANMF", le(0, 3) + le(0, 3) + le(3, 3) + le(3, 3) + le(100, 3) + [0] + frameChunk)
        let body = Array("WEBP".utf8) + vp8x + anim + anmf
        let file = Array("RIFF".utf8) + le(body.count, 4) + body
        let error = #expect(throws: SigilError.self) { _ = try WebPCodec.decode(file, maxPixels: 10_000) }
        #expect(error?.code == .codec)
        #expect(error?.message == "animated WebP is not supported for explicit labeling")
    }
}
