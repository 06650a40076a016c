import Foundation
import Testing
@testable import SigilContainers

/// The golden corpus of peer projects' fixtures (AigcTotal, ai-mark-lint, remove-ai-watermarks, real samples):
/// every image file listed in INDEX.json is scanned and compared with its expected result.
@Suite(.enabled(if: Fixtures.peersAvailable, "the shared peer fixtures are not present"))
struct PeerCorpusTests {
    struct Entry: CustomTestStringConvertible, Sendable {
        var file: String
        var hasLabel: String // "true", "false" or the peer's note
        var expectedFields: [[String: String]]
        var signals: [String]
        var testDescription: String { file }
    }

    static let imageDirectories: Set<String> = ["jpeg", "png", "webp", "gif", "tiff", "bin"]

    static func entries(in directories: Set<String> = imageDirectories) -> [Entry] {
        let url = Fixtures.peers.appendingPathComponent("INDEX.json")
        guard let data = try? Data(contentsOf: url),
            let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let files = root["files"] as? [[String: Any]]
        else { return [] }
        var result: [Entry] = []
        for file in files {
            guard let path = file["file"] as? String, let dir = path.split(separator: "/").first, directories.contains(String(dir)) else { continue }
            let expected = file["expected"] as? [String: Any] ?? [:]
            let hasLabel: String
            switch expected["has_label"] {
            case let b as Bool: hasLabel = b ? "true" : "false"
            case let s as String: hasLabel = s
            default: hasLabel = "false"
            }
            var fields: [[String: String]] = []
            if let sites = expected["sites"] as? [Any] {
                for site in sites {
                    if let site = site as? [String: Any], let f = site["fields"] as? [String: String] { fields.append(f) }
                }
            }
            if fields.isEmpty, let f = expected["fields"] as? [String: String], !f.isEmpty { fields.append(f) }
            let signals = (expected["signals"] as? [[String: Any]] ?? []).compactMap { $0["kind"] as? String }
            result.append(Entry(file: path, hasLabel: hasLabel, expectedFields: fields, signals: signals))
        }
        return result
    }

    @Test func corpusIsListed() {
        #expect(Self.entries().count >= 60)
    }

    @Test(arguments: entries())
    func scanMatchesExpectation(_ entry: Entry) throws {
        let bytes = try Fixtures.peer(entry.file)
        let scan = try LabelScanner.scan(bytes)
        let name = (entry.file as NSString).lastPathComponent
        let parsed = scan.carriers.map { ($0, $0.parsedPayload) }

        func carrier(matching fields: [String: String]) -> LabelCarrier? {
            parsed.first { _, payload in
                fields.allSatisfy { key, value in
                    payload.fields.first { $0.key == key }?.value == value
                }
            }?.0
        }

        switch name {
        case "rawm__xmp_appended_after_iend.png", "rawm__picwish_xmp_attribute_appended.png", "rawm__empty_tc260_element_appended.png":
            // Bytes after IEND are no label site.
            #expect(scan.carriers.isEmpty, "\(entry.file): \(scan.carriers.map(\.location))")
            #expect(scan.has(.labelOutsideContainer))
            #expect(scan.has(.trailingData))
            return
        case "rawm__wrapped_label_in_description_text.png":
            let c = carrier(matching: entry.expectedFields.first ?? [:])
            #expect(c?.kind == .foreignText)
            #expect(c?.standard == false)
            return
        case "rawm__bare_aigc_blob_app9.jpg", "rawm__bare_aigc_blob_app11.jpg":
            let c = carrier(matching: entry.expectedFields.first ?? [:])
            #expect(c?.kind == .segmentBlob)
            #expect(c?.standard == false)
            #expect(c?.parsedPayload.form == .prefixedBlob)
            return
        case "rawm__tencent_serviceprovider_exif_imagedescription.png":
            #expect(scan.carriers.contains { $0.kind == .exifImageDescription })
            #expect(scan.labelCarriers.isEmpty)
            return
        case "aml__xmp-roto.jpg":
            #expect(scan.has(.xmpMalformed))
            #expect(scan.labelCarriers.isEmpty)
            return
        case "aml__aigc-dos-distintas.png":
            #expect(scan.labelCarriers.count == 2)
            #expect(Set(scan.labelCarriers.compactMap { $0.parsedPayload.value(of: .produceID) }) == ["ai-mark-lint-fixture-0001", "otro-id"])
            return
        default:
            break
        }

        switch entry.hasLabel {
        case "true", "double-encoded":
            #expect(!entry.expectedFields.isEmpty, "\(entry.file) lists no fields")
            for fields in entry.expectedFields {
                let c = carrier(matching: fields)
                #expect(
                    c != nil,
                    "\(entry.file): no carrier yields \(fields); carriers: \(parsed.map { ($0.0.location, $0.1.fields.map { "\($0.key)=\($0.value ?? "nil")" }) })"
                )
                if entry.hasLabel == "double-encoded" { #expect(c?.parsedPayload.form == .doubleEncoded) }
            }
            if entry.expectedFields.count > 1 { #expect(scan.labelCarriers.count >= entry.expectedFields.count) }
        case "present but not JSON":
            #expect(scan.carriers.count == 1)
            #expect(scan.carriers.first?.parsedPayload.form == .unreadable)
        case "false":
            #expect(scan.labelCarriers.isEmpty, "\(entry.file): unexpected label carriers \(scan.labelCarriers.map(\.location))")
        default:
            Issue.record("\(entry.file): unhandled has_label \(entry.hasLabel)")
        }

        for signal in entry.signals {
            switch signal {
            case "structure_truncated": #expect(scan.has(.structureTruncated), "\(entry.file): \(scan.findings.map(\.message))")
            case "structure_malformed": #expect(scan.has(.structureMalformed), "\(entry.file): \(scan.findings.map(\.message))")
            case "checksum_mismatch": #expect(scan.has(.checksumMismatch))
            case "carrier_ambiguous": #expect(scan.has(.ambiguousFormat))
            case "metadata_shell_empty": #expect(scan.has(.emptyLabel))
            default: Issue.record("\(entry.file): unhandled signal \(signal)")
            }
        }
        // Files the peers call clean carry no structural error.
        if entry.signals.isEmpty && entry.hasLabel != "present but not JSON" && !name.hasPrefix("aml__xmp-roto") {
            let errors = scan.findings.filter { $0.severity == .error && $0.code != .emptyLabel }
            #expect(errors.isEmpty, "\(entry.file): \(errors.map(\.message))")
        }
    }

    /// Every fixture, cut at many lengths, scans without crashing and without throwing anything but
    /// unsupportedFormat.
    @Test func truncatedFixturesNeverCrash() throws {
        for entry in Self.entries() {
            let bytes = try Fixtures.peer(entry.file)
            guard bytes.count < 100_000 else { continue }
            let step = max(1, bytes.count / 97)
            for cut in stride(from: 0, to: bytes.count, by: step) {
                let prefix = Array(bytes[..<cut])
                do {
                    _ = try LabelScanner.scan(prefix)
                } catch let error as SigilError {
                    #expect(error.code == .unsupportedFormat, "\(entry.file) cut at \(cut): \(error)")
                }
                _ = try? ImageHeader.read(prefix)
                _ = try? LabelWriter.write(json: Build.sampleJSON, wrappedJSON: Build.sampleWrapped, extra: [], into: prefix)
            }
        }
    }
}
