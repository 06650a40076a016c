/// Reads a file through a 64 KiB window, so a walker reading the headers of many small structures (EBML
/// elements, FLV tags) costs few reads.
struct WindowReader {
    let source: any ByteSource
    var start = 0
    var window: [UInt8] = []

    init(source: any ByteSource) {
        self.source = source
    }

    /// Up to `count` bytes at `offset` (fewer at the end of the file).
    mutating func bytes(at offset: Int, count: Int) throws -> [UInt8] {
        if offset < start || offset + count > start + window.count {
            start = offset
            window = try source.read(offset..<min(source.count, offset + max(count, 1 << 16)))
        }
        let lower = offset - start
        return Array(window[lower..<min(window.count, lower + count)])
    }
}
