@testable import SigilContainers

// A whole format in one folder: what a newcomer writes to teach Sigil a new container. The registry line that
// makes it known is `MediaRegistry.standard.adding(ToyFormat())` (see `ToyFormatTests`).
//
// The toy container: the magic `TOY1\n`, then `key=value` lines, then a line `--` and the essence to the end.
// Its label is the line `AIGC=<Annex E JSON>`.

extension MediaFormat {
    static let toy = MediaFormat(id: "toy", displayName: "Toy", kind: .text, mimeTypes: ["application/x-sigil-toy"], extensions: ["toy"])
}

struct ToyFormat: LabelReading, LabelWriting, EssenceLocating {
    static let magic = Array("TOY1\n".utf8)
    var formats: [MediaFormat] { [.toy] }

    func identify(_ prefix: [UInt8]) -> MediaFormat? { prefix.starts(with: Self.magic) ? .toy : nil }

    /// The header lines (offset, text) and where the essence starts; nil when there is no `--` line.
    func lines(_ bytes: [UInt8]) -> (lines: [(offset: Int, text: String)], essence: Int)? {
        var out: [(Int, String)] = []
        var start = Self.magic.count
        while start < bytes.count, let end = bytes[start...].firstIndex(of: 0x0A) {
            let text = String(decoding: bytes[start..<end], as: UTF8.self)
            if text == "--" { return (out, end + 1) }
            out.append((start, text))
            start = end + 1
        }
        return nil
    }

    func scanLabels(_ bytes: [UInt8], into scan: inout ContainerScan) {
        guard let (lines, _) = lines(bytes) else {
            scan.findings.append(Finding(.structureTruncated, .error, "Toy header has no -- line", location: "Toy header", offset: bytes.count))
            return
        }
        for line in lines where line.text.hasPrefix("AIGC=") {
            let value = String(line.text.dropFirst(5))
            scan.carriers.append(
                LabelCarrier(
                    kind: .foreignText, location: "Toy line AIGC", offset: line.offset + 5, length: value.utf8.count, keyed: true, standard: true,
                    payload: .text(value)))
        }
    }

    func writeLabel(_ label: LabelAssignment, into bytes: [UInt8]) throws -> [UInt8] {
        guard let (lines, essence) = lines(bytes) else { throw SigilError(.truncated, "Toy header has no -- line", offset: bytes.count) }
        let kept = lines.filter { !$0.text.hasPrefix("AIGC=") }.map(\.text)
        let header = (kept + ["AIGC=" + label.json, "--"]).map { $0 + "\n" }.joined()
        return Self.magic + Array(header.utf8) + bytes[essence...]
    }

    func essenceRanges(in source: any ByteSource) throws -> [Range<Int>] {
        let bytes = try source.read(0..<source.count)
        guard let (_, essence) = lines(bytes) else { throw SigilError(.truncated, "Toy header has no -- line", offset: bytes.count) }
        return [essence..<bytes.count]
    }
}
