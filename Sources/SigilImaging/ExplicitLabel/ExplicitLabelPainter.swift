import CFreeType
import SigilCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Paints GB 45438-2025 5.2 explicit labels (visible "AI生成" text) onto pixels and checks that they are still there.
public enum ExplicitLabelPainter {
    /// Smallest measured ink height painted, in pixels, whatever 5 % of the shortest side gives (legibility floor
    /// for small images; lowered to ``absoluteMinimumInkHeight`` only when the text would not fit otherwise).
    public static let minimumLegibleInkHeight = 10
    /// Below this ink height text is not legible at all: images too small for it get an error, not a smudge.
    public static let absoluteMinimumInkHeight = 6
    /// Opacity of the plate behind the text.
    public static let plateOpacity = 0.85
    /// Plate padding around the glyphs, as a fraction of the ink height.
    public static let platePaddingFraction = 0.3
    /// Outline width as a fraction of the ink height (at least 2 px).
    public static let outlineWidthFraction = 0.06

    /// Renders `spec.text` with FreeType (anti-aliased 8-bit coverage) and composites it onto `pixels` in place.
    ///
    /// - Sizing: the FreeType pixel size is searched upward until the *measured* ink height (rows of the rendered
    ///   glyph bitmaps with coverage ≥ 50 %) reaches `ceil(minimumInkHeightFraction × shortest side)`, and at least
    ///   ``minimumLegibleInkHeight`` when that fits. Text wider than the image at that size throws
    ///   `.invalidExplicitLabel`; the text is never shrunk below the minimum.
    /// - Legibility: `.plate` puts a rounded plate (padding ≈ 0.3 × ink height, opacity 0.85) behind the text, dark on
    ///   light backgrounds and light on dark ones, with the text in the opposite tone (contrast ≥ 14:1 over any
    ///   background). `.outline` draws the text in the tone opposite to the background with a 2 px or wider outline
    ///   in the other tone.
    /// - Placement: at `spec.position` as displayed after the EXIF `orientation` (1...8) is applied, `marginFraction`
    ///   of the shortest side from the edges (less when the image is too small).
    /// - Alpha: the label is composited "over" the pixels, so alpha only rises in the label area.
    /// - Only the label box is read or written.
    ///
    /// - Throws: ``SigilError`` `.invalidExplicitLabel` (wording, settings, text too long), `.font`.
    public static func paint(_ spec: ExplicitLabelSpec, on pixels: inout PixelBuffer, orientation: Int) throws -> PaintedLabel {
        try spec.validate()
        let font = try Font(path: FontLocator.locate(explicit: spec.fontPath))
        return try paint(spec, font: font, on: &pixels, orientation: orientation)
    }

    /// ``paint(_:on:orientation:)`` with an already opened font (reuse one ``Font`` across many images;
    /// `spec.fontPath` is then ignored).
    public static func paint(_ spec: ExplicitLabelSpec, font: Font, on pixels: inout PixelBuffer, orientation: Int) throws -> PaintedLabel {
        try spec.validate()
        guard pixels.isConsistent else { throw SigilError(.usage, "pixel buffer size does not match its byte count") }
        let orientation = Orientation(exif: orientation)
        let display = orientation.displaySize(storedWidth: pixels.width, storedHeight: pixels.height)
        let geometry = try font.withFace { face in
            try Geometry(spec: spec, face: face, fontName: font.path, displayWidth: display.width, displayHeight: display.height)
        }
        let layer = LabelLayer(
            mask: geometry.mask, style: spec.style, padding: geometry.padding,
            boxWidth: geometry.box.width, boxHeight: geometry.box.height)
        let map = Orientation.AffineMap(orientation, storedWidth: pixels.width, storedHeight: pixels.height)
        let steps = map.steps(storedWidth: pixels.width, channels: pixels.channels)
        let box = geometry.box
        let layout = pixels.layout

        let contrast = pixels.bytes.withUnsafeMutableBufferPointer { buffer -> Double in
            let region = Region(buffer: UnsafeMutableRawBufferPointer(buffer), layout: layout, steps: steps, box: box)
            let background = region.meanLuminance()
            let darkBehind = background > 0.179 // above this, black contrasts more than white
            let behindValue: Double = darkBehind ? 0 : 255
            let textValue: Double = darkBehind ? 255 : 0
            let opacity = spec.style == .plate ? plateOpacity : 1
            region.composite(layer, textValue: textValue, behindValue: behindValue, behindOpacity: opacity)
            return region.worstContrast(layer, textValue: UInt8(textValue))
        }

        let shortest = min(display.width, display.height)
        return PaintedLabel(
            text: spec.text, position: spec.position, box: box, inkHeight: geometry.mask.inkHeight, shortestSide: shortest,
            inkHeightFraction: Double(geometry.mask.inkHeight) / Double(shortest), contrastRatio: contrast,
            pixelSize: geometry.pixelSize, style: spec.style, padding: geometry.padding
        )
    }

    /// How clearly `label` is still visible in `pixels`: 0 (absent) ... 1 (exactly as painted).
    ///
    /// Re-renders the label's text at its recorded pixel size in its box and returns the absolute normalised
    /// cross-correlation between that glyph coverage and the image's luma (over the text rectangle for a plate,
    /// over text and outline for an outline label). Survives recompression and tone changes; falls towards 0 when
    /// the text was painted over, cropped or never there.
    ///
    /// - Throws: ``SigilError`` `.font` when no font is available.
    public static func presence(of label: PaintedLabel, fontPath: String?, in pixels: PixelBuffer, orientation: Int) throws -> Double {
        let font = try Font(path: FontLocator.locate(explicit: fontPath))
        return try presence(of: label, font: font, in: pixels, orientation: orientation)
    }

    /// The longest label text a record may name for ``presence(of:font:in:orientation:)`` (the wording of GB 45438 5.2
    /// is a handful of characters).
    static let maximumTextCharacters = 64
    /// The size the text is first rendered at to estimate its width at the recorded size.
    static let probePixelSize = 64

    /// Whether text rendered as `probe` (at ``probePixelSize``) could fit `width` at `pixelSize`: its width scaled up
    /// is within twice `width` and a probe's slack. Asked before rendering at a size taken from input, so a text far too
    /// wide is never rendered at all.
    static func mayFit(_ probe: GlyphMask, at pixelSize: Int, width: Int) -> Bool {
        probe.width * pixelSize <= (2 * width + probePixelSize) * probePixelSize
    }

    /// ``presence(of:fontPath:in:orientation:)`` with an already opened font.
    public static func presence(of label: PaintedLabel, font: Font, in pixels: PixelBuffer, orientation: Int) throws -> Double {
        guard pixels.isConsistent else { throw SigilError(.usage, "pixel buffer size does not match its byte count") }
        let orientation = Orientation(exif: orientation)
        let display = orientation.displaySize(storedWidth: pixels.width, storedHeight: pixels.height)
        // The record comes from the file being verified: every number is checked against the image before use, without
        // arithmetic that could overflow, and the text is rendered only at a size whose width could fit the box.
        let box = label.box
        guard box.width > 0, box.height > 0, box.x >= 0, box.y >= 0,
            box.width <= display.width, box.x <= display.width - box.width, box.height <= display.height,
            box.y <= display.height - box.height,
            (0...min(box.width, box.height)).contains(label.padding), (1...Self.maximumTextCharacters).contains(label.text.count),
            (1...16_384).contains(label.pixelSize), label.pixelSize <= 4 * box.height
        else { return 0 }
        let probe = try TextRenderer.render(label.text, font: font, pixelSize: Self.probePixelSize)
        guard Self.mayFit(probe, at: label.pixelSize, width: box.width) else { return 0 }
        let mask = try TextRenderer.render(label.text, font: font, pixelSize: label.pixelSize)
        let layer = LabelLayer(mask: mask, style: label.style, padding: label.padding, boxWidth: box.width, boxHeight: box.height)
        let map = Orientation.AffineMap(orientation, storedWidth: pixels.width, storedHeight: pixels.height)
        let steps = map.steps(storedWidth: pixels.width, channels: pixels.channels)

        var sumT = 0.0
        var sumI = 0.0
        var sumTT = 0.0
        var sumII = 0.0
        var sumTI = 0.0
        var n = 0.0
        let colour = pixels.layout.hasColor
        pixels.bytes.withUnsafeBufferPointer { buffer in
            for y in 0..<box.height {
                let rowOffset = steps.origin + (box.y + y) * steps.perY + box.x * steps.perX
                for x in 0..<box.width {
                    let index = y * box.width + x
                    guard layer.isTemplatePixel(index, style: label.style) else { continue }
                    let offset = rowOffset + x * steps.perX
                    let luma =
                        colour
                        ? 0.2126 * Double(buffer[offset]) + 0.7152 * Double(buffer[offset + 1]) + 0.0722 * Double(buffer[offset + 2])
                        : Double(buffer[offset])
                    let template = Double(layer.text[index])
                    sumT += template
                    sumI += luma
                    sumTT += template * template
                    sumII += luma * luma
                    sumTI += template * luma
                    n += 1
                }
            }
        }
        guard n > 1 else { return 0 }
        let covariance = sumTI - sumT * sumI / n
        let varianceT = sumTT - sumT * sumT / n
        let varianceI = sumII - sumI * sumI / n
        guard varianceT > 0, varianceI > 1e-9 * n else { return 0 }
        return min(abs(covariance) / (varianceT * varianceI).squareRoot(), 1)
    }
}

// MARK: - Geometry

extension ExplicitLabelPainter {
    /// Pixel size, rendered mask, padding and box of a label on a displayed image.
    struct Geometry {
        var pixelSize: Int
        var mask: GlyphMask
        var padding: Int
        var box: PaintedLabel.Box

        init(spec: ExplicitLabelSpec, face: FT_Face, fontName: String, displayWidth: Int, displayHeight: Int) throws {
            let shortest = min(displayWidth, displayHeight)
            let strict = max(Int((spec.minimumInkHeightFraction * Double(shortest) - 1e-9).rounded(.up)), 1)
            let legible = max(strict, ExplicitLabelPainter.minimumLegibleInkHeight)
            let fallback = max(strict, ExplicitLabelPainter.absoluteMinimumInkHeight)
            let targets = legible > fallback ? [legible, fallback] : [legible]

            var attempt: (size: Int, mask: GlyphMask)?
            var width = 0
            for target in targets {
                // nil: the text would be far wider than the image at this size, so it is not rendered at all.
                guard let sized = try Geometry.size(spec.text, face: face, fontName: fontName, inkHeight: target, maxWidth: displayWidth)
                else {
                    width = max(width, displayWidth + 1)
                    continue
                }
                attempt = sized
                width = sized.mask.width
                if sized.mask.width <= displayWidth && sized.mask.height <= displayHeight { break }
            }
            guard let (size, mask) = attempt, mask.width <= displayWidth, mask.height <= displayHeight else {
                let percent = (spec.minimumInkHeightFraction * 100).formatted1
                throw SigilError(
                    .invalidExplicitLabel,
                    "label text too long for a \(displayWidth)×\(displayHeight) image at \(percent) % glyph height: "
                        + "\"\(spec.text)\" needs \(width) px of width at \(targets.last ?? strict) px glyph height; use a shorter text"
                )
            }

            let ink = mask.inkHeight
            let wanted: Int
            switch spec.style {
            case .plate: wanted = max(2, Int((Double(ink) * ExplicitLabelPainter.platePaddingFraction).rounded()))
            case .outline: wanted = max(2, Int((Double(ink) * ExplicitLabelPainter.outlineWidthFraction).rounded())) + 1
            }
            let padding = max(0, min(wanted, (displayWidth - mask.width) / 2, (displayHeight - mask.height) / 2))
            let boxWidth = mask.width + 2 * padding
            let boxHeight = mask.height + 2 * padding
            let margin = Int((spec.marginFraction * Double(shortest)).rounded())
            let marginX = max(0, min(margin, (displayWidth - boxWidth) / 2))
            let marginY = max(0, min(margin, (displayHeight - boxHeight) / 2))

            let left = marginX
            let centreX = (displayWidth - boxWidth) / 2
            let right = displayWidth - marginX - boxWidth
            let top = marginY
            let centreY = (displayHeight - boxHeight) / 2
            let bottom = displayHeight - marginY - boxHeight
            let origin: (Int, Int) =
                switch spec.position {
                case .topLeft: (left, top)
                case .top: (centreX, top)
                case .topRight: (right, top)
                case .left: (left, centreY)
                case .right: (right, centreY)
                case .bottomLeft: (left, bottom)
                case .bottom: (centreX, bottom)
                case .bottomRight: (right, bottom)
                }
            self.pixelSize = size
            self.mask = mask
            self.padding = padding
            self.box = PaintedLabel.Box(x: origin.0, y: origin.1, width: boxWidth, height: boxHeight)
        }

        /// The smallest pixel size found by an upward search whose measured ink height reaches `inkHeight`.
        /// Nil when the text's width at that size, estimated from a 64-px render, is more than twice `maxWidth`: the
        /// text is then never rendered at a size whose mask alone could take gigabytes.
        static func size(_ text: String, face: FT_Face, fontName: String, inkHeight target: Int, maxWidth: Int) throws -> (
            size: Int, mask: GlyphMask
        )? {
            let probeSize = ExplicitLabelPainter.probePixelSize
            let probe = try TextRenderer.render(text, face: face, pixelSize: probeSize, fontName: fontName)
            guard probe.inkHeight > 0 else {
                throw SigilError(.invalidExplicitLabel, "label text \"\(text)\" renders no ink")
            }
            // Start just below the proportional estimate, then walk up.
            var size = max(1, target * probeSize / probe.inkHeight - 1)
            guard ExplicitLabelPainter.mayFit(probe, at: size, width: maxWidth) else { return nil }
            for _ in 0..<256 {
                let mask = size == probeSize ? probe : try TextRenderer.render(text, face: face, pixelSize: size, fontName: fontName)
                if mask.inkHeight >= target { return (size, mask) }
                let missing = target - mask.inkHeight
                size += max(1, missing * size / max(mask.inkHeight, 1) / 2)
                guard size <= 16_384 else { break }
            }
            throw SigilError(.invalidExplicitLabel, "cannot render \"\(text)\" with \(target) px glyph height")
        }
    }
}

extension Double {
    /// One decimal, without Foundation ("5", "5.5").
    fileprivate var formatted1: String {
        let tenths = Int((self * 10).rounded())
        return tenths % 10 == 0 ? "\(tenths / 10)" : "\(tenths / 10).\(tenths % 10)"
    }
}

// MARK: - Pixel access in the label box

/// The label box of a stored buffer, addressed in display coordinates.
private struct Region {
    let buffer: UnsafeMutableRawBufferPointer
    let layout: PixelBuffer.Layout
    let steps: (origin: Int, perX: Int, perY: Int)
    let box: PaintedLabel.Box

    func offset(x: Int, y: Int) -> Int {
        steps.origin + (box.y + y) * steps.perY + (box.x + x) * steps.perX
    }

    func luminance(at offset: Int) -> Double {
        let value =
            layout.hasColor
            ? Luminance.relative(red: buffer[offset], green: buffer[offset + 1], blue: buffer[offset + 2])
            : Luminance.relative(gray: buffer[offset])
        guard layout.hasAlpha else { return value }
        // Transparent pixels are judged as shown over a white page.
        let alpha = Double(buffer[offset + layout.channels - 1]) / 255
        return value * alpha + (1 - alpha)
    }

    /// Mean relative luminance of the box (sampled on a grid of at most about 65 000 points).
    func meanLuminance() -> Double {
        let step = max(1, Int((Double(box.width * box.height) / 65_536).squareRoot()))
        var sum = 0.0
        var count = 0.0
        var y = 0
        while y < box.height {
            var x = 0
            while x < box.width {
                sum += luminance(at: offset(x: x, y: y))
                count += 1
                x += step
            }
            y += step
        }
        return count > 0 ? sum / count : 0.5
    }

    /// Composites "text over behind-layer" over the pixels. Values are grey levels applied to every colour channel.
    func composite(_ layer: LabelLayer, textValue: Double, behindValue: Double, behindOpacity: Double) {
        let channels = layout.channels
        let colourChannels = layout.hasColor ? 3 : 1
        let alphaIndex = layout.hasAlpha ? channels - 1 : -1
        layer.text.withUnsafeBufferPointer { text in
            layer.back.withUnsafeBufferPointer { back in
                for y in 0..<box.height {
                    let rowOffset = offset(x: 0, y: y)
                    for x in 0..<box.width {
                        let index = y * box.width + x
                        let t = Double(text[index]) / 255
                        let b = Double(back[index]) / 255 * behindOpacity
                        let layerAlpha = t + b * (1 - t)
                        guard layerAlpha > 0 else { continue }
                        let layerValue = (textValue * t + behindValue * b * (1 - t)) / layerAlpha
                        let at = rowOffset + x * steps.perX
                        if alphaIndex >= 0 {
                            let alpha = Double(buffer[at + alphaIndex]) / 255
                            let outAlpha = layerAlpha + alpha * (1 - layerAlpha)
                            for channel in 0..<colourChannels {
                                let old = Double(buffer[at + channel])
                                buffer[at + channel] = clampByte((layerValue * layerAlpha + old * alpha * (1 - layerAlpha)) / outAlpha)
                            }
                            buffer[at + alphaIndex] = clampByte(outAlpha * 255)
                        } else {
                            for channel in 0..<colourChannels {
                                let old = Double(buffer[at + channel])
                                buffer[at + channel] = clampByte(layerValue * layerAlpha + old * (1 - layerAlpha))
                            }
                        }
                    }
                }
            }
        }
    }

    /// Worst WCAG contrast between the text colour and painted pixels fully covered by the plate or outline and not
    /// by text.
    func worstContrast(_ layer: LabelLayer, textValue: UInt8) -> Double {
        let textLuminance = Luminance.relative(gray: textValue)
        var worst = Double.infinity
        for y in 0..<box.height {
            for x in 0..<box.width {
                let index = y * box.width + x
                guard layer.back[index] == 255, layer.text[index] == 0 else { continue }
                let at = offset(x: x, y: y)
                let behind =
                    layout.hasColor
                    ? Luminance.relative(red: buffer[at], green: buffer[at + 1], blue: buffer[at + 2])
                    : Luminance.relative(gray: buffer[at])
                worst = min(worst, Luminance.contrastRatio(textLuminance, behind))
            }
        }
        return worst.isFinite ? worst : 1
    }
}

private func clampByte(_ value: Double) -> UInt8 {
    value <= 0 ? 0 : value >= 255 ? 255 : UInt8(value + 0.5)
}
