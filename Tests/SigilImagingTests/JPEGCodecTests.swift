import Foundation
import Testing
@testable import SigilImaging

@Suite struct JPEGCodecTests {
    let sub420 = JPEGCodec.Subsampling.s420

    @Test func roundTripAtQuality90KeepsPSNRAbove35dB() throws {
        let original = TestSupport.smoothImage(width: 320, height: 240)
        let jpeg = try JPEGCodec.encode(original, quality: 90, subsampling: JPEGCodec.Subsampling.s444)
        #expect(jpeg.starts(with: [0xFF, 0xD8]))
        let decoded = try JPEGCodec.decode(jpeg, maxPixels: 1_000_000)
        #expect(decoded.pixels.width == 320 && decoded.pixels.height == 240)
        #expect(decoded.pixels.layout == .rgb)
        #expect(decoded.jpeg?.subsampling == JPEGCodec.Subsampling.s444)
        #expect(TestSupport.psnr(original, decoded.pixels) > 35)
    }

    @Test(.enabled(if: TestSupport.hasSamplePNGs)) func photoRoundTripAt420() throws {
        let photo = try PNGCodec.decode(TestSupport.read(TestSupport.samplePNGs[0]), maxPixels: 50_000_000).pixels
        let decoded = try JPEGCodec.decode(JPEGCodec.encode(photo, quality: 90, subsampling: sub420), maxPixels: 50_000_000)
        #expect(decoded.jpeg?.subsampling == sub420)
        #expect(TestSupport.psnr(photo, decoded.pixels) > 30)
    }

    @Test func grayStaysGray() throws {
        let gray = TestSupport.smoothImage(width: 200, height: 100, layout: .gray)
        let jpeg = try JPEGCodec.encode(gray, quality: 90, subsampling: sub420)
        let decoded = try JPEGCodec.decode(jpeg, maxPixels: 1_000_000)
        #expect(decoded.pixels.layout == .gray)
        #expect(decoded.jpeg?.subsampling == JPEGCodec.Subsampling.gray)
        #expect(TestSupport.psnr(gray, decoded.pixels) > 35)
    }

    @Test func alphaIsDropped() throws {
        let rgba = TestSupport.smoothImage(width: 64, height: 48, layout: .rgba)
        let decoded = try JPEGCodec.decode(JPEGCodec.encode(rgba, quality: 95, subsampling: sub420), maxPixels: 10_000)
        #expect(decoded.pixels.layout == .rgb)
        let grayAlpha = TestSupport.smoothImage(width: 64, height: 48, layout: .grayAlpha)
        let grayDecoded = try JPEGCodec.decode(JPEGCodec.encode(grayAlpha, quality: 95, subsampling: sub420), maxPixels: 10_000)
        #expect(grayDecoded.pixels.layout == .gray)
    }

    @Test(arguments: [50, 75, 90, 95])
    func qualityEstimateWithinTwo(quality: Int) throws {
        let jpeg = try JPEGCodec.encode(TestSupport.smoothImage(width: 64, height: 64), quality: quality, subsampling: sub420)
        let estimate = try #require(JPEGCodec.estimateQuality(jpeg))
        #expect(abs(estimate - quality) <= 2, "estimated \(estimate) for q\(quality)")
        let decoded = try JPEGCodec.decode(jpeg, maxPixels: 10_000)
        #expect(decoded.jpeg?.quality == estimate)
        #expect(decoded.jpeg?.qualityEstimated == true)
    }

    @Test func qualityEstimateIsNilWithoutTables() {
        #expect(JPEGCodec.estimateQuality([0xFF, 0xD8, 0xFF, 0xD9]) == nil)
        #expect(JPEGCodec.estimateQuality([1, 2, 3]) == nil)
    }

    @Test func truncatedJPEGThrows() throws {
        let jpeg = try JPEGCodec.encode(TestSupport.smoothImage(width: 256, height: 256), quality: 90, subsampling: sub420)
        let half = Array(jpeg[0..<jpeg.count / 2])
        let error = #expect(throws: SigilError.self) { _ = try JPEGCodec.decode(half, maxPixels: 1_000_000) }
        #expect(error?.code == .codec)
        #expect(error?.message.contains("TurboJPEG") == true)
    }

    @Test func garbageThrowsCodec() {
        let error = #expect(throws: SigilError.self) { _ = try JPEGCodec.decode([0xFF, 0xD8, 0xFF, 0xE0, 0, 4, 1, 2, 9, 9], maxPixels: 100) }
        #expect(error?.code == .codec)
        #expect(throws: SigilError.self) { _ = try JPEGCodec.decode(Array("not a jpeg".utf8), maxPixels: 100) }
    }

    @Test func hugeSOFThrowsTooLargeBeforeAllocating() throws {
        var jpeg = try JPEGCodec.encode(TestSupport.smoothImage(width: 16, height: 16), quality: 80, subsampling: sub420)
        // Patch SOF0 (FF C0 len(2) precision(1) height(2) width(2)) to 60000 × 60000.
        let sof = try #require((0..<jpeg.count - 1).first { jpeg[$0] == 0xFF && jpeg[$0 + 1] == 0xC0 })
        jpeg[sof + 5] = 0xEA
        jpeg[sof + 6] = 0x60
        jpeg[sof + 7] = 0xEA
        jpeg[sof + 8] = 0x60
        // Refused from the header, before any allocation (how fast is a benchmark's question, not a unit test's).
        let thrown = #expect(throws: SigilError.self) { _ = try JPEGCodec.decode(jpeg, maxPixels: 100_000_000) }
        #expect(thrown?.code == .tooLarge)
        #expect(thrown?.message.contains("60000") == true)
    }

    @Test func limitAppliesToRealSize() throws {
        let jpeg = try JPEGCodec.encode(TestSupport.smoothImage(width: 100, height: 100), quality: 80, subsampling: sub420)
        #expect(throws: SigilError(.tooLarge, "")) { _ = try JPEGCodec.decode(jpeg, maxPixels: 9_999) }
        #expect(try JPEGCodec.decode(jpeg, maxPixels: 10_000).pixels.width == 100)
    }

    @Test func badArgumentsAreRejected() {
        let image = TestSupport.smoothImage(width: 8, height: 8)
        #expect(throws: SigilError(.usage, "")) { _ = try JPEGCodec.encode(image, quality: 0, subsampling: 0) }
        #expect(throws: SigilError(.usage, "")) { _ = try JPEGCodec.encode(image, quality: 101, subsampling: 0) }
        #expect(throws: SigilError(.usage, "")) { _ = try JPEGCodec.encode(image, quality: 90, subsampling: 42) }
    }
}
