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
/// Every such name holds `sigil-w<pid>-<8 hex digits>`: the process that made it and a random tag, either at the start
/// (`.sigil-w…-<role>.<ext>` beside an output, `sigil-w…-<role>` in the temporary folder) or as the `.tmp` suffix of an
/// output's temporary file (`<name>.sigil-w….tmp`). A process that ends normally removes its own;
/// ``sweep(folder:olderThan:now:)`` removes the ones whose process is gone and which have not been written to for a
/// while (decision 0038).
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

    /// The process ID a working file's name holds, or nil for a name that is not one of the forms Sigil writes.
    static func owner(of name: String) -> pid_t? {
        if name.hasPrefix(".sigil-w") || name.hasPrefix("sigil-w") {
            // `.sigil-w<pid>-<tag>-<role>…` or `sigil-w<pid>-<tag>-<role>…`: a role must follow the tag.
            let rest = name.drop { $0 == "." }.dropFirst("sigil-w".count)
            guard let (pid, after) = parse(rest), after.first == "-", after.count > 1 else { return nil }
            return pid
        }
        // `<name>.sigil-w<pid>-<tag>.tmp`: an output's temporary file.
        guard name.hasSuffix(".tmp"), let marker = name.range(of: ".sigil-w", options: .backwards), marker.lowerBound > name.startIndex else {
            return nil
        }
        guard let (pid, after) = parse(name[marker.upperBound...]), after == ".tmp" else { return nil }
        return pid
    }

    /// `<pid>-<8 hex digits>` at the start of `text`, and what follows.
    private static func parse(_ text: Substring) -> (pid_t, Substring)? {
        let digits = text.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, digits.count <= 10, let pid = pid_t(digits), pid > 0 else { return nil }
        let rest = text.dropFirst(digits.count)
        guard rest.first == "-" else { return nil }
        let tag = rest.dropFirst().prefix(8)
        guard tag.count == 8, tag.allSatisfy({ $0.isASCII && $0.isHexDigit }) else { return nil }
        return (pid, rest.dropFirst(9))
    }

    /// Whether the process `pid` runs (or may run: a process of another user answers EPERM).
    static func isRunning(_ pid: pid_t) -> Bool {
        kill(pid, 0) == 0 || errno != ESRCH
    }

    /// The last time anything in `path` was written: the file's own time, or for a folder the newest of its own and
    /// its entries' (a folder's time does not change while a file in it is written).
    public static func lastWritten(_ path: String) -> Date? {
        let manager = FileManager.default
        guard let attributes = try? manager.attributesOfItem(atPath: path), let type = attributes[.type] as? FileAttributeType,
            var newest = attributes[.modificationDate] as? Date
        else { return nil }
        if type == .typeDirectory {
            guard let names = try? manager.contentsOfDirectory(atPath: path) else { return nil }
            for name in names {
                guard let entry = try? manager.attributesOfItem(atPath: (path as NSString).appendingPathComponent(name)),
                    let date = entry[.modificationDate] as? Date
                else { return nil }
                newest = max(newest, date)
            }
        } else if type != .typeRegular {
            return nil
        }
        return newest
    }

    /// Removes the working files and folders in `folder` whose process is gone and which were last written more than
    /// `olderThan` seconds ago; returns their paths. Symbolic links, anything it cannot read, and anything it cannot
    /// remove are left as they are.
    @discardableResult
    public static func sweep(folder: String, olderThan: TimeInterval = staleAfter, now: Date = Date()) -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return [] }
        var removed: [String] = []
        for name in names {
            guard let pid = owner(of: name), pid != getpid(), !isRunning(pid) else { continue }
            let path = (folder as NSString).appendingPathComponent(name)
            guard let written = lastWritten(path), now.timeIntervalSince(written) > olderThan else { continue }
            if (try? FileManager.default.removeItem(atPath: path)) != nil { removed.append(path) }
        }
        return removed
    }
}
