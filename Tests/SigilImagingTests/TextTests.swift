import Foundation
import Testing
@testable import SigilImaging

@Suite struct FontLocatorTests {
    @Test(.enabled(if: TestSupport.hasFont)) func locatesAReadableCJKFont() throws {
        let path = try FontLocator.locate(explicit: nil)
        #expect(FileManager.default.isReadableFile(atPath: path))
        let font = try Font(path: path)
        #expect(try font.missingCharacters(in: "人工智能生成合成AI").isEmpty)
    }

    @Test func explicitPathMustExist() {
        let error = #expect(throws: SigilError.self) { _ = try FontLocator.locate(explicit: "/nonexistent/font.ttf") }
        #expect(error?.code == .font)
        #expect(error?.message.contains("/nonexistent/font.ttf") == true)
    }

    @Test func explicitPathMustBeAFont() {
        let error = #expect(throws: SigilError.self) { _ = try FontLocator.locate(explicit: "/etc/hostname") }
        #expect(error?.code == .font)
    }

    @Test func reportsWhenNothingIsFound() {
        let error = #expect(throws: SigilError.self) {
            _ = try FontLocator.locate(explicit: nil, environment: nil, candidates: ["/nonexistent.ttc"], useFontconfig: false)
        }
        #expect(error?.code == .font)
        #expect(error?.message == "no CJK font found; install fonts-noto-cjk or fonts-wqy-microhei, or pass --font")
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: TestSupport.dejaVu)))
    func fallbackCandidatesMustCoverChinese() throws {
        // DejaVu Sans loads but has no 生: it must be skipped as a fallback, yet accepted when named explicitly.
        #expect(throws: SigilError(.font, "")) {
            _ = try FontLocator.locate(explicit: nil, environment: nil, candidates: [TestSupport.dejaVu], useFontconfig: false)
        }
        #expect(
            try FontLocator.locate(explicit: nil, environment: TestSupport.dejaVu, candidates: [], useFontconfig: false)
                == TestSupport.dejaVu)
    }
}

@Suite(.enabled(if: TestSupport.hasFont)) struct TextRendererTests {
    @Test func rendersAntiAliasedInk() throws {
        let font = try Font(path: try #require(TestSupport.fontPath))
        let mask = try TextRenderer.render("AI生成", font: font, pixelSize: 40)
        #expect(mask.inkHeight >= 28 && mask.inkHeight <= 44, "ink \(mask.inkHeight)")
        #expect(mask.width > 3 * mask.inkHeight)
        #expect(mask.coverage.contains(255))
        #expect(mask.coverage.contains { $0 > 0 && $0 < 255 }, "anti-aliased edges")
        // Independent count of inked rows.
        let rows = (0..<mask.height).filter { y in (0..<mask.width).contains { mask[$0, y] >= 128 } }.count
        #expect(rows == mask.inkHeight)
    }

    @Test func inkGrowsWithPixelSize() throws {
        let font = try Font(path: try #require(TestSupport.fontPath))
        let small = try TextRenderer.render("AI生成", font: font, pixelSize: 20)
        let large = try TextRenderer.render("AI生成", font: font, pixelSize: 200)
        #expect(large.inkHeight > 8 * small.inkHeight)
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: TestSupport.dejaVu)))
    func missingGlyphIsNamed() throws {
        let font = try Font(path: TestSupport.dejaVu)
        let error = #expect(throws: SigilError.self) { _ = try TextRenderer.render("AI生成", font: font, pixelSize: 20) }
        #expect(error?.code == .font)
        #expect(error?.message.contains("U+751F") == true)
    }
}
