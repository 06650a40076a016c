import Testing
import SigilImaging
@testable import SigilWatermark

@Suite("Staged search: the screen ends the search by its threshold; the exhaustive search is unchanged")
struct ScreenTests {
    static let payload: UInt64 = 0x0F1E_2D3C_4B5A_6978
    static let marker = Watermarker(key: WatermarkTestSupport.key)

    static func marked() throws -> (original: PixelBuffer, marked: PixelBuffer) {
        let original = try WatermarkTestSupport.example("landscape.jpg")
        var marked = original
        try marker.embed(payload: payload, into: &marked)
        return (original, marked)
    }

    @Test("unmarked pictures: the screen decides by its threshold, and neither search finds a mark")
    func unmarkedPictures() throws {
        let (original, _) = try Self.marked()
        // A flat picture leaves no residual at all: the screen's score is 0 and it ends the search.
        let gradient = PixelBuffer(width: 640, height: 480, layout: .rgb, filling: [128, 128, 128])
        let flat = Self.marker.detect(in: gradient, search: .staged)
        #expect(!flat.detected && flat.stage == .screen && flat.screenScore == 0, "\(flat)")
        let crop = WatermarkTestSupport.cropped(original, x: 100, y: 40, width: 700, height: 520)
        for image in [original, crop] {
            let staged = Self.marker.detect(in: image, search: .staged)
            let score = try #require(Self.marker.screenScore(in: image))
            #expect(!staged.detected)
            #expect(staged.screenScore == score)
            // Below the threshold the screen ends the search; at or above it every stage runs.
            #expect(staged.stage == (score < WatermarkDetection.screenThreshold ? .screen : .autocorrelation), "\(staged)")
            let full = Self.marker.detect(in: image, search: .exhaustive)
            #expect(!full.detected)
            #expect(full.stage == .autocorrelation && full.screenScore == nil)
        }
    }

    @Test("a marked picture cropped off-centre and saved as JPEG 75 passes the screen and is read by the grid stage")
    func markedPassesTheScreen() throws {
        let (_, m) = try Self.marked()
        let attacked = try WatermarkTestSupport.jpeg(
            WatermarkTestSupport.cropped(m, x: m.width / 4, y: 0, width: m.width * 3 / 4, height: m.height * 3 / 4), quality: 75)
        let score = try #require(Self.marker.screenScore(in: attacked))
        #expect(score >= WatermarkDetection.screenThreshold)
        let staged = Self.marker.detect(in: attacked, search: .staged)
        #expect(staged.payload == Self.payload, "\(staged)")
        #expect(staged.stage == .grid && staged.screenScore == score)
    }

    @Test("a mark the size-implied geometry reads never reaches the screen; the exhaustive search still finds rotated marks")
    func exhaustiveStillFindsMarks() throws {
        let (_, m) = try Self.marked()
        let direct = Self.marker.detect(in: try WatermarkTestSupport.jpeg(m, quality: 75), search: .staged)
        #expect(direct.payload == Self.payload && direct.stage == .sizeImplied && direct.screenScore == nil)
        let rotated = WatermarkTestSupport.rotated(m, degrees: -3)
        let full = Self.marker.detect(in: rotated, search: .exhaustive)
        #expect(full.payload == Self.payload, "\(full)")
        #expect(full.stage == .grid || full.stage == .autocorrelation)
        #expect(Self.marker.detect(in: rotated, search: .staged).payload == Self.payload)
    }

    @Test("a coarse fold aligns a marked plane where the full fold does")
    func coarseFoldAligns() throws {
        let (_, m) = try Self.marked()
        let factor = WatermarkGeometry.analysisFactor(width: m.width, height: m.height)
        let period = WatermarkGeometry.period(width: m.width, height: m.height) / Double(factor)
        let radii = WatermarkDetector.whiteningRadii(pitch: period / Double(TileLayout.side))
        let residual = Watermarker.analysisLuma(m, factor: factor).whitenedResidual(meanRadius: radii.mean, normRadius: radii.norm)
        let layout = TileLayout(key: WatermarkTestSupport.key)
        let fine = TileSynchronizer(layout: layout).align(TileFold(plane: residual, basis: .axisAligned(period: period)))
        let coarseSync = TileSynchronizer(layout: layout, oversample: 2)
        let coarseFold = TileFold(plane: residual, basis: .axisAligned(period: period), bins: coarseSync.bins)
        let coarse = coarseSync.align(coarseFold)
        // The screen's shortcut (template turned instead of the fold, two orientations per transform) scores alike,
        // here and on a fold of a rotated lattice, whose best orientation is another one.
        #expect(abs(coarseSync.peakScore(coarseFold) - coarse.score) < 1e-3)
        let turned = TileFold(plane: residual, basis: LatticeBasis(a: SIMD2(0, period * 1.1), b: SIMD2(-period * 1.1, 0)), bins: coarseSync.bins)
        #expect(abs(coarseSync.peakScore(turned) - coarseSync.align(turned).score) < 1e-3)
        for index in 0..<8 {
            let grid = (0..<(16 * 16)).map { Float($0 * 7 % 31) }
            #expect(TileFold.oriented(TileFold.unoriented(grid, index, bins: 16), index, bins: 16) == grid)
        }
        #expect(coarse.symmetry == fine.symmetry)
        // Shifts are cyclic: compare them on the fine grid, modulo its side.
        func distance(_ coarse: Int, _ fine: Int) -> Int {
            let d = ((coarse * 2 - fine) % TileFold.bins + TileFold.bins) % TileFold.bins
            return min(d, TileFold.bins - d)
        }
        #expect(distance(coarse.shift.u, fine.shift.u) <= 2 && distance(coarse.shift.v, fine.shift.v) <= 2)
        #expect(coarse.score > WatermarkDetection.screenThreshold)
    }
}
