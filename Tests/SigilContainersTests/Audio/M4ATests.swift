import Foundation
import Testing
@testable import SigilContainers

@Suite struct M4ALabelTests {
    static let itunes = Build.itunesMeta("song title")

    /// The `udta` children of the file's `moov`, as bytes.
    static func udta(_ bytes: [UInt8]) throws -> [[UInt8]] {
        let moov = try #require(try BMFFWalker.topLevel(bytes).first { $0.type == "moov" })
        guard let udta = try BMFFBoxBytes.children(bytes, moov.payload, base: 0).first(where: { $0.type == "udta" }) else { return [] }
        return try BMFFBoxBytes.children(bytes, udta.payload, base: 0).map { Array(bytes[$0.range]) }
    }

    static func media(_ bytes: [UInt8]) throws -> [UInt8] {
        try M4AFormat().essenceRanges(in: MemoryByteSource(bytes)).flatMap { bytes[$0] }
    }

    @Test func aFreeBoxAfterMoovTakesTheGrowth() throws {
        let m4a = Build.m4a(udta: [Self.itunes], free: 1000)
        let labeled = try LabelWriter.write(ConformanceSample.labelA, into: m4a)
        #expect(labeled.count == m4a.count)
        #expect(Array(labeled.suffix(Build.m4aMedia.count)) == Build.m4aMedia, "mdat did not move")
        #expect(try Build.chunks(labeled) == Build.chunks(m4a))
        let children = try Self.udta(labeled)
        #expect(children.first == Self.itunes, "the iTunes tags are kept byte for byte")
        #expect(children.count == 2)
        let found = try AudioCheck.labels(labeled)
        #expect(found.count == 1)
        #expect(found.first?.kind == .bmffMetadataItem)
        #expect(found.first?.location.contains("moov/udta/meta keys[1] \"AIGC\"") == true)
    }

    @Test(arguments: [false, true])
    func withoutRoomTheChunkOffsetsMove(_ co64: Bool) throws {
        let m4a = Build.m4a(udta: [Self.itunes], co64: co64)
        let labeled = try LabelWriter.write(ConformanceSample.labelA, into: m4a)
        #expect(labeled.count > m4a.count)
        #expect(try Build.chunks(labeled) == Build.chunks(m4a), "every chunk offset points at the same bytes")
        #expect(try Self.media(labeled) == Self.media(m4a))
        let twice = try LabelWriter.write(ConformanceSample.labelB, into: labeled)
        #expect(try Build.chunks(twice) == Build.chunks(m4a))
    }

    @Test func aMoovAfterTheMediaNeedsNoShift() throws {
        let m4a = Build.m4a(udta: nil, moovLast: true)
        let labeled = try LabelWriter.write(ConformanceSample.labelA, into: m4a)
        #expect(Array(labeled.prefix(m4a.count - 300)) == Array(m4a.prefix(m4a.count - 300)))
        #expect(try Build.chunks(labeled) == Build.chunks(m4a))
        #expect(try AudioCheck.labels(labeled).count == 1)
    }

    @Test func anExistingKeyIsReplacedAndADuplicateDropped() throws {
        // An mdta meta with keys [AIGC\0 (a peer's NUL), title, AIGC] and items 1, 2, 3.
        let keys = [("AIGC\0", 1), ("title", 2), ("AIGC", 3)]
        var keysBox = [UInt8](repeating: 0, count: 4) + UInt32(3).bigEndianBytes(4)
        for (name, _) in keys { keysBox += UInt32(8 + name.utf8.count).bigEndianBytes(4) + Array("mdta".utf8) + Array(name.utf8) }
        let items = keys.flatMap { BMFFKeyedMetadata.textItem(index: UInt32($0.1), $0.0 == "title" ? "a title" : Build.sampleJSON) }
        let meta = Build.box("meta", [0, 0, 0, 0] + BMFFKeyedMetadata.handler("mdta") + Build.box("keys", keysBox) + Build.box("ilst", items))
        let m4a = Build.m4a(udta: [Self.itunes, meta])
        #expect(try AudioCheck.labels(m4a).count == 2)
        let labeled = try LabelWriter.write(ConformanceSample.labelB, into: m4a)
        let found = try AudioCheck.labels(labeled)
        #expect(found.count == 1)
        #expect(found.first?.parsedPayload.label?.produceID == "second0042")
        let rewritten = try BMFFKeyedMetadata(content: Array(try Self.udta(labeled)[1].dropFirst(8)), base: 0)
        #expect(try rewritten.keys().map(\.text) == ["AIGC", "title"])
        #expect(try rewritten.items().map(\.type) == [1, 2])
        #expect(try BMFFKeyedMetadata.value(of: rewritten.items()[1].bytes) == Array("a title".utf8))
    }

    @Test func hostileFilesAreRefused() {
        let m4a = Build.m4a(udta: [Self.itunes])
        for cut in [10, 30, 60, 200, m4a.count - 5] { AudioCheck.refuses(Array(m4a.prefix(cut)), "cut at \(cut)") }
        var huge = m4a
        huge.replaceSubrange(28..<32, with: UInt32(0xFFFF_FFF0).bigEndianBytes(4)) // a 4 GB moov in a small file
        AudioCheck.refuses(huge, "a 4 GB box size")
        var large = m4a
        large.replaceSubrange(28..<32, with: UInt32(1).bigEndianBytes(4)) // a 64-bit size that lies
        AudioCheck.refuses(large, "a 64-bit size")
        AudioCheck.refuses(Build.m4a(udta: nil) + Build.box("moov", []), "two moov boxes")
    }

    @Test func peersForms() throws {
        // Doubao's keyless mdir item and QuickTime moov/meta are read as non-standard carriers.
        let doubao = Build.box(
            "meta", [0, 0, 0, 0] + BMFFKeyedMetadata.handler("mdir") + Build.box("ilst", BMFFKeyedMetadata.textItem(index: 0, Build.sampleJSON)))
        let scan = try LabelScanner.scan(Build.m4a(udta: [doubao]))
        #expect(scan.carriers.count == 1)
        #expect(scan.carriers.first?.standard == false)
        #expect(scan.carriers.first?.parsedPayload.label?.produceID == "abc123")
        let labeled = try LabelWriter.write(ConformanceSample.labelA, into: Build.m4a(udta: [doubao]))
        #expect(try LabelScanner.scan(labeled).carriers.filter(\.standard).count == 1)
    }

    @Test(.enabled(if: Fixtures.audioFormatsAvailable, "the shared audio corpus is not present"), arguments: Fixtures.audioFiles(".m4a"))
    func corpusFile(_ name: String) throws {
        let bytes = try Fixtures.audio(name)
        let labeled = try AudioCheck.labelAndCheck(bytes, format: .m4a, name: name)
        #expect(try Build.chunks(labeled) == Build.chunks(bytes), "\(name): chunk offsets point at the same bytes")
        let before = try Self.udta(bytes)
        let after = try Self.udta(labeled)
        #expect(Array(after.prefix(before.count)) == before, "\(name): the iTunes tags and other udta boxes are kept")
    }
}
