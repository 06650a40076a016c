import Foundation
import SigilCore
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension FFmpegTools {
    /// Starts `ffmpeg` (with `-nostdin`-style quiet options in front) whose raw stdout and/or stdin are pipes the caller
    /// streams through a frame at a time, so memory stays flat in the length of the media.
    ///
    /// - Parameters:
    ///   - readsInput: whether the caller writes ffmpeg's stdin (`pipe:0` in the arguments); else stdin is /dev/null.
    ///   - writesOutput: whether the caller reads ffmpeg's stdout (`pipe:1`); else it is discarded.
    /// - Throws: ``SigilError`` `.externalTool` when it cannot start.
    public func start(_ arguments: [String], readsInput: Bool = false, writesOutput: Bool = false) throws -> FFmpegChild {
        // A write to a child that died must come back as EPIPE, not kill this process.
        if readsInput { signal(SIGPIPE, SIG_IGN) }
        return try FFmpegChild(
            executable: ffmpeg, arguments: ["-hide_banner", "-v", "error"] + (readsInput ? [] : ["-nostdin"]) + arguments,
            readsInput: readsInput, writesOutput: writesOutput, timeout: timeout)
    }
}

/// A running ffmpeg with its stdin and/or stdout piped (``FFmpegTools/start(_:readsInput:writesOutput:)``). One owner
/// reads and writes it from one task; ``finish()`` waits for it and reports how it ended. It is killed after the
/// tools' timeout, and by ``terminate()`` (or when it is released unfinished).
public final class FFmpegChild {
    private let process: Process
    private let name: String
    private let input: FileHandle?
    private let output: FileHandle?
    private let stderr: Pipe
    private let collected = Collected()
    /// Left when the stderr reader has read to the end (``FFmpegTools/readToEnd(_:in:_:)``).
    private let stderrRead = DispatchGroup()
    private let timedOut = TimeoutFlag()
    private let watchdog: DispatchWorkItem
    private var finished = false

    init(executable: String, arguments: [String], readsInput: Bool, writesOutput: Bool, timeout: Duration) throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        name = URL(fileURLWithPath: executable).lastPathComponent
        let inPipe = readsInput ? Pipe() : nil
        let outPipe = writesOutput ? Pipe() : nil
        stderr = Pipe()
        process.standardInput = inPipe ?? FileHandle.nullDevice
        process.standardOutput = outPipe ?? FileHandle.nullDevice
        process.standardError = stderr
        input = inPipe?.fileHandleForWriting
        output = outPipe?.fileHandleForReading
        let collected = collected
        do {
            try process.run()
        } catch {
            throw SigilError(.externalTool, "cannot start \(executable): \(error)")
        }
        FFmpegTools.readToEnd(stderr.fileHandleForReading, in: stderrRead) { collected.appendErr($0) }
        // The parent's copies of the child's ends, so EOF and EPIPE arrive when the child is gone.
        try? inPipe?.fileHandleForReading.close()
        try? outPipe?.fileHandleForWriting.close()
        let (process, timedOut) = (process, timedOut)
        watchdog = DispatchWorkItem {
            if process.isRunning {
                timedOut.fired.store(true, ordering: .relaxed)
                process.terminate()
            }
        }
        let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
        DispatchQueue.global().asyncAfter(deadline: .now() + seconds, execute: watchdog)
    }

    deinit {
        if !finished { terminate() }
    }

    /// Fills `buffer` from ffmpeg's stdout. Returns false at the end of the stream before any byte of it.
    ///
    /// - Throws: ``SigilError`` `.externalTool` when the stream ends part-way through `buffer` (a truncated frame)
    ///   or the read fails.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Bool {
        guard let fd = output?.fileDescriptor, let base = buffer.baseAddress else { return false }
        var filled = 0
        while filled < buffer.count {
            let n = Glibc.read(fd, base + filled, buffer.count - filled)
            if n < 0 {
                if errno == EINTR { continue }
                throw SigilError(
                    .externalTool, "cannot read from \(name): \(String(cString: strerror(errno)))\(FFmpegTools.tail(collected.result().err))")
            }
            if n == 0 { break }
            filled += n
        }
        if filled == 0 { return false }
        guard filled == buffer.count else {
            throw SigilError(
                .externalTool, "\(name) ended a frame early: \(filled) of \(buffer.count) bytes\(FFmpegTools.tail(collected.result().err))")
        }
        return true
    }

    /// Writes all of `bytes` to ffmpeg's stdin.
    ///
    /// - Throws: ``SigilError`` `.externalTool` when ffmpeg stopped reading (it failed: the message has its stderr).
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard let fd = input?.fileDescriptor, let base = bytes.baseAddress else { return }
        var written = 0
        while written < bytes.count {
            let n = Glibc.write(fd, base + written, bytes.count - written)
            if n < 0 {
                if errno == EINTR { continue }
                let reason = String(cString: strerror(errno))
                process.waitUntilExit()
                stderrRead.wait() // its reason is on stderr
                throw SigilError(.externalTool, "\(name) stopped reading its input (\(reason))\(FFmpegTools.tail(collected.result().err))")
            }
            written += n
        }
    }

    /// Closes ffmpeg's stdin (the end of the input stream).
    public func closeInput() {
        try? input?.close()
    }

    /// Closes the pipes and waits for ffmpeg to exit.
    ///
    /// - Throws: ``SigilError`` `.externalTool` when it exited non-zero, was killed, or timed out; the message names
    ///   the program and ends with the last lines of its stderr.
    public func finish() throws {
        guard !finished else { return }
        finished = true
        closeInput()
        // Unread output is the caller's choice to stop; ffmpeg then fails on its next write, which is reported.
        try? output?.close()
        process.waitUntilExit()
        watchdog.cancel()
        stderrRead.wait()
        let tail = FFmpegTools.tail(collected.result().err)
        if timedOut.fired.load(ordering: .relaxed) {
            throw SigilError(.externalTool, "\(name) did not finish in time and was stopped\(tail)")
        }
        try FFmpegTools.checkExit(process, name: name, tail: tail)
    }

    /// Stops ffmpeg (SIGTERM) and waits for it; what it wrote is left to the caller to remove.
    public func terminate() {
        finished = true
        closeInput()
        try? output?.close()
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        watchdog.cancel()
        stderrRead.wait()
    }
}

/// Set by the watchdog when it stopped the child.
private final class TimeoutFlag: Sendable {
    let fired = Atomic<Bool>(false)
}
