import Foundation
import Testing
@testable import SigilContainers

@Suite struct MediaRegistryTests {
    @Test func formatsAreSniffedFromBytesWithTheirKinds() {
        let registry = MediaRegistry.standard
        #expect(registry.format(of: Build.jpeg([])) == .jpeg)
        #expect(registry.format(of: Build.png([Build.ihdr(), Build.idat()])) == .png)
        #expect(registry.format(of: Build.webp([Build.riffChunk("VP8L", Build.vp8l)])) == .webp)
        #expect(registry.format(of: Build.wav()) == .wav)
        #expect(registry.format(of: Array("ID3".utf8) + [4, 0, 0, 0, 0, 0, 0]) == .mp3)
        #expect(registry.format(of: [0xFF, 0xFB, 0x90, 0x64]) == .mp3, "an MPEG-1 Layer III frame header")
        #expect(registry.format(of: [0xFF, 0xFF, 0xFF, 0xFF]) == nil, "a sync word with invalid fields is not MP3")
        #expect(registry.format(of: [0, 0, 0, 24] + Array("ftypisom".utf8) + [0, 0, 2, 0]) == .mp4)
        #expect(registry.format(of: [0, 0, 0, 24] + Array("ftypM4A ".utf8) + [0, 0, 2, 0])?.kind == .audio)
        #expect(registry.format(of: [0, 0, 0, 24] + Array("ftypheic".utf8) + [0, 0, 2, 0]) == .heif)
        #expect(registry.format(of: Array("RIFF\0\0\0\0AVI LIST".utf8)) == .avi, "AVI is not read as WAV")
        #expect(registry.format(of: Build.matroska()) == .matroska)
        #expect(registry.format(of: Build.matroska(docType: "webm")) == .webm, "WebM by its EBML DocType")
        #expect(registry.format(of: Build.flv()) == .flv)
        #expect(MediaFormat.wav.kind == .audio && MediaFormat.jpeg.kind == .image && MediaFormat.mp4.kind == .video)
    }

    @Test func everyFormatIsListedOnceWithAMIMETypeAndExtension() {
        let formats = MediaRegistry.standard.formats
        #expect(Set(formats.map(\.id)).count == formats.count)
        for format in formats {
            #expect(MediaRegistry.standard.format(mimeType: format.mimeType + "; charset=binary") == format)
            #expect(MediaRegistry.standard.format(id: format.id) == format)
            #expect(!format.fileExtension.isEmpty)
        }
    }

    @Test func unknownBytesAreNamedInTheError() throws {
        let bytes: [UInt8] = [0x7F, 0x45, 0x4C, 0x46, 0x02, 0x01]
        do {
            _ = try LabelScanner.scan(bytes)
            Issue.record("unknown bytes were scanned")
        } catch let error as SigilError {
            #expect(error.code == .unsupportedFormat)
            #expect(error.message.contains("7f 45 4c 46"), "the bytes seen, in hexadecimal")
            #expect(error.message.contains(".ELF"), "and as text")
            #expect(error.offset == 0)
        }
        #expect(throws: SigilError.self) { try LabelScanner.scan([]) }
    }

    @Test func aPolyglotIsReportedWithBothFormats() throws {
        var bytes = Build.jpeg([])
        bytes.replaceSubrange(4..<12, with: Array("ftypisom".utf8))
        let identified = try #require(MediaRegistry.standard.identify(bytes))
        #expect(identified.format == .jpeg)
        #expect(identified.alsoMatches == [.mp4])
    }

    @Test func capabilitiesAreFoundByCast() {
        let registry = MediaRegistry.standard
        #expect(
            registry.formats(with: (any LabelWriting).self) == [
                .jpeg, .png, .webp, .wav, .mp3, .mp4, .mov, .avi, .matroska, .webm, .flv, .flac, .ogg, .opus, .m4a, .ooxml, .pdf, .markdown,
            ])
        #expect(registry.formats(with: (any LabelReading).self).contains(.mp3))
        #expect(registry.formats(with: (any ManifestCarrying).self).contains(.mp4))
        #expect(!(registry.handler(for: .tiff) is any LabelWriting), "TIFF is verified, not labeled")
    }

    /// Identification asks a requirement, not a cast, whether a handler is the fallback; the two must agree for every
    /// handler, the toy format's included.
    @Test func theFallbackRequirementAgreesWithTheProtocol() {
        let handlers = MediaRegistry.standard.adding(ToyFormat()).handlers
        for handler in handlers {
            #expect(handler.identifiesAsFallback == (handler is any FallbackIdentifying), "\(type(of: handler))")
        }
        #expect(handlers.filter(\.identifiesAsFallback).flatMap(\.formats) == [.plainText])
    }
}

/// Adding a format takes its folder (`ToyFormat/`) and one registry line.
@Suite struct ToyFormatTests {
    let registry = MediaRegistry.standard.adding(ToyFormat())

    @Test func theToyFormatIsReadAndWrittenThroughTheRegistry() throws {
        let toy = Array("TOY1\ntitle=hello\n--\nbody".utf8)
        #expect(MediaRegistry.standard.format(of: toy) == .plainText, "only text until registered")
        #expect(registry.format(of: toy) == .toy)
        let labeled = try LabelWriter.write(ConformanceSample.labelA, into: toy, registry: registry)
        let scan = try LabelScanner.scan(labeled, registry: registry)
        #expect(scan.format == .toy)
        #expect(scan.carriers.count == 1)
        #expect(scan.carriers.first?.parsedPayload.label?.produceID == "abc123")
        #expect(try CompressedImageData.bytes(of: labeled, registry: registry) == Array("body".utf8))
    }
}

@Suite struct WAVLabelTests {
    @Test func theLabelGoesBeforeTheDataChunkAndTheRIFFSizeIsKept() throws {
        let wav = Build.wav(samples: 100)
        let labeled = try LabelWriter.write(ConformanceSample.labelA, into: wav)
        let structure = try RIFFStructure(MemoryByteSource(labeled), form: "WAVE", name: "WAV")
        #expect(structure.damage.isEmpty)
        #expect(structure.chunks.map(\.fourCC) == ["fmt ", "AIGC", "data"])
        #expect(structure.declaredSize == labeled.count - 8)
    }

    @Test func aMirrorInLISTINFOIsReportedAndRemovedOnWrite() throws {
        // gtkit/aigc writes the label twice: an AIGC chunk and a LIST/INFO AIGC item.
        let wav = Build.wav([Build.info([("INAM", "song"), ("AIGC", Build.sampleJSON)]), Build.riffChunk("AIGC", Array(Build.sampleJSON.utf8))])
        let scan = try LabelScanner.scan(wav)
        #expect(scan.carriers.map(\.kind) == [.riffListInfo, .riffChunk])
        #expect(scan.carriers.first?.standard == false)
        let labeled = try LabelWriter.write(ConformanceSample.labelB, into: wav)
        let after = try LabelScanner.scan(labeled)
        #expect(after.carriers.map(\.kind) == [.riffChunk])
        #expect(labeled.firstIndex(of: Array("INAM".utf8)) != nil, "the other INFO items are kept")
    }

    @Test func aWAVWithoutDataIsRefused() {
        #expect(throws: SigilError.self) { try LabelWriter.write(ConformanceSample.labelA, into: Build.wav(data: false)) }
    }
}

@Suite struct MP3LabelTests {
    static func syncsafe(_ n: Int) -> [UInt8] { [UInt8((n >> 21) & 0x7F), UInt8((n >> 14) & 0x7F), UInt8((n >> 7) & 0x7F), UInt8(n & 0x7F)] }

    /// An ID3v2.4 tag with one TXXX frame, then an MPEG frame header.
    static func mp3(description: String, value: String, encoding: UInt8 = 3) -> [UInt8] {
        let body: [UInt8] = [encoding] + Array(description.utf8) + [0] + Array(value.utf8)
        let frame = Array("TXXX".utf8) + syncsafe(body.count) + [0, 0] + body
        return Array("ID3".utf8) + [4, 0, 0] + syncsafe(frame.count) + frame + [0xFF, 0xFB, 0x90, 0x64] + [UInt8](repeating: 0, count: 100)
    }

    @Test func theTXXXAIGCFrameIsRead() throws {
        let scan = try LabelScanner.scan(Self.mp3(description: "AIGC", value: Build.sampleJSON))
        #expect(scan.format == .mp3)
        #expect(scan.carriers.count == 1)
        #expect(scan.carriers.first?.kind == .id3UserText)
        #expect(scan.carriers.first?.standard == true)
        #expect(scan.carriers.first?.parsedPayload.label?.produceID == "abc123")
    }

    @Test func anotherDescriptionIsNotALabelAndAVariantIsNonstandard() throws {
        #expect(try LabelScanner.scan(Self.mp3(description: "comment", value: Build.sampleJSON)).carriers.isEmpty)
        let variant = try LabelScanner.scan(Self.mp3(description: "aigc_label", value: Build.sampleJSON))
        #expect(variant.carriers.first?.standard == false)
    }

    @Test func aTruncatedTagIsAFinding() throws {
        let mp3 = Self.mp3(description: "AIGC", value: Build.sampleJSON)
        let scan = try LabelScanner.scan(Array(mp3.prefix(40)))
        #expect(scan.carriers.isEmpty)
        #expect(scan.findings.contains { $0.code == .structureTruncated })
    }
}
