/// Sizes that tie the mark to the image: the cell pitch grows with the image so that the mark's spatial
/// frequencies sit at the same place relative to the picture whatever its resolution (a screenshot or a
/// downscale moves them by the same factor as the content), with a floor so small images keep cells
/// large enough to live through JPEG after halving.
enum WatermarkGeometry {
    /// Smallest cell pitch in pixels.
    static let minimumPitch: Double = 3
    /// Cells across the shorter side, for images large enough.
    static let cellsAcrossShortSide: Double = 96
    /// Smallest image side the mark is embedded in.
    static let minimumSide = 64

    /// Cell pitch (pixels) for an image of this size.
    static func pitch(width: Int, height: Int) -> Double {
        max(minimumPitch, Double(min(width, height)) / cellsAcrossShortSide)
    }

    /// Tile period (pixels).
    static func period(width: Int, height: Int) -> Double { pitch(width: width, height: height) * Double(TileLayout.side) }

    /// The tile periods (pixels) a received image of this size may carry, likeliest first: the one its own size
    /// implies, and, when that is the floor pitch, also the period of a larger image (pitch ∝ size) scaled down to
    /// this size — a downscaled picture cannot tell the two apart.
    static func candidatePeriods(width: Int, height: Int) -> [Double] {
        let own = period(width: width, height: height)
        let proportional = Double(min(width, height)) / cellsAcrossShortSide * Double(TileLayout.side)
        return proportional < own - 1e-9 ? [own, proportional] : [own]
    }

    /// One-sided stretches the detector tries: a careless resize into another frame scales one side by a quarter
    /// or a third and leaves the other.
    static let stretches: [Double] = [0.75, 0.8, 1.25, 4.0 / 3]

    /// The tile's x and y periods (pixels) if this received image is a picture with one side scaled by one of the
    /// ``stretches``. The original picture's size, and with it the pitch, follows from the received size and the
    /// stretch; the stretched side's period is scaled by it. Two stretches can imply the same periods (one side
    /// squeezed or the other widened, when the short side is the other one); each appears once.
    static func aspectPeriods(width: Int, height: Int) -> [SIMD2<Double>] {
        var out: [SIMD2<Double>] = []
        let (w, h) = (Double(width), Double(height))
        for stretch in stretches {
            // x stretched: the original was w / stretch wide; y stretched: h / stretch high.
            let px = period(width: Int((w / stretch).rounded()), height: height)
            let py = period(width: width, height: Int((h / stretch).rounded()))
            for periods in [SIMD2(px * stretch, px), SIMD2(py, py * stretch)]
            where !out.contains(where: { abs($0.x - periods.x) < 1e-6 && abs($0.y - periods.y) < 1e-6 }) {
                out.append(periods)
            }
        }
        return out
    }

    /// Integer area-downscale factor the detector analyses at: the analysis image stays near 700 px on
    /// its long side, but the expected pitch never falls under 4 analysis pixels.
    static func analysisFactor(width: Int, height: Int) -> Int {
        let bySize = (max(width, height) + 699) / 700
        let byPitch = Int(pitch(width: width, height: height) / 4)
        return max(1, min(bySize, byPitch))
    }
}
