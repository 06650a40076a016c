import ArgumentParser
import Foundation
import Sigil

/// `make run`: the main job on embedded defaults. Labels every sample image, verifies the result, writes a report.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Label and verify the sample images on embedded defaults, and write a short report."
    )

    @Option(help: "Folder of sample images.") var examples: String = "examples"
    @Option(name: [.short, .customLong("output")], help: "Where the labeled files and report.md go.") var output: String = "out"
    @Option(help: "ContentProducer code (default: SIGIL_PRODUCER or the development code).") var producer: String?

    func run() async throws {
        let code = try (producer ?? ProcessInfo.processInfo.environment["SIGIL_PRODUCER"]).map(ProviderCode.init) ?? .development
        var policy = LabelPolicy(producer: code)
        // The labeler reads no keystore: the demo loads (or creates, with a warning) the development keys.
        let (watermarker, watermarkNotice) = try WatermarkKeys.load()
        let (provenanceKeys, provenanceNotices) = try ProvenanceKeyLoader.load()
        for notice in [watermarkNotice].compactMap({ $0 }) + provenanceNotices { Terminal.warning(notice.description) }
        (policy.watermarkKey, policy.provenanceKeys) = (watermarker.key, provenanceKeys)
        let labeler = try Labeler(policy: policy)
        let verifier = Verifier()
        try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        let names = try BatchLabeler.labelable(in: examples, labeler: labeler)
        guard !names.isEmpty else { throw SigilError(.usage, "no sample media in \(examples)") }

        var rows: [String] = []
        var problems = 0
        for name in names {
            let input = examples + "/" + name
            let out = output + "/labeled-" + name
            let clock = ContinuousClock()
            let start = clock.now
            let outcome = try labeler.labelFile(at: input, to: out)
            let elapsed = clock.now - start
            let before = try verifier.verify(try FileIO.read(input))
            let after = try verifier.verify(try FileIO.read(out))
            if after.hasProblems { problems += 1 }
            let p = outcome.explicit
            let size = outcome.format.kind == .image ? "\(outcome.width)×\(outcome.height)" : "\(try FileIO.read(input).count / 1024) KiB"
            let marks = Mark.allCases.filter(outcome.marks.contains).map(\.rawValue).joined(separator: ", ")
            rows.append(
                "| \(name) | \(outcome.format.displayName) (\(outcome.format.kind)) | \(size) | \(marks) | \(before.verdict.rawValue) | \(after.verdict.rawValue) | \(after.conformance.rawValue) | \(p.map { String(format: "%.1f %%", $0.inkHeightFraction * 100) } ?? "–") | \(after.explicit?.presence.map { String(format: "%.2f", $0) } ?? "–") | \(outcome.label.produceID) | \(Int((Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15).rounded())) ms |"
            )
            print("\(out): \(after.verdict.rawValue), \(after.conformance.rawValue)")
        }
        let report = """
            # Sigil demo report

            Producer code: `\(code)`\(code == .development ? " (development code — not a real provider)" : "")

            | file | format | size | marks | verdict before | verdict after | conformance | ink height | label visible | ProduceID | time |
            |---|---|---|---|---|---|---|---|---|---|---|
            \(rows.joined(separator: "\n"))

            Labeled files are in `\(output)/`. Check any of them with `sigil verify FILE`.

            """
        try FileIO.writeAtomically(Array(report.utf8), to: output + "/report.md")
        print("report: \(output)/report.md")
        if problems > 0 { throw ExitCode(ExitStatus.problems) }
    }
}
