import ArgumentParser
import Foundation
import Sigil

/// Verifies many files in parallel, at most `jobs` at a time (`sigil verify DIR`): each file's report is printed as
/// soon as it is done — with `--json` one line of JSON per file (NDJSON), in completion order — with a progress bar
/// on standard error when it is a terminal.
struct FolderVerifier {
    let verifier: Verifier
    let jobs: Int
    let json: Bool

    static func isFolder(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    /// Every regular file under `folder`, recursively, in name order; hidden files and folders are left out.
    ///
    /// - Throws: ``SigilError`` `.io` when the folder cannot be listed.
    static func files(in folder: String) throws -> [String] {
        guard
            let walker = FileManager.default.enumerator(
                at: URL(fileURLWithPath: folder), includingPropertiesForKeys: [.isRegularFileKey], options: [.skipsHiddenFiles])
        else { throw SigilError(.io, "cannot list the folder", path: folder) }
        let base = folder.hasSuffix("/") ? String(folder.dropLast()) : folder
        let root = URL(fileURLWithPath: folder).standardizedFileURL.path
        var files: [String] = []
        for case let url as URL in walker where (try? url.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true {
            let full = url.standardizedFileURL.path
            files.append(full.hasPrefix(root + "/") ? base + "/" + full.dropFirst(root.count + 1) : full)
        }
        return files.sorted()
    }

    /// Verifies `files`; `check` adds each file's record check. Returns the worst exit status (0, 1 or 3, as for one
    /// file).
    func run(
        _ files: [String], check: (String, [UInt8], VerificationReport) async throws -> RecordCheck?
    ) async throws -> Int32 {
        let progress = Progress(total: files.count, enabled: Terminal.stderrIsTTY)
        let verifier = self.verifier
        var worst = ExitStatus.success
        try await withThrowingTaskGroup(of: (String, Result<([UInt8], VerificationReport), SigilError>).self) { group in
            var next = 0
            func submit() {
                let input = files[next]
                next += 1
                group.addTask {
                    do {
                        let bytes = try FileIO.read(input)
                        var report = try verifier.verify(bytes)
                        verifier.checkOpeningLabel(at: input, into: &report)
                        verifier.fingerprintVideo(at: input, into: &report)
                        return (input, .success((bytes, report)))
                    } catch let error as SigilError {
                        return (input, .failure(error))
                    } catch {
                        return (input, .failure(SigilError(.io, "\(error)", path: input)))
                    }
                }
            }
            while next < min(max(jobs, 1), files.count) { submit() }
            while let (input, result) = try await group.next() {
                if next < files.count { submit() }
                var failed = false
                progress.clearLine()
                switch result {
                case .success(let (bytes, report)):
                    let recordCheck = try await check(input, bytes, report)
                    failed = report.hasProblems || recordCheck?.hasProblems == true
                    if failed { worst = max(worst, ExitStatus.problems) }
                    emit(json ? VerifyCommand.json(input, report, recordCheck).serialized : VerifyCommand.text(input, report, recordCheck))
                case .failure(let error):
                    failed = true
                    worst = ExitStatus.badInput
                    if json {
                        emit(VerifyCommand.json(input, error).serialized)
                    } else {
                        Terminal.error(VerifyCommand.located(error, input).description)
                    }
                }
                progress.advance(failed: failed)
            }
        }
        progress.finish()
        return worst
    }

    /// Prints one report (unbuffered, so a pipeline sees each line as the file finishes).
    private func emit(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }
}
