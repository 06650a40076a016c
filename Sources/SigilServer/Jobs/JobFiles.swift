import Foundation
import Sigil

/// The jobs folder (decision 0411): one folder per job, named by its identifier, holding `input.<ext>` and, once
/// done, `output.<ext>`. Servers that share a database's queue must share this folder too (a volume both mount).
struct JobFiles: Sendable {
    let root: String

    func folder(_ id: String) -> String { root + "/" + id }
    func input(_ job: Job) -> String { folder(job.id) + "/input." + job.fileExtension }
    /// The output of the job's claim: each claim writes its own, so a runner that lost its lease cannot overwrite the
    /// output of the claim that finished (the row's `attempts` names it once done).
    func output(_ job: Job) -> String {
        // The runner's name goes in too: a claim handed back on shutdown does not count, so the next claim has the
        // same number while the first runner's thread may still be writing.
        // (The worker's name ends in its random hex tag, ``JobRunner/name``; only hex digits reach the path.)
        let runner = String((job.worker ?? "").split(separator: "/").last?.filter(\.isHexDigit).prefix(16) ?? "")
        return folder(job.id) + "/output-\(job.attempts)-\(runner)." + job.fileExtension
    }

    /// Creates the job's folder.
    ///
    /// - Throws: ``SigilError`` `.io` when it cannot be made.
    func create(_ id: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: folder(id), withIntermediateDirectories: true)
        } catch {
            throw SigilError(.io, "cannot create the job's folder: \(error.localizedDescription)", path: folder(id))
        }
    }

    /// Removes the job's folder and everything in it.
    func remove(_ id: String) {
        guard Job.isValidID(id) else { return }
        try? FileManager.default.removeItem(atPath: folder(id))
    }

    /// The identifiers of the job folders in which nothing was written for more than `age` seconds (an upload still
    /// arriving keeps its folder young).
    func folders(olderThan age: TimeInterval, now: Date = Date()) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        return names.filter { name in
            guard Job.isValidID(name), let written = WorkingFile.lastWritten(folder(name)) else { return false }
            return now.timeIntervalSince(written) > age
        }
    }
}
