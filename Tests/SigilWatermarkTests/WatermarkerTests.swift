import Testing
import SigilImaging
@testable import SigilWatermark

@Suite("Watermarker: embed, detect, attacks, false positives")
struct WatermarkerTests {
    static let payload: UInt64 = 0x5167_AB01_9C3D_E2F4
    static let marker = Watermarker(key: WatermarkTestSupport.key)

    static func marked(_ name: String = "landscape.jpg") throws -> (original: PixelBuffer, marked: PixelBuffer) {
        let original = try WatermarkTestSupport.example(name)
        var marked = original
        try marker.embed(payload: payload, into: &marked)
        return (original, marked)
    }

    @Test("round trip, quality, and nothing read with another key")
    func roundTrip() throws {
        let (original, marked) = try Self.marked()
        #expect(WatermarkTestSupport.psnr(original, marked) > 38)
        let found = Self.marker.detect(in: marked)
        #expect(found.detected && found.payload == Self.payload)
        #expect(!Watermarker(key: WatermarkTestSupport.otherKey).detect(in: marked).detected)
        #expect(!Self.marker.detect(in: original).detected)
    }

    @Test("survives JPEG, downscale, crops, rotation and their combination")
    func attacks() throws {
        let (_, m) = try Self.marked()
        let w = m.width
        let h = m.height
        let attacked: [(String, PixelBuffer)] = [
            ("jpeg50", try WatermarkTestSupport.jpeg(m, quality: 50)),
            ("resize50", WatermarkTestSupport.resized(m, width: w / 2, height: h / 2)),
            ("crop-offcentre-56%", WatermarkTestSupport.cropped(m, x: w / 4, y: 0, width: w * 3 / 4, height: h * 3 / 4)),
            ("rotate2", WatermarkTestSupport.rotated(m, degrees: 2)),
            ("resize50+jpeg75", try WatermarkTestSupport.jpeg(WatermarkTestSupport.resized(m, width: w / 2, height: h / 2), quality: 75)),
        ]
        for (name, image) in attacked {
            let found = Self.marker.detect(in: image)
            #expect(found.payload == Self.payload, "\(name): \(found)")
        }
    }

    @Test("small pictures halved and cropped, rotations to 5°, aspect changes")
    func geometry() throws {
        // A 450 × 300 picture has the floor pitch; halved, its tile is the proportional one the detector also tries.
        var small = WatermarkTestSupport.resized(try WatermarkTestSupport.example("landscape.jpg"), width: 450, height: 300)
        try Self.marker.embed(payload: Self.payload, into: &small)
        #expect(WatermarkGeometry.candidatePeriods(width: 225, height: 150).count == 2)
        #expect(WatermarkGeometry.candidatePeriods(width: 960, height: 640).count == 1)
        // A portrait picture whose long side is squeezed keeps its short side, so the size-implied tile is wrong in
        // both directions; the stretch hypotheses start from the original size instead.
        var portrait = WatermarkTestSupport.resized(try WatermarkTestSupport.example("landscape.jpg"), width: 512, height: 600)
        try Self.marker.embed(payload: Self.payload, into: &portrait)
        let stretches = WatermarkGeometry.aspectPeriods(width: 512, height: 480)
        #expect(stretches.contains { abs($0.x - 512.0 / 96 * 16) < 0.01 && abs($0.y - 512.0 / 96 * 16 * 0.8) < 0.01 })
        let (_, m) = try Self.marked()
        let attacked: [(String, PixelBuffer)] = [
            ("portrait-aspect-y0.8", WatermarkTestSupport.resized(portrait, width: 512, height: 480)),
            ("small-resize50", WatermarkTestSupport.resized(small, width: 225, height: 150)),
            ("small-crop90", WatermarkTestSupport.cropped(small, x: 11, y: 7, width: 428, height: 285)),
            ("rotate5", WatermarkTestSupport.rotated(m, degrees: 5)),
            ("rotate-4", WatermarkTestSupport.rotated(m, degrees: -4)),
            ("aspect-y0.8", WatermarkTestSupport.resized(m, width: m.width, height: m.height * 4 / 5)),
        ]
        for (name, image) in attacked {
            let found = Self.marker.detect(in: image)
            #expect(found.payload == Self.payload, "\(name): \(found)")
        }
    }

    @Test("near black and white the mark steps back")
    func clippedRegionsTakeLittle() throws {
        var image = try WatermarkTestSupport.example("landscape.jpg")
        let black = 0..<(image.width * 3 / 10)
        for y in 0..<image.height {
            for x in black { for c in 0..<3 { image.bytes[(y * image.width + x) * 3 + c] = 0 } }
        }
        var marked = image
        try Self.marker.embed(payload: Self.payload, into: &marked)
        func meanChange(_ columns: Range<Int>) -> Double {
            var sum = 0.0
            var n = 0.0
            for y in 32..<(image.height - 32) {
                for x in columns {
                    let i = (y * image.width + x) * 3
                    sum += abs(Double(marked.bytes[i + 1]) - Double(image.bytes[i + 1]))
                    n += 1
                }
            }
            return sum / n
        }
        let inBlack = meanChange(32..<(black.upperBound - 32))
        let inPhoto = meanChange((black.upperBound + 32)..<(image.width - 32))
        #expect(inPhoto > 0.5)
        #expect(inBlack < 0.1 * inPhoto, "black \(inBlack), photo \(inPhoto)")
        #expect(Self.marker.detect(in: marked).payload == Self.payload)
    }

    @Test("alpha is untouched, grey images work, skipped regions stay identical")
    func layoutsAndRegions() throws {
        let rgb = try WatermarkTestSupport.example("meadow.webp")
        var rgba = PixelBuffer(width: rgb.width, height: rgb.height, layout: .rgba, filling: [0, 0, 0, 200])
        var gray = PixelBuffer(width: rgb.width, height: rgb.height, layout: .gray, filling: [0])
        for i in 0..<rgb.pixelCount {
            for c in 0..<3 { rgba.bytes[i * 4 + c] = rgb.bytes[i * 3 + c] }
            gray.bytes[i] = rgb.bytes[i * 3 + 1]
        }
        let region = WatermarkRegion(x: 600, y: 400, width: 150, height: 60)
        var markedRGBA = rgba
        try Self.marker.embed(payload: Self.payload, into: &markedRGBA, skipping: [region])
        #expect((0..<rgba.pixelCount).allSatisfy { markedRGBA.bytes[$0 * 4 + 3] == 200 })
        for y in region.y..<(region.y + region.height) {
            for x in region.x..<(region.x + region.width) {
                #expect(markedRGBA.pixel(x: x, y: y) == rgba.pixel(x: x, y: y))
            }
        }
        #expect(Self.marker.detect(in: markedRGBA).payload == Self.payload)
        try Self.marker.embed(payload: Self.payload, into: &gray)
        #expect(Self.marker.detect(in: gray).payload == Self.payload)
        var tiny = PixelBuffer(width: 40, height: 300, layout: .rgb, filling: [1, 2, 3])
        #expect(throws: SigilError.self) { try Self.marker.embed(payload: 1, into: &tiny) }
    }

    @Test("no detections on unmarked crops and rescales (small sample; the 10,000-image run is in benchmarks)")
    func falsePositives() throws {
        var rng = KeyedGenerator(seed: 2025)
        var detections = 0
        for name in ["landscape.jpg", "meadow.webp", "portrait-gradient.jpg", "rotated-exif6.jpg"] {
            let image = try WatermarkTestSupport.example(name)
            for _ in 0..<3 {
                let w = 80 + Int(rng.next() % UInt64(image.width - 80))
                let h = 80 + Int(rng.next() % UInt64(image.height - 80))
                let x = Int(rng.next() % UInt64(image.width - w + 1))
                let y = Int(rng.next() % UInt64(image.height - h + 1))
                let crop = WatermarkTestSupport.cropped(image, x: x, y: y, width: w, height: h)
                if Self.marker.detect(in: crop).detected { detections += 1 }
            }
        }
        #expect(detections == 0)
        #expect(WatermarkDetection.falsePositiveBound == 9.0 * 8 / 16_777_216)
    }
}
