import Foundation

extension Labeler {
    /// Labels `input` into `output`, atomically: the result is written to a temporary file beside `output`
    /// and renamed over it, so a failure never leaves a half-written file.
    ///
    /// A metadata-only label of a JPEG (the `implicit` mark alone, with no `ReservedCode1` signature to compute
    /// over the image data) reads only the file's header and its last two bytes when `keepBytes` is false: the
    /// compressed image data is copied by the kernel (`sendfile(2)`), never read into this process. A file that
    /// does not end with EOI takes the whole-file path, which refuses it when it is truncated.
    ///
    /// - Parameters:
    ///   - durable: see ``FileIO/writeAtomically(_:to:durable:)-([UInt8],_,_)``.
    ///   - keepBytes: whether the outcome must hold the labeled file's bytes (a record of it needs them). When
    ///     false, ``LabelOutcome/bytes`` may be empty.
    @discardableResult
    public func labelFile(at input: String, to output: String, durable: Bool = true, keepBytes: Bool = true) throws -> LabelOutcome {
        do {
            if !keepBytes, labelsHeaderOnly, let outcome = try labelJPEGHeader(at: input, to: output, durable: durable) {
                return outcome
            }
            let bytes = try FileIO.read(input)
            let outcome = try label(bytes)
            try FileIO.writeAtomically(outcome.bytes, to: output, durable: durable)
            return outcome
        } catch let error as SigilError {
            throw error.path == nil ? error.at(path: input) : error
        }
    }

    /// Whether this policy's label depends on the file's header alone.
    var labelsHeaderOnly: Bool {
        policy.marks == [.implicit] && (policy.labelSignature == nil || !policy.reservedCode1.isEmpty)
    }

    /// The header-only path of ``labelFile(at:to:durable:keepBytes:)``; nil when the file is not a complete JPEG
    /// (the whole-file path then decides).
    private func labelJPEGHeader(at input: String, to output: String, durable: Bool) throws -> LabelOutcome? {
        let (fd, size) = try FileIO.openForReading(input)
        defer { close(fd) }
        guard size >= 4, try FileIO.read(fd, count: 2, at: size - 2, path: input) == [0xFF, 0xD9] else { return nil }
        let label = try newLabel()
        var leading = try FileIO.read(fd, count: min(size, 1 << 16), at: 0, path: input)
        guard ImageHeader.sniff(leading) == .jpeg else { return nil }
        while true {
            if let header = try LabelWriter.jpegHeader(json: label.json, extra: [], leadingBytes: leading, isWholeFile: leading.count == size) {
                let (format, image) = try checkHeader(leading)
                try FileIO.writeAtomically(
                    [.bytes(header.bytes), .copy(from: fd, range: header.imageDataOffset..<size)], to: output, durable: durable)
                return LabelOutcome(bytes: [], format: format, label: label, explicit: nil, marks: policy.marks, width: image.width, height: image.height)
            }
            // Longer APP segments: read on from where the last read ended, four times as much.
            leading += try FileIO.read(fd, count: min(size, leading.count * 4) - leading.count, at: leading.count, path: input)
        }
    }
}
