/// Bytes after the end of a container (PNG IEND, JPEG EOI, RIFF, GIF trailer).
enum TrailingData {
    static func check(_ bytes: [UInt8], from end: Int, after structure: String, into scan: inout ContainerScan) {
        guard end < bytes.count else { return }
        let range = end..<bytes.count
        let count = range.count
        let padding = bytes[range].allSatisfy { $0 == 0 || $0 == 0x20 || $0 == 0x0A || $0 == 0x0D }
        let anotherJPEG = bytes.matches([0xFF, 0xD8, 0xFF], at: end)
        let severity: Finding.Severity = padding || anotherJPEG ? .info : .warning
        let what = padding ? "padding" : anotherJPEG ? "data (another JPEG image, e.g. an MPF or gain-map image)" : "data"
        scan.findings.append(
            Finding(
                .trailingData, severity, "\(count) bytes of \(what) follow the \(structure) at offset \(end)", location: "after \(structure)",
                offset: end))
        if bytes.contains(ascii: "AIGC", in: range) || bytes.contains(ascii: "TC260", in: range) {
            let at = bytes.firstIndex(of: Array("AIGC".utf8), in: range) ?? bytes.firstIndex(of: Array("TC260".utf8), in: range) ?? end
            scan.findings.append(
                Finding(
                    .labelOutsideContainer, .warning,
                    "bytes after the \(structure) mention AIGC/TC260 at offset \(at); data outside the container is not a label site and readers ignore it",
                    location: "after \(structure)", offset: at))
        }
    }
}
