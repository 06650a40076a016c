import ArgumentParser
import Foundation
import Sigil

struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Show every label in a file, whether each is well-formed, and the verdict.",
        discussion: """
            Exits 0 when every file carries a conformant label, 1 when a file has no label or a defect, 3 when a file cannot be read. \
            A folder is verified in parallel on every core; with --json each file is one line of JSON (NDJSON) as it finishes, and a \
            progress bar goes to standard error when it is a terminal.
            """
    )

    @Argument(help: "Files to verify, or folders (every file in them, in parallel, one JSON line each with --json).") var inputs: [String]
    @Flag(help: "Print the report as JSON (an array when several files are given; one line per file for a folder).") var json = false
    @Flag(
        name: .customLong("no-decode"),
        help: "Metadata only: never decode pixels or samples (skips the visible-label, watermark and rhythm checks; the report says so).")
    var noDecode = false
    @Option(name: .customLong("max-pixels"), help: "Refuse to decode images with more pixels than this.") var maxPixels: Int = 100_000_000
    @Option(
        name: .customLong("data"), help: "Sigil's data directory (default: $SIGIL_DATA, else ~/.local/share/sigil); its keys/ hold watermark.key.")
    var dataDirectory: String?
    @Option(name: .customLong("keys"), help: "A keystore directory to use instead of DATA/keys.") var keysDirectory: String?
    @Flag(name: .customLong("no-watermark"), help: "Do not look for the image or audio watermark.") var noWatermark = false
    @Option(
        name: .customLong("trust-anchors"),
        help: "PEM file of C2PA trust anchors (e.g. `sigil keys anchor` output); signers that chain to one are `valid`.") var trustAnchors: String?
    @Option(help: "Parallel jobs for a folder (default: the number of cores).") var jobs: Int?
    @Option(
        name: .customLong("textmark-tokenizer"),
        help: "The text generator's tokenizer (tokenizer.json or .gguf): test text and documents for the keyed text mark.")
    var textMarkTokenizer: String?
    @OptionGroup(title: "Generation record") var records: VerifyRecordOptions

    func run() async throws {
        var options = Verifier.Options()
        options.decodePixels = !noDecode
        options.maxPixels = maxPixels
        if !noDecode && !noWatermark {
            // A read creates no key: without watermark.key there is no watermark of ours to look for.
            options.watermarkKey = try WatermarkKeys.existing(dataDirectory: dataDirectory, keysDirectory: keysDirectory)
        }
        if let trustAnchors { options.trustAnchors = try TrustAnchors(pem: String(decoding: try FileIO.read(trustAnchors), as: UTF8.self)) }
        options.pdftotext = PDFText.locate()
        options.labelKeys = ProvenanceKeyLoader.keystore(dataDirectory: dataDirectory, keysDirectory: keysDirectory).publicLabelKeys()
        if let textMarkTokenizer, let key = try TextMarkKeys.existing(dataDirectory: dataDirectory, keysDirectory: keysDirectory) {
            options.textMark = TextMarkDetector(key: key, tokenizer: try TextTokenizer.load(path: textMarkTokenizer))
        }
        // A sound is fingerprinted only when a log is looked up (the record lookup by sound).
        options.fingerprintAudio = dataDirectory != nil || records.database != nil
        options.fingerprintVideo = options.fingerprintAudio
        let verifier = Verifier(options: options)
        let keeper = try await records.openKeeper(data: dataDirectory, keys: keysDirectory)
        if inputs.contains(where: FolderVerifier.isFolder) {
            let files = try inputs.flatMap { input in
                if FolderVerifier.isFolder(input) { return try FolderVerifier.files(in: input) }
                return [input]
            }
            let worst = try await FolderVerifier(verifier: verifier, jobs: jobs ?? ProcessInfo.processInfo.activeProcessorCount, json: json).run(
                files
            ) { input, bytes, report in
                try await check(input, bytes, report, keeper: keeper)
            }
            try? await keeper?.close()
            if worst != ExitStatus.success { throw ExitCode(worst) }
            return
        }
        var reports: [JSONValue] = []
        var worst = ExitStatus.success
        for input in inputs {
            do {
                let bytes = try FileIO.read(input)
                var report = try verifier.verify(bytes, fileExtension: FileIO.fileExtension(of: input))
                verifier.checkOpeningLabel(at: input, into: &report)
                verifier.fingerprintVideo(at: input, into: &report)
                let check = try await check(input, bytes, report, keeper: keeper)
                if report.hasProblems || check?.hasProblems == true { worst = max(worst, ExitStatus.problems) }
                if json {
                    reports.append(Self.json(input, report, check))
                } else {
                    print(Self.text(input, report, check))
                }
            } catch let error as SigilError {
                worst = ExitStatus.badInput
                if json {
                    reports.append(Self.json(input, error))
                } else {
                    Terminal.error(Self.located(error, input).description)
                }
            }
        }
        try? await keeper?.close()
        if json { print((reports.count == 1 ? reports[0] : .array(reports)).prettyPrinted) }
        if worst != ExitStatus.success { throw ExitCode(worst) }
    }

    /// The record and proof check of one file (nil when none was asked for).
    func check(_ input: String, _ bytes: [UInt8], _ report: VerificationReport, keeper: RecordKeeper?) async throws -> RecordCheck? {
        try await records.check(
            input: input, bytes: bytes, produceID: report.label?.produceID, perceptualHash: report.perceptualHash,
            lookup: dataDirectory != nil || records.database != nil, keeper: keeper, data: dataDirectory, keys: keysDirectory, decode: !noDecode,
            audioFingerprint: report.audioFingerprint, videoFingerprint: report.videoFingerprint)
    }

    static func located(_ error: SigilError, _ input: String) -> SigilError { error.path == nil ? error.at(path: input) : error }

    /// One file's `--json` object.
    static func json(_ input: String, _ report: VerificationReport, _ check: RecordCheck?) -> JSONValue {
        report.json(file: input).appending((check?.jsonMembers ?? []) + DevelopmentKeys.jsonMembers(report.c2pa?.signer))
    }

    /// The `--json` object of a file that could not be verified.
    static func json(_ input: String, _ error: SigilError) -> JSONValue {
        let e = located(error, input)
        return .object(["file": .string(input), "error": .object(["code": .string(e.code.rawValue), "message": .string(e.description)])])
    }

    /// One file's text report.
    static func text(_ input: String, _ report: VerificationReport, _ check: RecordCheck?) -> String {
        ([report.text(file: input)] + (check?.lines ?? [])).joined(separator: "\n")
    }
}

extension VerificationReport {
    /// The human-readable report.
    func text(file: String) -> String {
        var lines: [String] = []
        lines.append("\(file): \(verdict.rawValue) — \(verdict.summary.en) \(verdict.summary.zh)")
        lines.append("  format       \(format?.displayName ?? "unknown"); conformance: \(conformance.rawValue)")
        if sites.isEmpty { lines.append("  implicit     none found") }
        for (i, site) in sites.enumerated() {
            lines.append("  implicit[\(i)]  \(site.carrier.location) at offset \(site.carrier.offset), \(site.payload.form.rawValue) JSON")
            for key in AIGCLabel.Key.allCases where site.payload.fields.contains(where: { $0.key == key.rawValue }) {
                lines.append(
                    "               \(key.rawValue.padding(toLength: 18, withPad: " ", startingAt: 0))\(site.payload.value(of: key).map { "\"\($0)\"" } ?? "(not a string)")"
                )
            }
            for f in site.findings { lines.append("               \(f.severity.rawValue): \(f.code) — \(f.message)") }
        }
        if let explicit {
            let p = explicit.record.painted
            var line =
                "  explicit     「\(p.text)」 at \(p.position.rawValue), ink height \(String(format: "%.1f", p.inkHeightFraction * 100)) % of the shortest side"
            if let presence = explicit.presence {
                line += "; still visible: \(explicit.intact == true ? "yes" : "NO") (presence \(String(format: "%.2f", presence)))"
            }
            lines.append(line)
        } else if let opening {
            let p = opening.record.painted
            lines.append(
                "  explicit     「\(p.text)」 at \(p.position.rawValue) on the opening frames: shown \(String(format: "%.3f", opening.shownFor)) s from frame 0 "
                    + "(recorded \(String(format: "%.3f–%.3f s", opening.record.start, opening.record.end))), ink height \(String(format: "%.1f", opening.inkHeightFraction * 100)) % of the shortest side; "
                    + "GB 45438 5.4: \(opening.conforms ? "met" : "NOT met")")
        } else {
            lines.append("  explicit     no record of a Sigil visible label (a visible label may still be present)")
        }
        for d in rhythm ?? [] {
            lines.append(
                "  rhythm       \(d.isMorseAI ? "Morse AI (·- ··)" : "NOT Morse AI: \"\(d.letters)\" (\(d.pattern))") at \(String(format: "%.2f–%.2f s", d.start, d.end)), "
                    + "unit \(String(format: "%.0f", d.unitMilliseconds)) ms, tone \(String(format: "%.0f", d.toneHertz)) Hz")
        }
        if rhythm?.isEmpty == true { lines.append("  rhythm       no rhythm label heard") }
        if let explicitText { lines.append("  text label   \(explicitText.summary)") }
        if let textMark { lines.append("  text mark    \(textMark.summary)") }
        if let c2pa {
            var line = "  c2pa         \(c2pa.state.rawValue)"
            if let signer = c2pa.signer {
                line +=
                    " — signed \(signer.algorithm ?? "") by \(signer.commonName ?? "?") (\(signer.organization ?? "no O="), issuer \(signer.issuer ?? "?"))"
            }
            if let source = c2pa.digitalSourceType { line += "; \(source.split(separator: "/").last ?? "")" }
            if let generator = c2pa.claimGenerator { line += "; claim generator \(generator)" }
            if let aigc = c2pa.aigcLabel { line += "; AIGC assertion (ProduceID \(aigc.produceID))" }
            lines.append(line)
            if let signer = c2pa.signer, DevelopmentKeys.isDevelopment(signer) { lines.append("               \(DevelopmentKeys.signedNotice)") }
            if !c2pa.failureCodes.isEmpty { lines.append("               failures: \(c2pa.failureCodes.joined(separator: ", "))") }
            for failure in c2pa.hardFailures.prefix(3) { lines.append("               \(failure.explanation)") }
        }
        if let integrity { lines.append("  integrity    \(integrity.state.rawValue) (\(integrity.field)) — \(integrity.reason)") }
        if let watermark {
            let d = watermark.detection
            var line = "  watermark    "
            if let hex = d.payloadHex {
                line += "detected, payload \(hex), confidence \(String(format: "%.4f", d.confidence))"
                switch watermark.matchesProduceID {
                case true?: line += "; matches the implicit label's ProduceID"
                case false?: line += "; does NOT match the implicit label's ProduceID"
                case nil: line += "; no ProduceID to compare"
                }
            } else {
                line += "none found (with this key)"
            }
            lines.append(line)
        }
        for f in findings { lines.append("  \(f.severity.rawValue): \(f.code) — \(f.message)") }
        return lines.joined(separator: "\n")
    }
}
