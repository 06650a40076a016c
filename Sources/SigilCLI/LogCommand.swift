import ArgumentParser
import Foundation
import Sigil
import SigilStorePostgres

/// `sigil log …`: the generation-record transparency log.
struct LogCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "Read, prove and audit the generation-record transparency log.",
        discussion: """
            Every `sigil label` appends a generation record to the log in the data directory (SQLite, \
            <data>/sigil.sqlite) or in PostgreSQL (--database postgres://…). Checkpoints are C2SP signed notes; \
            proofs are RFC 9162 inclusion and consistency proofs; `proof` prints a c2sp.org/tlog-proof@v1 file \
            that `sigil verify --proof` checks offline.
            """,
        subcommands: [
            LogCheckpointCommand.self, LogVKeyCommand.self, LogEntryCommand.self, LogProofCommand.self,
            LogConsistencyCommand.self, LogAppendCommand.self, LogAuditCommand.self,
        ]
    )
}

/// Where the log is and how to open it; shared by every `sigil log` subcommand.
struct LogStoreOptions: ParsableArguments {
    @Option(name: .customLong("data"), help: "Sigil's data directory (default: $SIGIL_DATA, else $XDG_DATA_HOME/sigil or ~/.local/share/sigil).")
    var dataDirectory: String?
    @Option(name: .customLong("keys"), help: "A keystore directory to use instead of DATA/keys.")
    var keysDirectory: String?
    @Option(
        name: .customLong("database"),
        help: "A PostgreSQL URL (postgres://user:password@host:port/db) instead of DATA/sigil.sqlite; also $SIGIL_DATABASE.")
    var database: String?
    @Option(help: "The log's origin, used when the log is created (a schema-less URL such as log.example.com/aigc).")
    var origin: String?
    @Option(name: .customLong("retention-days"), help: "Days entries stay readable (at least 184, six months).")
    var retentionDays: Int?

    var location: RecordKeeper.Location {
        RecordKeeper.Location(data: dataDirectory, keys: keysDirectory, database: database, drivers: [.postgres])
    }

    /// Opens the store, warning about development keys created on the way; runs `body` and closes it.
    func withKeeper<T>(_ body: (RecordKeeper) async throws -> T) async throws -> T {
        try await location.withKeeper(origin: origin, retentionDays: retentionDays, body)
    }
}

extension RecordKeeper.Location {
    /// Opens the store here, warning about development keys created on the way; runs `body` and closes the store,
    /// also when `body` throws. Every CLI command that reads or writes the store goes through this.
    func withKeeper<T>(origin: String? = nil, retentionDays: Int? = nil, _ body: (RecordKeeper) async throws -> T) async throws -> T {
        let keeper = try await RecordKeeper.open(self, origin: origin, retentionDays: retentionDays)
        for notice in keeper.notices { Terminal.warning(notice.description) }
        do {
            let result = try await body(keeper)
            try await keeper.close()
            return result
        } catch {
            try? await keeper.close()
            throw error
        }
    }
}

struct LogCheckpointCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "checkpoint", abstract: "Print the latest signed checkpoint (a C2SP signed note).")
    @OptionGroup var store: LogStoreOptions

    func run() async throws {
        let note = try await store.withKeeper { try await $0.store.latestCheckpoint().note }
        LogOutput.write(note)
    }
}

struct LogVKeyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "vkey", abstract: "Print the log's verifier key (C2SP vkey: name+keyID+base64 key).")
    @OptionGroup var store: LogStoreOptions

    func run() async throws {
        let vkey = try await store.withKeeper { keeper in
            guard let verifier = keeper.store.verifier else { throw SigilError(.usage, "the log's signing key is not loaded") }
            return verifier.vkey
        }
        print(vkey)
    }
}

struct LogEntryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "entry", abstract: "Print entry N's bytes, base64 (the canonical JSON of its generation record).")
    @OptionGroup var store: LogStoreOptions
    @Argument(help: "The entry index.") var index: UInt64

    func run() async throws {
        let entry = try await store.withKeeper { try await $0.store.entry(at: index) }
        print(StrictBase64.encode(entry))
    }
}

struct LogProofCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "proof", abstract: "Print an offline proof (c2sp.org/tlog-proof@v1) that entry N is in the log.",
        discussion: "The proof carries the entry as its extra data and the signed checkpoint of --size leaves (default: the latest).")
    @OptionGroup var store: LogStoreOptions
    @Argument(help: "The entry index.") var index: UInt64
    @Option(help: "A tree size the log signed a checkpoint for (default: the latest checkpoint).") var size: UInt64?

    func run() async throws {
        let proof = try await store.withKeeper { try await $0.store.tlogProof(index: index, size: size) }
        LogOutput.write(proof.text)
    }
}

struct LogConsistencyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "consistency", abstract: "Print the consistency proof from tree size OLD to NEW (default: the latest), one base64 hash per line."
    )
    @OptionGroup var store: LogStoreOptions
    @Argument(help: "The older tree size.") var old: UInt64
    @Argument(help: "The newer tree size (default: the latest checkpoint).") var new: UInt64?

    func run() async throws {
        let proof = try await store.withKeeper { try await $0.store.consistencyProof(oldSize: old, newSize: new) }
        LogOutput.write(proof.hashes.map { $0.base64 + "\n" }.joined())
    }
}

struct LogAppendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "append", abstract: "Append generation records in bulk: one JSON record per line (imports, benchmarks).",
        discussion: """
            Each line has the members of a log entry (docs/RECORDS.md); `account` and `explicitLabelOptOut.recipient` \
            hold the provider's references and are pseudonymized; `serviceCategory`, `time` and `marks` may be \
            omitted. Lines are appended in transactions of --batch records; after each commit the command prints \
            `appended FIRST..<END` — those records are durable. A malformed line stops the import with its line \
            number (exit 3); the batches before it stay appended. Use - for standard input.
            """)
    @OptionGroup var store: LogStoreOptions
    @Argument(help: "A file of JSON lines, or - for standard input.") var file: String
    @Option(help: "Records per transaction.") var batch: Int = 1000
    @Flag(name: .customLong("no-integrate"), help: "Leave the records pending (the next command that opens the log integrates them).")
    var noIntegrate = false

    func run() async throws {
        guard (1...100_000).contains(batch) else { throw SigilError(.usage, "--batch must be 1…100000") }
        let handle: FileHandle
        if file == "-" {
            handle = FileHandle.standardInput
        } else {
            guard let opened = FileHandle(forReadingAtPath: file) else { throw SigilError(.io, "cannot be opened for reading", path: file) }
            handle = opened
        }
        let started = ContinuousClock.now
        let (total, checkpoint) = try await store.withKeeper { keeper in
            var pending: [GenerationRecord] = []
            var total = 0
            var lineNumber = 0
            let now = RecordTime.now()
            func flush() async throws {
                guard !pending.isEmpty else { return }
                let range = try await keeper.store.append(pending, now: now)
                LogOutput.write("appended \(range.lowerBound)..<\(range.upperBound)\n")
                total += pending.count
                pending.removeAll(keepingCapacity: true)
            }
            for try await line in JSONLineReader(handle: handle) {
                lineNumber += 1
                if line.allSatisfy(\.isWhitespace) { continue }
                do {
                    pending.append(try keeper.record(importLine: line, now: now))
                } catch let error as SigilError {
                    try await flush()
                    throw SigilError(error.code, "line \(lineNumber): \(error.message)", path: file == "-" ? nil : file)
                }
                if pending.count == batch { try await flush() }
            }
            try await flush()
            let checkpoint = noIntegrate ? nil : try await keeper.store.integrate().checkpoint.checkpoint
            return (total, checkpoint)
        }
        let elapsed = (ContinuousClock.now - started).components
        let seconds = Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
        var summary = "appended \(total) records in \(String(format: "%.2f", seconds)) s"
        if seconds > 0 { summary += " (\(String(format: "%.0f", Double(total) / seconds))/s)" }
        if let checkpoint { summary += "; checkpoint of \(checkpoint.size) leaves signed" }
        Terminal.logNote(summary)
    }
}

struct LogAuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Recompute the tree from every stored entry and check it against every tile and signed checkpoint.",
        discussion: "Exits 0 when everything agrees, 1 when the report lists problems.")
    @OptionGroup var store: LogStoreOptions
    @Option(name: .customLong("log-key"), help: "Trust this verifier key (vkey text or a file holding it) instead of the local signing key.")
    var logKey: String?
    @Flag(help: "Print the report as JSON.") var json = false

    func run() async throws {
        let verifiers = try logKey.map { [try VerifierKeyOption.parse($0)] }
        let report = try await store.withKeeper { try await $0.store.audit(verifiers: verifiers) }
        if json {
            print(
                JSONValue.object([
                    .init("clean", .bool(report.isClean)),
                    .init("entries", .number(String(report.entries))),
                    .init("integratedSize", .number(String(report.integratedSize))),
                    .init("pending", .number(String(report.pending))),
                    .init("checkpoints", .int(report.checkpoints)),
                    .init("tiles", .int(report.tiles)),
                    .init("root", .string(report.root.base64)),
                    .init("problems", .array(report.problems.map { .string($0) })),
                ]).prettyPrinted)
        } else {
            print(
                "audited \(report.entries) entries (\(report.integratedSize) integrated, \(report.pending) pending), \(report.checkpoints) checkpoints, \(report.tiles) tiles; root \(report.root.base64)"
            )
            for problem in report.problems { print("  problem: \(problem)") }
            print(report.isClean ? "the log is consistent" : "the log has \(report.problems.count) problem(s)")
        }
        if !report.isClean { throw ExitCode(ExitStatus.problems) }
    }
}

/// `--log-key`: a vkey given inline or as a file.
enum VerifierKeyOption {
    static func parse(_ value: String) throws -> NoteVerifier {
        var text = value
        if !value.contains("+"), FileManager.default.fileExists(atPath: value) {
            text = String(decoding: try FileIO.read(value), as: UTF8.self)
        }
        return try NoteVerifier(vkey: text)
    }
}

/// Unbuffered writes to standard output (progress lines must reach a pipe before a crash).
enum LogOutput {
    static func write(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }
}

extension Terminal {
    static func logNote(_ message: String) {
        FileHandle.standardError.write(Data(("sigil: " + message + "\n").utf8))
    }
}

/// Lines of a file handle, read in 64 KiB chunks (no whole-file buffering).
struct JSONLineReader: AsyncSequence {
    typealias Element = String
    let handle: FileHandle

    struct AsyncIterator: AsyncIteratorProtocol {
        let handle: FileHandle
        var buffer: [UInt8] = []
        var start = 0
        var finished = false

        mutating func next() async throws -> String? {
            while true {
                if let newline = buffer[start...].firstIndex(of: 0x0A) {
                    let line = String(decoding: buffer[start..<newline], as: UTF8.self)
                    start = newline + 1
                    return line
                }
                if finished {
                    guard start < buffer.count else { return nil }
                    let line = String(decoding: buffer[start...], as: UTF8.self)
                    start = buffer.count
                    return line
                }
                buffer.removeFirst(start)
                start = 0
                let chunk = handle.readData(ofLength: 1 << 16)
                if chunk.isEmpty { finished = true } else { buffer.append(contentsOf: chunk) }
            }
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(handle: handle) }
}
