// libFuzzer harness for the container readers and writers. Built only with SIGIL_FUZZ=1.
//
// Pass the sanitizer flags on the command line too, so that the library modules (not just this harness) are
// instrumented and libFuzzer gets coverage feedback from the parsers:
//
//   SIGIL_FUZZ=1 swift build -c release --scratch-path .build-fuzz --product SigilFuzz -Xswiftc -sanitize=fuzzer,address
//   SWIFT_BACKTRACE=enable=no .build-fuzz/release/SigilFuzz .build-fuzz/corpus Fuzz/corpus \
//       -max_total_time=60 -rss_limit_mb=4096 -artifact_prefix=Fuzz/crashes/
//
// One target per format: with SIGIL_FUZZ_FORMAT=<id> (`make fuzz-formats` runs each registered format in turn)
// the input is handed straight to that format's handler, so inputs whose magic the mutator broke still reach its
// walker, and its streaming writer is checked against its in-memory writer.
//
// Any crash, trap or sanitizer report is a bug: every parser must turn hostile input into SigilError or
// findings. Crashing inputs go into Tests/SigilContainersTests/Resources/FuzzRegressions/.
import Foundation
import SigilAudio
import SigilAudioMark
import SigilContainers
import SigilProvenance
import SigilText
import SigilTextMark

/// The handler `SIGIL_FUZZ_FORMAT` names; nil fuzzes every format through the registry's sniffing.
private let target: (any MediaFormatHandler)? = ProcessInfo.processInfo.environment["SIGIL_FUZZ_FORMAT"].flatMap { id in
    MediaRegistry.standard.format(id: id).flatMap { MediaRegistry.standard.handler(for: $0) }
}

/// One handler's capabilities over `bytes`, whatever their magic says.
private func fuzzHandler(_ handler: any MediaFormatHandler, _ bytes: [UInt8]) {
    _ = handler.identify(bytes)
    var scan = ContainerScan(format: handler.formats.first)
    (handler as? any LabelReading)?.scanLabels(bytes, into: &scan)
    for carrier in scan.carriers { _ = carrier.parsedPayload }
    _ = try? (handler as? any ImageHeaderReading)?.imageHeader(bytes)
    _ = try? (handler as? any EssenceLocating)?.essenceRanges(in: MemoryByteSource(bytes))
    _ = (handler as? any XMPPacketLocating)?.firstXMPPacket(in: bytes)
    if let carrier = handler as? any ManifestCarrying {
        _ = try? carrier.findManifestStores(in: bytes)
        if carrier.embedsManifests, let removed = try? carrier.removeManifestStores(from: bytes) {
            _ = try? carrier.embedManifestStore(Array(bytes.prefix(64)), into: removed)
        }
    }
    if let boxing = handler as? any ManifestBoxLocating, let boxes = try? boxing.manifestBoxes(in: bytes) {
        for box in boxes where box.range.lowerBound < 0 || box.range.upperBound > bytes.count {
            fatalError("\(handler.formats[0].id): a box \(box.range) outside the \(bytes.count)-byte input")
        }
    }
    if let collection = handler as? any ManifestCollectionLocating, let parts = try? collection.manifestCollection(in: bytes) {
        for range in parts.parts.map(\.range) + parts.directory where range.lowerBound < 0 || range.upperBound > bytes.count {
            fatalError("\(handler.formats[0].id): a collection range \(range) outside the \(bytes.count)-byte input")
        }
    }
    let assignment = LabelAssignment(json: label, wrappedJSON: "{\"AIGC\":\(label)}", extra: extra)
    if let writer = handler as? any LabelWriting, let written = try? writer.writeLabel(assignment, into: bytes) {
        var again = ContainerScan(format: handler.formats.first)
        (handler as? any LabelReading)?.scanLabels(written, into: &again)
        guard again.carriers.contains(where: { $0.parsedPayload.value(of: .produceID) == "fuzz" }) else {
            fatalError("\(handler.formats[0].id): the written label does not read back (\(bytes.count) input bytes)")
        }
        if let streaming = handler as? any StreamingLabelWriting {
            guard let plan = try? streaming.labelEdits(assignment, in: MemoryByteSource(bytes)), plan.apply(to: bytes) == written else {
                fatalError("\(handler.formats[0].id): the streaming edits differ from the in-memory write (\(bytes.count) input bytes)")
            }
        }
    }
}

private let label =
    #"{"Label":"1","ContentProducer":"001191000000000000000K10000","ProduceID":"fuzz","ReservedCode1":"","ContentPropagator":"001191000000000000000K10000","PropagateID":"fuzz","ReservedCode2":""}"#
private let extra = [XMPProperty(namespaceURI: "https://sigil.invalid/ns/1.0/", prefix: "sigil", name: "Job", value: "fuzz & <job>")]

/// `SIGIL_FUZZ_FORMAT=text-label`: the explicit text label's parsers alone.
private let textLabelTarget = ProcessInfo.processInfo.environment["SIGIL_FUZZ_FORMAT"] == "text-label"

/// The explicit text label over hostile text: the checker (every markup), the inserter (whose output must read back
/// as labeled), the SSE relay, and DOCX body text.
private func fuzzTextLabel(_ bytes: [UInt8]) {
    for markup in TextMarkup.allCases {
        if let report = try? TextLabelChecker().check(bytes: bytes, markup: markup) {
            for match in report.matches where match.range.upperBound > bytes.count * 4 + 64 {
                fatalError("text-label: a match past the text (\(match.range) in \(bytes.count) bytes)")
            }
        }
        if let out = try? TextLabelInserter(position: .both).insert(into: bytes, markup: markup), !out.report.isPresent {
            fatalError("text-label: an inserted \(markup) label does not read back (\(bytes.count) input bytes)")
        }
    }
    var stream = SSELabelStream(labeler: ChatCompletionLabeler(position: .both), maximumLineLength: 4096)
    _ = try? stream.feed(bytes)
    var abandoned = stream
    _ = abandoned.abandon()
    _ = stream.finish()
    _ = try? WordBodyText.text(of: bytes)
}

/// `SIGIL_FUZZ_FORMAT=c2pa-text`: the C2PA text manifest parsers alone (decision 0208).
private let c2paTextTarget = ProcessInfo.processInfo.environment["SIGIL_FUZZ_FORMAT"] == "c2pa-text"

/// The unstructured-text wrapper and the structured-text block over hostile text: each parser throws SigilError or
/// succeeds, and a store embedded into text that held none is found again, alone and where it was put.
private func fuzzC2PAText(_ bytes: [UInt8]) {
    _ = try? TextManifestWrapper.locate(in: bytes)
    _ = try? StructuredTextManifest.locate(in: bytes)
    _ = try? PlainTextFormat().dataHashInput(bytes, excluding: [0..<min(bytes.count, 7)])
    let store = Array(bytes.prefix(48)) + [0x63]
    for carrier in [PlainTextFormat() as any ManifestCarrying, MarkdownFormat()] {
        guard let clean = try? carrier.removeManifestStores(from: bytes), (try? carrier.removeManifestStores(from: clean)) == clean,
            let (embedded, range) = try? carrier.embedManifestStore(store, into: clean)
        else { continue }
        guard let found = try? carrier.findManifestStores(in: embedded), found.map(\.bytes) == [store], found.first?.containerRange == range else {
            fatalError("c2pa-text: a store embedded by \(carrier.formats[0].id) does not read back alone (\(bytes.count) input bytes)")
        }
        guard (try? carrier.removeManifestStores(from: embedded)) == clean else {
            fatalError("c2pa-text: removing the store from \(carrier.formats[0].id) does not give the text back (\(bytes.count) input bytes)")
        }
    }
}

/// `SIGIL_FUZZ_FORMAT=textmark`: the text mark's parsers: tokenizer.json, GGUF metadata, the twbench-lp/1 pipe.
private let textMarkTarget = ProcessInfo.processInfo.environment["SIGIL_FUZZ_FORMAT"] == "textmark"

/// The text mark's readers over hostile bytes: each must throw SigilError or succeed, never trap, and a tokenizer that
/// loads must encode and decode any text without trapping.
private func fuzzTextMark(_ bytes: [UInt8]) {
    if let tokenizer = try? TextTokenizer(tokenizerJSON: bytes) {
        let text = String(decoding: bytes.prefix(256), as: UTF8.self)
        _ = tokenizer.decode(tokenizer.encode(text))
        _ = TextMarkDetector(key: TextMarkKey(passphrase: "fuzz"), tokenizer: tokenizer).detect(text: text)
    }
    let path = NSTemporaryDirectory() + "sigil-fuzz-\(getpid()).gguf"
    if FileManager.default.createFile(atPath: path, contents: Data(bytes)) {
        _ = try? TextTokenizer(ggufPath: path)
        try? FileManager.default.removeItem(atPath: path)
    }
    var pipe: [Int32] = [0, 0]
    guard bytes.count < 60_000, Glibc.pipe(&pipe) == 0 else { return }
    let devNull = open("/dev/null", O_WRONLY)
    _ = bytes.withUnsafeBytes { Glibc.write(pipe[1], $0.baseAddress, $0.count) }
    close(pipe[1])
    let session = LogitsProcessorSession(sampler: TextMarkSampler(key: TextMarkKey(passphrase: "fuzz")), seed: 1)
    let input = pipe[0]
    let done = DispatchSemaphore(value: 0)
    Task {
        _ = try? await session.serve(input: input, output: devNull)
        done.signal()
    }
    done.wait()
    close(pipe[0])
    close(devNull)
}

/// `SIGIL_FUZZ_FORMAT=audio-pcm`: the PCM audio code behind the audio labels (SigilAudio): the WAV sample layout, the
/// rhythm label's splice (its plan must apply and read back as the same layout, and an `EditedByteSource` over it
/// must read as the applied plan), the rhythm detector, the audio watermark detector and the stream labeler.
private let audioPCMTarget = ProcessInfo.processInfo.environment["SIGIL_FUZZ_FORMAT"] == "audio-pcm"
private let audioKey = try! WatermarkKey(bytes: [UInt8](repeating: 7, count: WatermarkKey.byteCount))

private func fuzzAudioPCM(_ bytes: [UInt8]) {
    let source = MemoryByteSource(bytes)
    if let layout = try? WAVPCMLayout(source) {
        if let splice = try? RhythmLabelInserter(position: .both).edits(in: source) {
            let applied = splice.plan.apply(to: bytes)
            guard let again = try? WAVPCMLayout(MemoryByteSource(applied)), again.frameCount == layout.frameCount + 2 * splice.labelFrames
            else {
                fatalError("audio-pcm: the spliced WAV does not read back with the label's frames (\(bytes.count) input bytes)")
            }
            let edited = EditedByteSource(source, plan: splice.plan)
            guard (try? edited.read(0..<edited.count)) == applied else {
                fatalError("audio-pcm: EditedByteSource reads other bytes than the applied plan (\(bytes.count) input bytes)")
            }
        }
        _ = try? RhythmDetector.detect(inWAV: source)
        _ = try? WAVWatermark.detect(AudioWatermarker(key: audioKey), in: source)
    }
    var reader = WAVStreamHeader.Reader()
    for piece in stride(from: 0, to: bytes.count, by: 7).map({ bytes[$0..<min(bytes.count, $0 + 7)] }) {
        guard let header = try? reader.append(piece) else { continue }
        guard
            let labeler = try? AudioStreamLabeler(
                encoding: header.encoding, channels: header.channels, sampleRate: header.sampleRate, position: .both)
        else { return }
        let samples = Array(reader.prefix.dropFirst(header.length)) + bytes.dropFirst(reader.prefix.count)
        _ = try? labeler.opening()
        _ = try? labeler.pass(samples)
        _ = try? labeler.finish()
        return
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if textLabelTarget {
        fuzzTextLabel(bytes)
        return 0
    }
    if c2paTextTarget {
        fuzzC2PAText(bytes)
        return 0
    }
    if textMarkTarget {
        fuzzTextMark(bytes)
        return 0
    }
    if audioPCMTarget {
        fuzzAudioPCM(bytes)
        return 0
    }
    if let target {
        fuzzHandler(target, bytes)
        return 0
    }
    _ = ImageHeader.sniff(bytes)
    _ = try? ImageHeader.read(bytes)
    if let scan = try? LabelScanner.scan(bytes) {
        for carrier in scan.carriers { _ = carrier.parsedPayload }
    }
    _ = try? CompressedImageData.bytes(of: bytes)
    fuzzTar(bytes)
    fuzzWAVStreamHeader(bytes)
    // Provenance parsers: CBOR, JUMBF, COSE, and the C2PA reader over every carrier (APP11, caBX, RIFF, ID3, BMFF).
    _ = try? CBOR.decode(bytes)
    _ = try? JUMBFSuperbox.parse(bytes)
    _ = try? COSESign1.parse(bytes)
    _ = try? ManifestStore(bytes: bytes)
    _ = C2PAValidator().validate(bytes)
    _ = LabelWriter.readProperty(namespaceURI: LabelWriter.namespaceURI, name: "AIGC", in: bytes)
    if let written = try? LabelWriter.write(json: label, wrappedJSON: "{\"AIGC\":\(label)}", extra: extra, into: bytes) {
        // Whatever the writer accepts, the reader must find the label in afterwards.
        guard let scan = try? LabelScanner.scan(written),
            scan.carriers.contains(where: { $0.parsedPayload.value(of: .produceID) == "fuzz" })
        else {
            fatalError("LabelWriter output does not read back (\(size) input bytes)")
        }
        _ = try? ImageHeader.read(written)
        if let format = ImageHeader.sniff(bytes) {
            _ = try? MetadataTransplant.transplant(from: written, into: bytes, format: format)
        }
    }
    return 0
}

/// The program's entry point. SwiftPM links executables with `--defsym main=SigilFuzz_main` (so that tests
/// can link them), which `-parse-as-library` leaves undefined; this hands control to libFuzzer's driver.
@_cdecl("SigilFuzz_main")
public func sigilFuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv) { data, size in
        guard let data else { return 0 }
        return fuzz(data, size)
    }
}

/// The stream route's WAV header reader (decision 0026): a prefix gives nil or the same header as the whole input,
/// never a different one; a header that parses must label and read back as a WAV.
private func fuzzWAVStreamHeader(_ bytes: [UInt8]) {
    let whole = try? WAVStreamHeader.parse(bytes, maxLength: 1 << 16)
    if let header = whole {
        let short = try? WAVStreamHeader.parse(Array(bytes.prefix(header.length - 1)), maxLength: 1 << 16)
        if short != nil { fatalError("wav-stream: a header parsed from one byte less than it takes") }
        let assignment = LabelAssignment(json: label, wrappedJSON: "{\"AIGC\":\(label)}")
        guard let head = try? header.labeled(assignment), let layout = try? WAVPCMLayout(MemoryByteSource(head + [0, 0, 0, 0])),
            layout.channels == header.channels, layout.sampleRate == header.sampleRate
        else { fatalError("wav-stream: a parsed header does not label and read back (\(bytes.count) input bytes)") }
    }
}

/// The batch route's tar reader: whole or cut in two, the same files (and the same error) come out.
private func fuzzTar(_ bytes: [UInt8]) {
    let whole = Result { try TarStreamReader.events(in: bytes) }
    var reader = TarStreamReader()
    let cut = bytes.count / 3
    let split = Result { () throws -> [TarStreamReader.Event] in
        let events = try reader.feed(bytes[..<cut]) + reader.feed(bytes[cut...])
        try reader.finish()
        return events
    }
    func files(_ events: [TarStreamReader.Event]) -> [[UInt8]] {
        var out: [[UInt8]] = []
        for event in events {
            switch event {
            case .fileStart: out.append([])
            case .fileData(let data): out[out.count - 1] += data
            case .fileEnd: break
            }
        }
        return out
    }
    switch (whole, split) {
    case (.success(let a), .success(let b)) where files(a) == files(b): break
    case (.failure, .failure): break
    default: fatalError("tar: reading in two pieces differs from reading whole (\(bytes.count) bytes)")
    }
}
