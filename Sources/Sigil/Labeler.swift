import Crypto
import Foundation

/// Labels files as GB 45438-2025 prescribes: the visible label (5.2, images) and the file-metadata label
/// (6.1, Annex E, every format with a label writer), in one pass, without touching anything else in the file.
///
/// A metadata-only label never decodes pixels and leaves the compressed image data byte-identical.
/// With the explicit mark the pixels are decoded, the label painted, and the image re-encoded in its own
/// format (JPEG at the source's estimated quality and subsampling), then every metadata segment of the
/// source is carried over.
public struct Labeler: Sendable {
    public let policy: LabelPolicy
    /// The face the visible label is drawn with, loaded once (nil when the explicit mark is off).
    public let font: Font?
    /// The keyed watermarker (nil when the watermark mark is off).
    public let watermarker: Watermarker?
    /// The provenance keys (nil when neither the `c2pa` mark nor a signed `ReservedCode1` needs them).
    public let provenanceKeys: ProvenanceKeys?

    /// A labeler for `policy`. With the explicit mark on, the font is located (``ExplicitLabelSpec/fontPath``,
    /// else ``FontLocator``) and loaded here, so a bad font fails before any file is touched. The watermark and
    /// provenance keys come in the policy; nothing is read from or written to a keystore.
    ///
    /// - Throws: ``SigilError`` `.usage` when a mark needs a key the policy lacks, `.font`, `.invalidExplicitLabel`.
    ///
    /// - Parameter preloadedFont: a font already loaded (a server labels many requests with one); used when the
    ///   policy names no other font file.
    public init(policy: LabelPolicy, preloadedFont: Font? = nil) throws {
        var policy = policy
        let missing = Mark.allCases.filter { Mark.mandatory.contains($0) && !policy.marks.contains($0) }
        guard missing.isEmpty else {
            throw SigilError(
                .usage,
                "the \(missing.map(\.rawValue).joined(separator: ", ")) label is mandatory for generated content (GB 45438-2025 §6.1): marks can add labels, never drop it"
            )
        }
        if policy.marks.contains(.explicit) {
            try policy.explicit.validate()
            if let preloadedFont, policy.explicit.fontPath == nil || policy.explicit.fontPath == preloadedFont.path {
                policy.explicit.fontPath = preloadedFont.path
                font = preloadedFont
            } else {
                let path = try FontLocator.locate(explicit: policy.explicit.fontPath)
                policy.explicit.fontPath = path
                font = try Font(path: path)
            }
        } else {
            font = nil
        }
        // Keys come with the policy: the labeler reads and writes no keystore (the CLI and the server load or create
        // them with WatermarkKeys and ProvenanceKeyLoader, and warn about development keys).
        if policy.marks.contains(.watermark) {
            guard let key = policy.watermarkKey else {
                throw SigilError(.usage, "the watermark mark needs LabelPolicy.watermarkKey (WatermarkKeys.load reads it from a keystore)")
            }
            watermarker = Watermarker(key: key)
        } else {
            watermarker = nil
        }
        if policy.marks.contains(.c2pa) || (policy.marks.contains(.implicit) && policy.labelSignature != nil && policy.reservedCode1.isEmpty) {
            guard let keys = policy.provenanceKeys else {
                throw SigilError(
                    .usage, "the c2pa mark and signed labels need LabelPolicy.provenanceKeys (ProvenanceKeyLoader.load reads them from a keystore)")
            }
            provenanceKeys = keys
        } else {
            provenanceKeys = nil
        }
        self.policy = policy
    }

    /// The XMP namespace where Sigil records how it painted the visible label, so ``Verifier`` can find it again.
    public static let sigilNamespace = "urn:sigil:ns:1.0/"
    static let explicitProperty = "ExplicitLabel"

    /// The formats this labeler reads and writes (``MediaRegistry/standard`` unless the policy names another).
    public var registry: MediaRegistry { policy.registry }

    /// The marks this build applies to content of `kind`: pixel marks need an image; audio's explicit mark is the
    /// rhythm label (GB 45438 5.3) and its watermark the audio mark (``AudioWatermarker``), text's the explicit text label (5.1), video's the opening-frames label (5.4) and the video watermark (both put into the frames by
    /// ``labelFile(at:to:durable:keepBytes:progress:)``); the implicit label and C2PA go into every format whose handler
    /// writes them.
    public static func marks(for kind: MediaKind) -> Set<Mark> {
        switch kind {
        case .image: Set(Mark.supported)
        case .audio: Set(Mark.supported)
        case .video: Set(Mark.supported)
        case .text: Set(Mark.supported.filter { !$0.touchesPixels || $0 == .explicit })
        default: Set(Mark.supported.filter { !$0.touchesPixels })
        }
    }

    /// Labels one file's bytes: the format is sniffed, then the marks the policy asks for that its kind takes
    /// (see ``marks(for:)``) are applied: pixel marks first (images), then the one file-metadata label, then the
    /// C2PA manifest over the final bytes. ``LabelOutcome/marks`` says which were applied.
    ///
    /// - Throws: ``SigilError`` naming the structure and offset for damaged or unsupported input, `.tooLarge`
    ///   for images over ``LabelPolicy/maxPixels``, `.invalidExplicitLabel` for wording or sizes GB 5.2 forbids.
    ///
    /// - Parameter fileExtension: the input's file-name extension, when known: it refines text that has no magic
    ///   number (a `.md` file without front matter is Markdown), never a format its bytes name.
    public func label(_ input: [UInt8], fileExtension: String? = nil) throws -> LabelOutcome {
        try label(input, fileExtension: fileExtension, opening: nil, openingSkipped: nil, videoMark: nil, videoMarkSkipped: nil, preset: nil)
    }

    /// ``label(_:fileExtension:)`` of a video whose opening label `opening` is already painted into `input` (or could
    /// not be: `openingSkipped` says why) and whose frames already carry the watermark (`videoMark`) for the label
    /// `preset` (its ProduceID gave the payload), or could not take it (`videoMarkSkipped` says why).
    func label(
        _ input: [UInt8], fileExtension: String?, opening: OpeningLabelOutcome?, openingSkipped: String?, videoMark: VideoMarkOutcome?,
        videoMarkSkipped: String?, preset: AIGCLabel?
    ) throws -> LabelOutcome {
        let (identified, writer) = try checkFormat(input, fileExtension: fileExtension, explicitText: policy.marks.contains(.explicit))
        var label = try preset ?? newLabel()
        let marks = policy.marks.intersection(Self.marks(for: identified.format.kind))
        var outcome = LabelOutcome(bytes: input, format: identified.format, label: label, explicit: nil, marks: marks, width: 0, height: 0)
        if identified.format.kind == .video {
            applyFrameMarks(&outcome, opening: opening, openingSkipped: openingSkipped, videoMark: videoMark, videoMarkSkipped: videoMarkSkipped)
        }

        // A text's old C2PA manifest goes before its label does, so a label written at the end lands before the new
        // wrapper, never after the old one (decision 0208).
        if marks.contains(.c2pa), identified.format.kind == .text, let carrier = identified.handler as? any ManifestCarrying {
            outcome.bytes = try carrier.removeManifestStores(from: outcome.bytes)
        }

        // Stage 1 — content: the kind's own marks (pixels for images).
        if identified.format.kind == .image {
            try labelPixels(&outcome)
        } else if identified.format.kind == .audio {
            try labelAudio(&outcome)
        } else if identified.format.kind == .text, marks.contains(.explicit) {
            try labelText(&outcome, fileExtension: fileExtension)
        }
        var bytes = outcome.bytes

        // Stage 2 — metadata: the one Annex E label (6.1 c), updated in place, plus Sigil's record of the visible label.
        if marks.contains(.implicit), writer == nil {
            outcome.marks.remove(.implicit)
            outcome.notices.append(
                "implicit: \(identified.format.displayName) has no file-metadata label site (GB 45438 5.1): the explicit text label is its label")
        }
        if marks.contains(.implicit), let writer {
            // ReservedCode1: the producer's signature over the label and the final essence (decision 0200).
            if label.reservedCode1.isEmpty, let signer = labelSigner {
                label.reservedCode1 = try signer.sign(label, role: .producer, content: MemoryByteSource(bytes), registry: registry)
            }
            var extra: [XMPProperty] = []
            if let painted = outcome.explicit {
                extra.append(
                    XMPProperty(
                        namespaceURI: Self.sigilNamespace, prefix: "sigil", name: Self.explicitProperty,
                        value: ExplicitLabelRecord(painted: painted, fontPath: policy.explicit.fontPath).json))
            }
            bytes = try writer.writeLabel(LabelAssignment(label, extra: extra), into: bytes)
        }

        // Stage 3 — provenance over the final bytes (C2PA manifest): it must come last.
        if marks.contains(.c2pa), identified.format.kind == .text, let refusal = Self.textManifestRefusal(bytes, fileExtension: fileExtension) {
            outcome.marks.remove(.c2pa)
            outcome.notices.append(refusal)
        } else if marks.contains(.c2pa), let keys = provenanceKeys {
            if let carrier = identified.handler as? any ManifestCarrying, carrier.embedsManifests {
                var content = C2PASigner.Content(label: label)
                content.softwareAgent = policy.softwareAgent
                do {
                    let signed = try C2PASigner(identity: try keys.c2paSigner()).sign(
                        bytes, format: identified.format, content: content, registry: registry)
                    bytes = signed.bytes
                    outcome.c2paManifest = signed.manifestLabel
                    outcome.c2paStoreSHA256 = Array(SHA256.hash(data: signed.store))
                } catch let error as SigilError where error.code == .unsupportedFormat {
                    // A file of a carrying format that this one cannot take a store (an RF64 WAV, an OpenDML AVI with
                    // RIFF AVIX forms): the mandatory label stands, the manifest is left off and said so.
                    outcome.marks.remove(.c2pa)
                    outcome.notices.append(Self.manifestRefused(error))
                }
            } else {
                outcome.marks.remove(.c2pa)
                outcome.notices.append(Self.noManifestCarrier(identified.format))
            }
        }
        outcome.bytes = bytes
        outcome.label = label
        return outcome
    }

    /// A video's frame marks in `outcome`: the opening label and the watermark kept in ``LabelOutcome/marks`` when they
    /// were made (`opening`, `videoMark`), removed with a notice saying why when they were asked for and not.
    func applyFrameMarks(
        _ outcome: inout LabelOutcome, opening: OpeningLabelOutcome?, openingSkipped: String?, videoMark: VideoMarkOutcome?, videoMarkSkipped: String?
    ) {
        let format = outcome.format
        if outcome.marks.contains(.explicit) {
            if let opening {
                outcome.opening = opening
            } else {
                // The opening label needs ffmpeg, a file and a container it is written into: otherwise the other
                // marks, and a notice.
                outcome.marks.remove(.explicit)
                outcome.notices.append(
                    openingSkipped
                        ?? (OpeningLabeler.formatIDs.contains(format.id)
                            ? "explicit: the video opening label is painted when a file on disk is labeled (sigil label, ffmpeg), not into \(format.displayName) bytes in memory; only the other marks were applied"
                            : "explicit: Sigil paints the video opening label into MP4, MOV, AVI, Matroska, WebM and FLV, not \(format.displayName); only the other marks were applied")
                )
            }
        }
        if outcome.marks.contains(.watermark) {
            if let videoMark {
                outcome.videoMark = videoMark
            } else {
                outcome.marks.remove(.watermark)
                outcome.notices.append(
                    videoMarkSkipped
                        ?? "watermark: the video watermark is embedded when a file on disk is labeled (sigil label, ffmpeg), not into \(format.displayName) bytes in memory; only the other marks were applied"
                )
            }
        }
    }

    /// The notice for a file whose carrier refused the manifest (``SigilError/Code/unsupportedFormat``).
    static func manifestRefused(_ error: SigilError) -> String {
        "c2pa: \(error.message); only the other marks were applied"
    }

    /// The notice for a format Sigil embeds no C2PA manifest in.
    static func noManifestCarrier(_ format: MediaFormat) -> String {
        "c2pa: Sigil does not embed C2PA manifests in \(format.displayName) yet; only the other marks were applied"
    }

    /// Why a text file takes no C2PA manifest, or nil when it does: C2PA embeds manifests in UTF-8 text only (the
    /// wrapper of unstructured text is Unicode and its hash is over UTF-8), and HTML has an embedding of its own
    /// that Sigil does not write yet (decision 0208).
    static func textManifestRefusal(_ bytes: [UInt8], fileExtension: String?) -> String? {
        if let invalid = TextEncoding.firstInvalidUTF8(bytes) {
            return
                "c2pa: C2PA embeds manifests in UTF-8 text only, and this text is not UTF-8 (GB18030; byte 0x\(String(bytes[invalid], radix: 16)) at offset \(invalid)): no manifest was embedded; convert the text to UTF-8 for Content Credentials"
        }
        if TextMarkup.detect(bytes, fileExtension: fileExtension) == .html {
            return
                "c2pa: HTML carries a C2PA manifest in an element of its own (C2PA HTML embedding), which Sigil does not write yet: no manifest was embedded"
        }
        return nil
    }

    /// The audio stage: the rhythm label spliced into the samples, then the audio watermark embedded in them (its
    /// payload the ProduceID's, as for images), so the implicit label's signature, written after, covers the
    /// labeled essence. PCM WAV takes both in place (the rhythm label as a byte splice, the watermark as rewritten
    /// samples); MP3, FLAC, Ogg Vorbis, Opus and M4A are decoded, marked and encoded again with Debian's ffmpeg
    /// (``CompressedAudioRelabeler``, decision 0024), which ``LabelOutcome/audioReencoding`` and a notice report.
    /// Without ffmpeg, or for another format, those marks are left off, ``LabelOutcome/marks`` says so, and a notice
    /// says why.
    private func labelAudio(_ outcome: inout LabelOutcome) throws {
        let rhythm = outcome.marks.contains(.explicit) ? policy.rhythm : nil
        let watermark =
            outcome.marks.contains(.watermark)
            ? watermarker.map {
                WAVWatermark.Request(watermarker: AudioWatermarker(key: $0.key), payload: $0.payload(forProduceID: outcome.label.produceID))
            } : nil
        let asked = [rhythm.map { _ in Mark.explicit }, watermark.map { _ in Mark.watermark }].compactMap { $0 }
        guard !asked.isEmpty else { return }
        if outcome.format == .wav {
            if let rhythm {
                let edits = try rhythm.edits(in: MemoryByteSource(outcome.bytes))
                outcome.bytes = edits.plan.apply(to: outcome.bytes)
                outcome.rhythm = edits
            }
            if let watermark {
                outcome.bytes = try WAVWatermark.embed(watermark.watermarker, payload: watermark.payload, into: outcome.bytes)
            }
            return
        }
        let what = asked.map { $0 == .explicit ? "the rhythm label" : "the audio watermark" }.joined(separator: " and ")
        guard CompressedAudioRelabeler.formats.contains(outcome.format.id) else {
            for mark in asked { outcome.marks.remove(mark) }
            outcome.notices.append(
                "\(asked.map(\.rawValue).joined(separator: ", ")): Sigil does not put \(what) into \(outcome.format.displayName) audio yet; only the other marks were applied"
            )
            return
        }
        let tools: FFmpegTools
        do {
            tools = try FFmpegTools.locate()
        } catch {
            for mark in asked { outcome.marks.remove(mark) }
            let reason = (error as? SigilError)?.message ?? String(describing: error)
            outcome.notices.append(
                "\(asked.map(\.rawValue).joined(separator: ", ")): \(what) in \(outcome.format.displayName) needs ffmpeg to decode and encode the audio: \(reason); only the other marks were applied"
            )
            return
        }
        let relabeled = try CompressedAudioRelabeler(inserter: rhythm, watermark: watermark, tools: tools).label(
            outcome.bytes, format: outcome.format)
        outcome.bytes = relabeled.bytes
        outcome.rhythm = relabeled.rhythm
        outcome.audioReencoding = relabeled.encoding
        if !relabeled.labelFramesOnly {
            outcome.notices.append(
                "\(asked.map(\.rawValue).joined(separator: ", ")): \(what) went into the decoded audio and the file was encoded again (\(relabeled.encoding))"
                    + (relabeled.lossy ? "; a lossy codec loses one generation of quality" : "; lossless"))
        }
    }

    /// The text stage: the explicit text label (GB 45438 5.1) written at the start, the end or both of the visible
    /// body (after Markdown front matter, inside HTML `<body>`), in the text's own encoding, and read back.
    private func labelText(_ outcome: inout LabelOutcome, fileExtension: String?) throws {
        let markup = outcome.format == .markdown ? TextMarkup.markdown : TextMarkup.detect(outcome.bytes, fileExtension: fileExtension)
        let insertion = try policy.textLabel.insert(into: outcome.bytes, markup: markup)
        outcome.bytes = insertion.bytes
        outcome.textLabel = insertion.report
        outcome.textLabelPosition = policy.textLabel.position
    }

    /// The image stage: the header checked (a real size within ``LabelPolicy/maxPixels``), and when a pixel mark
    /// is on, the pixels decoded once, the marks applied in order, re-encoded in the source format with every
    /// metadata segment carried over.
    private func labelPixels(_ outcome: inout LabelOutcome) throws {
        let input = outcome.bytes
        let header = try checkImageHeader(input, format: outcome.format)
        (outcome.width, outcome.height) = (header.width, header.height)
        guard outcome.marks.contains(where: \.touchesPixels) else { return }
        let format = outcome.format
        if header.isAnimated {
            throw SigilError(.unsupportedFormat, "animated \(format.displayName) cannot take pixel marks yet; label it with --marks implicit")
        }
        let codec = try ImageCodecs.codec(for: format)
        var decoded = try codec.decode(input, maxPixels: policy.maxPixels)
        if outcome.marks.contains(.explicit) {
            guard let font else { throw SigilError(.font, "no font loaded for the explicit label") }
            outcome.explicit = try ExplicitLabelPainter.paint(policy.explicit, font: font, on: &decoded.pixels, orientation: header.orientation)
        }
        if outcome.marks.contains(.watermark), let watermarker {
            // The blind watermark goes on after the visible label and leaves the label's plate alone, so the
            // label stays legible; its payload is the keyed hash of the ProduceID (see WatermarkKey).
            let skip =
                outcome.explicit.map {
                    [
                        Self.storedRegion(
                            $0.box, orientation: Orientation(exif: header.orientation), width: decoded.pixels.width, height: decoded.pixels.height)
                    ]
                } ?? []
            try watermarker.embed(payload: watermarker.payload(forProduceID: outcome.label.produceID), into: &decoded.pixels, skipping: skip)
        }
        outcome.bytes = try MetadataTransplant.transplant(
            from: input, into: try codec.encode(decoded, policy: policy), format: format, registry: registry)
    }

    /// The handler and format of a file to label, and its metadata writer: text without one (plain text, HTML)
    /// is still labeled when the explicit mark is asked for, with the explicit text label alone.
    func checkFormat(_ input: [UInt8], fileExtension: String?, explicitText: Bool) throws -> (MediaRegistry.Identified, (any LabelWriting)?) {
        guard let identified = registry.identify(input, fileExtension: fileExtension) else { throw registry.unrecognised(input) }
        let writer = identified.handler as? any LabelWriting
        guard writer != nil || (explicitText && identified.format.kind == .text) else { throw registry.notLabelable(identified.format) }
        return (identified, writer)
    }

    /// An image's header, checked: a real size within ``LabelPolicy/maxPixels``.
    func checkImageHeader(_ input: [UInt8], format: MediaFormat) throws -> ImageHeader {
        let header = try ImageHeader.read(input, registry: registry)
        guard header.width > 0, header.height > 0 else {
            throw SigilError(.malformed, "the \(format.displayName) header declares a \(header.width)×\(header.height) image")
        }
        let (pixelCount, overflow) = header.width.multipliedReportingOverflow(by: header.height)
        guard !overflow, pixelCount <= policy.maxPixels else {
            throw SigilError(
                .tooLarge,
                "the \(format.displayName) header declares \(header.width)×\(header.height) pixels, over the limit of \(policy.maxPixels) (raise it with --max-pixels)"
            )
        }
        return header
    }

    /// The signer of `ReservedCode1`, when the policy signs it and the keys are at hand.
    var labelSigner: LabelSigner? {
        guard let algorithm = policy.labelSignature, let keys = provenanceKeys else { return nil }
        return LabelSigner(keys: keys, algorithm: algorithm, bindingDigest: policy.labelBinding)
    }

    /// The first-write Annex E label for one file: the policy's producer and ProduceID (a new one when it names none).
    func newLabel() throws -> AIGCLabel {
        let produceID = policy.produceID ?? ProduceID.generate()
        try ProduceID.validate(produceID)
        return try AIGCLabel.firstWrite(producer: policy.producer.rawValue, produceID: produceID, reservedCode1: policy.reservedCode1)
    }

    /// A display-coordinate box as a stored-pixel region (corners mapped through the EXIF orientation),
    /// grown by a few pixels so the mark's interpolation does not touch the label's edge.
    static func storedRegion(_ box: PaintedLabel.Box, orientation: Orientation, width: Int, height: Int) -> WatermarkRegion {
        let a = orientation.storedPoint(displayX: box.x, displayY: box.y, storedWidth: width, storedHeight: height)
        let b = orientation.storedPoint(displayX: box.x + box.width - 1, displayY: box.y + box.height - 1, storedWidth: width, storedHeight: height)
        let grow = 2
        let x0 = max(0, min(a.x, b.x) - grow)
        let y0 = max(0, min(a.y, b.y) - grow)
        let x1 = min(width, max(a.x, b.x) + 1 + grow)
        let y1 = min(height, max(a.y, b.y) + 1 + grow)
        return WatermarkRegion(x: x0, y: y0, width: max(0, x1 - x0), height: max(0, y1 - y0))
    }

    static func hexPrefix(_ bytes: [UInt8]) -> String {
        bytes.prefix(8).map { String($0, radix: 16).leftPaddedHex }.joined(separator: " ")
    }
}

extension String {
    var leftPaddedHex: String { count >= 2 ? self : "0" + self }
}

/// What Sigil records in XMP about the visible label it painted.
public struct ExplicitLabelRecord: Sendable, Hashable, Codable {
    public var painted: PaintedLabel
    public var fontPath: String?

    var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? String(decoding: encoder.encode(self), as: UTF8.self)) ?? "{}"
    }

    static func parse(_ text: String) -> ExplicitLabelRecord? {
        try? JSONDecoder().decode(ExplicitLabelRecord.self, from: Data(text.utf8))
    }
}
