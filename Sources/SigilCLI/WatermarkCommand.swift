import ArgumentParser
import Foundation
import Sigil

/// `sigil watermark embed|detect`: the blind watermark on its own (the harness drives these).
struct WatermarkCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watermark",
        abstract: "Embed or detect Sigil's blind, keyed watermark (64-bit payload) in images, audio and video.",
        discussion: """
            Images: JPEG, PNG, WebP. Audio: WAV (samples rewritten in place), MP3, FLAC, Ogg Vorbis, Opus, M4A (decoded and \
            encoded again with ffmpeg in the source's codec and bit rate). Video: MP4, MOV, Matroska, WebM, AVI, FLV (every \
            frame marked, the video encoded again with ffmpeg, other streams copied; decision 0106). The key is the keystore item watermark.key \
            (created as a development key by the first embed; detect never creates one); images and video share the picture \
            mark's sub-keys, audio has its own.
            """,
        subcommands: [Embed.self, Detect.self]
    )

    struct KeyOptions: ParsableArguments {
        @Option(name: .customLong("data"), help: "Sigil's data directory (default: $SIGIL_DATA, else ~/.local/share/sigil).") var data: String?
        @Option(name: .customLong("keys"), help: "A keystore directory to use instead of DATA/keys.") var keys: String?

        func watermarker() throws -> Watermarker {
            let (watermarker, notice) = try WatermarkKeys.load(dataDirectory: data, keysDirectory: keys)
            if let notice { Terminal.warning(notice.description) }
            return watermarker
        }

        /// The watermarker of the stored key, for detection: a read never creates a key.
        func existingWatermarker() throws -> Watermarker {
            guard let key = try WatermarkKeys.existing(dataDirectory: data, keysDirectory: keys) else {
                throw SigilError(
                    .usage,
                    "there is no watermark key (watermark.key) in this keystore, so there is no watermark of ours to detect; embed or label with one first"
                )
            }
            return Watermarker(key: key)
        }
    }

    /// The input's format when it is audio the watermark takes; nil for anything else (images go their own way).
    static func audioFormat(of bytes: [UInt8], path: String) -> MediaFormat? {
        guard let format = MediaRegistry.standard.identify(bytes, fileExtension: FileIO.fileExtension(of: path))?.format,
            format.kind == .audio
        else { return nil }
        return format
    }

    /// Whether the input is a video file (sniffed from its head and its extension), without reading it whole.
    static func isVideo(path: String) throws -> Bool {
        let (fd, size) = try FileIO.openForReading(path)
        defer { close(fd) }
        let head = try FileIO.read(fd, count: min(size, MediaRegistry.sniffLength), at: 0, path: path)
        return MediaRegistry.standard.identify(head, fileExtension: FileIO.fileExtension(of: path))?.format.kind == .video
    }

    static func videoWatermarker(_ key: WatermarkKey) throws -> VideoWatermarker {
        VideoWatermarker(key: key, tools: try FFmpegTools.locate())
    }

    static func decode(_ bytes: [UInt8], path: String, maxPixels: Int) throws -> DecodedImage {
        do {
            switch ImageHeader.sniff(bytes) {
            case .jpeg: return try JPEGCodec.decode(bytes, maxPixels: maxPixels)
            case .png: return try PNGCodec.decode(bytes, maxPixels: maxPixels)
            case .webp: return try WebPCodec.decode(bytes, maxPixels: maxPixels)
            default: throw SigilError(.unsupportedFormat, "not a JPEG, PNG or WebP file")
            }
        } catch let error as SigilError {
            throw error.path == nil ? error.at(path: path) : error
        }
    }

    struct Embed: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "embed",
            abstract:
                "Embed a 64-bit payload; writes the output in the input's format (an image as PNG when the output ends in .png).")
        @Argument(help: "Input image (JPEG, PNG, WebP), audio (WAV, MP3, FLAC, Ogg Vorbis, Opus, M4A) or video (MP4, MOV, MKV, WebM, AVI, FLV).")
        var input: String
        @Argument(help: "Output file.") var output: String
        @Option(help: "The payload: up to 16 hex digits.") var payload: String
        @Option(help: "Strength multiplier: images 1 ≈ 40.5 dB PSNR, video 1 ≈ 42 dB; audio has one strength (≈ 27 dB SNR per frame).")
        var strength: Double = 1
        @Option(name: .customLong("max-pixels"), help: "Refuse images with more pixels than this.") var maxPixels: Int = 100_000_000
        @OptionGroup var keyOptions: KeyOptions

        func run() async throws {
            let value = try Watermarker.parseHex(payload)
            guard strength > 0, strength <= 4 else { throw SigilError(.usage, "--strength must be in (0, 4]") }
            let watermarker = try keyOptions.watermarker()
            if try WatermarkCommand.isVideo(path: input) {
                let video = try WatermarkCommand.videoWatermarker(watermarker.key)
                let bar = Terminal.progressBar("marking frames")
                var shown = -1
                let outcome = try video.embed(input: input, output: output, payload: value, strength: strength) { fraction in
                    let percent = Int(fraction * 100)
                    if percent != shown {
                        shown = percent
                        bar?(fraction)
                    }
                }
                if Terminal.stderrIsTTY { Terminal.note("\(outcome.frames) frames marked; the video was encoded again (\(outcome.encoding))") }
                return
            }
            let source = try FileIO.read(input)
            if let format = WatermarkCommand.audioFormat(of: source, path: input) {
                let request = WAVWatermark.Request(watermarker: AudioWatermarker(key: watermarker.key), payload: value)
                do {
                    let marked = try AudioWatermarking.embed(source, format: format, request: request)
                    try FileIO.writeAtomically(marked.bytes, to: output)
                } catch let error as SigilError {
                    throw error.path == nil ? error.at(path: input) : error
                }
                return
            }
            var decoded = try WatermarkCommand.decode(source, path: input, maxPixels: maxPixels)
            try watermarker.embed(payload: value, into: &decoded.pixels, strength: strength)
            let lower = output.lowercased()
            let bytes: [UInt8]
            if lower.hasSuffix(".png") {
                bytes = try PNGCodec.encode(decoded.pixels)
            } else if lower.hasSuffix(".jpg") || lower.hasSuffix(".jpeg") {
                bytes = try JPEGCodec.encode(
                    decoded.pixels, quality: decoded.jpeg?.quality ?? 92, subsampling: decoded.jpeg?.subsampling ?? JPEGCodec.Subsampling.s420)
            } else if lower.hasSuffix(".webp") {
                bytes = try WebPCodec.encode(decoded.pixels, lossless: decoded.webp?.lossless ?? false, quality: 90)
            } else {
                throw SigilError(.usage, "the output must end in .png, .jpg, .jpeg or .webp")
            }
            try FileIO.writeAtomically(bytes, to: output)
        }
    }

    struct Detect: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "detect", abstract: "Print the payload as hex, or \"none\". Exits 0 either way (1 with --require).")
        @Argument(help: "Image or audio file to examine.") var input: String
        @Flag(help: "Print details as JSON.") var json = false
        @Flag(help: "Exit 1 when no mark is found.") var require = false
        @Option(
            help: """
                How far to search a picture that does not show the mark at once: ranked (default: the best-ranked lattices \
                only, decision 0105), exhaustive (every lattice), or staged (a coarse screen first, decision 0102).
                """
        )
        var search: String?
        @Flag(help: "The same as --search staged.") var staged = false
        @Option(name: .customLong("max-pixels"), help: "Refuse images with more pixels than this.") var maxPixels: Int = 100_000_000
        @OptionGroup var keyOptions: KeyOptions

        /// The search `--search` or `--staged` names (ranked when neither).
        func searchMode() throws -> WatermarkSearch {
            guard let search else { return staged ? .staged : .ranked }
            guard let mode = WatermarkSearch(rawValue: search), !staged || mode == .staged else {
                throw SigilError(.usage, "--search takes ranked, exhaustive or staged (and --staged only with staged), got \"\(search)\"")
            }
            return mode
        }

        func run() async throws {
            let mode = try searchMode()
            let watermarker = try keyOptions.existingWatermarker()
            if try WatermarkCommand.isVideo(path: input) {
                let found = try WatermarkCommand.videoWatermarker(watermarker.key).detect(input: input, search: mode)
                if json {
                    let check = VerificationReport.Watermark(found.detection, key: watermarker.key, produceID: nil, frames: found.frames)
                    print(JSONValue.object([.init("file", .string(input))] + check.jsonMembers.filter { $0.key != "matchesProduceID" }).prettyPrinted)
                } else {
                    print(found.detection.payloadHex ?? "none")
                }
                if require && !found.detection.detected { throw ExitCode(ExitStatus.problems) }
                return
            }
            let source = try FileIO.read(input)
            if let format = WatermarkCommand.audioFormat(of: source, path: input) {
                let check: VerificationReport.AudioWatermark
                do {
                    check = try AudioWatermarking.detect(source, format: format, key: watermarker.key)
                } catch let error as SigilError {
                    throw error.path == nil ? error.at(path: input) : error
                }
                if json {
                    print(JSONValue.object([.init("file", .string(input))] + check.jsonMembers.filter { $0.key != "matchesProduceID" }).prettyPrinted)
                } else {
                    print(check.detection.payloadHex ?? "none")
                }
                if require && !check.detection.detected { throw ExitCode(ExitStatus.problems) }
                return
            }
            let decoded = try WatermarkCommand.decode(source, path: input, maxPixels: maxPixels)
            let detection = watermarker.detect(in: decoded.pixels, search: mode)
            if json {
                print(JSONValue.object([.init("file", .string(input))] + detection.jsonMembers).prettyPrinted)
            } else {
                print(detection.payloadHex ?? "none")
            }
            if require && !detection.detected { throw ExitCode(ExitStatus.problems) }
        }
    }
}
