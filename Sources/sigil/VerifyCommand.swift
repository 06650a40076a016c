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

    func run() async throws {
        var options = Verifier.Options()
        options.decodePixels = !noDecode
        options.maxPixels = maxPixels
        let verifier = Verifier(options: options)
        var reports: [JSONValue] = []
        var worst = ExitStatus.success
        for input in inputs {
            do {
                let report = try verifier.verify(try FileIO.read(input))
                if report.hasProblems { worst = max(worst, ExitStatus.problems) }
                if json { reports.append(report.json(file: input)) } else { print(report.text(file: input)) }
            } catch let error as SigilError {
                let e = error.path == nil ? error.at(path: input) : error
                worst = ExitStatus.badInput
                if json {
                    reports.append(.object(["file": .string(input), "error": .object(["code": .string(e.code.rawValue), "message": .string(e.description)])]))
                } else {
                    Terminal.error(e.description)
                }
            }
        }
        if json { print((reports.count == 1 ? reports[0] : .array(reports)).prettyPrinted) }
        if worst != ExitStatus.success { throw ExitCode(worst) }
    }
}

extension VerificationReport {
    /// The human-readable report.
    func text(file: String) -> String {
        var lines: [String] = []
        lines.append("\(file): \(verdict.rawValue) — \(verdict.summary.en) \(verdict.summary.zh)")
        lines.append("  format       \(format?.rawValue ?? "unknown"); conformance: \(conformance.rawValue)")
        if sites.isEmpty { lines.append("  implicit     none found") }
        for (i, site) in sites.enumerated() {
            lines.append("  implicit[\(i)]  \(site.carrier.location) at offset \(site.carrier.offset), \(site.payload.form.rawValue) JSON")
            for key in AIGCLabel.Key.allCases where site.payload.fields.contains(where: { $0.key == key.rawValue }) {
                lines.append("               \(key.rawValue.padding(toLength: 18, withPad: " ", startingAt: 0))\(site.payload.value(of: key).map { "\"\($0)\"" } ?? "(not a string)")")
            }
            for f in site.findings { lines.append("               \(f.severity.rawValue): \(f.code) — \(f.message)") }
        }
        if let explicit {
            let p = explicit.record.painted
            var line = "  explicit     「\(p.text)」 at \(p.position.rawValue), ink height \(String(format: "%.1f", p.inkHeightFraction * 100)) % of the shortest side"
            if let presence = explicit.presence { line += "; still visible: \(explicit.intact == true ? "yes" : "NO") (presence \(String(format: "%.2f", presence)))" }
            lines.append(line)
        } else {
            lines.append("  explicit     no record of a Sigil visible label (a visible label may still be present)")
        }
        for f in findings { lines.append("  \(f.severity.rawValue): \(f.code) — \(f.message)") }
        return lines.joined(separator: "\n")
    }
}
