import ArgumentParser
import Foundation
import Sigil

/// `sigil textmark serve-lp|detect|key-id`: the keyed watermark for chat-model text (decision 0604).
struct TextMarkCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "textmark",
        abstract: "Sample chat-model text with Sigil's keyed text mark, or test text for it.",
        discussion: """
            The key derives from the keystore's watermark.key (the image and audio marks' key). The sampler needs no \
            tokenizer; the detector needs the generator's tokenizer (tokenizer.json or the model's GGUF file), never \
            the model.
            """,
        subcommands: [ServeLP.self, Detect.self, KeyID.self]
    )

    struct KeyOptions: ParsableArguments {
        @Option(
            name: .customLong("data"),
            help: "Sigil's data directory (default: $SIGIL_DATA, else ~/.local/share/sigil).") var data: String?
        @Option(name: .customLong("keys"), help: "A keystore directory to use instead of DATA/keys.")
        var keys: String?
        @Option(
            name: .customLong("key-passphrase"),
            help:
                "Derive the key from this text instead of the keystore (benchmarks and demonstrations only)."
        )
        var passphrase: String?

        /// The key for sampling: the keystore's, created as a development key when there is none.
        func samplingKey() throws -> TextMarkKey {
            if let passphrase { return TextMarkKey(passphrase: passphrase) }
            let (key, notice) = try TextMarkKeys.load(dataDirectory: data, keysDirectory: keys)
            if let notice { Terminal.warning(notice.description) }
            return key
        }

        /// The key for detection: a read never creates one.
        func detectionKey() throws -> TextMarkKey {
            if let passphrase { return TextMarkKey(passphrase: passphrase) }
            guard let key = try TextMarkKeys.existing(dataDirectory: data, keysDirectory: keys) else {
                throw SigilError(
                    .usage,
                    "there is no watermark key (watermark.key) in this keystore, so there is no text mark of ours to detect"
                )
            }
            return key
        }
    }

    struct ServeLP: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "serve-lp",
            abstract: "Choose marked tokens for a generator over stdin/stdout (protocol twbench-lp/1).",
            discussion: """
                The generator writes a hello line, then per decoding step a JSON line with the rows' token contexts \
                followed by the raw float32 logits; each answer is the chosen tokens. A summary goes to stderr at the \
                end.
                """
        )
        @Option(help: "Sampling temperature applied to the raw logits.") var temperature: Double = 1
        @Option(
            help:
                "Seed of the sampling randomness (default: a fresh one); the mark itself comes from the key."
        ) var seed: UInt64?
        @OptionGroup var keyOptions: KeyOptions

        func run() async throws {
            guard temperature > 0, temperature <= 10 else {
                throw SigilError(.usage, "--temperature must be in (0, 10]")
            }
            let key = try keyOptions.samplingKey()
            let session = LogitsProcessorSession(
                sampler: TextMarkSampler(key: key), temperature: temperature, seed: seed)
            let summary = try await session.serve(input: STDIN_FILENO, output: STDOUT_FILENO)
            Terminal.note(
                "textmark serve-lp: \(summary.steps) steps, \(summary.tokens) tokens (\(summary.markedTokens) marked), "
                    + String(format: "%.2f s sampling, key %@", summary.samplingSeconds, key.keyID))
        }
    }

    struct Detect: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "detect",
            abstract: "Test text files (or a JSONL batch) for the text mark; prints JSON.",
            discussion: """
                With --batch, INPUT is JSON lines {"id": …, "text": …} and the output is one JSON line per input line, \
                {"id", "p", "z", "n", …}, in input order. A p-value at or below 1e-6 counts as marked.
                """
        )
        @Argument(help: "UTF-8 text files (one JSONL file with --batch).") var inputs: [String]
        @Option(help: "The generator's tokenizer: a tokenizer.json file, or the model's .gguf file.")
        var tokenizer: String
        @Flag(help: "Read JSON lines of {\"id\", \"text\"} and answer JSON lines.") var batch = false
        @Flag(help: "Print JSON (the default for --batch).") var json = false
        @OptionGroup var keyOptions: KeyOptions

        func run() async throws {
            guard !inputs.isEmpty else { throw SigilError(.usage, "name at least one input file") }
            let key = try keyOptions.detectionKey()
            let encoder = try TextTokenizer.load(path: tokenizer)
            let detector = TextMarkDetector(key: key, tokenizer: encoder)
            if batch {
                for input in inputs { try await Self.detectBatch(input, detector: detector) }
                return
            }
            for input in inputs {
                let bytes = try FileIO.read(input)
                let text: String
                do {
                    text = String(decoding: try TextEncoding.detect(bytes).utf8(bytes), as: UTF8.self)
                } catch let error as SigilError {
                    throw error.at(path: input)
                }
                let result = detector.detect(text: text)
                if json || inputs.count > 1 {
                    print(JSONValue.object([.init("file", .string(input))] + result.jsonMembers).serialized)
                } else {
                    print(
                        "\(input): \(result.isMarked() ? "MARKED" : "not marked") (p \(String(format: "%.3g", result.pValue)), "
                            + "\(result.scoredCount) of \(result.tokenCount) tokens scored, key \(result.keyID))")
                }
            }
        }

        /// JSONL in, JSONL out, in input order; lines are scored in parallel chunks.
        static func detectBatch(_ path: String, detector: TextMarkDetector) async throws {
            let bytes = try FileIO.read(path)
            var lines: [(offset: Int, line: ArraySlice<UInt8>)] = []
            var start = 0
            for index in bytes.indices where bytes[index] == UInt8(ascii: "\n") {
                lines.append((start, bytes[start..<index]))
                start = index + 1
            }
            if start < bytes.count { lines.append((start, bytes[start...])) }
            var requests: [(id: JSONValue, text: String)] = []
            for (offset, line) in lines
            where line.contains(where: { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\r") }) {
                guard let text = String(validating: line, as: UTF8.self),
                    let value = try? JSONValue.parse(text),
                    let body = value["text"]?.stringValue
                else {
                    throw SigilError(
                        .malformed, "a batch line is not a JSON object with a \"text\" string", path: path,
                        offset: offset)
                }
                requests.append((value["id"] ?? .null, body))
            }
            let results = await ParallelMap.map(requests.map(\.text)) { detector.detect(text: $0) }
            var out = ""
            for (request, result) in zip(requests, results) {
                out += JSONValue.object([.init("id", request.id)] + result.jsonMembers).serialized + "\n"
                if out.utf8.count > 1 << 20 {
                    FileHandle.standardOutput.write(Data(out.utf8))
                    out = ""
                }
            }
            FileHandle.standardOutput.write(Data(out.utf8))
        }
    }

    struct KeyID: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "key-id", abstract: "Print the text-mark key's id.")
        @OptionGroup var keyOptions: KeyOptions

        func run() async throws {
            print(try keyOptions.detectionKey().keyID)
        }
    }
}

/// Maps an array in parallel over every core, keeping order: one child task per contiguous chunk.
enum ParallelMap {
    static func map<Element: Sendable, Result: Sendable>(
        _ items: [Element], _ transform: @escaping @Sendable (Element) -> Result
    ) async -> [Result] {
        let chunks = min(max(1, ProcessInfo.processInfo.activeProcessorCount) * 4, items.count)
        guard chunks > 1 else { return items.map(transform) }
        return await withTaskGroup(of: (Int, [Result]).self) { group in
            for chunk in 0..<chunks {
                let range = (items.count * chunk / chunks)..<(items.count * (chunk + 1) / chunks)
                group.addTask { (chunk, items[range].map(transform)) }
            }
            var parts = [[Result]](repeating: [], count: chunks)
            for await (chunk, part) in group { parts[chunk] = part }
            return parts.flatMap { $0 }
        }
    }
}
