import Foundation

/// Reads every label in a file and judges it: which implicit labels are present and where, whether each
/// is well-formed under GB 45438-2025 Annex E, whether the file keeps only one (6.1 c), the visible label
/// Sigil painted (if any) and whether it is still in the pixels, and the verdict a platform must show.
public struct Verifier: Sendable {
    /// Options for verification.
    public struct Options: Sendable, Hashable {
        /// Decode pixels and samples: the visible label's presence, the watermark and the audio rhythm label. Off
        /// (metadata-only, `decode=false`) never runs a codec, and the report says so (``VerificationReport/decoded``).
        public var decodePixels = true
        /// Pixel limit for decoding (decompression bombs).
        public var maxPixels = 100_000_000
        /// The provider's watermark key; nil skips the watermark check (needs ``decodePixels``).
        public var watermarkKey: WatermarkKey?
        /// Validate the C2PA manifest and the signed AIGC label (no network either way).
        public var checkProvenance = true
        /// C2PA trust anchors (`--trust-anchors`); none makes every signer `valid-untrusted-signer`.
        public var trustAnchors: TrustAnchors = .none
        /// Public keys whose label signatures count as known (the keystore's, see ``ProvenanceKeystore/publicLabelKeys()``).
        public var labelKeys: [[UInt8]] = []
        /// The formats Sigil reads (``MediaRegistry/standard`` unless a program adds its own).
        public var registry: MediaRegistry = .standard
        /// Check the explicit text label of text, Markdown, HTML, DOCX and PDF (``ExplicitTextCheck``).
        public var checkExplicitText = true
        /// poppler's `pdftotext`, for the explicit text label of a PDF; nil skips it (the report says so).
        /// ``PDFText/locate()`` finds it on the `PATH`.
        public var pdftotext: String?
        /// The provider's text-mark detector (key and generator tokenizer) for text and documents; nil reports the
        /// text mark as not tested.
        public var textMark: TextMarkDetector?
        /// Whether decoded audio is also fingerprinted (``VerificationReport/audioFingerprint``): only a record lookup
        /// needs it, so a verify without a log does not pay for Chromaprint (decision 0033).
        public var fingerprintAudio = false
        /// Whether a video without an implicit label is fingerprinted (``VerificationReport/videoFingerprint``, by
        /// ``fingerprintVideo(at:into:)``): only a record lookup needs it (decision 0309).
        public var fingerprintVideo = false
        /// Whether decoded audio's outline is kept (``VerificationReport/audioOverview``): only the verify page draws it.
        public var outlineAudio = false
        public init() {}
    }

    public var options: Options

    public init(options: Options = Options()) {
        self.options = options
    }

    /// Verifies one file's bytes.
    ///
    /// Any format the registry knows is verified: its labels where its handler reads them, its C2PA manifest
    /// where its handler carries one, the pixel checks for images.
    ///
    /// - Throws: ``SigilError`` `.unsupportedFormat` only when no format of the registry recognises the bytes (the
    ///   message names what was seen); damaged files produce a report with findings instead.
    ///
    /// - Parameter fileExtension: the file name's extension, when known: it tells Markdown and HTML from plain
    ///   text for the explicit text label check.
    public func verify(_ bytes: [UInt8], fileExtension: String? = nil) throws -> VerificationReport {
        let scan = try LabelScanner.scan(bytes, registry: options.registry)
        var sites: [VerificationReport.Site] = []
        var fileFindings = scan.findings
        for carrier in scan.carriers {
            let payload: LabelPayload
            switch carrier.payload {
            case .text(let text): payload = LabelPayload.parse(text, keyed: carrier.keyed, location: carrier.location)
            case .properties(let props): payload = LabelPayload.fromProperties(props.map { ($0.key, $0.value) }, location: carrier.location)
            }
            // A carrier that names no AIGC key and holds no Annex E key is someone else's metadata, not a label.
            if !carrier.keyed && !payload.hasAnnexEKeys {
                fileFindings.append(
                    Finding(
                        .foreignSchema, .info,
                        "\(carrier.location) holds an AIGC object without Annex E keys (another vendor's schema); not a GB 45438 label",
                        location: carrier.location, offset: carrier.offset))
                continue
            }
            var findings = payload.findings
            if !carrier.standard {
                findings.append(
                    Finding(
                        .nonstandardSite, .warning,
                        "\(carrier.location) is not a site the TC260 guide for \(scan.format?.displayName ?? "this format") files defines",
                        location: carrier.location))
            }
            sites.append(.init(carrier: carrier, payload: payload, findings: findings))
        }

        let labelled = sites.filter { $0.payload.hasAnnexEKeys }
        if labelled.count > 1 {
            let distinct = Set(labelled.map { site in site.payload.fields.map { "\($0.key)=\($0.value ?? "∅")" }.joined(separator: "\u{1}") })
            if distinct.count == 1 {
                fileFindings.append(
                    Finding(
                        .duplicateLabel, .error, "\(labelled.count) identical labels; GB 45438 6.1 c) allows only one file-metadata label per file"))
            } else {
                fileFindings.append(
                    Finding(
                        .labelsDisagree, .error,
                        "\(labelled.count) labels with different values; GB 45438 6.1 c) allows only one and they must not contradict each other"))
            }
        }

        let tiers = labelled.compactMap { $0.payload.label?.label }
        let verdict: Verdict
        if let strongest = tiers.min(by: { $0.rawValue < $1.rawValue }) {
            verdict = strongest.verdict
        } else if !labelled.isEmpty && labelled.contains(where: { $0.payload.value(of: .label) != nil }) {
            verdict = .suspectedAIGenerated
        } else {
            verdict = .noLabel
        }

        let allFindings = fileFindings + sites.flatMap(\.findings)
        let structural: Set<Finding.Code> = [.structureTruncated, .structureMalformed, .ambiguousFormat, .emptyLabel, .xmpMalformed]
        let conformance: Conformance
        if allFindings.contains(where: { structural.contains($0.code) && $0.severity == .error }) {
            conformance = .inconclusive
        } else if sites.isEmpty {
            conformance = .notFound
        } else if allFindings.contains(where: { $0.severity == .error }) {
            conformance = .noncompliant
        } else {
            conformance = .compliant
        }

        let explicitRecord = LabelWriter.readProperty(
            namespaceURI: Labeler.sigilNamespace, name: Labeler.explicitProperty, in: bytes, registry: options.registry
        )
        .flatMap(ExplicitLabelRecord.parse)
        // The pixel checks share one decode (a damaged image just skips them).
        var decoded: DecodedImage?
        if options.decodePixels, explicitRecord != nil || options.watermarkKey != nil {
            decoded = (try? DecodedImage.decode(bytes, format: scan.format, maxPixels: options.maxPixels)) ?? nil
        }
        var explicit: VerificationReport.Explicit?
        if let record = explicitRecord {
            explicit = .init(record: record, presence: decoded.flatMap { presence(of: record, in: $0, bytes: bytes) })
        }
        let label = labelled.lazy.compactMap(\.payload.label).first
        var report = VerificationReport(
            format: scan.format, verdict: verdict, conformance: conformance, label: label, sites: sites, explicit: explicit, findings: fileFindings)
        if options.checkProvenance {
            // The name refines text without magic (a `.md` file without front matter carries a Markdown manifest block).
            let format = fileExtension.flatMap { options.registry.identify(bytes, fileExtension: $0)?.format }
            (report.c2pa, report.integrity) = provenance(of: bytes, label: label, format: format)
        }
        if let key = options.watermarkKey, let decoded {
            report.watermark = watermark(in: decoded, key: key, produceID: label?.produceID)
        }
        if let key = options.watermarkKey, options.decodePixels, let format = scan.format, format.kind == .video {
            videoWatermark(in: bytes, format: format, key: key, produceID: label?.produceID, into: &report)
        }
        report.perceptualHash = decoded.map { PerceptualHash.hash($0.pixels) }
        if options.decodePixels {
            // Compressed audio is decoded with ffmpeg to listen for the rhythm label and the watermark; without
            // ffmpeg both stay nil.
            var pcm: [UInt8]?
            if scan.format == .wav {
                pcm = bytes
            } else if let format = scan.format, CompressedAudioRelabeler.formats.contains(format.id),
                let tools = try? FFmpegTools.locate(timeout: .seconds(120))
            {
                pcm = try? FFmpegAudio(tools: tools).decodeToWAV(bytes, fileExtension: format.extensions.first ?? format.id, limit: .verification)
            }
            if let pcm {
                rhythm(in: pcm, into: &report)
                if options.outlineAudio { report.audioOverview = try? AudioOverview.read(wav: MemoryByteSource(pcm)) }
                if options.fingerprintAudio { report.audioFingerprint = try? AudioFingerprint.compute(wav: MemoryByteSource(pcm)) }
                if let key = options.watermarkKey {
                    report.audioWatermark = try? AudioWatermarking.check(wav: pcm, key: key, produceID: label?.produceID)
                }
            }
        } else {
            report.decoded = false
            report.findings.append(
                Finding(
                    .notDecoded, .info,
                    "metadata only (decode=false): pixels and samples were not decoded, so the visible label's presence, the watermark and the audio rhythm label were not checked"
                ))
        }
        if options.checkExplicitText {
            report.explicitText = ExplicitTextCheck.check(bytes, format: scan.format, fileExtension: fileExtension, pdftotext: options.pdftotext)
            report.textMark = TextMarkCheck.check(
                bytes, format: scan.format, fileExtension: fileExtension, detector: options.textMark, pdftotext: options.pdftotext)
        }
        return report
    }

    /// Checks a video's opening-frames label (GB 45438 5.4) in the file at `path` and adds the result to `report`:
    /// with Sigil's record, the first seconds are decoded (ffmpeg) and the label looked for in every frame; a label
    /// absent from frame 0, shown for less than 2 s or lower than 5 % of the short side is a named error finding and
    /// makes the report non-conformant. Without a record nothing is decoded (the report says there is none).
    /// Nothing happens for other kinds, or when ``Options/decodePixels`` is off.
    public func checkOpeningLabel(at path: String, into report: inout VerificationReport) {
        guard options.decodePixels, report.format?.kind == .video else { return }
        do {
            guard let check = try OpeningLabelCheck.check(path, tools: try FFmpegTools.locate(timeout: .seconds(600))) else { return }
            report.opening = check
            report.findings += check.findings
            if !check.conforms, report.conformance == .compliant { report.conformance = .noncompliant }
        } catch let error as SigilError {
            report.findings.append(Finding(.videoLabelUnchecked, .warning, "the opening-frames label was not checked: \(error.message)"))
        } catch {
            report.findings.append(Finding(.videoLabelUnchecked, .warning, "the opening-frames label was not checked: \(error)"))
        }
    }

    /// Hashes the frames of the video at `path` for the record lookup (``VerificationReport/videoFingerprint``) when
    /// ``Options/fingerprintVideo`` is on, the report has no implicit label, and pixels are decoded. Without ffmpeg,
    /// or when it cannot read the video, the report has none.
    public func fingerprintVideo(at path: String, into report: inout VerificationReport) {
        guard options.fingerprintVideo, options.decodePixels, report.format?.kind == .video, report.label == nil,
            let tools = try? FFmpegTools.locate(timeout: .seconds(120))
        else { return }
        report.videoFingerprint = try? VideoFingerprint.suspect(path, tools: tools)
    }

    /// The audio rhythm label (GB 45438 5.3 c), found by listening to the samples (PCM WAV, or compressed audio
    /// decoded to it): every tone-burst
    /// pattern is reported; one that is not Morse "AI" is a named finding.
    private func rhythm(in bytes: [UInt8], into report: inout VerificationReport) {
        guard let detections = try? RhythmDetector.detect(inWAV: MemoryByteSource(bytes)) else { return }
        report.rhythm = detections
        for d in detections where !d.isMorseAI {
            let where_ = String(format: "%.2f–%.2f s", d.start, d.end)
            report.findings.append(
                Finding(
                    .rhythmNotMorseAI, .warning,
                    "a \(Int(d.toneHertz.rounded())) Hz tone pattern at \(where_) decodes as Morse \"\(d.letters)\" (\(d.pattern)), not \"AI\" (·- ··) as GB 45438 5.3 c) prescribes",
                    location: "audio \(where_)"))
        }
    }

    /// Looks for the keyed video watermark (``VideoWatermarker``: up to 96 frames spread over the clip, decoded by
    /// ffmpeg from a private temporary copy of `bytes`) and compares its payload with the ProduceID's. Without ffmpeg,
    /// or when ffmpeg cannot read the video, the report says the watermark was not checked.
    private func videoWatermark(in bytes: [UInt8], format: MediaFormat, key: WatermarkKey, produceID: String?, into report: inout VerificationReport)
    {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent(WorkingFile.tag() + "-verify.\(format.extensions.first ?? format.id)").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            try FileIO.writeAtomically(bytes, to: path, durable: false)
            let found = try VideoWatermarker(key: key, tools: try FFmpegTools.locate(timeout: .seconds(600))).detect(input: path)
            report.watermark = VerificationReport.Watermark(found.detection, key: key, produceID: produceID, frames: found.frames)
        } catch {
            let message = (error as? SigilError)?.message ?? "\(error)"
            report.findings.append(Finding(.videoWatermarkUnchecked, .warning, "the video watermark was not checked: \(message)"))
        }
    }

    /// Looks for the keyed pixel watermark and compares its payload with the one the implicit label's
    /// ProduceID implies (first 64 bits of HMAC-SHA256(key, ProduceID), see ``WatermarkKey``).
    private func watermark(in decoded: DecodedImage, key: WatermarkKey, produceID: String?) -> VerificationReport.Watermark {
        VerificationReport.Watermark(Watermarker(key: key).detect(in: decoded.pixels), key: key, produceID: produceID)
    }

    /// The C2PA manifest's verdict and the signed label's: the label's key counts as known when it is one of
    /// ``Options/labelKeys`` or the key of a C2PA signer that chains to a trust anchor.
    private func provenance(of bytes: [UInt8], label: AIGCLabel?, format: MediaFormat? = nil) -> (C2PAReport, LabelIntegrity?) {
        var validation = C2PAValidator.Options(trustAnchors: options.trustAnchors)
        validation.registry = options.registry
        var c2pa = C2PAValidator(options: validation).validate(bytes, format: format)
        if let signed = c2pa.aigcLabel, let label,
            signed.produceID != label.produceID || signed.contentProducer != label.contentProducer || signed.label != label.label
        {
            c2pa.addFailure(
                C2PAStatus(
                    .init("sigil.aigcLabel.mismatch"),
                    "the manifest's AIGC label (ProduceID \(signed.produceID)) is not the file's label (ProduceID \(label.produceID)): the manifest belongs to other content or was replayed"
                ))
        }
        var keys = options.labelKeys
        if c2pa.state == .valid, let spki = c2pa.signer?.publicKeySPKI { keys.append(spki) }
        return (c2pa, label.map { LabelVerifier(knownKeys: keys, registry: options.registry).verify($0, in: bytes) })
    }

    private func presence(of record: ExplicitLabelRecord, in decoded: DecodedImage, bytes: [UInt8]) -> Double? {
        do {
            let header = try ImageHeader.read(bytes, registry: options.registry)
            // The font the record names is opened only when it is one this machine would use anyway: a path taken
            // from the file must not make FreeType open any file the server can read.
            let font = record.fontPath.flatMap { FontLocator.isKnown($0) ? $0 : nil }
            return try ExplicitLabelPainter.presence(of: record.painted, fontPath: font, in: decoded.pixels, orientation: header.orientation)
        } catch {
            return nil
        }
    }
}

/// The result of ``Verifier/verify(_:)``: one verdict, every label site, every finding.
public struct VerificationReport: Sendable {
    /// One place in the file that carries an implicit label.
    public struct Site: Sendable {
        public var carrier: LabelCarrier
        public var payload: LabelPayload
        public var findings: [Finding]
    }

    /// The visible label Sigil recorded when it painted it, and whether the pixels still show it.
    public struct Explicit: Sendable {
        public var record: ExplicitLabelRecord
        /// 0…1: how strongly the recorded label is still visible in the pixels; nil when not decoded.
        public var presence: Double?
        /// Presence at or above this counts as intact.
        public static let intactThreshold = 0.6
        public var intact: Bool? { presence.map { $0 >= Self.intactThreshold } }
    }

    public var format: MediaFormat?
    public var verdict: Verdict
    public var conformance: Conformance
    /// The first well-formed label, the one the verdict rests on.
    public var label: AIGCLabel?
    public var sites: [Site]
    public var explicit: Explicit?
    /// File-level findings (structure, duplicates, disagreements); per-site findings sit in ``sites``.
    public var findings: [Finding]
    /// The pixel watermark check; nil when pixels were not decoded or no watermark key was given.
    public var watermark: Watermark? = nil
    /// The audio watermark check; nil for content without sound, when samples were not decoded, or without a key.
    public var audioWatermark: AudioWatermark? = nil
    /// The C2PA manifest check; nil when provenance was not checked.
    public var c2pa: C2PAReport? = nil
    /// The signature in the label's `ReservedCode1`; nil when there is no label or provenance was not checked.
    public var integrity: LabelIntegrity? = nil
    /// The perceptual hash of the decoded pixels, when the pixel checks decoded them (for the record check).
    public var perceptualHash: UInt64? = nil
    /// The audio rhythm labels heard in the samples (PCM WAV); nil when the audio was not decoded.
    public var rhythm: [RhythmDetector.Detection]? = nil
    /// The decoded audio's length and outline (the verify page draws it with the rhythm labels marked); nil when the
    /// audio was not decoded. Not part of the JSON report.
    public var audioOverview: AudioOverview? = nil
    /// The decoded audio's Chromaprint (for the record check, which finds a sound's record by it when the label is
    /// gone; decision 0033); nil when the audio was not decoded. Not part of the JSON report.
    public var audioFingerprint: AudioFingerprint? = nil
    /// A video's opening-frames label, checked in the decoded frames by Sigil's record
    /// (``Verifier/checkOpeningLabel(at:into:)``); nil without a record or a check.
    public var opening: OpeningLabelCheck? = nil
    /// A video's frames hashed for the record lookup when it has no implicit label (decision 0309); nil otherwise.
    /// Not part of the JSON report.
    public var videoFingerprint: VideoFingerprint? = nil
    /// Whether pixels and samples were decoded; false in metadata-only mode, where a finding says what went unchecked.
    public var decoded = true
    /// The explicit text label (GB 45438 5.1) in the text a reader sees; nil for content without text.
    public var explicitText: ExplicitTextCheck? = nil
    /// The keyed text mark in the text a reader sees; nil for content without text.
    public var textMark: TextMarkCheck? = nil

    /// What the keyed pixel watermark said.
    public struct Watermark: Sendable {
        public var detection: WatermarkDetection
        /// Whether the watermark payload is the one the implicit label's ProduceID implies; nil without
        /// a detected mark or a label.
        public var matchesProduceID: Bool?
        /// For a video, the frames read together (``VideoWatermarker``); nil for a picture.
        public var frames: Int? = nil

        /// A check whose payload is compared with the one `key` derives from the implicit label's `produceID`.
        public init(_ detection: WatermarkDetection, key: WatermarkKey, produceID: String?, frames: Int? = nil) {
            self.detection = detection
            matchesProduceID = if let produceID, let payload = detection.payload { key.payload(forProduceID: produceID) == payload } else { nil }
            self.frames = frames
        }

        /// The check as JSON members: a video's adds `medium` and `frames` before the detection's.
        public var jsonMembers: [JSONValue.Member] {
            let video: [JSONValue.Member] = frames.map { [.init("medium", .string("video")), .init("frames", .int($0))] } ?? []
            return video + detection.jsonMembers + [.init("matchesProduceID", matchesProduceID.map { .bool($0) } ?? .null)]
        }
    }

    /// What the keyed audio watermark said.
    public struct AudioWatermark: Sendable {
        public var detection: AudioMarkDetection
        /// Upper bound of the false-detection probability per clip (decoded hypotheses × 2⁻²⁴).
        public var falsePositiveBound: Double
        /// Whether the payload is the one the implicit label's ProduceID implies; nil without a detected mark or a label.
        public var matchesProduceID: Bool?

        /// The check as JSON members (`medium`, `detected`, `payload`, and the measurements behind them).
        public var jsonMembers: [JSONValue.Member] {
            var members: [JSONValue.Member] = [
                .init("medium", .string("audio")),
                .init("detected", .bool(detection.detected)),
                .init("payload", detection.payloadHex.map { .string($0) } ?? .null),
                .init("syncScore", .number(String(format: "%.2f", detection.syncScore))),
            ]
            if let agreement = detection.bitAgreement { members.append(.init("bitAgreement", .number(String(format: "%.4f", agreement)))) }
            members += [
                .init("timeScale", .number(String(format: "%.4f", detection.timeScale))),
                .init("frequencyScale", .number(String(format: "%.4f", detection.frequencyScale))),
                .init("secondsExamined", .number(String(format: "%.2f", detection.secondsExamined))),
                .init("falsePositiveBound", .number(String(format: "%.3g", falsePositiveBound))),
                .init("matchesProduceID", matchesProduceID.map { .bool($0) } ?? .null),
            ]
            return members
        }
    }

    /// Whether verification found a problem: no label, or any error-level finding.
    public var hasProblems: Bool {
        verdict == .noLabel || conformance != .compliant || (explicit?.intact == false) || opening?.conforms == false || c2pa?.state == .invalid
            || integrity?.state == .invalid
    }

    /// Every finding, file-level then per site.
    public var allFindings: [Finding] { findings + sites.flatMap(\.findings) }

    /// The report as ordered JSON (the `sigil verify --json` contract).
    public func json(file: String?) -> JSONValue {
        var members: [JSONValue.Member] = []
        if let file { members.append(.init("file", .string(file))) }
        members.append(.init("format", .optional(format?.id)))
        members.append(.init("kind", .optional(format?.kind.rawValue)))
        members.append(.init("verdict", .string(verdict.rawValue)))
        members.append(.init("conformance", .string(conformance.rawValue)))
        members.append(.init("summary", .object(["en": .string(verdict.summary.en), "zh": .string(verdict.summary.zh)])))
        members.append(.init("implicit", .array(sites.map(\.json))))
        members.append(.init("explicit", explicit.map(\.json) ?? opening.map(\.json) ?? .null))
        members.append(.init("c2pa", c2pa?.json ?? .null))
        members.append(.init("integrity", integrity?.json ?? .null))
        members.append(
            .init(
                "watermark",
                watermark.map { .object($0.jsonMembers) } ?? audioWatermark.map { .object($0.jsonMembers) } ?? .null))
        members.append(.init("rhythm", rhythm.map { .array($0.map(\.json)) } ?? .null))
        members.append(.init("decoded", .bool(decoded)))
        members.append(.init("explicitText", explicitText?.json ?? .null))
        members.append(.init("textMark", textMark?.json ?? .null))
        members.append(.init("findings", .array(findings.map(\.jsonValue))))
        return .object(members)
    }
}

extension VerificationReport.Site {
    var json: JSONValue {
        var fields: [JSONValue.Member] = AIGCLabel.Key.allCases.map { key in
            .init(key.rawValue, payload.fields.contains { $0.key == key.rawValue } ? .optional(payload.value(of: key)) : .null)
        }
        for extra in payload.fields where AIGCLabel.Key(rawValue: extra.key) == nil {
            fields.append(.init(extra.key, .optional(extra.value)))
        }
        return .object([
            "location": .string(carrier.location),
            "carrier": .string(carrier.kind.rawValue),
            "standard": .bool(carrier.standard),
            "offset": .int(carrier.offset),
            "length": .int(carrier.length),
            "form": .string(payload.form.rawValue),
            "fields": payload.form == .unreadable ? .null : .object(fields),
            "findings": .array(findings.map(\.jsonValue)),
        ])
    }
}

extension VerificationReport.Explicit {
    var json: JSONValue {
        let p = record.painted
        return .object([
            "source": "sigil-xmp",
            "text": .string(p.text),
            "position": .string(p.position.rawValue),
            "box": .object(["x": .int(p.box.x), "y": .int(p.box.y), "width": .int(p.box.width), "height": .int(p.box.height)]),
            "inkHeight": .int(p.inkHeight),
            "inkHeightFraction": .double(p.inkHeightFraction),
            "meetsGB5_2": .bool(p.inkHeightFraction >= 0.05),
            "presence": presence.map { .double($0, digits: 3) } ?? .null,
            "intact": intact.map { .bool($0) } ?? .null,
        ])
    }
}

extension OpeningLabelCheck {
    var json: JSONValue {
        let p = record.painted
        return .object([
            "source": "sigil-video-metadata",
            "text": .string(p.text),
            "position": .string(p.position.rawValue),
            "box": .object(["x": .int(p.box.x), "y": .int(p.box.y), "width": .int(p.box.width), "height": .int(p.box.height)]),
            "inkHeight": .int(p.inkHeight),
            "inkHeightFraction": .double(inkHeightFraction),
            "recordedStart": .double(record.start, digits: 3), "recordedEnd": .double(record.end, digits: 3),
            "shownFor": .double(shownFor, digits: 3),
            "framesChecked": .int(frames.count),
            "presenceAtFrame0": frames.first.map { .double($0.presence, digits: 3) } ?? .null,
            "meetsGB5_4": .bool(conforms),
            "findings": .array(findings.map(\.jsonValue)),
        ])
    }
}

extension Finding.Code {
    /// The opening-frames label could not be checked (no ffmpeg, a decode failure).
    public static let videoLabelUnchecked = Finding.Code("video.label-unchecked")
    /// The video watermark could not be checked (no ffmpeg, or it could not read the video).
    public static let videoWatermarkUnchecked = Finding.Code("video.watermark-unchecked")
}

extension RhythmDetector.Detection {
    var json: JSONValue {
        .object([
            "pattern": .string(pattern), "letters": .string(letters), "morseAI": .bool(isMorseAI),
            "start": .double(start, digits: 3), "end": .double(end, digits: 3),
            "unitMs": .double(unitMilliseconds, digits: 1), "toneHz": .double(toneHertz, digits: 1),
        ])
    }
}

extension Finding.Code {
    /// A tone-burst rhythm that is not Morse "AI" (gtkit's 120/360/120/120 ms cue decodes as "L").
    public static let rhythmNotMorseAI = Finding.Code("audio.rhythm-not-morse-ai")
    /// Metadata-only verification: no pixel or sample check ran (info).
    public static let notDecoded = Finding.Code("verify.not-decoded")
}
