/// Reads the image mark from many frames of one size — a video's — at once: each frame's whitened residual
/// (the detector's own front end) is added up, so the fixed pattern of ``LumaMarkField`` grows with the number of
/// frames while moving content averages away, and the sum is searched once like a picture.
///
/// Frames come in at the analysis size (``analysisWidth`` × ``analysisHeight``: the received frame area-averaged
/// ``factor`` × ``factor``, as the picture detector analyses it), so a decoder can scale them down on the way.
public struct LumaMarkAccumulator: Sendable {
    /// The received frames' width and height in pixels.
    public let width: Int
    public let height: Int
    /// The area-averaging factor the frames are analysed at.
    public let factor: Int
    /// The size frames are added at (``add(analysisLuma:)``).
    public let analysisWidth: Int
    public let analysisHeight: Int
    /// Frames added so far.
    public private(set) var frames = 0
    let radii: (mean: Int, norm: Int)
    var sum: [Float]

    /// An empty accumulator for `width`×`height` frames; nil when they are too small to search (under 32 px).
    public init?(width: Int, height: Int) {
        guard min(width, height) >= 32 else { return nil }
        self.width = width
        self.height = height
        factor = WatermarkGeometry.analysisFactor(width: width, height: height)
        analysisWidth = (width + factor - 1) / factor
        analysisHeight = (height + factor - 1) / factor
        let smallest = WatermarkGeometry.candidatePeriods(width: width, height: height).prefix(2).min() ?? 0
        radii = WatermarkDetector.whiteningRadii(pitch: smallest / Double(factor) / Double(TileLayout.side))
        sum = [Float](repeating: 0, count: analysisWidth * analysisHeight)
    }

    /// Adds one frame's analysis luma (`analysisHeight` rows of `analysisWidth` bytes).
    public mutating func add(analysisLuma: UnsafeBufferPointer<UInt8>) {
        precondition(analysisLuma.count >= analysisWidth * analysisHeight, "analysis frame too small")
        var values = [Float](repeating: 0, count: analysisWidth * analysisHeight)
        for i in values.indices { values[i] = Float(analysisLuma[i]) }
        add(Plane(width: analysisWidth, height: analysisHeight, values: values))
    }

    private mutating func add(_ plane: Plane) {
        let residual = plane.whitenedResidual(meanRadius: radii.mean, normRadius: radii.norm)
        for i in sum.indices { sum[i] += residual.values[i] }
        frames += 1
    }

    /// Searches the frames added so far as one picture (see ``Watermarker/detect(in:search:)``).
    public func detect(with watermarker: Watermarker, search: WatermarkSearch = .ranked) -> WatermarkDetection {
        guard frames > 0 else { return .none(syncScore: 0) }
        let scale = 1 / Float(frames)
        let plane = Plane(width: analysisWidth, height: analysisHeight, values: sum.map { $0 * scale })
        let periods = WatermarkGeometry.candidatePeriods(width: width, height: height).map { $0 / Double(factor) }
        let aspectPeriods = WatermarkGeometry.aspectPeriods(width: width, height: height).map { $0 / Double(factor) }
        return WatermarkDetector(layout: watermarker.layout, codec: watermarker.codec).detect(
            plane, periods: periods, aspectPeriods: aspectPeriods, search: search)
    }
}
