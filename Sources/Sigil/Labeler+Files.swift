import Foundation

extension Labeler {
    /// Labels `input` into `output`, atomically: the result is written to a temporary file beside `output`
    /// and renamed over it, so a failure never leaves a half-written file.
    ///
    /// A metadata-only label (the `implicit` mark alone) of a format with a ``StreamingLabelWriting`` handler
    /// (JPEG, WAV) streams when `keepBytes` is false: the file's structure is read, the `ReservedCode1` signature
    /// (when on) digests the essence in chunks, and the essence is copied by the kernel (`copy_file_range(2)`),
    /// never held in this process, so memory stays flat in the file's length. Other files take the whole-file
    /// path.
    ///
    /// - Parameters:
    ///   - durable: see ``FileIO/writeAtomically(_:to:durable:)-([UInt8],_,_)``.
    ///   - keepBytes: whether the outcome must hold the labeled file's bytes (a record of it needs them). When
    ///     false, ``LabelOutcome/bytes`` may be empty.
    @discardableResult
    public func labelFile(at input: String, to output: String, durable: Bool = true, keepBytes: Bool = true) throws -> LabelOutcome {
        do {
            if !keepBytes, labelsHeaderOnly, let outcome = try labelStreaming(at: input, to: output, durable: durable) {
                return outcome
            }
            let bytes = try FileIO.read(input)
            let outcome = try label(bytes, fileExtension: URL(fileURLWithPath: input).pathExtension)
            try FileIO.writeAtomically(outcome.bytes, to: output, durable: durable)
            return outcome
        } catch let error as SigilError {
            throw error.path == nil ? error.at(path: input) : error
        }
    }

    /// Whether this policy's label leaves the essence alone (so the file can stream).
    var labelsHeaderOnly: Bool {
        policy.marks == [.implicit]
    }

    /// The streaming path of ``labelFile(at:to:durable:keepBytes:)``; nil when the format has no streaming writer
    /// (the whole-file path then decides).
    private func labelStreaming(at input: String, to output: String, durable: Bool) throws -> LabelOutcome? {
        let (fd, size) = try FileIO.openForStreaming(input)
        defer { close(fd) }
        let source = FileByteSource(descriptor: fd, count: size, path: input)
        let head = try source.read(0..<min(size, MediaRegistry.sniffLength))
        guard let identified = registry.identify(head, fileExtension: URL(fileURLWithPath: input).pathExtension), let writer = identified.handler as? any StreamingLabelWriting else { return nil }
        var label = try newLabel()
        if label.reservedCode1.isEmpty, let algorithm = policy.labelSignature, let keys = provenanceKeys {
            label.reservedCode1 = try LabelSigner(keys: keys, algorithm: algorithm).sign(label, role: .producer, content: source, registry: registry)
        }
        var outcome = LabelOutcome(bytes: [], format: identified.format, label: label, explicit: nil, marks: [.implicit], width: 0, height: 0)
        let plan = try writer.labelEdits(LabelAssignment(label), in: source)
        if identified.format.kind == .image {
            // The header is all a size check needs: read on, four times as much each time, until it parses.
            var leading = try source.read(0..<min(size, 1 << 16))
            while true {
                do {
                    let header = try checkImageHeader(leading, format: identified.format)
                    (outcome.width, outcome.height) = (header.width, header.height)
                    break
                } catch let error as SigilError where error.code == .truncated && leading.count < size {
                    leading += try source.read(leading.count..<min(size, leading.count * 4))
                }
            }
        }
        try FileIO.writeAtomically(plan.pieces.map { piece in
            switch piece {
            case .bytes(let bytes): .bytes(bytes)
            case .original(let range): .copy(from: fd, range: range)
            }
        }, to: output, durable: durable)
        return outcome
    }
}
