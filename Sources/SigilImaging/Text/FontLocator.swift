import SigilCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Finds a font that can render Chinese label text.
public enum FontLocator {
    /// Environment variable naming a font file; checked after an explicit path.
    public static let environmentVariable = "SIGIL_FONT"

    /// Debian locations of CJK fonts, in order of preference.
    public static let knownPaths: [String] = [
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", // fonts-noto-cjk
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
        "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", // fonts-wqy-microhei
        "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", // fonts-wqy-zenhei
        "/usr/share/fonts/truetype/arphic/uming.ttc", // fonts-arphic-uming
        "/usr/share/fonts/truetype/arphic/ukai.ttc", // fonts-arphic-ukai
        "/usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf", // fonts-arphic-gbsn00lp
        "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", // fonts-droid-fallback
    ]

    /// Characters a located font must have glyphs for.
    static let probeText = "人工智能生成合AI"

    /// Whether `path` is a font this machine is set up to use: one of ``knownPaths`` or the `SIGIL_FONT` font.
    public static func isKnown(_ path: String) -> Bool {
        knownPaths.contains(path) || getenv(environmentVariable).map { String(cString: $0) == path } ?? false
    }

    /// The path of a font for the explicit label.
    ///
    /// Order: `path` when given; the `SIGIL_FONT` environment variable; ``knownPaths``; then
    /// `fc-match -f '%{file}' 'sans:lang=zh-cn'` when `fc-match` is installed. Fallback fonts must carry glyphs
    /// for 人工智能生成合 and AI; an explicit or environment font only has to load (rendering names missing glyphs).
    ///
    /// - Throws: ``SigilError`` `.font` when an explicit path (or `SIGIL_FONT`) is unusable, or when nothing is found.
    public static func locate(explicit path: String?) throws -> String {
        let environment = getenv(environmentVariable).map { String(cString: $0) }
        return try locate(explicit: path, environment: environment, candidates: knownPaths, useFontconfig: true)
    }

    static func locate(explicit path: String?, environment: String?, candidates: [String], useFontconfig: Bool) throws -> String {
        if let path, !path.isEmpty {
            try requireLoadable(path, origin: "font")
            return path
        }
        if let environment, !environment.isEmpty {
            try requireLoadable(environment, origin: "\(environmentVariable) font")
            return environment
        }
        for candidate in candidates where coversProbe(candidate) {
            return candidate
        }
        if useFontconfig, let matched = fontconfigMatch(), coversProbe(matched) {
            return matched
        }
        throw SigilError(.font, "no CJK font found; install fonts-noto-cjk or fonts-wqy-microhei, or pass --font")
    }

    private static func requireLoadable(_ path: String, origin: String) throws {
        guard isReadableFile(path) else {
            throw SigilError(.font, "\(origin) \(path) does not exist or is not readable", path: path)
        }
        do {
            _ = try Font(path: path)
        } catch let error as SigilError {
            throw SigilError(.font, "\(origin) \(path) cannot be used: \(error.message)", path: path)
        }
    }

    private static func coversProbe(_ path: String) -> Bool {
        guard isReadableFile(path), let font = try? Font(path: path),
            let missing = try? font.missingCharacters(in: probeText)
        else { return false }
        return missing.isEmpty
    }

    static func isReadableFile(_ path: String) -> Bool {
        var info = stat()
        guard stat(path, &info) == 0 else { return false }
        return (info.st_mode & S_IFMT) == S_IFREG && access(path, R_OK) == 0
    }

    /// `fc-match`'s answer for a Simplified-Chinese sans face, or `nil` when fontconfig is absent.
    private static func fontconfigMatch() -> String? {
        let command = "command -v fc-match >/dev/null 2>&1 && fc-match -f '%{file}' 'sans:lang=zh-cn' 2>/dev/null"
        guard let pipe = popen(command, "r") else { return nil }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1024)
        while true {
            let read = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, pipe) }
            if read <= 0 { break }
            output.append(contentsOf: chunk[0..<read])
        }
        pclose(pipe)
        let path = String(decoding: output, as: UTF8.self).trimmingWhitespace
        return path.isEmpty ? nil : path
    }
}

extension String {
    fileprivate var trimmingWhitespace: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[first...last])
    }
}
