import Foundation
import Testing
import Sigil
import SigilTestSupport

/// The reader agrees with the golden verdicts of `../shared/fixtures/aigc-peers/INDEX.json` for every image
/// file there: AigcTotal's verdicts where it gives one, the cited peers' expectations otherwise.
@Suite(.enabled(if: TestSupport.hasPeers, "needs ../shared/fixtures/aigc-peers"))
struct PeerCorpusTests {
    struct Entry {
        var file: String
        var expected: [String: Any]
    }

    static func imageEntries() throws -> [Entry] {
        try entries(formats: ["jpeg", "png", "webp", "gif", "tiff", "bin"])
    }

    static func entries(formats: Set<String>) throws -> [Entry] {
        let data = try Data(contentsOf: TestSupport.peers.appendingPathComponent("INDEX.json"))
        let root = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        let files = root["files"] as! [[String: Any]]
        return files.compactMap { f in
            guard let format = f["format"] as? String, formats.contains(format) else { return nil }
            return Entry(file: f["file"] as! String, expected: f["expected"] as! [String: Any])
        }
    }

    /// What Sigil decides for peers' "has_label" answers that are not a plain yes/no, with the reason.
    static let strictDecisions: [String: (verdict: Verdict, finding: Finding.Code?)] = [
        // Bytes after IEND belong to no PNG structure: reported, never read as a label.
        "png/rawm__xmp_appended_after_iend.png": (.noLabel, .labelOutsideContainer),
        "png/rawm__empty_tc260_element_appended.png": (.noLabel, .labelOutsideContainer),
        "png/rawm__picwish_xmp_attribute_appended.png": (.noLabel, .labelOutsideContainer),
        // Real labels in sites the guide does not define: read, flagged.
        "jpeg/rawm__bare_aigc_blob_app9.jpg": (.aiGenerated, .nonstandardSite),
        "jpeg/rawm__bare_aigc_blob_app11.jpg": (.aiGenerated, .nonstandardSite),
        "png/rawm__wrapped_label_in_description_text.png": (.aiGenerated, .nonstandardSite),
        // Tencent's own schema is not an Annex E label.
        "png/rawm__tencent_serviceprovider_exif_imagedescription.png": (.noLabel, .foreignSchema),
        "png/aml__aigc-doble.png": (.aiGenerated, .doubleEncoded),
        "png/aml__aigc-json-roto.png": (.noLabel, .notJSON),
        "png/aml__aigc-dos-distintas.png": (.aiGenerated, .labelsDisagree),
        "png/aml__aigc-label-raro.png": (.suspectedAIGenerated, .labelInvalid),
        // An AIGC block after the start of a Markdown file is not front matter: reported, never read as a label.
        "md/real__zhipu_frontmatter_midfile_excerpt.md": (.noLabel, .labelOutsideContainer),
    ]

    static let conformanceNames: [String: Conformance] = [
        "compliant": .compliant, "noncompliant": .noncompliant, "inconclusive": .inconclusive, "not_found": .notFound,
    ]

    @Test func everyImageFileMatchesItsGoldenVerdict() throws {
        let entries = try Self.imageEntries()
        #expect(entries.count >= 60)
        var mismatches: [String] = []
        var checked = 0
        for entry in entries {
            let bytes = try TestSupport.read(TestSupport.peers.appendingPathComponent(entry.file))
            let report: VerificationReport
            do {
                report = try Verifier().verify(bytes)
            } catch let error as SigilError {
                // Only a file no detector recognises may be refused; AigcTotal calls it inconclusive or not_found.
                let golden = entry.expected["aigctotal_verdict"] as? String
                if error.code == .unsupportedFormat, golden == "inconclusive" || golden == "not_found" || golden == nil {
                    checked += 1
                    continue
                }
                mismatches.append("\(entry.file): threw \(error)")
                continue
            }
            checked += 1
            let codes = Set(report.allFindings.map(\.code))
            if let golden = entry.expected["aigctotal_verdict"] as? String, let want = Self.conformanceNames[golden], report.conformance != want {
                mismatches.append(
                    "\(entry.file): conformance \(report.conformance.rawValue), AigcTotal says \(golden); findings \(codes.map(\.rawValue).sorted())")
            }
            if let decision = Self.strictDecisions[entry.file] {
                if report.verdict != decision.verdict {
                    mismatches.append("\(entry.file): verdict \(report.verdict.rawValue), want \(decision.verdict.rawValue)")
                }
                if let code = decision.finding, !codes.contains(code) {
                    mismatches.append("\(entry.file): missing finding \(code); have \(codes.map(\.rawValue).sorted())")
                }
                continue
            }
            switch entry.expected["has_label"] {
            case let has as Bool where has:
                if report.verdict == .noLabel {
                    mismatches.append("\(entry.file): no label found; expected one")
                    continue
                }
                let fields =
                    (entry.expected["fields"] as? [String: String])
                    ?? ((entry.expected["sites"] as? [[String: Any]])?.first?["fields"] as? [String: String]) ?? [:]
                guard let site = report.sites.first(where: { $0.payload.hasAnnexEKeys }) else {
                    mismatches.append("\(entry.file): no label site")
                    continue
                }
                for (key, value) in fields where AIGCLabel.Key(rawValue: key) != nil {
                    let got = site.payload.fields.first { $0.key == key }?.value ?? nil
                    if got != value { mismatches.append("\(entry.file): \(key) = \(got ?? "nil"), want \(value)") }
                }
                if let sites = entry.expected["sites"] as? [[String: Any]], report.sites.count != sites.count {
                    mismatches.append("\(entry.file): \(report.sites.count) sites, golden has \(sites.count)")
                }
            case let has as Bool:
                if !has && report.verdict != .noLabel { mismatches.append("\(entry.file): verdict \(report.verdict.rawValue); expected no label") }
            default:
                mismatches.append("\(entry.file): has_label \(String(describing: entry.expected["has_label"])) needs a decision in strictDecisions")
            }
            for signal in (entry.expected["signals"] as? [[String: Any]]) ?? [] {
                let kind = signal["kind"] as? String
                let code: Finding.Code? =
                    switch kind {
                    case "structure_truncated": .structureTruncated
                    case "structure_malformed": .structureMalformed
                    case "checksum_mismatch": .checksumMismatch
                    case "carrier_ambiguous": .ambiguousFormat
                    case "metadata_shell_empty": .emptyLabel
                    default: nil
                    }
                if let code, !codes.contains(code) { mismatches.append("\(entry.file): golden signal \(kind!) but no \(code) finding") }
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) mismatches:\n\(mismatches.joined(separator: "\n"))")
        #expect(checked == entries.count)
    }

    /// The document fixtures (Markdown, OOXML, PDF, plain text): the implicit label's verdicts. AigcTotal's verdict on
    /// plain text rests on its explicit-label ("prompt pattern") check, which is SigilText's job: those files are
    /// checked for having no implicit label only.
    @Test func everyDocumentFileMatchesItsGoldenVerdict() throws {
        let entries = try Self.entries(formats: ["md", "docx", "pdf", "txt"])
        #expect(entries.count >= 12)
        var mismatches: [String] = []
        for entry in entries {
            let report = try Verifier().verify(try TestSupport.read(TestSupport.peers.appendingPathComponent(entry.file)))
            let codes = Set(report.allFindings.map(\.code))
            if let decision = Self.strictDecisions[entry.file] {
                if report.verdict != decision.verdict {
                    mismatches.append("\(entry.file): verdict \(report.verdict.rawValue), want \(decision.verdict.rawValue)")
                }
                if let code = decision.finding, !codes.contains(code) { mismatches.append("\(entry.file): missing finding \(code)") }
                continue
            }
            let goldenSites = (entry.expected["sites"] as? [[String: Any]]) ?? []
            let explicitOnly = !goldenSites.isEmpty && goldenSites.allSatisfy { $0["encoding"] as? String == "prompt_pattern" }
            if let golden = entry.expected["aigctotal_verdict"] as? String, let want = Self.conformanceNames[golden], !explicitOnly,
                report.conformance != want
            {
                mismatches.append(
                    "\(entry.file): conformance \(report.conformance.rawValue), AigcTotal says \(golden); findings \(codes.map(\.rawValue).sorted())")
            }
            let has = entry.expected["has_label"] as? Bool
            if has == false, report.verdict != .noLabel { mismatches.append("\(entry.file): verdict \(report.verdict.rawValue); expected no label") }
            if has == true {
                let fields = (entry.expected["fields"] as? [String: String]) ?? (goldenSites.first?["fields"] as? [String: String]) ?? [:]
                guard let site = report.sites.first(where: { $0.payload.hasAnnexEKeys }) else {
                    mismatches.append("\(entry.file): no label site")
                    continue
                }
                for (key, value) in fields where AIGCLabel.Key(rawValue: key) != nil {
                    let got = site.payload.fields.first { $0.key == key }?.value ?? nil
                    if got != value { mismatches.append("\(entry.file): \(key) = \(got ?? "nil"), want \(value)") }
                }
                if report.sites.count != 1 { mismatches.append("\(entry.file): \(report.sites.count) sites") }
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) mismatches:\n\(mismatches.joined(separator: "\n"))")
    }

    @Test func realDoubaoAndJimengOutputsAreCompliantLabels() throws {
        for name in ["real__doubao_black_1x1_1.png", "real__jimeng_cap_A.png"] {
            let report = try Verifier().verify(try TestSupport.read(TestSupport.peers.appendingPathComponent("png/" + name)))
            #expect(report.verdict == .aiGenerated, "\(name)")
            #expect(report.sites.count == 1)
            #expect(report.sites.first?.carrier.kind == .xmpElement)
            #expect(report.conformance == .compliant, "\(name): \(report.allFindings)")
        }
    }
}
