import Foundation
import Testing

@testable import SigilCore

#if canImport(Glibc)
    import Glibc
#endif

/// Working files carry their process's ID; a sweep removes only those whose process is gone and which have not been
/// written to for the stale period — never this process's, a running one's, a fresh one's, or another file.
@Suite struct WorkingFileTests {
    /// The ID of a process that has ended (a child run to completion).
    static func endedPID() throws -> pid_t {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/true")
        try process.run()
        process.waitUntilExit()
        return process.processIdentifier
    }

    static func touch(_ path: String, age: TimeInterval) throws {
        #expect(FileManager.default.createFile(atPath: path, contents: Data("x".utf8)))
        let when = Date().addingTimeInterval(-age)
        try FileManager.default.setAttributes([.modificationDate: when], ofItemAtPath: path)
    }

    @Test func namesCarryTheProcessAndATag() {
        let path = WorkingFile.path(beside: "/data/out/film.mp4", role: "mark", fileExtension: "mp4")
        let name = URL(fileURLWithPath: path).lastPathComponent
        #expect(path.hasPrefix("/data/out/.sigil-w\(getpid())-"))
        #expect(name.hasSuffix("-mark.mp4"))
        #expect(WorkingFile.owner(of: name) == getpid())
        #expect(WorkingFile.owner(of: ".film.mp4." + WorkingFile.tag() + ".tmp") == getpid())
        #expect(WorkingFile.owner(of: "film.mp4.sigil-w42-deadbeef.tmp") == 42)
        #expect(WorkingFile.owner(of: "sigil-w42-deadbeef-verify.mp4") == 42)
        for other in [
            "film.mp4", "sigil-w-12345678", "sigil-w12-1234567", "sigil-w12-1234567g.tmp", "sigil-w0-12345678", "x-sigil-w99999999999-12345678",
            "holiday-sigil-w42-deadbeef.jpg", "sigil-w42-deadbeef", ".sigil-w42-deadbeef", "film.sigil-w42-deadbeef.tmp.bak",
            ".sigil-w42-deadbeef.tmp",
        ] {
            #expect(WorkingFile.owner(of: other) == nil, "\(other)")
        }
    }

    @Test func aSweepRemovesOnlyStaleFilesOfEndedProcesses() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sigil-sweep-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let ended = try Self.endedPID()
        let hour = WorkingFile.staleAfter
        let stale = "\(folder)/.sigil-w\(ended)-0123abcd-mark.mp4"
        let staleTemporary = "\(folder)/.film.mp4.sigil-w\(ended)-89abcdef.tmp"
        let fresh = "\(folder)/.sigil-w\(ended)-00000001-opening.mp4"
        let mine = "\(folder)/.sigil-w\(getpid())-00000002-mark.wav"
        let running = "\(folder)/.sigil-w1-00000003-mark.wav" // PID 1 always runs
        let unrelated = "\(folder)/film.mp4"
        try Self.touch(stale, age: hour + 60)
        try Self.touch(staleTemporary, age: hour + 60)
        try Self.touch(fresh, age: 60)
        try Self.touch(mine, age: hour + 60)
        try Self.touch(running, age: hour + 60)
        try Self.touch(unrelated, age: hour + 60)
        // A user's file that merely holds such a tag, and a folder of an ended process still being written to
        // (its own time old, a file in it new), are kept; a folder whose contents are all old goes.
        let userFile = "\(folder)/holiday-sigil-w\(ended)-deadbeef.jpg"
        try Self.touch(userFile, age: hour + 60)
        let liveFolder = "\(folder)/sigil-w\(ended)-0000abcd-video"
        try FileManager.default.createDirectory(atPath: liveFolder, withIntermediateDirectories: true)
        try Self.touch("\(liveFolder)/head.mp4", age: 0)
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-hour - 60)], ofItemAtPath: liveFolder)
        let staleFolder = "\(folder)/sigil-w\(ended)-0000abce-audio"
        try FileManager.default.createDirectory(atPath: staleFolder, withIntermediateDirectories: true)
        try Self.touch("\(staleFolder)/decoded.wav", age: hour + 60)
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-hour - 60)], ofItemAtPath: staleFolder)

        let removed = Set(WorkingFile.sweep(folder: folder))
        #expect(removed == [stale, staleTemporary, staleFolder])
        let left = Set(try FileManager.default.contentsOfDirectory(atPath: folder))
        #expect(left == Set([fresh, mine, running, unrelated, userFile, liveFolder].map { URL(fileURLWithPath: $0).lastPathComponent }))
        #expect(WorkingFile.sweep(folder: folder + "/missing").isEmpty, "a folder that cannot be read is left alone")
    }
}
