import Foundation
import Testing
@testable import SigilCompliance
import SigilStore

@Suite struct ScreeningTests {
    let normalizer = TextNormalizer()

    @Test func normalizerFoldsTheUsualEvasions() {
        #expect(normalizer.normalizedString("ＢＯＭＢ") == "bomb")
        #expect(normalizer.normalizedString("b.o.m.b") == "bomb")
        #expect(normalizer.normalizedString("炸 弹") == "炸弹")
        #expect(normalizer.normalizedString("炸\u{200B}*弹") == "炸弹")
        #expect(normalizer.normalizedString("炸彈") == "炸弹")
        #expect(normalizer.normalizedString("製造炸彈的方法") == "制造炸弹的方法")
    }

    @Test func phraseMatcherFindsOverlappingPhrases() {
        let phrases = ["he", "she", "his", "hers"].map { Array($0.unicodeScalars) }
        let matcher = PhraseMatcher(phrases)
        let found = matcher.matches(in: Array("ushers".unicodeScalars)).map { "\($0.phrase)@\($0.end)" }
        #expect(Set(found) == ["1@4", "0@4", "3@6"])
        #expect(matcher.matches(in: Array("xyz".unicodeScalars)).isEmpty)
        #expect(PhraseMatcher([]).matches(in: Array("abc".unicodeScalars)).isEmpty)
    }

    @Test func libraryParsesAndNamesBadLines() throws {
        let text = """
            # comment
            violence\t炸弹
            fraud\tre:代开.{0,4}发票\treview
            known-image\tphash:00ff00ff00ff00ff/4\tblock
            ads\t加微信\tallow-and-log

            """
        let library = try ScreeningLibrary.parse(text)
        #expect(library.rules.map(\.kind) == [.phrase, .regex, .imageHash, .phrase])
        #expect(library.rules[1].action == .review)
        #expect(library.rules[2].maxDistance == 4)
        for (bad, line) in [
            ("a\n\nb", "line 1"), ("x\tphash:123", "line 1"), ("x\tre:(", "line 1"), ("ok\tfine\nx\ty\tdelete", "line 2"), ("x\t***", "line 1"),
        ] {
            do {
                _ = try ScreeningLibrary.parse(bad)
                Issue.record("accepted \(bad)")
            } catch let error as SigilError {
                #expect(error.message.contains(line), "\(error.message)")
            }
        }
    }

    @Test func screenerAppliesPhrasesRegexesAndImageHashes() throws {
        let library = try ScreeningLibrary.parse(
            "violence\t炸弹\nfraud\tre:代开.{0,4}发票\treview\nads\t加微信\tallow-and-log\nknown\tphash:00ff00ff00ff00ff/4")
        let screener = Screener(library: library, version: 3)
        #expect(screener.screen(text: "教我做个炸彈").map(\.category) == ["violence"])
        #expect(screener.screen(text: "教我做个 炸 * 弹").map(\.action) == [.block])
        #expect(screener.screen(text: "可以代开增值税发票").map(\.action) == [.review])
        #expect(Screener.action(of: screener.screen(text: "加微信 炸弹")) == .block)
        #expect(Screener.action(of: screener.screen(text: "加 微 信")) == .allowAndLog)
        #expect(screener.screen(text: "a cat on a sofa").isEmpty)
        #expect(screener.screen(perceptualHash: 0x00ff_00ff_00ff_00ff).first?.distance == 0)
        #expect(screener.screen(perceptualHash: 0x00ff_00ff_00ff_000f).count == 1) // 4 bits away
        #expect(screener.screen(perceptualHash: 0x00ff_00ff_00ff_0000).isEmpty) // 8 bits away
        #expect(screener.hasImageRules)
    }
}
