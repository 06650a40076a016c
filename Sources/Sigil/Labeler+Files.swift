import Foundation

extension Labeler {
    /// Labels `input` into `output`, atomically: the result is written to a temporary file beside `output`
    /// and renamed over it, so a failure never leaves a half-written file.
    ///
    /// A metadata-only label (the `implicit` mark alone) of a format with a ``StreamingLabelWriting`` handler
    /// (JPEG, WAV) streams when `keepBytes` is false: the file's structure is read, the essence is copied by the
    /// kernel (`copy_file_range(2)`), never held in this process, so memory stays flat in the file's length, and the
    /// `ReservedCode1` signature (when on) digests the essence in chunks on this thread while the copy runs. Other files take the whole-file
    /// path.
    ///
    /// - Parameters:
    ///   - durable: see ``FileIO/writeAtomically(_:to:durable:)-([UInt8],_,_)``.
    ///   - keepBytes: whether the outcome must hold the labeled file's bytes (a record of it needs them). When
    ///     false, ``LabelOutcome/bytes`` may be empty.
    ///   - progress: for a video's opening label, the fraction of the re-encode done (0…1), from another thread.
    @discardableResult
    public func labelFile(
        at input: String, to output: String, durable: Bool = true, keepBytes: Bool = true, progress: (@Sendable (Double) -> Void)? = nil
    ) throws -> LabelOutcome {
        do {
            if marksVideoFrames, let outcome = try labelVideo(at: input, to: output, durable: durable, progress: progress) {
                return outcome
            }
            if !keepBytes, labelsHeaderOnly || splicesRhythmOnly, let outcome = try labelStreaming(at: input, to: output, durable: durable) {
                return outcome
            }
            let bytes = try FileIO.read(input)
            let outcome = try label(bytes, fileExtension: FileIO.fileExtension(of: input))
            try FileIO.writeAtomically(outcome.bytes, to: output, durable: durable)
            return outcome
        } catch let error as SigilError {
            throw error.path == nil ? error.at(path: input) : error
        }
    }

    /// Whether this policy puts a mark into a video's frames (the opening label or the watermark), which needs the
    /// file on disk and ffmpeg.
    var marksVideoFrames: Bool {
        policy.marks.contains(.explicit) || policy.marks.contains(.watermark)
    }

    /// A video whose frames take a mark: the watermark embedded in every frame (``VideoWatermarker``, one decode and
    /// one encode, with a keyframe where the opening label ends), then the opening label painted into the head
    /// (``OpeningLabeler``, re-encoding only up to that keyframe), each into a file beside `output`; then the other
    /// marks on the result, written atomically. Nil for other kinds.
    private func labelVideo(at input: String, to output: String, durable: Bool, progress: (@Sendable (Double) -> Void)?) throws -> LabelOutcome? {
        let (fd, size) = try FileIO.openForStreaming(input)
        let head = try FileByteSource(descriptor: fd, count: size, path: input).read(0..<min(size, MediaRegistry.sniffLength))
        close(fd)
        let fileExtension = FileIO.fileExtension(of: input)
        guard let format = registry.identify(head, fileExtension: fileExtension)?.format, format.kind == .video else { return nil }
        let paints = policy.marks.contains(.explicit) && OpeningLabeler.formatIDs.contains(format.id)
        let marks = policy.marks.contains(.watermark) ? watermarker : nil
        guard paints || marks != nil else { return nil }
        let tools = try FFmpegTools.locate()
        let preset = try newLabel()
        var temporaries: [String] = []
        defer { for path in temporaries { try? FileManager.default.removeItem(atPath: path) } }
        func sibling(_ role: String) -> String {
            let path = URL(fileURLWithPath: output).deletingLastPathComponent()
                .appendingPathComponent(".sigil-\(role)-\(UUID().uuidString.prefix(8)).\(fileExtension.isEmpty ? "video" : fileExtension)").path
            temporaries.append(path)
            return path
        }
        var current = input
        var videoMark: VideoMarkOutcome?
        var skipped: String?
        if let marks {
            // The watermark takes most of the time (every frame is encoded again); the opening label the rest.
            let share = paints ? 0.9 : 1.0
            let marked = sibling("mark")
            do {
                videoMark = try VideoWatermarker(key: marks.key, tools: tools).embed(
                    input: current, output: marked, payload: marks.payload(forProduceID: preset.produceID),
                    keyframeAt: paints ? OpeningLabeler.minimumDuration : nil, progress: progress.map { p in { p($0 * share) } })
                current = marked
            } catch let error as SigilError where error.code == .capacity {
                // Frames too small to carry the mark: the other marks, and a notice.
                skipped = "watermark: \(error.message)"
            }
        }
        var opening: OpeningLabelOutcome?
        if paints {
            guard let font else { throw SigilError(.font, "no font loaded for the explicit label") }
            let painter = try OpeningLabeler(spec: policy.explicit, font: font, tools: tools)
            let painted = sibling("opening")
            let offset = marks == nil ? 0.0 : 0.9
            opening = try painter.label(
                input: current, output: painted, progress: progress.map { p in { @Sendable t in p(offset + t * (1 - offset)) } })
            current = painted
        }
        let outcome = try label(
            try FileIO.read(current), fileExtension: fileExtension, opening: opening, videoMark: videoMark, videoMarkSkipped: skipped, preset: preset)
        try FileIO.writeAtomically(outcome.bytes, to: output, durable: durable)
        return outcome
    }

    /// Whether this policy's label leaves the essence alone (so the file can stream).
    var labelsHeaderOnly: Bool {
        policy.marks == [.implicit]
    }

    /// Whether this policy's label is the implicit label and the audio explicit label alone, which a PCM WAV takes as
    /// a splice of the samples (so the file can stream; decision 0032).
    var splicesRhythmOnly: Bool {
        policy.marks == [.implicit, .explicit]
    }

    /// The streaming path of ``labelFile(at:to:durable:keepBytes:progress:)``; nil when the format has no streaming writer
    /// (the whole-file path then decides).
    ///
    /// With the explicit mark (``splicesRhythmOnly``) only a PCM WAV streams: the rhythm label's splice is planned over
    /// the file (its level from the content's loudness, ``RhythmLabelInserter/loudness(of:in:)``), the label writer
    /// and the signer read the spliced file through an ``EditedByteSource``, and both plans are written in one pass
    /// with the samples copied by the kernel.
    private func labelStreaming(at input: String, to output: String, durable: Bool) throws -> LabelOutcome? {
        let (fd, size) = try FileIO.openForStreaming(input)
        defer { close(fd) }
        let file = FileByteSource(descriptor: fd, count: size, path: input)
        let head = try file.read(0..<min(size, MediaRegistry.sniffLength))
        guard let identified = registry.identify(head, fileExtension: FileIO.fileExtension(of: input)),
            let writer = identified.handler as? any StreamingLabelWriting
        else { return nil }
        var marks: Set<Mark> = [.implicit]
        var rhythm: RhythmLabelInserter.Outcome?
        let source: EditedByteSource
        if policy.marks.contains(.explicit) {
            guard identified.format == .wav else { return nil }
            let splice = try policy.rhythm.edits(in: file)
            rhythm = splice
            marks.insert(.explicit)
            source = EditedByteSource(file, plan: splice.plan)
        } else {
            source = EditedByteSource(file, plan: EditPlan(sourceLength: size))
        }
        let dimensions = try imageDimensions(of: source, format: identified.format)
        var label = try newLabel()
        let parts = { (plan: EditPlan) -> [FileIO.Part] in
            source.pieces(of: plan).map { piece in
                switch piece {
                case .bytes(let bytes): .bytes(bytes)
                case .original(let range): .copy(from: fd, range: range)
                }
            }
        }
        if label.reservedCode1.isEmpty, let signer = labelSigner {
            // The file is laid out with a stand-in signature of the real one's length, so the kernel copies the
            // essence while this thread digests it (decision 0206); then the label's bytes go into place.
            var provisional = label
            provisional.reservedCode1 = try signer.placeholder(for: label, role: .producer, kind: identified.format.kind)
            let layout = try writer.labelEdits(LabelAssignment(provisional), in: source)
            try FileIO.writeAtomically(parts(layout), to: output, durable: durable) {
                label.reservedCode1 = try signer.sign(label, role: .producer, content: source, registry: registry)
                return parts(try writer.labelEdits(LabelAssignment(label), in: source))
            }
        } else {
            try FileIO.writeAtomically(parts(try writer.labelEdits(LabelAssignment(label), in: source)), to: output, durable: durable)
        }
        var outcome = LabelOutcome(
            bytes: [], format: identified.format, label: label, explicit: nil, marks: marks, width: dimensions.width, height: dimensions.height)
        outcome.rhythm = rhythm
        return outcome
    }

    /// How ``labelFileInPlace(at:durable:)`` changed a file.
    public enum InPlaceWrite: String, Sendable, Hashable {
        /// The label fitted the room the file keeps for one (padding, a `free` box, a label as long): only those bytes
        /// were overwritten.
        case overwritten
        /// Something had to move: the file was written anew beside itself and renamed over the original.
        case rewritten
    }

    /// Labels the file at `path` in place: when the label fits the room the file keeps for it (padding, a `free`
    /// box, an earlier label of the same length) only those bytes are overwritten; otherwise the labeled file is
    /// written beside it and renamed over it, atomically, as ``labelFile(at:to:durable:keepBytes:progress:)`` does.
    ///
    /// An overwrite is not atomic across a power loss mid-write; it touches only the label's bytes, which no
    /// reader of the essence uses.
    @discardableResult
    public func labelFileInPlace(at path: String, durable: Bool = true) throws -> (outcome: LabelOutcome, write: InPlaceWrite) {
        do {
            if marksVideoFrames, let outcome = try labelVideo(at: path, to: path, durable: durable, progress: nil) {
                return (outcome, .rewritten)
            }
            if labelsHeaderOnly {
                let (fd, size) = try FileIO.openForUpdating(path)
                defer { close(fd) }
                let source = FileByteSource(descriptor: fd, count: size, path: path)
                let head = try source.read(0..<min(size, MediaRegistry.sniffLength))
                let identified = registry.identify(head, fileExtension: FileIO.fileExtension(of: path))
                if let identified, let writer = identified.handler as? any StreamingLabelWriting {
                    let dimensions = try imageDimensions(of: source, format: identified.format)
                    var label = try newLabel()
                    if label.reservedCode1.isEmpty, let signer = labelSigner {
                        label.reservedCode1 = try signer.sign(label, role: .producer, content: source, registry: registry)
                    }
                    let plan = try writer.labelEdits(LabelAssignment(label), in: source)
                    let outcome = LabelOutcome(
                        bytes: [], format: identified.format, label: label, explicit: nil, marks: [.implicit],
                        width: dimensions.width, height: dimensions.height)
                    if let writes = try Self.inPlaceWrites(plan, source: source) {
                        try FileIO.overwrite(writes, in: fd, path: path, durable: durable)
                        return (outcome, .overwritten)
                    }
                    try FileIO.writeAtomically(
                        plan.pieces.map { piece in
                            switch piece {
                            case .bytes(let bytes): .bytes(bytes)
                            case .original(let range): .copy(from: fd, range: range)
                            }
                        }, to: path, durable: durable)
                    return (outcome, .rewritten)
                }
            }
            let outcome = try label(try FileIO.read(path), fileExtension: FileIO.fileExtension(of: path))
            try FileIO.writeAtomically(outcome.bytes, to: path, durable: durable)
            return (outcome, .rewritten)
        } catch let error as SigilError {
            throw error.path == nil ? error.at(path: path) : error
        }
    }

    /// The writes that turn a file into `plan`'s result where it is, or nil when they would be more than a label's
    /// worth: the result must be as long as the file, and spans of the original that move (the blocks between a
    /// grown comment and the padding it used) are rewritten only up to `maximumMoved` bytes in all. Moved spans are
    /// read here, before anything is written, so no write clobbers bytes still to be moved.
    static func inPlaceWrites(_ plan: EditPlan, source: any ByteSource, maximumMoved: Int = 1 << 20) throws -> [(offset: Int, bytes: [UInt8])]? {
        guard plan.resultLength == plan.sourceLength else { return nil }
        var writes: [(offset: Int, bytes: [UInt8])] = []
        var at = 0
        var moved = 0
        for piece in plan.pieces {
            switch piece {
            case .bytes(let bytes):
                writes.append((at, bytes))
                at += bytes.count
            case .original(let range):
                if range.lowerBound != at {
                    moved += range.count
                    guard moved <= maximumMoved else { return nil }
                    writes.append((at, try source.read(range)))
                }
                at += range.count
            }
        }
        return writes
    }

    /// An image's size from its header, checked against the policy's limit before anything is signed or written
    /// (read on, four times as much each time, until the header parses); zero for other kinds.
    func imageDimensions(of source: any ByteSource, format: MediaFormat) throws -> (width: Int, height: Int) {
        guard format.kind == .image else { return (0, 0) }
        var leading = try source.read(0..<min(source.count, 1 << 16))
        while true {
            do {
                let header = try checkImageHeader(leading, format: format)
                return (header.width, header.height)
            } catch let error as SigilError where error.code == .truncated && leading.count < source.count {
                leading += try source.read(leading.count..<min(source.count, leading.count * 4))
            }
        }
    }
}
