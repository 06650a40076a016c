import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The names of the files Sigil writes while it works — a temporary file renamed over an output, the watermarked or
/// labeled video beside it, ffmpeg's parts in a temporary folder — and the sweep that removes the ones a killed
/// process left behind.
///
/// Every such name holds `sigil-w<pid>-<8 hex digits>`: the process that made it and a random tag. A process that
/// ends normally removes its own; ``sweep(folder:olderThan:)`` removes the ones whose process is gone and which have
/// not been written to for a while (decision 0038).
public enum WorkingFile {
    /// The tag of a new working file of this process: `sigil-w<pid>-<8 hex digits>`.
    public static func tag() -> String {
        "sigil-w\(getpid())-" + String(format: "%08x", UInt32.random(in: 0...UInt32.max))
    }

    /// A hidden working file beside `output`, for `role` (`mark`, `opening`): `.sigil-w<pid>-<tag>-<role>.<ext>`.
    public static func path(beside output: String, role: String, fileExtension: String) -> String {
        URL(fileURLWithPath: output).deletingLastPathComponent()
            .appendingPathComponent(".\(tag())-\(role).\(fileExtension.isEmpty ? "tmp" : fileExtension)").path
    }

    /// How long a working file of a process that is gone must have been left unwritten before a sweep removes it: a
    /// process in another PID namespace (a container sharing the folder) looks gone from here, but its ffmpeg keeps
    /// writing its files.
    public static let staleAfter: TimeInterval = 3600

    /// The process ID a working file's name holds, or nil for a name that is not a working file's.
    static func owner(of name: String) -> pid_t? {
        guard let range = name.range(of: "sigil-w") else { return nil }
        let rest = name[range.upperBound...]
        let digits = rest.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, digits.count <= 10, rest.dropFirst(digits.count).first == "-" else { return nil }
        let tag = rest.dropFirst(digits.count + 1).prefix(8)
        guard tag.count == 8, tag.allSatisfy(\.isHexDigit), let pid = pid_t(digits), pid > 0 else { return nil }
        return pid
    }

    /// Whether the process `pid` runs (or may run: a process of another user answers EPERM).
    static func isRunning(_ pid: pid_t) -> Bool {
        kill(pid, 0) == 0 || errno != ESRCH
    }

    /// Removes the working files and folders in `folder` whose process is gone and which were last modified more
    /// than `olderThan` seconds ago; returns their paths. Anything it cannot read or remove is left as it is.
    @discardableResult
    public static func sweep(folder: String, olderThan: TimeInterval = staleAfter, now: Date = Date()) -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return [] }
        var removed: [String] = []
        for name in names {
            guard let pid = owner(of: name), pid != getpid(), !isRunning(pid) else { continue }
            let path = (folder as NSString).appendingPathComponent(name)
            var info = stat()
            guard lstat(path, &info) == 0 else { continue }
            let type = info.st_mode & S_IFMT
            guard type == S_IFREG || type == S_IFDIR else { continue }
            let modified = Date(timeIntervalSince1970: TimeInterval(info.st_mtim.tv_sec))
            guard now.timeIntervalSince(modified) > olderThan else { continue }
            if (try? FileManager.default.removeItem(atPath: path)) != nil { removed.append(path) }
        }
        return removed
    }
}
