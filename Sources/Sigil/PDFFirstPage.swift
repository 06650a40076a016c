import Foundation

/// The first page of a PDF as a small PNG, drawn by poppler's `pdftoppm` (Debian `poppler-utils`) in a separate
/// process on a private copy of the file, so a person can see which document was checked (the verify page;
/// decision 0409). Sigil has no PDF renderer of its own.
public enum PDFFirstPage {
    /// The longer side of the picture, in pixels: enough to recognise a page, small enough to send inline.
    public static let defaultSize = 800
    /// The largest picture accepted from the tool (a PNG of 800 pixels a side stays far below it).
    public static let maximumBytes = 4 << 20
    /// How long the tool may draw before it is stopped.
    public static let defaultTimeout: Duration = .seconds(20)

    /// `pdftoppm` on the `PATH`, or nil.
    public static func locate() -> String? {
        try? FFmpegTools.executable("pdftoppm", neededFor: "")
    }

    /// The PNG of page 1 of the PDF `bytes`, its longer side `size` pixels.
    ///
    /// The copy lives in a folder only this process may read, removed before returning; the picture comes back on
    /// the tool's standard output, so nothing is left behind.
    ///
    /// - Throws: ``SigilError`` `.externalTool` when the tool cannot start, fails (a damaged PDF, one that needs a
    ///   password) or runs past `timeout`; `.malformed` when what it wrote is not a PNG or is over ``maximumBytes``.
    public static func render(_ bytes: [UInt8], tool: String, size: Int = defaultSize, timeout: Duration = defaultTimeout) throws -> [UInt8] {
        // Without an output root, `-singlefile` writes the one page to standard output.
        let png = try Poppler.withPrivateCopy(bytes) { _, input in
            try Poppler.run(tool, ["-f", "1", "-l", "1", "-singlefile", "-png", "-scale-to", String(size), input.path], timeout: timeout)
        }
        guard png.count >= 8, png.prefix(8).elementsEqual([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) else {
            throw SigilError(.malformed, "pdftoppm wrote \(png.count) bytes that are not a PNG", offset: 0)
        }
        guard png.count <= maximumBytes else {
            throw SigilError(.malformed, "pdftoppm's picture of page 1 is \(png.count) bytes, over \(maximumBytes)", offset: maximumBytes)
        }
        return png
    }
}

/// What the poppler tools share: a private copy of the PDF, a run with a timeout.
enum Poppler {
    /// Runs `body` with a folder only this process may read and `in.pdf` in it holding `bytes`; removes both after.
    static func withPrivateCopy<T>(_ bytes: [UInt8], _ body: (_ folder: URL, _ input: URL) throws -> T) throws -> T {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(WorkingFile.tag() + "-poppler")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = folder.appendingPathComponent("in.pdf")
        try Data(bytes).write(to: input)
        return try body(folder, input)
    }

    /// Runs a poppler tool and returns its standard output.
    ///
    /// - Throws: ``SigilError`` `.externalTool` when it cannot start, fails or runs past `timeout`, with the tail of
    ///   its stderr.
    @discardableResult
    static func run(_ tool: String, _ arguments: [String], timeout: Duration) throws -> [UInt8] {
        // FFmpegTools runs any program this way; of its fields only `timeout` is used here.
        try FFmpegTools(ffmpeg: tool, ffprobe: tool, timeout: timeout).run(tool, arguments).stdout
    }
}
