import Foundation
import Testing
@testable import SigilContainers

extension Build {
    /// An RF64 (or BW64) WAV: `ds64` with the real sizes, `fmt `, then `data` whose 32-bit size is 0xFFFFFFFF.
    static func rf64(_ chunks: [[UInt8]] = [], magic: String = "RF64", samples: Int = 801, dataSizeOverride: UInt64? = nil) -> [UInt8] {
        let data = (0..<samples).map { UInt8(truncatingIfNeeded: $0 &* 37) }
        let middle = wavFormat + chunks.flatMap { $0 }
        let dataChunk = Array("data".utf8) + UInt32.max.littleEndianBytes(4) + data + (samples % 2 == 1 ? [0] : [])
        let ds64Length = 8 + 28
        let riffSize = 4 + ds64Length + middle.count + dataChunk.count
        let ds64 =
            Array("ds64".utf8) + UInt32(28).littleEndianBytes(4) + UInt64(riffSize).littleEndianBytes(8)
            + (dataSizeOverride ?? UInt64(samples)).littleEndianBytes(8) + UInt64(samples / 2).littleEndianBytes(8) + [0, 0, 0, 0]
        return Array(magic.utf8) + UInt32.max.littleEndianBytes(4) + Array("WAVE".utf8) + ds64 + middle + dataChunk
    }
}

@Suite struct WAVCorpusTests {
    /// Every chunk but `AIGC` (and `ds64`, whose RIFF size changes), as bytes, in order.
    static func otherChunks(_ bytes: [UInt8]) throws -> [[UInt8]] {
        let structure = try RIFFStructure(MemoryByteSource(bytes), form: "WAVE", name: "WAV")
        #expect(structure.damage.isEmpty, "\(structure.damage)")
        return structure.chunks.filter { $0.fourCC != "AIGC" && $0.fourCC != "ds64" }.map { Array(bytes[$0.range]) }
    }

    @Test(arguments: ["RF64", "BW64"])
    func rf64KeepsItsHeaderAndUpdatesDS64(_ magic: String) throws {
        let wav = Build.rf64([Build.info([("INAM", "title")])], magic: magic)
        #expect(MediaRegistry.standard.format(of: wav) == .wav)
        let labeled = try LabelWriter.write(ConformanceSample.labelA, into: wav)
        #expect(Array(labeled[0..<8]) == Array(magic.utf8) + UInt32.max.littleEndianBytes(4), "the header's size stays 0xFFFFFFFF")
        let structure = try RIFFStructure(MemoryByteSource(labeled), form: "WAVE", name: "WAV")
        #expect(structure.declaredSize == labeled.count - 8, "ds64 holds the new RIFF size")
        #expect(structure.chunks.map(\.fourCC) == ["ds64", "fmt ", "LIST", "AIGC", "data"])
        #expect(try AudioCheck.labels(labeled).count == 1)
        #expect(try Self.otherChunks(labeled) == Self.otherChunks(wav))
        #expect(throws: SigilError.self) { try WAVFormat().embedManifestStore(FormatConformanceTests.fakeStore, into: wav) }
    }

    @Test func hostileRF64IsRefused() {
        AudioCheck.refuses(Build.rf64(dataSizeOverride: 4 << 30), "a 4 GB data size in ds64")
        AudioCheck.refuses(Build.rf64(dataSizeOverride: 900), "a data size past the end")
        var noDS64 = Build.rf64()
        noDS64.replaceSubrange(12..<16, with: Array("junk".utf8))
        AudioCheck.refuses(noDS64, "no ds64 chunk")
        for cut in [14, 30, 60, 80] { AudioCheck.refuses(Array(Build.rf64().prefix(cut)), "cut at \(cut)") }
    }

    @Test(.enabled(if: Fixtures.audioFormatsAvailable, "the shared audio corpus is not present"), arguments: Fixtures.audioFiles(".wav"))
    func corpusFile(_ name: String) throws {
        let bytes = try Fixtures.audio(name)
        let labeled = try AudioCheck.labelAndCheck(bytes, format: .wav, name: name)
        #expect(try Self.otherChunks(labeled) == Self.otherChunks(bytes), "\(name): bext, iXML, cue, LIST and every other chunk kept")
        let structure = try RIFFStructure(MemoryByteSource(labeled), form: "WAVE", name: "WAV")
        #expect(structure.declaredSize == labeled.count - 8, "\(name): the RIFF (or ds64) size is the file's")
        let label = try #require(structure.first("AIGC"))
        #expect(label.data.count % 2 == 0 || labeled[label.data.upperBound] == 0, "\(name): an odd-sized label chunk has its pad byte")
    }
}
