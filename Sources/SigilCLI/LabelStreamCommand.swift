import ArgumentParser
import Crypto
import Foundation
import Sigil

/// `sigil label-stream`: audio labeled while it streams, standard input to standard output (decision 0026), for
/// pipelines such as `tts | sigil label-stream | aplay`.
struct LabelStreamCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "label-stream",
        abstract: "Label audio as it streams: PCM in on standard input, a labeled streamed WAV out on standard output.",
        discussion: """
            Standard input is a WAV stream (sizes set or unset), or raw 16-bit little-endian PCM with --rate. Standard \
            output starts at once: a streamed WAV header (sizes unset) holding the implicit label in its AIGC chunk, \
            the Morse "AI" rhythm label, then the input's samples unchanged as they arrive, and the closing label. \
            When the input ends, the generation record (with the SHA-256 of everything written) goes into the log and \
            its receipt to standard error (JSON with --json).
            """
    )

    @Option(help: "Raw input: 16-bit little-endian PCM at this rate in Hz (without it, standard input must be a WAV stream).")
    var rate: Int?
    @Option(help: "Raw input: the channel count.") var channels: Int = 1
    @Option(name: .customLong("audio-label-position"), help: "Where the rhythm label goes: start, end, both, or a time in seconds.")
    var audioLabelPosition: String = "start"
    @Option(name: .customLong("tone-hz"), help: "The rhythm label's tone in Hz (300–4000, default 1000).") var toneHz: Double?
    @Option(name: .customLong("morse-unit-ms"), help: "The rhythm label's Morse unit in ms (100–150, default 120).") var morseUnitMs: Double?
    @Option(
        name: .customLong("content-lufs"),
        help: "The loudness an opening label is set against, since the content is not known yet (default −18 LUFS).")
    var contentLUFS: Double = -18
    @Option(help: "ContentProducer: the provider's 27-character PG-20252A code.") var producer: String?
    @Flag(help: "Print the receipt as JSON.") var json = false
    @Option(name: .customLong("data"), help: "Sigil's data directory (default: $SIGIL_DATA, else ~/.local/share/sigil).")
    var dataDirectory: String?
    @Option(name: .customLong("keys"), help: "A keystore directory to use instead of DATA/keys.") var keysDirectory: String?
    @OptionGroup(title: "Generation record") var records: RecordOptions

    func run() async throws {
        let code = try ProviderCode.commandLine(producer)
        var rhythm = RhythmLabel()
        if let toneHz { rhythm.toneHertz = toneHz }
        if let morseUnitMs { rhythm.unitMilliseconds = morseUnitMs }
        let position = try RhythmLabelInserter.Position(parsing: audioLabelPosition)
        let settings = try records.settings()
        try await records.withKeeper(data: dataDirectory, keys: keysDirectory) { keeper in
            let input = FileHandle.standardInput
            var first: [UInt8] = []
            let header: WAVStreamHeader
            if let rate {
                header = try WAVStreamHeader(encoding: .signed(bits: 16), channels: channels, sampleRate: rate)
            } else {
                var reader = WAVStreamHeader.Reader()
                var parsed: WAVStreamHeader?
                while parsed == nil {
                    let data = input.availableData
                    guard !data.isEmpty else {
                        throw SigilError(
                            .truncated, "standard input ended after \(reader.prefix.count) bytes, before the WAV data chunk",
                            offset: reader.prefix.count)
                    }
                    parsed = try reader.append(data)
                }
                header = parsed!
                first = Array(reader.prefix.dropFirst(header.length))
            }
            let labeler = try AudioStreamLabeler(
                encoding: header.encoding, channels: header.channels, sampleRate: header.sampleRate, label: rhythm, position: position,
                assumedContentLUFS: contentLUFS)
            let label = try AIGCLabel.firstWrite(producer: code.rawValue, produceID: ProduceID.generate(), reservedCode1: "")
            var hash = SHA256()
            func send(_ bytes: [UInt8]) {
                guard !bytes.isEmpty else { return }
                hash.update(data: bytes)
                FileHandle.standardOutput.write(Data(bytes))
            }
            send(try header.labeled(LabelAssignment(label)) + labeler.opening())
            if !first.isEmpty { send(try labeler.pass(first)) }
            while true {
                let data = input.availableData
                if data.isEmpty { break }
                send(try labeler.pass([UInt8](data)))
            }
            send(try labeler.finish())
            var members: [JSONValue.Member] = [
                .init("produceID", .string(label.produceID)), .init("labels", .int(labeler.placed.count)),
                .init("contentBytes", .int(labeler.contentBytes)),
            ]
            var recorded = false
            if let keeper {
                let outcome = LabelOutcome.stream(format: .wav, label: label, marks: [.implicit, .explicit])
                let context = RecordKeeper.Context(
                    serviceCategory: settings.serviceCategory, model: settings.model, accountReference: settings.account)
                let record = try keeper.record(for: outcome, context: context, contentSHA256: Array(hash.finalize()))
                if let receipt = try await keeper.keep([record]).first {
                    members.append(.init("record", receipt.json))
                    recorded = true
                }
            }
            let summary = JSONValue.object(members)
            if json {
                FileHandle.standardError.write(Data((summary.serialized + "\n").utf8))
            } else {
                let index = recorded ? " (recorded)" : " (not recorded: --no-record)"
                FileHandle.standardError.write(
                    Data(
                        "sigil: labeled stream \(label.produceID): \(labeler.placed.count) rhythm label(s), \(labeler.contentBytes) content bytes\(index)\n"
                            .utf8))
            }
        }
    }
}
