import Foundation
import SigilCore
import Synchronization

extension SigilError.Code {
    /// An external program (ffmpeg, ffprobe) is missing, failed or ran out of time; the message holds its stderr tail.
    public static let externalTool = SigilError.Code("external-tool")
}

/// Debian's `ffmpeg` and `ffprobe` binaries, run as child processes (decision 0022), for the media modules that
/// decode and encode through them (the video opening label, the audio rhythm label in compressed audio): every run has a timeout,
/// its stdout is collected (or streamed as progress), and a failure throws with the tail of its stderr.
public struct FFmpegTools: Sendable, Hashable {
    /// The `ffmpeg` executable.
    public var ffmpeg: String
    /// The `ffprobe` executable.
    public var ffprobe: String
    /// How long one run may take before it is killed.
    public var timeout: Duration

    /// Tools at explicit paths.
    public init(ffmpeg: String, ffprobe: String, timeout: Duration = .seconds(3600)) {
        self.ffmpeg = ffmpeg
        self.ffprobe = ffprobe
        self.timeout = timeout
    }

    /// Finds `ffmpeg` and `ffprobe` on `PATH`.
    ///
    /// - Throws: ``SigilError`` `.externalTool` naming the missing program and the Debian package that has it.
    public static func locate(timeout: Duration = .seconds(3600)) throws -> FFmpegTools {
        let why = "Sigil decodes and encodes video and compressed audio with it (Debian package ffmpeg)"
        return FFmpegTools(ffmpeg: try executable("ffmpeg", neededFor: why), ffprobe: try executable("ffprobe", neededFor: why), timeout: timeout)
    }

    /// The program `name` on `PATH` (any other tool run through ``run(_:_:progress:)``, e.g. espeak-ng).
    ///
    /// - Throws: ``SigilError`` `.externalTool`: "`name` is not on PATH; `why`".
    public static func executable(_ name: String, neededFor why: String) throws -> String {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let path = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        throw SigilError(.externalTool, "\(name) is not on PATH; \(why)")
    }

    /// Runs `ffprobe` and returns its stdout.
    public func probe(_ arguments: [String]) throws -> [UInt8] {
        try run(ffprobe, arguments).stdout
    }

    /// Runs `ffmpeg` (with `-nostdin -v error` in front) and returns its stdout. With `progress`, ffmpeg reports
    /// through `-progress pipe:1` and `progress` gets the output time reached, in seconds.
    @discardableResult
    public func ffmpeg(_ arguments: [String], progress: (@Sendable (Double) -> Void)? = nil) throws -> (stdout: [UInt8], stderr: [UInt8]) {
        var head = ["-nostdin", "-hide_banner", "-v", "error"]
        if progress != nil { head += ["-progress", "pipe:1", "-nostats"] }
        return try run(ffmpeg, head + arguments, progress: progress)
    }

    /// Runs a program, killing it after ``timeout``.
    ///
    /// - Throws: ``SigilError`` `.externalTool` when it cannot start, exits non-zero, is killed by a signal or times
    ///   out; the message names the program and ends with the last lines of its stderr.
    public func run(_ executable: String, _ arguments: [String], progress: (@Sendable (Double) -> Void)? = nil) throws -> (
        stdout: [UInt8], stderr: [UInt8]
    ) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let collected = Collected()
        let name = URL(fileURLWithPath: executable).lastPathComponent
        do {
            try process.run()
        } catch {
            throw SigilError(.externalTool, "cannot start \(executable): \(error)")
        }
        let readers = DispatchGroup()
        Self.readToEnd(out.fileHandleForReading, in: readers) { collected.appendOut($0, progress: progress) }
        Self.readToEnd(err.fileHandleForReading, in: readers) { collected.appendErr($0) }
        let timedOut = Atomic<Bool>(false)
        let watchdog = DispatchWorkItem { [process] in
            if process.isRunning {
                timedOut.store(true, ordering: .relaxed)
                process.terminate()
            }
        }
        let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
        DispatchQueue.global().asyncAfter(deadline: .now() + seconds, execute: watchdog)
        process.waitUntilExit()
        watchdog.cancel()
        readers.wait()
        let (stdout, stderr) = collected.result()
        let tail = Self.tail(stderr)
        if timedOut.load(ordering: .relaxed) {
            throw SigilError(.externalTool, "\(name) did not finish within \(Int(seconds)) s and was stopped\(tail)")
        }
        try FFmpegTools.checkExit(process, name: name, tail: tail)
        return (stdout, stderr)
    }

    /// Reads `handle` to its end on a thread of its own, handing each chunk to `append` in order; `group` is left when
    /// the end is reached. One reader per pipe, never readability handlers: a handler could still be running with a
    /// chunk after it was removed, and append it after the rest or after the result was taken (a picture's first
    /// bytes came last under load).
    static func readToEnd(_ handle: FileHandle, in group: DispatchGroup, _ append: @escaping @Sendable (Data) -> Void) {
        group.enter()
        Thread.detachNewThread {
            while true {
                let data = handle.availableData
                if data.isEmpty { break }
                append(data)
            }
            group.leave()
        }
    }

    /// Throws an external-tool error unless the program exited with status 0, naming how it ended.
    static func checkExit(_ process: Process, name: String, tail: String) throws {
        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            let how =
                process.terminationReason == .exit
                ? "exited with status \(process.terminationStatus)" : "was killed by signal \(process.terminationStatus)"
            throw SigilError(.externalTool, "\(name) \(how)\(tail)")
        }
    }

    /// The last few lines of a program's stderr, for an error message.
    static func tail(_ stderr: [UInt8]) -> String {
        let text = String(decoding: stderr.suffix(2048), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { return "" }
        return ": " + text.split(separator: "\n").suffix(6).joined(separator: " | ")
    }
}

/// A child's stdout (kept whole, or parsed for progress lines) and the last 16 KiB of its stderr.
final class Collected: Sendable {
    private struct State {
        var out: [UInt8] = []
        var err: [UInt8] = []
        var line: [UInt8] = []
    }
    private let state = Mutex(State())

    func appendOut(_ data: Data, progress: (@Sendable (Double) -> Void)?) {
        guard !data.isEmpty else { return }
        guard let progress else {
            state.withLock { $0.out += data }
            return
        }
        // `-progress` writes key=value lines; out_time_us is the output time reached.
        let times: [Double] = state.withLock { state in
            var found: [Double] = []
            for byte in data {
                if byte == UInt8(ascii: "\n") {
                    let text = String(decoding: state.line, as: UTF8.self)
                    if text.hasPrefix("out_time_us="), let micro = Double(text.dropFirst(12)) { found.append(micro / 1e6) }
                    state.line.removeAll(keepingCapacity: true)
                } else {
                    state.line.append(byte)
                }
            }
            return found
        }
        for time in times { progress(time) }
    }

    func appendErr(_ data: Data) {
        guard !data.isEmpty else { return }
        state.withLock { state in
            state.err += data
            if state.err.count > 16_384 { state.err.removeFirst(state.err.count - 16_384) }
        }
    }

    func result() -> (out: [UInt8], err: [UInt8]) {
        state.withLock { ($0.out, $0.err) }
    }
}
