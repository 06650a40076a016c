import ArgumentParser
import Foundation
import Sigil

struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Show every label in a file, whether each is well-formed, and the verdict.",
        discussion: "Exits 0 when every file carries a conformant label, 1 when a file has no label or a defect, 3 when a file cannot be read."
    )

    @Argument(help: "Files to verify.") var inputs: [String]
    @Flag(help: "Print the report as JSON (an array when several files are given).") var json = false
    @Flag(name: .customLong("no-decode"), help: "Do not decode pixels (skips the visible-label check).") var noDecode = false
    @Option(name: .customLong("max-pixels"), help: "Refuse to decode images with more pixels than this.") var maxPixels: Int = 100_000_000
    @Option(
        name: .customLong("data"), help: "Sigil's data directory (default: $SIGIL_DATA, else ~/.local/share/sigil); its keys/ hold watermark.key.")
    var dataDirectory: String?
    @Option(name: .customLong("keys"), help: "A keystore directory to use instead of DATA/keys.") var keysDirectory: String?
    @Flag(name: .customLong("no-watermark"), help: "Do not look for the pixel watermark.") var noWatermark = false
    @Option(
        name: .customLong("trust-anchors"),
        help: "PEM file of C2PA trust anchors (e.g. `sigil keys anchor` output); signers that chain to one are `valid`.") var trustAnchors: String?
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
        options.labelKeys = ProvenanceKeyLoader.keystore(dataDirectory: dataDirectory, keysDirectory: keysDirectory).publicLabelKeys()
        let verifier = Verifier(options: options)
        let keeper = try await records.openKeeper(data: dataDirectory, keys: keysDirectory)
        let lookup = dataDirectory != nil || records.database != nil
        var reports: [JSONValue] = []
        var worst = ExitStatus.success
        for input in inputs {
            do {
                let bytes = try FileIO.read(input)
                var report = try verifier.verify(bytes)
                verifier.checkOpeningLabel(at: input, into: &report)
                let check = try await records.check(
                    input: input, bytes: bytes, produceID: report.label?.produceID, perceptualHash: report.perceptualHash, lookup: lookup,
                    keeper: keeper, data: dataDirectory, keys: keysDirectory)
                if report.hasProblems || check?.hasProblems == true { worst = max(worst, ExitStatus.problems) }
                if json {
                    reports.append(report.json(file: input).appending((check?.jsonMembers ?? []) + DevelopmentKeys.jsonMembers(report.c2pa?.signer)))
                } else {
                    print(([report.text(file: input)] + (check?.lines ?? [])).joined(separator: "\n"))
                }
            } catch let error as SigilError {
                let e = error.path == nil ? error.at(path: input) : error
                worst = ExitStatus.badInput
                if json {
                    reports.append(
                        .object(["file": .string(input), "error": .object(["code": .string(e.code.rawValue), "message": .string(e.description)])]))
                } else {
                    Terminal.error(e.description)
                }
            }
        }
        try? await keeper?.close()
        if json { print((reports.count == 1 ? reports[0] : .array(reports)).prettyPrinted) }
        if worst != ExitStatus.success { throw ExitCode(worst) }
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
        if let c2pa {
            var line = "  c2pa         \(c2pa.state.rawValue)"
            if let signer = c2pa.signer {
                line +=
                    " — signed \(signer.algorithm ?? "") by \(signer.commonName ?? "?") (\(signer.organization ?? "no O="), issuer \(signer.issuer ?? "?"))"
            }
            if let source = c2pa.digitalSourceType { line += "; \(source.split(separator: "/").last ?? "")" }
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
