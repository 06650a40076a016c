import ArgumentParser
import Foundation
import Sigil

/// Labels a folder of media files in parallel, at most `jobs` at a time, with a progress bar on a terminal.
struct BatchLabeler {
    let labeler: Labeler
    let jobs: Int
    let json: Bool
    /// Flush the whole batch to disk (one `sync`) before success is reported (`--durable`).
    var durable = false
    /// Appends a generation record per labeled file, in batches; nil with `--no-record`.
    var recorder: BatchRecorder? = nil

    /// The extensions a text file in a folder must have to be labeled: only the explicit text label goes into text,
    /// so a folder's other text files (JSON, CSV, source code) are left alone rather than given a label line.
    static let textExtensions: Set<String> = ["txt", "text", "md", "markdown", "html", "htm", "xhtml"]

    /// The files of `folder` that `labeler` labels: those whose first bytes a label-writing handler recognises
    /// (never by name), and, when the explicit mark is on, text files named `.txt`, `.md` or `.html`
    /// (``textExtensions``) that get the explicit text label alone.
    static func labelable(in folder: String, labeler: Labeler) throws -> [String] {
        let registry = labeler.registry
        let explicitText = labeler.policy.marks.contains(.explicit)
        return try FileManager.default.contentsOfDirectory(atPath: folder).sorted().filter { name in
            guard !name.hasPrefix("."), let (fd, size) = try? FileIO.openForStreaming(folder + "/" + name) else { return false }
            defer { close(fd) }
            guard let head = try? FileIO.read(fd, count: min(size, MediaRegistry.sniffLength), at: 0, path: name) else { return false }
            let fileExtension = FileIO.fileExtension(of: name)
            guard let identified = registry.identify(head, fileExtension: fileExtension) else { return false }
            if identified.handler is any LabelWriting { return true }
            return explicitText && identified.format.kind == .text && textExtensions.contains(fileExtension.lowercased())
        }
    }

    /// Labels every labelable file of `inputFolder` into `outputFolder`, or in place when `outputFolder` is nil.
    func run(inputFolder: String, outputFolder: String?) async throws {
        let registry = labeler.registry
        let names = try Self.labelable(in: inputFolder, labeler: labeler)
        guard !names.isEmpty else {
            let formats = registry.formats(with: (any LabelWriting).self).map(\.displayName).joined(separator: ", ")
            throw SigilError(.usage, "no files Sigil labels (\(formats)) in \(inputFolder)")
        }
        if let outputFolder { try FileManager.default.createDirectory(atPath: outputFolder, withIntermediateDirectories: true) }
        let destination = outputFolder ?? inputFolder
        let progress = Progress(total: names.count, enabled: Terminal.stderrIsTTY && !json)
        var results: [(name: String, result: Result<LabelOutcome, SigilError>)] = []
        results.reserveCapacity(names.count)
        let labeler = self.labeler
        try await withThrowingTaskGroup(of: (String, Result<LabelOutcome, SigilError>).self) { group in
            var next = 0
            func submit() {
                let name = names[next]
                next += 1
                group.addTask {
                    let input = inputFolder + "/" + name
                    let output = destination + "/" + name
                    do {
                        guard outputFolder == nil else {
                            // A record reads the labeled file itself (RecordKeeper.record(for:context:file:)): nothing is kept here.
                            return (name, .success(try labeler.labelFile(at: input, to: output, durable: false, keepBytes: false)))
                        }
                        return (name, .success(try labeler.labelFileInPlace(at: input, durable: false).outcome))
                    } catch let e as SigilError { return (name, .failure(e)) } catch {
                        return (name, .failure(SigilError(.io, "\(error)", path: input)))
                    }
                }
            }
            while next < min(max(jobs, 1), names.count) { submit() }
            while let (name, result) = try await group.next() {
                results.append((name, result))
                if case .success(let outcome) = result { try await recorder?.add(name: name, outcome: outcome, output: destination + "/" + name) }
                progress.advance(failed: (try? result.get()) == nil)
                if next < names.count { submit() }
            }
        }
        try await recorder?.flush()
        if durable { FileIO.syncAll() } // one flush for the whole batch before success is reported
        progress.finish()
        results.sort { $0.name < $1.name }
        let failures = results.filter { (try? $0.result.get()) == nil }
        let receipts = await recorder?.receipts ?? [:]
        if json {
            let items: [JSONValue] = results.map { item in
                switch item.result {
                case .success(let outcome):
                    let receipt = receipts[item.name]
                    return outcome.json(input: inputFolder + "/" + item.name, output: destination + "/" + item.name).appending(
                        receipt.map { [.init("record", $0.json)] } ?? [])
                case .failure(let error):
                    return .object([
                        "input": .string(inputFolder + "/" + item.name),
                        "error": .object(["code": .string(error.code.rawValue), "message": .string(error.description)]),
                    ])
                }
            }
            print(
                JSONValue.object(["labeled": .int(results.count - failures.count), "failed": .int(failures.count), "files": .array(items)])
                    .prettyPrinted)
        } else {
            for item in results {
                if case .success(let outcome) = item.result { for notice in outcome.notices { Terminal.warning("\(item.name): \(notice)") } }
            }
            for f in failures { if case .failure(let e) = f.result { Terminal.error(e.description) } }
            print("labeled \(results.count - failures.count) of \(results.count) files " + (outputFolder.map { "into \($0)" } ?? "in place"))
        }
        if !failures.isEmpty { throw ExitCode(ExitStatus.badInput) }
    }
}

/// A one-line progress bar on standard error.
final class Progress: @unchecked Sendable {
    let total: Int
    let enabled: Bool
    private var done = 0, failed = 0
    private let start = ContinuousClock.now

    init(total: Int, enabled: Bool) {
        self.total = total
        self.enabled = enabled
    }

    func advance(failed isFailure: Bool) {
        done += 1
        if isFailure { failed += 1 }
        guard enabled else { return }
        let width = 30
        let filled = total == 0 ? width : done * width / total
        let elapsed = Double((ContinuousClock.now - start).components.seconds) + Double((ContinuousClock.now - start).components.attoseconds) / 1e18
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        let line = "\r\(bar) \(done)/\(total) \(String(format: "%.1f", rate)) files/s" + (failed > 0 ? " \(failed) failed" : "")
        FileHandle.standardError.write(Data(line.utf8))
    }

    func finish() {
        if enabled { FileHandle.standardError.write(Data("\n".utf8)) }
    }

    /// Erases the bar, so a line printed next does not run into it (the next ``advance(failed:)`` draws it again).
    func clearLine() {
        if enabled { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }
}
