import Foundation
import Testing
@testable import SigilImaging

@Suite struct LabelWordingTests {
    @Test(arguments: ["AI生成", "人工智能合成", "豆包AI生成", "由AI生成", "人工智能生成合成", "AI合成"])
    func acceptsBothElements(text: String) throws {
        try ExplicitLabelSpec.validateWording(text)
        try ExplicitLabelSpec(text: text).validate()
    }

    @Test func rejectsAIAlone() {
        let error = #expect(throws: SigilError.self) { try ExplicitLabelSpec.validateWording("AI") }
        #expect(error?.code == .invalidExplicitLabel)
        #expect(error?.message.contains("生成 or 合成") == true)
    }

    @Test func rejectsGenerationAlone() {
        let error = #expect(throws: SigilError.self) { try ExplicitLabelSpec.validateWording("生成") }
        #expect(error?.code == .invalidExplicitLabel)
        #expect(error?.message.contains("人工智能 or AI") == true)
    }

    @Test(arguments: ["AI播客", "虚拟主播", "", "AI\n生成", "ai生成"])
    func rejectsOtherWordings(text: String) {
        #expect(throws: SigilError(.invalidExplicitLabel, "")) { try ExplicitLabelSpec.validateWording(text) }
    }

    @Test func rejectsGlyphHeightBelowFivePercent() {
        let error = #expect(throws: SigilError.self) { try ExplicitLabelSpec(minimumInkHeightFraction: 0.049).validate() }
        #expect(error?.code == .invalidExplicitLabel)
        var pixels = PixelBuffer(width: 64, height: 64, layout: .rgb, filling: [0, 0, 0])
        #expect(throws: SigilError(.invalidExplicitLabel, "")) {
            _ = try ExplicitLabelPainter.paint(ExplicitLabelSpec(minimumInkHeightFraction: 0.03), on: &pixels, orientation: 1)
        }
        #expect(throws: SigilError(.invalidExplicitLabel, "")) {
            _ = try ExplicitLabelPainter.paint(ExplicitLabelSpec(text: "AI"), on: &pixels, orientation: 1)
        }
    }
}

/// Ink rows measured from pixels alone, for a label painted on a uniform mid-grey background: the plate is the
/// median tone of the box, the text is the tone farthest from it, and a row holds ink when some pixel is at least
/// half-way from plate to text.
private func measuredInkRows(_ pixels: PixelBuffer, box: PaintedLabel.Box) -> Int {
    var values: [Double] = []
    for y in box.y..<box.y + box.height {
        for x in box.x..<box.x + box.width { values.append(TestSupport.luminance(pixels, x: x, y: y)) }
    }
    let plate = values.sorted()[values.count / 2]
    let text = values.max { abs($0 - plate) < abs($1 - plate) }!
    let threshold = abs(text - plate) / 2
    var rows = 0
    for y in 0..<box.height {
        if (0..<box.width).contains(where: { abs(values[y * box.width + $0] - plate) >= threshold }) { rows += 1 }
    }
    return rows
}

/// Bounding box of pixels that differ between two buffers of the same size (stored coordinates).
private func changedBounds(_ a: PixelBuffer, _ b: PixelBuffer) -> (minX: Int, minY: Int, maxX: Int, maxY: Int)? {
    var result: (Int, Int, Int, Int)?
    let channels = a.channels
    a.bytes.withUnsafeBufferPointer { pa in
        b.bytes.withUnsafeBufferPointer { pb in
            for y in 0..<a.height {
                let row = y * a.width * channels
                for x in 0..<a.width {
                    let o = row + x * channels
                    var differs = false
                    for c in 0..<channels where pa[o + c] != pb[o + c] { differs = true }
                    if differs {
                        if let r = result {
                            result = (min(r.0, x), min(r.1, y), max(r.2, x), max(r.3, y))
                        } else {
                            result = (x, y, x, y)
                        }
                    }
                }
            }
        }
    }
    return result.map { (minX: $0.0, minY: $0.1, maxX: $0.2, maxY: $0.3) }
}

/// WCAG contrast measured from pixels: median tone of the text rectangle (plate) against its most deviant 0.5 %.
private func measuredContrast(_ pixels: PixelBuffer, box: PaintedLabel.Box, padding: Int) -> Double {
    var values: [Double] = []
    for y in box.y + padding..<box.y + box.height - padding {
        for x in box.x + padding..<box.x + box.width - padding { values.append(TestSupport.luminance(pixels, x: x, y: y)) }
    }
    let plate = values.sorted()[values.count / 2]
    let extremes = values.sorted { abs($0 - plate) > abs($1 - plate) }.prefix(max(1, values.count / 200))
    let text = extremes.reduce(0, +) / Double(extremes.count)
    return TestSupport.contrast(plate, text)
}

@Suite(.enabled(if: TestSupport.hasFont)) struct ExplicitLabelPainterTests {
    @Test(arguments: [(64, 64), (100, 3000), (3000, 100), (1024, 768), (4000, 3000)])
    func inkHeightIsAtLeastFivePercent(size: (Int, Int)) throws {
        let (width, height) = size
        let original = PixelBuffer(width: width, height: height, layout: .rgb, filling: [128, 128, 128])
        var pixels = original
        let label = try ExplicitLabelPainter.paint(ExplicitLabelSpec(), on: &pixels, orientation: 1)
        let shortest = min(width, height)
        let required = Int((0.05 * Double(shortest)).rounded(.up))
        #expect(label.shortestSide == shortest)
        #expect(label.inkHeight >= required)
        #expect(label.inkHeightFraction >= 0.05)
        let measured = measuredInkRows(pixels, box: label.box)
        #expect(measured >= required, "measured \(measured) ink rows, need \(required) for \(width)×\(height)")
        #expect(abs(measured - label.inkHeight) <= 1)
        // Only the box changed, and the box is exactly what changed.
        let changed = try #require(changedBounds(original, pixels))
        #expect(changed.minX == label.box.x && changed.minY == label.box.y)
        #expect(changed.maxX == label.box.x + label.box.width - 1 && changed.maxY == label.box.y + label.box.height - 1)
        // Bottom-right, inside the image, within the margin.
        let margin = Int((0.02 * Double(shortest)).rounded())
        #expect(label.box.x >= 0 && label.box.y >= 0)
        #expect(label.box.x + label.box.width <= width && label.box.y + label.box.height <= height)
        #expect(width - (label.box.x + label.box.width) <= margin)
        #expect(height - (label.box.y + label.box.height) <= margin)
        #expect(label.box.x + label.box.width / 2 >= width / 2 && label.box.y + label.box.height / 2 >= height / 2)
        #expect(label.contrastRatio >= 7)
    }

    @Test func bottomRightSitsInTheQuadrantAtTheMargin() throws {
        var pixels = PixelBuffer(width: 1024, height: 768, layout: .rgb, filling: [128, 128, 128])
        let label = try ExplicitLabelPainter.paint(ExplicitLabelSpec(), on: &pixels, orientation: 1)
        let margin = Int((0.02 * 768).rounded())
        #expect(label.box.x >= 512 && label.box.y >= 384)
        #expect(1024 - (label.box.x + label.box.width) == margin)
        #expect(768 - (label.box.y + label.box.height) == margin)
    }

    @Test(arguments: LabelPosition.allCases)
    func positionsFollowTheRequest(position: LabelPosition) throws {
        var pixels = PixelBuffer(width: 800, height: 600, layout: .rgb, filling: [200, 200, 200])
        let label = try ExplicitLabelPainter.paint(ExplicitLabelSpec(position: position), on: &pixels, orientation: 1)
        let cx = label.box.x + label.box.width / 2
        let cy = label.box.y + label.box.height / 2
        let margin = 12
        switch position {
        case .topLeft: #expect(label.box.x == margin && label.box.y == margin)
        case .top: #expect(abs(cx - 400) <= 1 && label.box.y == margin)
        case .topRight: #expect(800 - label.box.x - label.box.width == margin && label.box.y == margin)
        case .left: #expect(label.box.x == margin && abs(cy - 300) <= 1)
        case .right: #expect(800 - label.box.x - label.box.width == margin && abs(cy - 300) <= 1)
        case .bottomLeft: #expect(label.box.x == margin && 600 - label.box.y - label.box.height == margin)
        case .bottom: #expect(abs(cx - 400) <= 1 && 600 - label.box.y - label.box.height == margin)
        case .bottomRight: #expect(800 - label.box.x - label.box.width == margin && 600 - label.box.y - label.box.height == margin)
        }
    }

    @Test func tooLongTextIsAClearError() throws {
        var pixels = PixelBuffer(width: 120, height: 120, layout: .rgb, filling: [0, 0, 0])
        let before = pixels.bytes
        let spec = ExplicitLabelSpec(text: "本图片由某某科技有限公司的人工智能模型自动生成合成")
        let error = #expect(throws: SigilError.self) { _ = try ExplicitLabelPainter.paint(spec, on: &pixels, orientation: 1) }
        #expect(error?.code == .invalidExplicitLabel)
        #expect(error?.message.contains("too long for a 120×120 image at 5 % glyph height") == true)
        #expect(pixels.bytes == before)
    }

    /// Display (dx, dy) of stored (sx, sy) for a stored W×H image, from the EXIF definitions.
    private func display(_ o: Int, _ sx: Int, _ sy: Int, _ w: Int, _ h: Int) -> (Int, Int) {
        switch o {
        case 2: (w - 1 - sx, sy)
        case 3: (w - 1 - sx, h - 1 - sy)
        case 4: (sx, h - 1 - sy)
        case 5: (sy, sx)
        case 6: (h - 1 - sy, sx)
        case 7: (h - 1 - sy, w - 1 - sx)
        case 8: (sy, w - 1 - sx)
        default: (sx, sy)
        }
    }

    @Test(arguments: 1...8)
    func orientedLabelReadsUprightWhenDisplayed(orientation: Int) throws {
        let displayWidth = 400
        let displayHeight = 300
        var reference = PixelBuffer(width: displayWidth, height: displayHeight, layout: .rgb, filling: [90, 140, 200])
        let expected = try ExplicitLabelPainter.paint(ExplicitLabelSpec(), on: &reference, orientation: 1)

        let swaps = orientation >= 5
        let storedWidth = swaps ? displayHeight : displayWidth
        let storedHeight = swaps ? displayWidth : displayHeight
        let original = PixelBuffer(width: storedWidth, height: storedHeight, layout: .rgb, filling: [90, 140, 200])
        var stored = original
        let label = try ExplicitLabelPainter.paint(ExplicitLabelSpec(), on: &stored, orientation: orientation)
        #expect(label.box == expected.box)

        var mismatches = 0
        for sy in 0..<storedHeight {
            for sx in 0..<storedWidth {
                let (dx, dy) = display(orientation, sx, sy, storedWidth, storedHeight)
                if stored.pixel(x: sx, y: sy) != reference.pixel(x: dx, y: dy) { mismatches += 1 }
            }
        }
        #expect(mismatches == 0)
    }

    @Test(arguments: [6, 8])
    func rotatedLabelChangesTheRightStoredCorner(orientation: Int) throws {
        // Stored 300 wide × 400 high; displayed 400 × 300 after rotation.
        let original = PixelBuffer(width: 300, height: 400, layout: .rgb, filling: [128, 128, 128])
        var stored = original
        let label = try ExplicitLabelPainter.paint(ExplicitLabelSpec(), on: &stored, orientation: orientation)
        let changed = try #require(changedBounds(original, stored))
        if orientation == 6 {
            // Display bottom-right = stored top-right.
            #expect(changed.minX >= 150 && changed.maxY < 200)
            #expect(changed.minX == label.box.y && changed.minY == 400 - label.box.x - label.box.width)
        } else {
            // Display bottom-right = stored bottom-left.
            #expect(changed.maxX < 150 && changed.minY >= 200)
            #expect(changed.minY == label.box.x && changed.minX == 300 - label.box.y - label.box.height)
        }
        #expect(label.box.x >= 200 && label.box.y >= 150)
    }

    @Test(arguments: ["black", "white", "gray", "noise"])
    func contrastHoldsOnAnyBackground(background: String) throws {
        let pixels: PixelBuffer =
            switch background {
            case "black": PixelBuffer(width: 640, height: 480, layout: .rgb, filling: [0, 0, 0])
            case "white": PixelBuffer(width: 640, height: 480, layout: .rgb, filling: [255, 255, 255])
            case "gray": PixelBuffer(width: 640, height: 480, layout: .rgb, filling: [128, 128, 128])
            default: TestSupport.noiseImage(width: 640, height: 480)
            }
        for style in LabelStyle.allCases {
            var copy = pixels
            let label = try ExplicitLabelPainter.paint(ExplicitLabelSpec(style: style), on: &copy, orientation: 1)
            #expect(label.contrastRatio >= 7, "\(style) on \(background): \(label.contrastRatio)")
            if style == .plate {
                let measured = measuredContrast(copy, box: label.box, padding: label.padding)
                #expect(measured >= 4.5, "plate on \(background): measured \(measured)")
                #expect(measured >= 7, "plate on \(background): measured \(measured)")
            } else {
                // Both pure tones are present: text and outline.
                let inBox = (label.box.y..<label.box.y + label.box.height).flatMap { y in
                    (label.box.x..<label.box.x + label.box.width).map { copy.pixel(x: $0, y: y) }
                }
                #expect(inBox.contains([0, 0, 0]) && inBox.contains([255, 255, 255]))
            }
        }
    }

    @Test func transparentImageGetsVisibleLabel() throws {
        let original = PixelBuffer(width: 500, height: 400, layout: .rgba, filling: [0, 0, 0, 0])
        var pixels = original
        let label = try ExplicitLabelPainter.paint(ExplicitLabelSpec(), on: &pixels, orientation: 1)
        var alphas: [UInt8] = []
        for y in label.box.y..<label.box.y + label.box.height {
            for x in label.box.x..<label.box.x + label.box.width { alphas.append(pixels.pixel(x: x, y: y)[3]) }
        }
        #expect(alphas.max() == 255)
        let opaqueEnough = alphas.filter { $0 >= 200 }.count
        #expect(Double(opaqueEnough) / Double(alphas.count) > 0.9)
        #expect(pixels.pixel(x: 10, y: 10) == [0, 0, 0, 0])
        let changed = try #require(changedBounds(original, pixels))
        #expect(changed.minX >= label.box.x && changed.maxY < label.box.y + label.box.height)
        #expect(measuredContrast(pixels, box: label.box, padding: label.padding) >= 7)
    }

    @Test func grayImagesArePaintedInGray() throws {
        var pixels = PixelBuffer(width: 300, height: 200, layout: .grayAlpha, filling: [30, 255])
        let label = try ExplicitLabelPainter.paint(ExplicitLabelSpec(), on: &pixels, orientation: 1)
        #expect(pixels.layout == .grayAlpha)
        #expect(measuredContrast(pixels, box: label.box, padding: label.padding) >= 7)
    }

    @Test func hugeGrayImageOnlyTouchesTheBox() throws {
        let side = 16_384
        var pixels = PixelBuffer(width: side, height: side, layout: .gray, filling: [128])
        let label = try ExplicitLabelPainter.paint(ExplicitLabelSpec(), on: &pixels, orientation: 1)
        #expect(label.inkHeight >= 820)
        #expect(label.box.x + label.box.width <= side && label.box.y + label.box.height <= side)
        for (x, y) in [
            (0, 0), (100, 100), (8_000, 8_000), (0, side - 1), (side - 1, 0), (label.box.x - 1, label.box.y - 1),
            (side - 1, label.box.y - 1), (label.box.x - 1, side - 1),
        ] {
            #expect(pixels.bytes[y * side + x] == 128, "pixel (\(x), \(y)) changed")
        }
        let centre = (label.box.y + label.box.height / 2) * side + label.box.x + 2
        #expect(pixels.bytes[centre] != 128)
    }

    @Test func parallelLabelingWithOneFontAgrees() async throws {
        let font = try Font(path: try #require(TestSupport.fontPath))
        let results = try await withThrowingTaskGroup(of: (PaintedLabel, [UInt8]).self) { group in
            for _ in 0..<8 {
                group.addTask {
                    var pixels = TestSupport.smoothImage(width: 320, height: 240)
                    let label = try ExplicitLabelPainter.paint(ExplicitLabelSpec(), font: font, on: &pixels, orientation: 1)
                    return (label, pixels.bytes)
                }
            }
            var all: [(PaintedLabel, [UInt8])] = []
            for try await result in group { all.append(result) }
            return all
        }
        #expect(results.count == 8)
        #expect(Set(results.map(\.0)).count == 1)
        #expect(Set(results.map(\.1)).count == 1)
    }

    @Test func presenceSurvivesJPEGButNotAbsence() throws {
        let original =
            try TestSupport.samplePNGs.first.map { try PNGCodec.decode(TestSupport.read($0), maxPixels: 50_000_000).pixels }
            ?? TestSupport.smoothImage(width: 640, height: 480)
        for style in LabelStyle.allCases {
            var pixels = original
            let label = try ExplicitLabelPainter.paint(ExplicitLabelSpec(style: style), on: &pixels, orientation: 1)
            let fresh = try ExplicitLabelPainter.presence(of: label, fontPath: nil, in: pixels, orientation: 1)
            #expect(fresh > 0.8, "\(style) fresh \(fresh)")
            let jpeg = try JPEGCodec.encode(pixels, quality: 75, subsampling: JPEGCodec.Subsampling.s420)
            let recompressed = try JPEGCodec.decode(jpeg, maxPixels: 50_000_000).pixels
            let afterJPEG = try ExplicitLabelPainter.presence(of: label, fontPath: nil, in: recompressed, orientation: 1)
            #expect(afterJPEG > 0.8, "\(style) after JPEG q75 \(afterJPEG)")
            let absent = try ExplicitLabelPainter.presence(of: label, fontPath: nil, in: original, orientation: 1)
            #expect(absent < 0.3, "\(style) unpainted \(absent)")
        }
    }

    /// The record a verifier reads comes from the file: numbers near `Int.max`, a negative padding, a huge pixel size on
    /// a small box and an overlong text measure 0 (no trap, no gigabyte glyph masks).
    @Test func aHostileRecordMeasuresZero() throws {
        var pixels = TestSupport.smoothImage(width: 320, height: 240)
        let label = try ExplicitLabelPainter.paint(ExplicitLabelSpec(style: .outline), on: &pixels, orientation: 1)
        #expect(try ExplicitLabelPainter.presence(of: label, fontPath: nil, in: pixels, orientation: 1) > 0.8)
        var variants: [PaintedLabel] = []
        for (x, y) in [(Int.max, 0), (0, Int.max), (Int.max - 1, Int.max - 1)] {
            var v = label
            v.box.x = x
            v.box.y = y
            variants.append(v)
        }
        var padding = label
        padding.padding = Int.min
        var size = label
        size.pixelSize = 16_384
        var long = label
        long.text = String(repeating: "生", count: 5_000)
        var wide = label
        wide.text = String(repeating: "生", count: 60)
        variants += [padding, size, long, wide]
        for variant in variants {
            #expect(try ExplicitLabelPainter.presence(of: variant, fontPath: nil, in: pixels, orientation: 1) == 0, "\(variant)")
        }
    }

    @Test func presenceOnNoiseAndRotation() throws {
        let original = TestSupport.noiseImage(width: 480, height: 640)
        var pixels = original
        let label = try ExplicitLabelPainter.paint(ExplicitLabelSpec(), on: &pixels, orientation: 6)
        #expect(try ExplicitLabelPainter.presence(of: label, fontPath: nil, in: pixels, orientation: 6) > 0.9)
        #expect(try ExplicitLabelPainter.presence(of: label, fontPath: nil, in: original, orientation: 6) < 0.3)
        // Looking with the wrong orientation does not find it either.
        #expect(try ExplicitLabelPainter.presence(of: label, fontPath: nil, in: pixels, orientation: 1) < 0.3)
    }
}

@Suite struct OrientationTests {
    @Test(arguments: 1...8) func displayAndStoredPointsAreInverse(value: Int) {
        let orientation = Orientation(exif: value)
        let (w, h) = (7, 4)
        let display = orientation.displaySize(storedWidth: w, storedHeight: h)
        #expect(display == (value >= 5 ? (4, 7) : (7, 4)))
        var seen = Set<Int>()
        for dy in 0..<display.height {
            for dx in 0..<display.width {
                let stored = orientation.storedPoint(displayX: dx, displayY: dy, storedWidth: w, storedHeight: h)
                #expect((0..<w).contains(stored.x) && (0..<h).contains(stored.y))
                seen.insert(stored.y * w + stored.x)
                let back = orientation.displayPoint(storedX: stored.x, storedY: stored.y, storedWidth: w, storedHeight: h)
                #expect(back == (dx, dy))
            }
        }
        #expect(seen.count == w * h)
    }

    @Test func unknownValuesMeanUpright() {
        #expect(Orientation(exif: 0) == .up)
        #expect(Orientation(exif: 9).exifValue == 1)
    }
}

@Suite(.enabled(if: TestSupport.hasFont)) struct SmallImageTests {
    @Test func smallImageFallsBackToSixPixelInk() throws {
        var pixels = PixelBuffer(width: 32, height: 32, layout: .rgb, filling: [128, 128, 128])
        let label = try ExplicitLabelPainter.paint(ExplicitLabelSpec(), on: &pixels, orientation: 1)
        #expect(label.inkHeight >= 6)
        #expect(label.box.x >= 0 && label.box.x + label.box.width <= 32)
    }

    @Test func tinyImageIsAClearError() {
        var pixels = PixelBuffer(width: 12, height: 12, layout: .rgb, filling: [128, 128, 128])
        let error = #expect(throws: SigilError.self) { _ = try ExplicitLabelPainter.paint(ExplicitLabelSpec(), on: &pixels, orientation: 1) }
        #expect(error?.code == .invalidExplicitLabel)
        #expect(error?.message.contains("too long for a 12×12 image") == true)
    }
}
