import Foundation
import Testing
@testable import SigilContainers

/// Streamed WAVs (sizes unset, 0xFFFFFFFF): the header read from the first bytes of a stream, the labeled header
/// Sigil sends, and files saved from such a stream read back whole.
@Suite struct WAVStreamTests {
    static let samples: [UInt8] = (0..<2000).map { UInt8(truncatingIfNeeded: $0 &* 31) }

    /// A WAV whose RIFF and `data` sizes are unset, as a stream writer leaves them.
    static func streamed(_ chunks: [[UInt8]] = []) -> [UInt8] {
        Array("RIFF".utf8) + UInt32.max.littleEndianBytes(4) + Array("WAVE".utf8) + Build.wavFormat + chunks.flatMap { $0 } + Array("data".utf8)
            + UInt32.max.littleEndianBytes(4) + samples
    }

    @Test func theHeaderIsReadFromTheFirstBytesWhateverTheyAre() throws {
        let stream = Self.streamed([Build.info([("INAM", "title")])])
        let headerLength = stream.count - Self.samples.count
        for cut in [0, 3, 11, 12, 20, 40, headerLength - 1] {
            #expect(try WAVStreamHeader.parse(Array(stream.prefix(cut))) == nil, "\(cut) bytes: more are needed")
        }
        let header = try #require(try WAVStreamHeader.parse(Array(stream.prefix(headerLength))))
        #expect(header.length == headerLength)
        #expect(header.channels == 1 && header.sampleRate == 8000 && header.encoding == .signed(bits: 16) && header.blockAlign == 2)
        #expect(try WAVStreamHeader.parse(stream)?.length == headerLength, "samples after the header are left alone")
        // A finished WAV's header reads the same way.
        #expect(try WAVStreamHeader.parse(Build.wav([]))?.channels == 1)
    }

    /// A header sent a byte at a time: the reader keeps its place (each complete chunk is scanned once, stop 41
    /// review: re-parsing the whole prefix for every byte cost quadratic time) and gives the header `parse` gives.
    @Test func theReaderScansEachChunkOnceAsBytesArrive() throws {
        let junk = RIFFChunk.make("junk", [UInt8](repeating: 0x5A, count: 4096))
        let stream = Self.streamed([junk, Build.info([("INAM", "title")])])
        var reader = WAVStreamHeader.Reader()
        var header: WAVStreamHeader?
        var scanned: [Int] = []
        for byte in stream where header == nil {
            header = try reader.append([byte])
            scanned.append(reader.next)
        }
        #expect(header == (try WAVStreamHeader.parse(stream)))
        #expect(scanned == scanned.sorted(), "the scan position only moves forward")
        #expect(Set(scanned).count <= 5, "12, after fmt, after junk, after LIST: one step per chunk")
        #expect(reader.prefix.count == header?.length)
    }

    @Test func brokenStreamsAreRefusedWithTheOffset() throws {
        #expect(throws: SigilError.self) { try WAVStreamHeader.parse(Array("OggS".utf8)) }
        #expect(throws: SigilError.self) { try WAVStreamHeader.parse(Array("RIFF".utf8) + [0xFF, 0xFF, 0xFF, 0xFF] + Array("AVI ".utf8)) }
        let noFormat = Array("RIFF".utf8) + UInt32.max.littleEndianBytes(4) + Array("WAVEdata".utf8) + UInt32.max.littleEndianBytes(4)
        do {
            _ = try WAVStreamHeader.parse(noFormat)
            Issue.record("a data chunk before fmt was accepted")
        } catch let error as SigilError {
            #expect(error.offset == 12 && error.message.contains("fmt"))
        }
        let huge = Array("RIFF".utf8) + UInt32.max.littleEndianBytes(4) + Array("WAVEjunk".utf8) + UInt32(0x7FFF_0000).littleEndianBytes(4)
        #expect(throws: SigilError.self, "a 2 GB chunk before data is not a header") { try WAVStreamHeader.parse(huge) }
        var compressed = Self.streamed()
        compressed[20] = 0x55 // MP3 in WAV
        #expect(throws: SigilError.self) { try WAVStreamHeader.parse(compressed) }
    }

    @Test func theLabeledHeaderCarriesTheLabelBeforeDataAndKeepsTheOtherChunks() throws {
        let stream = Self.streamed([Build.info([("INAM", "title"), ("AIGC", "{\"old\":1}")])])
        let header = try #require(try WAVStreamHeader.parse(stream))
        let head = try header.labeled(ConformanceSample.labelA)
        #expect(Array(head[4..<8]) == UInt32.max.littleEndianBytes(4), "RIFF size unset")
        #expect(Array(head.suffix(8)) == Array("data".utf8) + UInt32.max.littleEndianBytes(4), "ends with the data header, size unset")
        // Saved as it streams: header, then samples to the end of the file.
        let saved = head + Self.samples
        let structure = try RIFFStructure(MemoryByteSource(saved), form: "WAVE", name: "WAV")
        #expect(structure.damage.isEmpty, "\(structure.damage)")
        #expect(structure.sizesUnset)
        #expect(structure.chunks.map(\.fourCC) == ["fmt ", "LIST", "AIGC", "data"])
        let found = try AudioCheck.labels(saved)
        #expect(found.count == 1, "the INFO mirror is gone; one label: \(found.map(\.location))")
        #expect(found.first?.parsedPayload.label?.produceID == "abc123")
        let layout = try WAVPCMLayout(MemoryByteSource(saved))
        #expect(Array(saved[layout.data]) == Self.samples, "data runs to the end of the file")
        #expect(try WAVFormat().essenceRanges(in: MemoryByteSource(saved)).flatMap { saved[$0] } == Self.samples)
        let errors = try LabelScanner.scan(saved).findings.filter { $0.severity == .error }
        #expect(errors.isEmpty, "\(errors.map(\.message))")
        // Labeling the saved file again keeps the RIFF size unset and replaces the label.
        let again = try LabelWriter.write(ConformanceSample.labelB, into: saved)
        #expect(Array(again[4..<8]) == UInt32.max.littleEndianBytes(4))
        #expect(try AudioCheck.labels(again).first?.parsedPayload.label?.produceID == "second0042")
    }

    @Test func rawPCMGetsAHeaderOfItsOwn() throws {
        let header = try WAVStreamHeader(encoding: .float(bits: 32), channels: 2, sampleRate: 48000)
        let saved = try header.labeled(ConformanceSample.labelA) + [UInt8](repeating: 0, count: 800)
        let layout = try WAVPCMLayout(MemoryByteSource(saved))
        #expect(layout.encoding == .float(bits: 32) && layout.channels == 2 && layout.sampleRate == 48000 && layout.frameCount == 100)
        #expect(throws: SigilError.self) { try WAVStreamHeader(encoding: .signed(bits: 16), channels: 0, sampleRate: 8000) }
    }

    @Test func onlyTheUnsetSizeMeansToTheEnd() {
        // Any other size past the end is still a lie that is refused.
        var lying = Self.streamed()
        let dataSize = lying.count - Self.samples.count - 4
        lying.replaceSubrange(dataSize..<(dataSize + 4), with: UInt32(0xFFFF_FFF0).littleEndianBytes(4))
        AudioCheck.refuses(lying, "a 4 GB data size that is not the streaming sentinel")
    }
}
