import SigilImaging

/// A rectangle of pixels the embedder leaves untouched (for example the visible label's plate).
public struct WatermarkRegion: Sendable, Hashable {
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int
    /// Creates a region in buffer coordinates.
    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }
}

/// Sigil's blind image watermark: embeds a 64-bit payload into pixels and reads it back without the
/// original, through re-compression, resizing, cropping, rotation and colour edits.
///
/// The mark is a keyed tile of ±1 chips (sync and convolutionally coded payload + keyed tag) repeated over
/// the image at a pitch proportional to its size, shaped by a texture mask. The detector resynchronises
/// with the tile's autocorrelation lattice and a keyed sync pattern. See `Benchmarks/WATERMARK.md`.
public struct Watermarker: Sendable {
    /// The provider key this watermarker uses.
    public let key: WatermarkKey
    let layout: TileLayout
    let codec: MessageCodec

    /// A watermarker for one provider key.
    public init(key: WatermarkKey) {
        self.key = key
        layout = TileLayout(key: key)
        codec = MessageCodec(tagKey: key.derive("tag"))
    }

    /// Embeds `payload` into `pixels` in place.
    ///
    /// - Parameters:
    ///   - skipping: regions (buffer coordinates) left unchanged, such as the visible label.
    ///   - strength: multiplier on the default strength (1 ≈ 40.5 dB PSNR).
    /// - Throws: ``SigilError`` `.usage` when the image is smaller than 64 px on a side.
    public func embed(payload: UInt64, into pixels: inout PixelBuffer, skipping: [WatermarkRegion] = [], strength: Double = 1) throws {
        guard min(pixels.width, pixels.height) >= WatermarkGeometry.minimumSide else {
            throw SigilError(
                .usage,
                "the image is \(pixels.width)×\(pixels.height); the watermark needs at least \(WatermarkGeometry.minimumSide) pixels on each side")
        }
        var embedder = WatermarkEmbedder(layout: layout, codec: codec)
        embedder.targetRMS *= Float(strength)
        let colorChannels = pixels.layout.hasColor ? 3 : 1
        let (width, height, channels) = (pixels.width, pixels.height, pixels.channels)
        embedder.embed(
            payload: payload, into: &pixels.bytes, width: width, height: height, channels: channels, colorChannels: colorChannels, skipping: skipping)
    }

    /// Looks for a mark made with this key.
    ///
    /// A picture that shows the mark at once is read from the geometry its size implies. For one that does not, the
    /// default ``WatermarkSearch/ranked`` search ranks the crop, rotation and stretch lattices by a cheap coarse fold,
    /// and folds and aligns only the best few at full resolution (decision 0105): on the tuning and held-out sets it
    /// reads what the ``WatermarkSearch/exhaustive`` search reads, in less time on every picture that needs the search
    /// (`Benchmarks/WATERMARK.md`). ``WatermarkSearch/staged``
    /// (decision 0102) ends the search when a coarse screen falls below a threshold. Whatever the search, a mark
    /// counts only when its keyed tag checks and at most the same number of decodes is tried, so the false-positive
    /// bound (``WatermarkDetection/falsePositiveBound``) is the same.
    ///
    /// - Parameters:
    ///   - pixels: the image.
    ///   - search: how far to search on an image that does not show the mark at once.
    public func detect(in pixels: PixelBuffer, search: WatermarkSearch = .ranked) -> WatermarkDetection {
        guard let frame = AnalysisFrame(pixels) else { return .none(syncScore: 0) }
        return WatermarkDetector(layout: layout, codec: codec).detect(
            frame.luma, periods: frame.periods, aspectPeriods: frame.aspectPeriods, search: search)
    }

    /// The screen's statistic for an image: the best coarse sync score over the full search's crop, rotation and
    /// stretch lattices, in standard deviations of the correlation surface. The staged search skips its
    /// later stages when this is below ``WatermarkDetection/screenThreshold``. For calibration and forensics;
    /// ``detect(in:search:)`` computes it itself. Nil for images too small to search.
    public func screenScore(in pixels: PixelBuffer) -> Double? {
        guard let frame = AnalysisFrame(pixels) else { return nil }
        let detector = WatermarkDetector(layout: layout, codec: codec)
        let radii = WatermarkDetector.whiteningRadii(pitch: frame.periods[0] / Double(TileLayout.side))
        let residual = frame.luma.whitenedResidual(meanRadius: radii.mean, normRadius: radii.norm)
        let grid = WatermarkDetector.gridHypotheses(bases: Array(frame.periods.prefix(2)), aspectPeriods: frame.aspectPeriods)
        return detector.screen(.init(residual, identityPeriod: frame.periods[0]), hypotheses: grid)
    }

    /// The lattice evidence of an image (``LatticeEvidence``): how strongly an autocorrelation of its whitened
    /// residual at half resolution shows a repeating tile, and the best coarse sync score (as ``screenScore(in:)``
    /// measures it) along the lattices it finds. A ranked search skips its full-resolution autocorrelation stage when
    /// neither reaches its threshold. For calibration and forensics; nil for images too small to search or to halve.
    public func latticeEvidence(in pixels: PixelBuffer) -> LatticeEvidence? {
        guard let frame = AnalysisFrame(pixels) else { return nil }
        let bases = Array(frame.periods.prefix(2))
        let smallest = bases.min() ?? frame.periods[0]
        let radii = WatermarkDetector.whiteningRadii(pitch: smallest / Double(TileLayout.side))
        let residual = frame.luma.whitenedResidual(meanRadius: radii.mean, normRadius: radii.norm)
        let detector = WatermarkDetector(layout: layout, codec: codec)
        let estimator = WatermarkDetector.autocorrelationEstimator(analysis: frame.luma, bases: bases)
        let coarse = WatermarkDetector.CoarseResidual(residual, identityPeriod: frame.periods[0])
        return detector.latticeEvidence(residual, coarse: coarse, estimator: estimator)
    }

    /// The detector's view of an image: area-averaged luma and the tile periods its size implies, in analysis pixels.
    private struct AnalysisFrame {
        let luma: Plane
        let periods: [Double]
        let aspectPeriods: [SIMD2<Double>]

        init?(_ pixels: PixelBuffer) {
            guard min(pixels.width, pixels.height) >= 32 else { return nil }
            let factor = WatermarkGeometry.analysisFactor(width: pixels.width, height: pixels.height)
            luma = Watermarker.analysisLuma(pixels, factor: factor)
            periods = WatermarkGeometry.candidatePeriods(width: pixels.width, height: pixels.height).map { $0 / Double(factor) }
            aspectPeriods = WatermarkGeometry.aspectPeriods(width: pixels.width, height: pixels.height).map { $0 / Double(factor) }
        }
    }

    /// The 64-bit payload Sigil embeds for a ProduceID (see ``WatermarkKey/payload(forProduceID:)``).
    public func payload(forProduceID produceID: String) -> UInt64 { key.payload(forProduceID: produceID) }

    /// 16 lowercase hex digits.
    public static func hex(_ value: UInt64) -> String { WatermarkKey.hex(value) }

    /// Parses 1–16 hex digits (an optional `0x` prefix allowed).
    /// - Throws: ``SigilError`` `.usage` for anything else.
    public static func parseHex(_ text: String) throws -> UInt64 {
        var digits = Substring(text)
        if digits.hasPrefix("0x") || digits.hasPrefix("0X") { digits = digits.dropFirst(2) }
        guard !digits.isEmpty, digits.count <= 16, let value = UInt64(digits, radix: 16) else {
            throw SigilError(.usage, "a watermark payload is up to 16 hex digits (64 bits), got \"\(text)\"")
        }
        return value
    }

    /// Luma averaged over `factor`×`factor` blocks, straight from the 8-bit bytes (no full-size float copy).
    static func analysisLuma(_ pixels: PixelBuffer, factor: Int) -> Plane {
        pixels.bytes.withUnsafeBufferPointer { src in
            analysisLuma(src, width: pixels.width, height: pixels.height, channels: pixels.channels, color: pixels.layout.hasColor, factor: factor)
        }
    }

    /// Each channel value's weighted luma share (the same Float products the formula gives), summed in the formula's
    /// order by ``analysisLuma(_:width:height:channels:color:factor:)``.
    private static let lumaWeights: [(Float, Float, Float)] = (0..<256).map { (value: Int) -> (Float, Float, Float) in
        let v = Float(value)
        return (0.299 * v, 0.587 * v, 0.114 * v)
    }

    static func analysisLuma(_ src: UnsafeBufferPointer<UInt8>, width: Int, height: Int, channels: Int, color: Bool, factor: Int) -> Plane {
        let w = (width + factor - 1) / factor
        let h = (height + factor - 1) / factor
        var sums = [Float](repeating: 0, count: w * h)
        Self.lumaWeights.withUnsafeBufferPointer { weight in
            sums.withUnsafeMutableBufferPointer { out in
                for y in 0..<height {
                    let row = y * width * channels
                    let base = (y / factor) * w
                    var x = 0
                    for column in 0..<w {
                        let end = min(x + factor, width)
                        var acc: Float = 0
                        if color {
                            while x < end {
                                let o = row + x * channels
                                acc += weight[Int(src[o])].0 + weight[Int(src[o + 1])].1 + weight[Int(src[o + 2])].2
                                x += 1
                            }
                        } else {
                            while x < end {
                                acc += Float(src[row + x * channels])
                                x += 1
                            }
                        }
                        out[base + column] += acc
                    }
                }
                for row in 0..<h {
                    let rows = Float(min(factor, height - row * factor))
                    for column in 0..<w {
                        let columns = Float(min(factor, width - column * factor))
                        out[row * w + column] /= rows * columns
                    }
                }
            }
        }
        return Plane(width: w, height: h, values: sums)
    }
}
