extension MediaFormat {
    /// Markdown with front matter (YAML `---` or TOML `+++`), UTF-8 with or without a byte-order mark.
    public static let markdown = MediaFormat(
        id: "markdown", displayName: "Markdown", kind: .text, mimeTypes: ["text/markdown", "text/x-markdown"], extensions: ["md", "markdown"])
}

/// Markdown: the label is the `AIGC:` entry of the YAML front matter, a mapping of the seven Annex E keys (TC260
/// PG-20258A); Sigil also reads the inline-JSON form `AIGC: {"Label":"1",…}` and TOML front matter (`+++`).
///
/// Markdown has no magic number: from bytes, a file is Markdown when it starts (after an optional UTF-8 BOM)
/// with a front-matter fence line and is text. Markdown without front matter sniffs as ``MediaFormat/plainText``;
/// a caller that knows the file is Markdown (its `.md` name) asks ``MediaRegistry/identify(_:fileExtension:)``,
/// and the label then goes into new front matter. The essence is the body after the front matter, which labeling
/// leaves byte-identical; the edit reads only the front matter (``StreamingLabelWriting``). A C2PA manifest is a
/// ``StructuredTextManifest`` block, a comment line inside the front matter (decision 0208).
public struct MarkdownFormat: LabelReading, StreamingLabelWriting, EssenceLocating {
    public init() {}
    public var formats: [MediaFormat] { [.markdown] }

    public func identify(_ prefix: [UInt8]) -> MediaFormat? {
        FrontMatter.openingSyntax(prefix) != nil && TextSniffing.isText(prefix) ? .markdown : nil
    }

    public func scanLabels(_ bytes: [UInt8], into scan: inout ContainerScan) {
        do {
            guard let frontMatter = try FrontMatter.locate(in: bytes) else { return }
            let content = Array(bytes[frontMatter.content])
            switch frontMatter.syntax {
            case .yaml:
                let yaml = try YAMLFrontMatter(content, offset: frontMatter.content.lowerBound)
                scan.carriers += yaml.labelEntries.map(yaml.carrier)
            case .toml:
                let toml = try TOMLFrontMatter(content, offset: frontMatter.content.lowerBound)
                scan.carriers += toml.sites.map(toml.carrier)
            }
        } catch let error as SigilError {
            scan.findings.append(Finding.structural(error, site: "Markdown front matter"))
        } catch {
            scan.findings.append(Finding(.structureMalformed, .error, "\(error)", location: "Markdown front matter", offset: 0))
        }
    }

    public func writeLabel(_ label: LabelAssignment, into bytes: [UInt8]) throws -> [UInt8] {
        try labelEdits(label, in: MemoryByteSource(bytes)).apply(to: bytes)
    }

    public func labelEdits(_ label: LabelAssignment, in source: any ByteSource) throws -> EditPlan {
        let head = try source.read(0..<min(source.count, FrontMatter.maximumLength + 16))
        let fields = try AnnexEFields.of(label)
        var plan = EditPlan(sourceLength: source.count)
        guard let frontMatter = try FrontMatter.locate(in: head) else {
            guard TextSniffing.isUTF8(Array(head.prefix(4096))) else {
                throw SigilError(.unsupportedFormat, "the Markdown file is not UTF-8; front matter needs UTF-8", offset: 0)
            }
            let lineBreak = Self.lineBreak(of: head)
            let block = Array("---".utf8) + lineBreak + YAMLFrontMatter.block(fields, lineBreak: lineBreak) + Array("---".utf8) + lineBreak
            plan.insert(block, at: FrontMatter.bomLength(head))
            return plan
        }
        let content = Array(head[frontMatter.content])
        let edited: [UInt8]
        switch frontMatter.syntax {
        case .yaml:
            edited = try YAMLFrontMatter(content, offset: frontMatter.content.lowerBound).labeled(with: fields, lineBreak: frontMatter.lineBreak)
        case .toml:
            edited = try TOMLFrontMatter(content, offset: frontMatter.content.lowerBound).labeled(with: fields, lineBreak: frontMatter.lineBreak)
        }
        if edited != content { plan.replace(frontMatter.content, with: edited) }
        return plan
    }

    public func essenceRanges(in source: any ByteSource) throws -> [Range<Int>] {
        let head = try source.read(0..<min(source.count, FrontMatter.maximumLength + 16))
        let start = try FrontMatter.locate(in: head)?.end ?? FrontMatter.bomLength(head)
        return [start..<source.count]
    }

    /// The line break of the first line (`\r\n` or `\n`; `\n` for a file of one line).
    static func lineBreak(of bytes: [UInt8]) -> [UInt8] {
        guard let lf = bytes.firstIndex(of: 0x0A) else { return [0x0A] }
        return lf > 0 && bytes[lf - 1] == 0x0D ? [0x0D, 0x0A] : [0x0A]
    }
}
