import Crypto
import Foundation

extension Labeler {
    /// Labels `input` into `output`, atomically: the result is written to a temporary file beside `output`
    /// and renamed over it, so a failure never leaves a half-written file.
    ///
    /// A label of the file's structure streams when `keepBytes` is false: the implicit label in a format with a
    /// ``StreamingLabelWriting`` handler, with the C2PA manifest where the handler is also a
    /// ``StreamingManifestCarrying`` one (WAV, WebP, AVI, MP4, MOV, M4A) and the audio rhythm label in a PCM WAV. The file's
    /// structure is read, the essence is copied by the kernel (`copy_file_range(2)`), never held in this process, so
    /// memory stays flat in the file's length; the `ReservedCode1` signature (when on) and the C2PA hard binding
    /// digest the file in chunks. A video's frame marks are made by ffmpeg into a file beside the output, whose other
    /// marks then stream the same way. Other files take the whole-file path.
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
            // The format, sniffed here so that a file no streaming path below takes goes straight to the whole-file
            // path (each path still opens the file it streams; a file that cannot be opened gets its error from the
            // whole-file read).
            let format = try? FileIO.withSource(input) { file in
                registry.identify(try file.read(0..<min(file.count, MediaRegistry.sniffLength)), fileExtension: FileIO.fileExtension(of: input))?
                    .format
            }
            if marksVideoFrames, format?.kind == .video,
                let outcome = try labelVideo(at: input, to: output, durable: durable, keepBytes: keepBytes, progress: progress)
            {
                return outcome
            }
            if !keepBytes, format == .wav, let outcome = try labelMarkedWAV(at: input, to: output, durable: durable) {
                return outcome
            }
            if !keepBytes, streamsMarks, format != nil,
                let outcome = try labelStreaming(at: input, to: output, durable: durable, marks: policy.marks)
            {
                return outcome
            }
            let bytes = try FileIO.read(input)
            var outcome = try label(bytes, fileExtension: FileIO.fileExtension(of: input))
            try FileIO.writeAtomically(outcome.bytes, to: output, durable: durable)
            if !keepBytes { outcome.bytes = [] } // a folder's outcomes wait for their records: never hold the files
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
    /// marks on the result, written atomically: streamed when `keepBytes` is false and the container allows
    /// (``labelStreaming(at:to:durable:marks:preset:)``), so a long video is never read into memory. Nil for other
    /// kinds.
    private func labelVideo(
        at input: String, to output: String, durable: Bool, keepBytes: Bool, progress: (@Sendable (Double) -> Void)?
    ) throws -> LabelOutcome? {
        let head = try FileIO.withSource(input) { try $0.read(0..<min($0.count, MediaRegistry.sniffLength)) }
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
            let path = Self.temporarySibling(of: output, role: role, fileExtension: fileExtension.isEmpty ? "video" : fileExtension)
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
            } catch let error as SigilError where error.code == .capacity || error.code == .cannotMark {
                // Frames too small to carry the mark, or no video to put it in (an audio-only Matroska): the other
                // marks, and a notice. A file ffmpeg cannot read fails the label.
                skipped = "watermark: \(error.message); only the other marks were applied"
            }
        }
        var opening: OpeningLabelOutcome?
        var openingSkipped: String?
        if paints {
            guard let font else { throw SigilError(.font, "no font loaded for the explicit label") }
            var painter = try OpeningLabeler(spec: policy.explicit, font: font, tools: tools)
            painter.formatID = format.id
            let painted = sibling("opening")
            let offset = marks == nil ? 0.0 : 0.9
            do {
                opening = try painter.label(
                    input: current, output: painted, progress: progress.map { p in { @Sendable t in p(offset + t * (1 - offset)) } })
                current = painted
            } catch let error as SigilError where error.code == .cannotMark {
                // No video stream (an audio-only Matroska, cover art only) or a codec with no encoder here; a file
                // ffmpeg cannot read fails the label.
                openingSkipped = "explicit: \(error.message); only the other marks were applied"
            }
        }
        if !keepBytes, policy.marks.contains(.implicit),
            var outcome = try labelStreaming(
                at: current, to: output, durable: durable, marks: policy.marks.intersection([.implicit, .c2pa]), preset: preset)
        {
            outcome.marks.formUnion(policy.marks.intersection([.explicit, .watermark]))
            applyFrameMarks(&outcome, opening: opening, openingSkipped: openingSkipped, videoMark: videoMark, videoMarkSkipped: skipped)
            return outcome
        }
        var outcome = try label(
            try FileIO.read(current), fileExtension: fileExtension, opening: opening, openingSkipped: openingSkipped, videoMark: videoMark,
            videoMarkSkipped: skipped, preset: preset)
        try FileIO.writeAtomically(outcome.bytes, to: output, durable: durable)
        if !keepBytes { outcome.bytes = [] }
        return outcome
    }

    /// A PCM WAV whose samples take the audio watermark (with the default marks): the rhythm label spliced in as the
    /// file is read (``EditedByteSource``), the samples marked by the streaming embedder and written to a file beside
    /// `output` (``WAVWatermark/embed(_:payload:from:to:)``), then that file's implicit label and C2PA manifest
    /// streamed into `output` (``labelStreaming(at:to:durable:marks:preset:)``). Memory stays flat in the file's
    /// length. Nil when the policy has no watermark, or the file is not a PCM WAV (the whole-file path then decides).
    private func labelMarkedWAV(at input: String, to output: String, durable: Bool) throws -> LabelOutcome? {
        let others = policy.marks.subtracting([.implicit, .explicit, .watermark, .c2pa])
        guard policy.marks.contains(.watermark), policy.marks.contains(.implicit), others.isEmpty, let watermarker else { return nil }
        let (fd, size) = try FileIO.openForStreaming(input)
        defer { close(fd) }
        let file = FileByteSource(descriptor: fd, count: size, path: input)
        let head = try file.read(0..<min(size, MediaRegistry.sniffLength))
        // Not a PCM WAV, or an RF64 file whose manifest would be refused after the whole pass: the whole-file path
        // decides (and says why).
        guard registry.identify(head, fileExtension: FileIO.fileExtension(of: input))?.format == .wav, let layout = try? WAVPCMLayout(file),
            !(layout.isRF64 && policy.marks.contains(.c2pa))
        else { return nil }
        let label = try newLabel()
        var rhythm: RhythmLabelInserter.Outcome?
        var source: any ByteSource = file
        if policy.marks.contains(.explicit) {
            let splice = try policy.rhythm.edits(in: file)
            rhythm = splice
            source = EditedByteSource(file, plan: splice.plan)
        }
        let marked = Self.temporarySibling(of: output, role: "mark", fileExtension: "wav")
        defer { try? FileManager.default.removeItem(atPath: marked) }
        let streamed: LabelOutcome?
        do {
            try FileIO.writeAtomically(to: marked, durable: false) { write in
                try WAVWatermark.embed(
                    AudioWatermarker(key: watermarker.key), payload: watermarker.payload(forProduceID: label.produceID), from: source, to: write)
            }
            streamed = try labelStreaming(
                at: marked, to: output, durable: durable, marks: policy.marks.intersection([.implicit, .c2pa]), preset: label)
        } catch var error as SigilError where error.path == marked {
            // The working file is gone: name the file the user gave.
            error.path = output
            throw error
        }
        guard var outcome = streamed else { return nil }
        outcome.rhythm = rhythm
        if rhythm != nil { outcome.marks.insert(.explicit) }
        outcome.marks.insert(.watermark)
        return outcome
    }

    /// A path for a working file beside `output` (same folder, so a rename or a kernel copy stays on one file system).
    static func temporarySibling(of output: String, role: String, fileExtension: String) -> String {
        WorkingFile.path(beside: output, role: role, fileExtension: fileExtension)
    }

    /// Whether this policy's label leaves the essence alone (so the file can stream).
    var labelsHeaderOnly: Bool {
        policy.marks == [.implicit]
    }

    /// Whether this policy's marks can all be written as a stream where the format allows: the implicit label, the
    /// C2PA manifest, and the audio explicit label, which a PCM WAV takes as a splice of the samples (decision 0032).
    var streamsMarks: Bool {
        let rest = policy.marks.subtracting([.c2pa])
        return rest == [.implicit] || rest == [.implicit, .explicit]
    }

    /// The streaming path of ``labelFile(at:to:durable:keepBytes:progress:)`` for `marks`; nil when the format has
    /// no streaming writer for them (the whole-file path then decides).
    ///
    /// With the explicit mark only a PCM WAV streams: the rhythm label's splice is planned over the file (its level
    /// from the content's loudness, ``RhythmLabelInserter/loudness(of:in:)``), the label writer and the signer read
    /// the spliced file through an ``EditedByteSource``, and both plans are written in one pass with the samples
    /// copied by the kernel. With the c2pa mark the format's ``StreamingManifestCarrying`` handler places the store
    /// in the labeled file as read through an ``EditedByteSource``, and the signer hashes that file in chunks.
    ///
    /// - Parameter preset: the label to write (a video's watermark payload was made from its ProduceID); a new one
    ///   when nil.
    func labelStreaming(at input: String, to output: String, durable: Bool, marks asked: Set<Mark>, preset: AIGCLabel? = nil) throws -> LabelOutcome?
    {
        let (fd, size) = try FileIO.openForStreaming(input)
        defer { close(fd) }
        let file = FileByteSource(descriptor: fd, count: size, path: input)
        let head = try file.read(0..<min(size, MediaRegistry.sniffLength))
        guard let identified = registry.identify(head, fileExtension: FileIO.fileExtension(of: input)),
            let writer = identified.handler as? any StreamingLabelWriting
        else { return nil }
        var applied = asked.intersection(Self.marks(for: identified.format.kind))
        var notices: [String] = []
        if applied.contains(.c2pa) {
            if let carrier = identified.handler as? any ManifestCarrying, carrier.embedsManifests {
                // A carrier that embeds only in memory (JPEG, PNG, MP3, PDF, OOXML, text): the whole-file path signs it.
                guard provenanceKeys != nil, carrier is any StreamingManifestCarrying else { return nil }
            } else {
                // No carrier at all (Matroska, FLV, Ogg, FLAC): the label streams without the manifest, as the
                // whole-file path would leave it off.
                applied.remove(.c2pa)
                notices.append(Self.noManifestCarrier(identified.format))
            }
        }
        var marks: Set<Mark> = [.implicit]
        var rhythm: RhythmLabelInserter.Outcome?
        let source: EditedByteSource
        if applied.contains(.explicit) {
            guard identified.format == .wav else { return nil }
            let splice = try policy.rhythm.edits(in: file)
            rhythm = splice
            marks.insert(.explicit)
            source = EditedByteSource(file, plan: splice.plan)
        } else {
            source = EditedByteSource(file, plan: EditPlan(sourceLength: size))
        }
        let dimensions = try imageDimensions(of: source, format: identified.format)
        var label = try preset ?? newLabel()
        let parts = { (plan: EditPlan) -> [FileIO.Part] in Self.parts(source.pieces(of: plan), copyingFrom: fd) }
        var manifest: C2PASigner.SignedSource?
        // The manifest binds the final bytes, so the label (and its signature) is settled first; the signer then hashes
        // the labeled file as an edited view of this one. The file is laid out first with stand-ins of the signature's
        // and the store's lengths, so the kernel copies it while this thread digests the essence and hashes the
        // labeled file; then the label and the store go into place (decisions 0206, 0036). A file the carrier refuses
        // (an RF64 WAV, an OpenDML AVI, a fragmented MP4) streams its label without the manifest, and a notice says why.
        let c2pa = try applied.contains(.c2pa) ? provenanceKeys.map { C2PASigner(identity: try $0.c2paSigner()) } : nil
        let (now, manifestID) = (Date(), UUID())
        var layout: C2PASigner.SignedSource?
        if let c2pa {
            var provisional = label
            if label.reservedCode1.isEmpty, let signer = labelSigner {
                provisional.reservedCode1 = try signer.placeholder(for: label, role: .producer, kind: identified.format.kind)
            }
            var content = C2PASigner.Content(label: provisional)
            content.softwareAgent = policy.softwareAgent
            do {
                layout = try c2pa.layout(
                    EditedByteSource.editing(source, with: try writer.labelEdits(LabelAssignment(provisional), in: source)),
                    format: identified.format, content: content, now: now, manifestID: manifestID, registry: registry)
            } catch let error as SigilError where error.code == .unsupportedFormat {
                notices.append(Self.manifestRefused(error))
            }
        }
        if let c2pa, let layout {
            func signed(_ label: AIGCLabel) throws -> C2PASigner.SignedSource {
                let labeled = EditedByteSource.editing(source, with: try writer.labelEdits(LabelAssignment(label), in: source))
                var content = C2PASigner.Content(label: label)
                content.softwareAgent = policy.softwareAgent
                return try c2pa.sign(labeled, format: identified.format, content: content, now: now, manifestID: manifestID, registry: registry)
            }
            try FileIO.writeAtomically(Self.parts(layout.file.pieces, copyingFrom: fd), to: output, durable: durable) {
                if label.reservedCode1.isEmpty, let signer = labelSigner {
                    label.reservedCode1 = try signer.sign(label, role: .producer, content: source, registry: registry)
                }
                let final = try signed(label)
                manifest = final
                return Self.parts(final.file.pieces, copyingFrom: fd)
            }
        } else if label.reservedCode1.isEmpty, let signer = labelSigner {
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
        outcome.notices = notices
        if let manifest {
            outcome.marks.insert(.c2pa)
            outcome.c2paManifest = manifest.manifestLabel
            outcome.c2paStoreSHA256 = Array(SHA256.hash(data: manifest.store))
            outcome.fileSHA256 = manifest.fileSHA256
        }
        return outcome
    }

    /// The parts that write `pieces` of the file open as `fd`: new bytes, and spans copied by the kernel.
    static func parts(_ pieces: [EditPlan.Piece], copyingFrom fd: Int32) -> [FileIO.Part] {
        pieces.map { piece in
            switch piece {
            case .bytes(let bytes): .bytes(bytes)
            case .original(let range): .copy(from: fd, range: range)
            }
        }
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
            if marksVideoFrames, let outcome = try labelVideo(at: path, to: path, durable: durable, keepBytes: false, progress: nil) {
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
                    try FileIO.writeAtomically(Self.parts(plan.pieces, copyingFrom: fd), to: path, durable: durable)
                    return (outcome, .rewritten)
                }
            }
            // The marked samples go to a working file first, so the file may be its own output.
            if let outcome = try labelMarkedWAV(at: path, to: path, durable: durable) {
                return (outcome, .rewritten)
            }
            if streamsMarks, let outcome = try labelStreaming(at: path, to: path, durable: durable, marks: policy.marks) {
                return (outcome, .rewritten)
            }
            var outcome = try label(try FileIO.read(path), fileExtension: FileIO.fileExtension(of: path))
            try FileIO.writeAtomically(outcome.bytes, to: path, durable: durable)
            outcome.bytes = [] // the file is on disk; a folder's outcomes wait for their records and must not hold it
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
