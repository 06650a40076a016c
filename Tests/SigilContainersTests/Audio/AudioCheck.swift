import Foundation
import SigilTestSupport
import Testing
@testable import SigilContainers

/// The checks every audio writer passes on a real file: label, one label found, essence byte-identical, the
/// streaming plan equal to the in-memory write, a second label replacing the first, and (when ffmpeg is on PATH)
/// a clean decode with the same audio packets.
enum AudioCheck {
    static var ffmpeg: String? { TestPaths.which("ffmpeg") }
    static var hasFFmpeg: Bool { ffmpeg != nil }

    /// The Annex E carriers in `bytes`.
    static func labels(_ bytes: [UInt8]) throws -> [LabelCarrier] {
        try LabelScanner.scan(bytes).carriers.filter { $0.parsedPayload.hasAnnexEKeys }
    }

    /// `bytes` labeled with ``ConformanceSample/labelA``, after every common check; `name` goes into messages.
    @discardableResult
    static func labelAndCheck(_ bytes: [UInt8], format: MediaFormat, name: String, streams: String = "0:a") throws -> [UInt8] {
        let handler = try #require(MediaRegistry.standard.identify(bytes)?.handler, "\(name) is recognised")
        #expect(MediaRegistry.standard.format(of: bytes) == format, "\(name)")
        let streaming = try #require(handler as? any StreamingLabelWriting, "\(name) has a streaming writer")
        let plan = try streaming.labelEdits(ConformanceSample.labelA, in: MemoryByteSource(bytes))
        let labeled = plan.apply(to: bytes)
        #expect(labeled == (try LabelWriter.write(ConformanceSample.labelA, into: bytes)), "\(name): streaming equals in-memory")
        let found = try labels(labeled)
        #expect(found.count == 1, "\(name): one label, found \(found.map(\.location))")
        #expect(found.first?.standard == true, "\(name)")
        #expect(found.first?.parsedPayload.label?.produceID == "abc123", "\(name)")
        let errors = try LabelScanner.scan(labeled).findings.filter { $0.severity == .error }
        #expect(errors.isEmpty, "\(name): \(errors.map(\.message))")
        if let locator = handler as? any EssenceLocating {
            let before = try locator.essenceRanges(in: MemoryByteSource(bytes)).flatMap { bytes[$0] }
            let after = try locator.essenceRanges(in: MemoryByteSource(labeled)).flatMap { labeled[$0] }
            #expect(!before.isEmpty, "\(name)")
            #expect(before == after, "\(name): essence byte-identical")
        }
        let twice = try LabelWriter.write(ConformanceSample.labelB, into: labeled)
        let again = try labels(twice)
        #expect(again.count == 1, "\(name): a second label replaces the first")
        #expect(again.first?.parsedPayload.label?.produceID == "second0042", "\(name)")
        if hasFFmpeg { try ffmpegAgrees(bytes, labeled, name: name, ext: format.fileExtension, streams: streams) }
        if let exiftool = TestPaths.which("exiftool") { try exiftoolAgrees(exiftool, bytes, labeled, name: name, ext: format.fileExtension) }
        return labeled
    }

    /// `ffmpeg -v error` decodes `labeled` without a message, its packets of `streams` (framemd5) equal the
    /// original's, and ffprobe reads the same duration, stream count and tags, and the label.
    static func ffmpegAgrees(_ original: [UInt8], _ labeled: [UInt8], name: String, ext: String, streams: String = "0:a") throws {
        guard let ffmpeg else { return }
        let dir = try TestPaths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let a = dir.appendingPathComponent("original.\(ext)")
        let b = dir.appendingPathComponent("labeled.\(ext)")
        try Data(original).write(to: a)
        try Data(labeled).write(to: b)
        let decode = try TestProcess.run(ffmpeg, ["-nostdin", "-v", "error", "-i", b.path, "-f", "null", "-"])
        #expect(decode.status == 0 && decode.stderr.isEmpty, "\(name): ffmpeg decode says \(decode.stderr)")
        func md5(_ url: URL) throws -> String {
            // Side data (", S=…") is left out: ffmpeg's Ogg demuxer attaches the comments, label included, to the first packet.
            try TestProcess.run(ffmpeg, ["-nostdin", "-v", "error", "-i", url.path, "-map", streams, "-c", "copy", "-f", "framemd5", "-"]).stdout
                .split(separator: "\n").map { $0.components(separatedBy: ", S=")[0] }.joined(separator: "\n")
        }
        let before = try md5(a)
        let after = try md5(b)
        #expect(!before.isEmpty && before == after, "\(name): the audio packets are identical")
        guard let ffprobe = TestPaths.which("ffprobe") else { return }
        func probe(_ url: URL) throws -> [String: Any]? {
            let run = try TestProcess.run(ffprobe, ["-v", "error", "-show_format", "-show_streams", "-of", "json", url.path])
            return try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any]
        }
        func tags(_ url: URL) throws -> [String: String] {
            let root = try probe(url)
            let format = (root?["format"] as? [String: Any])?["tags"] as? [String: String] ?? [:]
            let streams = (root?["streams"] as? [[String: Any]] ?? []).compactMap { $0["tags"] as? [String: String] }
            return streams.reduce(format) { $0.merging($1) { first, _ in first } }
        }
        func shape(_ url: URL) throws -> [String] {
            let format = try probe(url)?["format"] as? [String: Any]
            return ["duration", "nb_streams"].map { "\(format?[$0] ?? "-")" }
        }
        #expect(try shape(a) == shape(b), "\(name): ffprobe reads the same duration and stream count")
        let tagsBefore = try tags(a)
        let tagsAfter = try tags(b)
        // ffmpeg has no tag for a RIFF `AIGC` chunk.
        if ext != "wav" {
            #expect(
                tagsAfter.first { $0.key.uppercased() == "AIGC" }?.value.contains("abc123") == true,
                "\(name): ffprobe reads the label: \(tagsAfter.keys)")
        }
        for (key, value) in tagsBefore where key.uppercased() != "ENCODER" {
            #expect(tagsAfter[key] == value, "\(name): ffprobe still reads \(key)")
        }
    }

    /// exiftool reads the label from `labeled` and warns about nothing it did not warn about in `original`.
    static func exiftoolAgrees(_ exiftool: String, _ original: [UInt8], _ labeled: [UInt8], name: String, ext: String) throws {
        let dir = try TestPaths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        func read(_ bytes: [UInt8], _ file: String) throws -> String {
            let url = dir.appendingPathComponent("\(file).\(ext)")
            try Data(bytes).write(to: url)
            return try TestProcess.run(exiftool, ["-j", "-a", "-G1", url.path]).stdout
        }
        let before = try read(original, "original")
        let after = try read(labeled, "labeled")
        // exiftool has no tag for a RIFF `AIGC` chunk or INFO item: for WAV and AVI it can only show that nothing else broke.
        if ext != "wav" && ext != "avi" { #expect(after.contains("abc123"), "\(name): exiftool reads the label") }
        if !before.contains("Warning") {
            #expect(!after.contains("Warning"), "\(name): exiftool warns: \(after.split(separator: "\n").filter { $0.contains("Warning") })")
        }
    }

    /// Writing into `bytes` fails with a ``SigilError``, and nothing is produced.
    static func refuses(_ bytes: [UInt8], _ what: String) {
        do {
            _ = try LabelWriter.write(ConformanceSample.labelA, into: bytes)
            Issue.record("\(what): a damaged file was labeled")
        } catch let error as SigilError {
            #expect(!error.message.isEmpty, "\(what)")
        } catch {
            Issue.record("\(what): \(error)")
        }
    }
}
