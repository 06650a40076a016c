import ArgumentParser
import Foundation
import Sigil

struct LabelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "label",
        abstract: "Label a generated image (or a folder of them) with the explicit and implicit GB 45438 labels.",
        discussion: """
            A folder IN with -o DIR labels every file of a format Sigil labels in it, in parallel; --in-place instead of -o \
            labels files where they are.
            The producer code comes from --producer or the SIGIL_PRODUCER environment variable; without either, \
            Sigil uses its development code and warns.
            """
    )

    @Argument(help: "The image file, or a folder of images.") var input: String
    @Option(name: [.short, .customLong("output")], help: "The labeled file (or folder, for a folder input).") var output: String?
    @Flag(
        name: .customLong("in-place"),
        help:
            "Label the file (or every file of the folder) where it is: the label's bytes are overwritten when the file has room for them, else the file is rewritten atomically."
    ) var inPlace = false
    @Flag(
        help:
            "Flush every labeled file to disk before reporting success (one flush for a folder), so a power loss cannot lose it. Without it, writes are atomic (a reader sees the old file or the new one) but left to the kernel's write-back, as cp and exiftool leave theirs."
    ) var durable = false
    @Option(help: "ContentProducer: the provider's 27-character PG-20252A code.") var producer: String?
    @Option(
        name: .customLong("produce-id"),
        help: "ProduceID for this file (not for a folder: each file needs its own); a unique one is generated when absent.") var produceID: String?
    @Option(help: "The visible label's wording; must contain 人工智能 or AI, and 生成 or 合成.") var text: String = "AI生成"
    @Option(help: "Where the visible label goes: \(LabelPosition.allCases.map(\.rawValue).joined(separator: ", ")).") var position: String =
        "bottom-right"
    @Option(help: "Visible-label style: plate or outline.") var style: String = "plate"
    @Option(help: "Margin from the image edges, as a fraction of the shortest side.") var margin: Double = 0.02
    @Option(name: .customLong("ink-height"), help: "Glyph ink height as a fraction of the shortest side (at least 0.05, GB 45438 5.2).")
    var inkHeight: Double = 0.05
    @Option(help: "Path to a CJK font (TTF/OTF/TTC); found automatically when absent.") var font: String?
    @Option(name: .customLong("audio-label-position"), help: "Where the audio rhythm label goes: start, end, both, or a time in seconds.")
    var audioLabelPosition: String?
    @Option(name: .customLong("tone-hz"), help: "The audio rhythm label's tone in Hz (300–4000, default 1000).") var toneHz: Double?
    @Option(name: .customLong("morse-unit-ms"), help: "The audio rhythm label's Morse unit in ms (100–150, default 120).") var morseUnitMs: Double?
    @Option(
        name: .customLong("audio-label"),
        help:
            "The audio explicit label: rhythm (Morse \"AI\", default) or voice (a spoken sentence, synthesised with espeak-ng unless --voice-label gives a clip)."
    )
    var audioLabel: String?
    @Option(name: .customLong("voice-label"), help: "A recording of the spoken label (120–160 characters a minute), used instead of synthesis.")
    var voiceLabel: String?
    @Option(name: .customLong("voice-text"), help: "The spoken label's sentence (default 本内容由人工智能生成); must hold both wording elements.")
    var voiceText: String?
    @Option(name: .customLong("text-label-position"), help: "Where the explicit text label goes in text, Markdown and HTML: start, end or both.")
    var textLabelPosition: String?
    @Option(name: .customLong("text-label-language"), help: "The explicit text label's language: zh (「本内容由人工智能生成」, default) or en.")
    var textLabelLanguage: String?
    @Option(name: .customLong("text-label"), help: "The explicit text label's own wording (one line with 人工智能 or AI, and 生成 or 合成).")
    var textLabel: String?
    @Option(help: "Comma list of marks: \(Mark.supported.map(\.rawValue).joined(separator: ",")). Default: all.") var marks: String?
    @Option(name: .customLong("max-pixels"), help: "Refuse images with more pixels than this.") var maxPixels: Int = 100_000_000
    @Option(help: "JPEG quality when pixels are re-encoded (default: the source's estimated quality).") var quality: Int?
    @Option(help: "Parallel jobs for a folder (default: the number of cores).") var jobs: Int?
    @Flag(help: "Print the result as JSON.") var json = false
    @Option(
        name: .customLong("data"), help: "Sigil's data directory (default: $SIGIL_DATA, else ~/.local/share/sigil); its keys/ hold watermark.key.")
    var dataDirectory: String?
    @Option(name: .customLong("keys"), help: "A keystore directory to use instead of DATA/keys.") var keysDirectory: String?
    @OptionGroup(title: "Generation record") var records: RecordOptions
    @Option(name: .customLong("label-signature"), help: "How ReservedCode1 is signed: sm2 (SM3withSM2, default), es256, or none.") var labelSignature:
        String = "sm2"
    @Option(name: .customLong("label-binding"), help: "The digest binding a signed ReservedCode1 to the content: sha256 (default) or sm3.")
    var labelBinding: String?
    @Option(name: .customLong("software-agent"), help: "The generator named in the C2PA manifest, as NAME or NAME/VERSION.") var softwareAgent:
        String?
    @Option(name: .customLong("passphrase-file"), help: "The passphrase of encrypted provenance keys (else SIGIL_KEY_PASSPHRASE).")
    var passphraseFile: String?

    func policy() throws -> LabelPolicy {
        var policy = LabelPolicy(producer: try ProviderCode.commandLine(producer))
        var options = LabelOptions()
        (options.marks, options.produceID, options.text, options.position, options.style) = (marks, produceID, text, position, style)
        (options.margin, options.inkHeight, options.quality) = (margin, inkHeight, quality)
        (options.labelSignature, options.labelBinding, options.softwareAgent) = (labelSignature, labelBinding, softwareAgent)
        (options.audioLabelPosition, options.toneHz, options.morseUnitMs) = (audioLabelPosition, toneHz, morseUnitMs)
        (options.audioLabel, options.voiceLabelClip, options.voiceText) = (audioLabel, voiceLabel, voiceText)
        (options.textLabelPosition, options.textLabelLanguage, options.textLabel) = (textLabelPosition, textLabelLanguage, textLabel)
        let added = try options.apply(to: &policy)
        if !added.isEmpty { Terminal.warning(LabelOptions.addedNotice(added)) }
        policy.explicit.fontPath = font
        guard maxPixels > 0 else { throw SigilError(.usage, "--max-pixels must be positive") }
        policy.maxPixels = maxPixels
        if policy.marks.contains(.watermark) {
            let (watermarker, notice) = try WatermarkKeys.load(dataDirectory: dataDirectory, keysDirectory: keysDirectory)
            if let notice {
                Terminal.warning(notice.description)
            } else if WatermarkKeys.keystore(dataDirectory: dataDirectory, keysDirectory: keysDirectory).isDevelopment(WatermarkKeys.itemName) {
                Terminal.warning("labeling with the development watermark key \(WatermarkKeys.itemName), not a provisioned one")
            }
            policy.watermarkKey = watermarker.key
        }
        if policy.marks.contains(.c2pa) || (policy.marks.contains(.implicit) && policy.labelSignature != nil) {
            // An implicit-only label signed with SM2 needs the label key alone: the C2PA chain is not parsed (decision 0027).
            let needsC2PA = policy.marks.contains(.c2pa) || policy.labelSignature == .es256
            let (keys, notices) = try ProvenanceKeyLoader.load(
                dataDirectory: dataDirectory, keysDirectory: keysDirectory, passphrase: try ProvenanceKeyLoader.passphrase(file: passphraseFile),
                c2pa: needsC2PA)
            for notice in notices { Terminal.warning(notice.description) }
            if notices.isEmpty,
                keys.c2pa == nil
                    ? DevelopmentKeys.isDevelopment(ProvenanceKeyLoader.keystore(dataDirectory: dataDirectory, keysDirectory: keysDirectory))
                    : DevelopmentKeys.isDevelopment(keys)
            {
                Terminal.warning(
                    "signing with the development keys (C2PA chain O=\(DevelopmentKeys.organization)), not provisioned ones (see `sigil keys`)")
            }
            policy.provenanceKeys = keys
        }
        return policy
    }

    func validate() throws {
        guard (output == nil) == inPlace else {
            throw ValidationError(
                inPlace ? "--in-place labels the input where it is: give no --output" : "give --output FILE (or DIR), or --in-place")
        }
    }

    /// Removes what an earlier, killed `sigil label` left where this one writes (the output's folder) and in the
    /// temporary folder: working files whose process is gone and which have not been written to for an hour
    /// (``WorkingFile/sweep(folder:olderThan:now:)``, decision 0038). Each removal is said on stderr.
    func sweepWorkingFiles() {
        var isFolder: ObjCBool = false
        let target = output ?? input
        let folder =
            FileManager.default.fileExists(atPath: target, isDirectory: &isFolder) && isFolder.boolValue
            ? target : (target as NSString).deletingLastPathComponent
        Terminal.sweepWorkingFiles(in: [folder.isEmpty ? "." : folder, NSTemporaryDirectory()])
    }

    func run() async throws {
        var isFolder: ObjCBool = false
        if produceID != nil, FileManager.default.fileExists(atPath: input, isDirectory: &isFolder), isFolder.boolValue {
            throw SigilError(
                .usage,
                "--produce-id names one file's content (GB 45438 Annex E: unique per content); label a folder without it and each file gets its own")
        }
        let policy = try policy()
        let labeler = try Labeler(policy: policy)
        try records.validate(policy: policy)
        sweepWorkingFiles()
        try await records.withKeeper(data: dataDirectory, keys: keysDirectory) { keeper in
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: input, isDirectory: &isDirectory), isDirectory.boolValue {
                let recorder = try keeper.map { BatchRecorder(keeper: $0, settings: try records.settings(), policy: policy) }
                try await BatchLabeler(
                    labeler: labeler, jobs: jobs ?? ProcessInfo.processInfo.activeProcessorCount, json: json, durable: durable, recorder: recorder
                )
                .run(inputFolder: input, outputFolder: inPlace ? nil : output ?? input)
                return
            }
            let output = output ?? input
            let outcome: LabelOutcome
            if inPlace {
                let (labeled, write) = try labeler.labelFileInPlace(at: input, durable: durable)
                if !json {
                    Terminal.note(
                        write == .overwritten
                            ? "labeled in place: only the label's bytes were written"
                            : "labeled in place: the file was rewritten atomically (no room for the label in it)")
                }
                outcome = labeled
            } else {
                outcome = try labeler.labelFile(
                    at: input, to: output, durable: durable, keepBytes: false, progress: json ? nil : Terminal.progressBar("opening label"))
            }
            for notice in outcome.notices { Terminal.warning(notice) }
            let receipt = try await records.keep(outcome, output: output, policy: policy, keeper: keeper)
            if json {
                print(outcome.json(input: input, output: output).appending([.init("record", receipt?.json ?? .null)]).prettyPrinted)
            } else {
                print(outcome.summary(input: input, output: output) + (receipt.map { "\n" + $0.summary } ?? ""))
            }
        }
    }
}

extension LabelOutcome {
    func summary(input: String, output: String) -> String {
        let size = format.kind == .image ? " \(width)×\(height)" : ""
        var lines = [
            "\(output): labeled \(format.displayName)\(size) (\(Mark.allCases.filter(marks.contains).map(\.rawValue).joined(separator: ", ")))"
        ]
        if marks.contains(.implicit) { lines.append("  implicit  TC260:AIGC \(label.json)") }
        if let c2paManifest { lines.append("  c2pa      manifest \(c2paManifest) (c2pa.created, trainedAlgorithmicMedia; signed ES256)") }
        if let p = explicit {
            lines.append(
                "  explicit  「\(p.text)」 \(p.position.rawValue), ink height \(p.inkHeight) px = \(String(format: "%.1f", p.inkHeightFraction * 100)) % of the shortest side, contrast \(String(format: "%.1f", p.contrastRatio)):1"
            )
        }
        if let o = opening {
            let r = o.record
            let p = r.painted
            let how =
                r.reencode == .head
                ? String(format: "head re-encoded up to the keyframe at %.3f s, the rest copied", r.spliceAt ?? 0)
                : "whole video re-encoded: \(o.wholeReason ?? "")"
            lines.append(
                "  explicit  「\(p.text)」 \(p.position.rawValue) on frames \(String(format: "%.3f–%.3f s", r.start, r.end)) (\(r.frames) frames), ink height \(p.inkHeight) px = \(String(format: "%.1f", p.inkHeightFraction * 100)) % of the shortest side; \(how)"
            )
        }
        if let report = textLabel, let first = report.matches.first {
            lines.append(
                "  explicit  text label 「\(first.text)」 at the \(textLabelPosition?.rawValue ?? first.placement.rawValue) (\(report.markup), \(report.encoding))"
            )
        }
        if let r = rhythm {
            let content = r.contentLUFS.map { String(format: "%.1f LUFS", $0) } ?? "silent"
            let what =
                r.voiceCharactersPerMinute.map { String(format: "voice label (%.0f characters a minute)", $0) } ?? "rhythm label Morse AI (·- ··)"
            lines.append(
                "  explicit  \(what) before frame\(r.frames.count > 1 ? "s" : "") \(r.frames.map(String.init).joined(separator: ", ")), "
                    + "\(r.labelFrames) frames, \(String(format: "%.1f", r.labelLUFS)) LUFS (content \(content))")
        }
        return lines.joined(separator: "\n")
    }
}

extension ProviderCode {
    /// The producer a labeling command uses: `--producer`, else `SIGIL_PRODUCER`, else the development code with a
    /// warning.
    static func commandLine(_ producer: String?) throws -> ProviderCode {
        if let raw = producer ?? ProcessInfo.processInfo.environment["SIGIL_PRODUCER"] { return try ProviderCode(raw) }
        Terminal.warning("no --producer given: using the development code \(ProviderCode.development) — never ship content labeled with it")
        return .development
    }
}
